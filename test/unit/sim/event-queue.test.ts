import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../../src/sim/event-queue.js';
import { seededRng } from '../../../src/util/rng.js';

function drain(q: EventQueue): [number, number, number, number, unknown][] {
  const out: [number, number, number, number, unknown][] = [];
  while (q.pop()) out.push([q.time, q.kind, q.a, q.b, q.ref]);
  return out;
}

describe('EventQueue', () => {
  it('pops events in time order and returns false when empty', () => {
    const q = new EventQueue(2);
    q.push(30, 1, 0, 0, 'c');
    q.push(10, 2, 1, 1.5, 'a');
    q.push(20, 3, 2, 2, 'b');
    expect(q.size).toBe(3);
    expect(q.peekTime()).toBe(10);
    expect(drain(q)).toEqual([
      [10, 2, 1, 1.5, 'a'],
      [20, 3, 2, 2, 'b'],
      [30, 1, 0, 0, 'c'],
    ]);
    expect(q.pop()).toBe(false);
    expect(q.peekTime()).toBe(Number.POSITIVE_INFINITY);
  });

  it('keeps events with equal times in push order (FIFO ties)', () => {
    const q = new EventQueue(4);
    for (let i = 0; i < 100; i++) q.push(i % 3, 0, i, 0, undefined);
    const popped = drain(q);
    const expected = [0, 1, 2].flatMap((t) =>
      Array.from({ length: 100 }, (_, i) => i).filter((i) => i % 3 === t),
    );
    expect(popped.map((e) => e[2])).toEqual(expected);
  });

  it('matches a stable sort under random interleaved pushes and pops, growing past its capacity', () => {
    const rng = seededRng('event-queue');
    const q = new EventQueue(1);
    const model: { time: number; seq: number }[] = [];
    let seq = 0;
    for (let step = 0; step < 5_000; step++) {
      if (model.length === 0 || rng.nextFloat() < 0.6) {
        const time = rng.nextInt(500);
        q.push(time, 7, seq, 0, null);
        model.push({ time, seq: seq++ });
      } else {
        model.sort((x, y) => x.time - y.time || x.seq - y.seq);
        const want = model.shift()!;
        expect(q.pop()).toBe(true);
        expect([q.time, q.a]).toEqual([want.time, want.seq]);
      }
      expect(q.size).toBe(model.length);
    }
    expect(q.pushed).toBe(seq);
  });

  it('drops its reference to a popped record and empties on clear()', () => {
    const q = new EventQueue();
    q.push(1, 0, 0, 0, { big: true });
    q.push(2, 0, 0, 0, 'x');
    q.clear();
    expect(q.size).toBe(0);
    expect(q.pop()).toBe(false);
    q.push(5, 0, 0, 0, 'y');
    expect(drain(q)).toEqual([[5, 0, 0, 0, 'y']]);
  });

  it('refuses a non-positive initial capacity', () => {
    expect(() => new EventQueue(0)).toThrow(RangeError);
    expect(() => new EventQueue(1.5)).toThrow(RangeError);
  });
});
