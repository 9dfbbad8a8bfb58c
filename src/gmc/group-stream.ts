/**
 * @module gmc/group-stream
 * The async iterables of a group session (`changes()`, `memberEvents()`): one bounded queue per
 * subscriber, filled from the moment the iterable is created (not its first pull), so a caller
 * can read a snapshot and then iterate without missing what happened in between. A subscriber
 * that falls `bufferMax` events behind loses the oldest ones (counted in `dropped`). The stream
 * ends when the session closes, when the caller leaves its `for await` loop, or when the
 * subscriber's `AbortSignal` fires (the loop then throws `PnrpError` `CANCELLED`).
 */
import { abortError, type PnrpError } from '../peer/error.js';

/** Options of an iterable of session events. */
export interface StreamOptions {
  /** Ends the iteration with `CANCELLED`. */
  readonly signal?: AbortSignal;
}

/** Default events one subscriber may have waiting before the oldest is dropped. */
export const STREAM_BUFFER_MAX = 10_000;

interface Subscriber<T> {
  readonly queue: T[];
  head: number;
  wake: (() => void) | undefined;
  ended: boolean;
  error: PnrpError | undefined;
}

/** A multi-subscriber event source whose subscribers are bounded async iterables. */
export class EventStream<T> {
  private readonly subscribers = new Set<Subscriber<T>>();
  private closedValue = false;
  /** Events dropped because a subscriber was `bufferMax` behind. */
  dropped = 0;

  constructor(private readonly bufferMax: number = STREAM_BUFFER_MAX) {}

  /** Delivers `event` to every current subscriber. */
  push(event: T): void {
    for (const s of this.subscribers) {
      if (s.queue.length - s.head >= this.bufferMax) {
        s.head++;
        this.dropped++;
      }
      s.queue.push(event);
      this.wakeUp(s);
    }
  }

  /** Ends every subscriber's iteration (after what it has queued) and refuses new ones. */
  close(): void {
    this.closedValue = true;
    for (const s of this.subscribers) {
      s.ended = true;
      this.wakeUp(s);
    }
    this.subscribers.clear();
  }

  /** A new subscriber, receiving every event pushed from now on; `first` are queued ahead. */
  subscribe(options: StreamOptions = {}, first: readonly T[] = []): AsyncIterableIterator<T> {
    const s: Subscriber<T> = {
      queue: [...first],
      head: 0,
      wake: undefined,
      ended: this.closedValue,
      error: undefined,
    };
    const { signal } = options;
    const onAbort = (): void => {
      s.error = abortError(signal!);
      s.ended = true;
      this.subscribers.delete(s);
      this.wakeUp(s);
    };
    if (signal?.aborted) onAbort();
    else if (!this.closedValue) {
      this.subscribers.add(s);
      signal?.addEventListener('abort', onAbort, { once: true });
    }
    const finish = (): void => {
      s.ended = true;
      this.subscribers.delete(s);
      signal?.removeEventListener('abort', onAbort);
    };
    const next = (): Promise<IteratorResult<T>> => {
      if (s.error) {
        const error = s.error;
        s.error = undefined;
        s.queue.length = 0;
        s.head = 0;
        finish();
        return Promise.reject(error);
      }
      if (s.head < s.queue.length) {
        const value = s.queue[s.head++]!;
        if (s.head > 1024 && s.head * 2 > s.queue.length) {
          s.queue.splice(0, s.head);
          s.head = 0;
        }
        return Promise.resolve({ value, done: false });
      }
      if (s.ended) {
        finish();
        return Promise.resolve({ value: undefined, done: true });
      }
      return new Promise<void>((resolve) => {
        s.wake = resolve;
      }).then(next);
    };
    const iterator: AsyncIterableIterator<T> = {
      next,
      return: (): Promise<IteratorResult<T>> => {
        finish();
        s.queue.length = 0;
        s.head = 0;
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  private wakeUp(s: Subscriber<T>): void {
    const wake = s.wake;
    s.wake = undefined;
    wake?.();
  }
}
