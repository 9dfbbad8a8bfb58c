/**
 * The session's event streams: a subscriber gets what was pushed after it subscribed (queued
 * ahead: `first`), loses the oldest beyond its bound (counted), ends at close after its queue,
 * ends on return(), and throws CANCELLED when its signal fires.
 */
import { describe, expect, it } from 'vitest';
import { EventStream } from '../../../src/gmc/group-stream.js';
import { PnrpError } from '../../../src/peer/error.js';

async function drain<T>(it: AsyncIterator<T>): Promise<T[]> {
  const out: T[] = [];
  for (let r = await it.next(); !r.done; r = await it.next()) out.push(r.value);
  return out;
}

describe('EventStream', () => {
  it('delivers from subscription on, bounded, and ends after its queue at close', async () => {
    const stream = new EventStream<number>(3);
    stream.push(0);
    const it = stream.subscribe({}, [-1]);
    for (const n of [1, 2, 3, 4]) stream.push(n);
    stream.close();
    expect(await drain(it)).toEqual([2, 3, 4]);
    expect(stream.dropped).toBe(2);
    expect(await drain(stream.subscribe())).toEqual([]);
  });

  it('a waiting reader wakes on push; return() ends it', async () => {
    const stream = new EventStream<string>();
    const it = stream.subscribe();
    const next = it.next();
    stream.push('a');
    expect(await next).toEqual({ value: 'a', done: false });
    await it.return!();
    stream.push('b');
    expect(await it.next()).toEqual({ value: undefined, done: true });
  });

  it('an aborted signal ends the iteration with CANCELLED', async () => {
    const stream = new EventStream<string>();
    const controller = new AbortController();
    const it = stream.subscribe({ signal: controller.signal });
    const pending = it.next();
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(PnrpError);
    await expect(stream.subscribe({ signal: AbortSignal.abort() }).next()).rejects.toMatchObject({
      code: 'CANCELLED',
    });
  });
});
