/**
 * SearchIterator against a fake search that behaves like the DRT: `cancel()` answers at once
 * with a `cancelled` done carrying the results so far.
 */
import { describe, expect, it } from 'vitest';
import type { SearchResult } from '../../../src/drt/events.js';
import { PnrpError } from '../../../src/peer/error.js';
import { SearchIterator, type SearchSink } from '../../../src/peer/search-iterator.js';

function fake(signal?: AbortSignal) {
  let sink: SearchSink | undefined;
  let results = 0;
  const calls: string[] = [];
  const it = new SearchIterator(
    (s) => {
      sink = s;
      return {
        continue: () => calls.push('continue'),
        cancel: () => {
          calls.push('cancel');
          sink?.done('cancelled', results);
        },
        release: () => calls.push('release'),
      };
    },
    'search',
    signal,
  );
  const emit = (type: SearchResult['type']): void => {
    results++;
    sink!.result({
      searchId: 1,
      type,
      key: new Uint8Array(32),
      appData: new Uint8Array(0),
      endpoint: { address: new Uint8Array(16), port: 3540 },
      proof: undefined,
    });
  };
  return { it, emit, calls, done: (f?: 'timeout' | 'not-found') => sink!.done(f, results) };
}

describe('SearchIterator', () => {
  it('an abort after a result rejects the pending pull with CANCELLED and the reason as cause', async () => {
    const controller = new AbortController();
    const { it, emit, calls } = fake(controller.signal);
    const first = it.next();
    emit('near');
    expect((await first).done).toBe(false);
    const pending = it.next();
    controller.abort('enough');
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED', cause: 'enough' });
    expect(calls).toEqual(['release', 'cancel']);
    expect((await it.next()).done).toBe(true);
  });

  it('return() while a pull is pending resolves it as done and cancels the search', async () => {
    const { it, calls } = fake();
    const pending = it.next();
    await it.return();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(calls).toEqual(['release', 'cancel']);
  });

  it('a second pull before the first settled is refused with BUSY', async () => {
    const { it } = fake();
    void it.next();
    const second = it.next();
    await expect(second).rejects.toBeInstanceOf(PnrpError);
    await expect(second).rejects.toMatchObject({ code: 'BUSY' });
    await it.return();
  });

  it('a timeout with no result rejects with TIMEOUT; not-found just ends', async () => {
    const a = fake();
    const pa = a.it.next();
    a.done('timeout');
    await expect(pa).rejects.toMatchObject({ code: 'TIMEOUT' });
    const b = fake();
    const pb = b.it.next();
    b.done('not-found');
    expect((await pb).done).toBe(true);
  });

  it('an iterative search asks the next hop only on the next pull', async () => {
    const { it, emit, calls, done } = fake();
    const first = it.next();
    emit('intermediate');
    expect((await first).value?.type).toBe('intermediate');
    expect(calls).toEqual([]);
    const second = it.next();
    expect(calls).toEqual(['continue']);
    emit('exact');
    done();
    expect((await second).value?.type).toBe('exact');
    expect((await it.next()).done).toBe(true);
  });
});
