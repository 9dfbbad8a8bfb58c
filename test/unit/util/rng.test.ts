import { describe, expect, it } from 'vitest';
import { systemRng } from '../../../src/runtime.js';
import { seededRng } from '../../../src/util/rng.js';

describe('seededRng()', () => {
  it('gives the same stream for the same seed and a different one for another seed', () => {
    const a = seededRng(7);
    const b = seededRng(7);
    const c = seededRng(8);
    const sa = [a.nextU32(), a.nextU32(), a.nextU32()];
    expect([b.nextU32(), b.nextU32(), b.nextU32()]).toEqual(sa);
    expect([c.nextU32(), c.nextU32(), c.nextU32()]).not.toEqual(sa);
  });

  it('keeps its streams: known values (pinned when the state moved from a Uint32Array to fields)', () => {
    const a = seededRng(1);
    expect([a.nextU32(), a.nextU32(), a.nextU32(), a.nextU32()]).toEqual([
      4040165495, 2530229155, 1654486336, 782173951,
    ]);
    expect(seededRng(1).fork('node-3').nextU32()).toBe(1176096170);
    expect(seededRng(1).fork('node-3').fork('y').nextU32()).toBe(1476039969);
    expect(seededRng('x').nextU32()).toBe(2622829686);
  });

  it('fork(label) depends only on the seed and the label, not on draws so far', () => {
    const a = seededRng('s');
    const b = seededRng('s');
    b.nextU32();
    b.nextU32();
    expect(a.fork('node-1').nextU32()).toBe(b.fork('node-1').nextU32());
    expect(a.fork('node-1').nextU32()).not.toBe(a.fork('node-2').nextU32());
  });

  it('nextInt() stays in range and covers it', () => {
    const rng = seededRng(1);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const v = rng.nextInt(7);
      expect(v >= 0 && v < 7).toBe(true);
      seen.add(v);
    }
    expect(seen.size).toBe(7);
    expect(() => rng.nextInt(0)).toThrow(RangeError);
  });

  it('nextFloat() is in [0, 1) and bytes(n) has length n', () => {
    const rng = seededRng(2);
    for (let i = 0; i < 1000; i++) {
      const f = rng.nextFloat();
      expect(f >= 0 && f < 1).toBe(true);
    }
    expect(rng.bytes(13)).toHaveLength(13);
  });

  it('refuses bad seeds', () => {
    expect(() => seededRng(1.5)).toThrow(RangeError);
    expect(() => seededRng({} as unknown as number)).toThrow(TypeError);
  });
});

describe('systemRng()', () => {
  it('draws distinct bytes', () => {
    const rng = systemRng();
    expect(rng.bytes(16)).not.toEqual(rng.bytes(16));
    expect(rng.fork('x').nextU32()).toBeTypeOf('number');
  });
});
