/**
 * @module peer/dht-listen
 * `Dht.listen`: a key's changes as an `AsyncIterable` (OpenDHT's listen), built on gets. The
 * listener polls: each `next()` gets the key from its replicas, yields the record if it is newer
 * than the last one yielded, and otherwise sleeps and polls again, `intervalMs` at first and
 * doubling up to `intervalMaxMs` while nothing changes (back to `intervalMs` after a change).
 * Polls run only while a `next()` waits, so a slow consumer costs the cloud nothing and nothing
 * is buffered; it sees the newest version when it asks. Newer: for a mutable record, a higher
 * sequence number (a replica that lags can never make it yield an older version); for any other,
 * a record that differs from the last one. A failed poll (timeout, not found yet) is not an end:
 * the listener polls again. The iteration ends with `return()`, on abort (`CANCELLED`) or when the
 * DHT closes (`CLOSED`).
 */
import { DHT_RECORD_TYPE } from '../dht/constants.js';
import { type DhtRecord, sameContent } from '../dht/record.js';
import type { DhtListenOptions, DhtOperationOptions } from './dht-types.js';
import { abortError, PnrpError } from './error.js';

/** What the listener needs from the DHT. */
export interface ListenHost {
  /** The key's record, tombstones included (rejects `VALUE_NOT_FOUND` when none). */
  get(options: DhtOperationOptions): Promise<DhtRecord>;
  /** Resolves after `ms`; rejects on abort and close. */
  sleep(ms: number, signal: AbortSignal | undefined): Promise<void>;
}

/**
 * The changes of one key, polled through `host`.
 * @example for await (const record of listenDht(host, { intervalMs: 1000 })) console.log(record.seq);
 */
export function listenDht(
  host: ListenHost,
  options: DhtListenOptions,
): AsyncIterableIterator<DhtRecord> {
  const intervalMs = options.intervalMs ?? 5000;
  const intervalMaxMs = Math.max(intervalMs, options.intervalMaxMs ?? 60_000);
  const pollTimeoutMs = options.pollTimeoutMs ?? 30_000;
  for (const [name, v] of [
    ['intervalMs', intervalMs],
    ['intervalMaxMs', intervalMaxMs],
    ['pollTimeoutMs', pollTimeoutMs],
  ] as const)
    if (!(Number.isFinite(v) && v >= 1))
      throw new PnrpError('INVALID_ARGUMENT', `${name} must be a number >= 1, got ${v}`);
  // return() aborts what a pending next() waits for (a sleep or a get): no timer outlives it.
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  let last: DhtRecord | undefined;
  let waitMs = 0;
  let ended = false;
  let busy = false;

  const newer = (record: DhtRecord): boolean => {
    if (last === undefined) return true;
    if (record.type === DHT_RECORD_TYPE.mutable && last.type === DHT_RECORD_TYPE.mutable)
      return record.seq > last.seq;
    return !sameContent(record, last);
  };

  const poll = async (): Promise<DhtRecord> => {
    for (;;) {
      if (waitMs > 0) await host.sleep(waitMs, signal);
      let record: DhtRecord | undefined;
      try {
        record = await host.get({ signal, timeoutMs: pollTimeoutMs });
      } catch (error) {
        const code = error instanceof PnrpError ? error.code : undefined;
        if (code === 'CANCELLED' || code === 'CLOSED' || code === 'INVALID_ARGUMENT') throw error;
      }
      if (record !== undefined && newer(record)) {
        last = record;
        waitMs = intervalMs;
        return record;
      }
      waitMs = waitMs === 0 ? intervalMs : Math.min(intervalMaxMs, waitMs * 2);
    }
  };

  const iterator: AsyncIterableIterator<DhtRecord> = {
    async next(): Promise<IteratorResult<DhtRecord>> {
      if (ended) return { done: true, value: undefined };
      if (signal.aborted) throw abortError(signal);
      if (busy) throw new PnrpError('INVALID_ARGUMENT', 'listen: next() while one is pending');
      busy = true;
      try {
        const value = await poll();
        if (ended) return { done: true, value: undefined };
        return { done: false, value };
      } catch (error) {
        if (ended) return { done: true, value: undefined };
        ended = true;
        throw error;
      } finally {
        busy = false;
      }
    },
    async return(): Promise<IteratorResult<DhtRecord>> {
      ended = true;
      stop.abort();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
