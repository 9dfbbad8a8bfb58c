/**
 * @module peer/search-iterator
 * A DRT search as an `AsyncIterable` of results (DrtStartSearch / DrtGetSearchResult /
 * DrtContinueSearch / DrtEndSearch in one object). The search starts at the first pull. An
 * iterative search asks its next hop only when the caller pulls again after an intermediate
 * result, so a caller that stops pulling stops the walk. Leaving a `for await` loop early (or
 * calling `return()`) cancels the search; an `AbortSignal` cancels it with `CANCELLED`.
 * Results are queued until pulled: at most `maxEndpoints` (20) per search, so the queue is bounded.
 */
import type { SearchFailure, SearchResult } from '../drt/events.js';
import { abortError, asPnrpError, failureError, PnrpError } from './error.js';

/** What the search reports to its iterator; `P` is the proof type of its results. */
export interface SearchSink<P = unknown> {
  result(result: SearchResult<P>): void;
  done(failure: SearchFailure | undefined, results: number): void;
  /** Ends the iteration with `error` (the peer closed). */
  abort(error: unknown): void;
}

/** What the iterator may do to a running search. */
export interface SearchControl {
  /** Asks the next hop of an iterative search. */
  continue(): void;
  /** Cancels the search (a `done` with `cancelled` follows, or nothing if it already ended). */
  cancel(): void;
  /** Forgets the search; called once, when the iterator is finished. */
  release(): void;
}

type Waiter<P> = {
  resolve: (r: IteratorResult<SearchResult<P>>) => void;
  reject: (e: unknown) => void;
};

/**
 * Iterator over one search's results. Built by `Peer.search`.
 * @example for await (const r of peer.search(key, { maxEndpoints: 5 })) console.log(r.type, r.endpoint);
 */
export class SearchIterator<P = unknown> implements AsyncIterableIterator<SearchResult<P>> {
  private readonly queue: SearchResult<P>[] = [];
  private control: SearchControl | undefined;
  private started = false;
  private ended = false;
  private failure: unknown;
  private waiter: Waiter<P> | undefined;
  private awaitingContinue = false;
  private readonly onAbort = (): void => this.abort();

  constructor(
    private readonly begin: (sink: SearchSink<P>) => SearchControl,
    private readonly what: string,
    private readonly signal: AbortSignal | undefined,
  ) {}

  [Symbol.asyncIterator](): AsyncIterableIterator<SearchResult<P>> {
    return this;
  }

  next(): Promise<IteratorResult<SearchResult<P>>> {
    if (!this.started) this.start();
    for (;;) {
      const value = this.queue.shift();
      if (value) {
        if (value.type === 'intermediate') this.awaitingContinue = true;
        return Promise.resolve({ value, done: false });
      }
      if (this.failure !== undefined) {
        const error = this.failure;
        this.failure = undefined;
        return Promise.reject(error);
      }
      if (this.ended) return Promise.resolve({ value: undefined, done: true });
      if (this.waiter)
        return Promise.reject(
          new PnrpError('BUSY', 'search: next() called before the previous one settled'),
        );
      if (!this.awaitingContinue) break;
      this.awaitingContinue = false;
      this.control?.continue(); // may deliver the next result at once
    }
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<SearchResult<P>>> {
    if (!this.ended) {
      // End first: the cancel answers at once with a `cancelled` done that must not win.
      const control = this.control;
      this.finish(undefined);
      control?.cancel();
    }
    this.queue.length = 0;
    this.failure = undefined;
    return Promise.resolve({ value: undefined, done: true });
  }

  private start(): void {
    this.started = true;
    if (this.signal?.aborted) return this.finish(abortError(this.signal));
    const sink: SearchSink<P> = {
      result: (r) => this.push(r),
      done: (failure, results) => {
        if (this.ended) return;
        const quiet = failure === undefined || failure === 'not-found' || results > 0;
        this.finish(quiet ? undefined : failureError(failure, this.what));
      },
      abort: (error) => this.finish(error),
    };
    try {
      this.control = this.begin(sink);
    } catch (e) {
      return this.finish(asPnrpError(e));
    }
    // A search that ended inside begin() (alone, a local match) finished before control was set.
    if (this.ended) this.control.release();
    else this.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  private push(result: SearchResult<P>): void {
    if (this.ended) return;
    const waiter = this.waiter;
    if (!waiter) {
      this.queue.push(result);
      return;
    }
    this.waiter = undefined;
    if (result.type === 'intermediate') this.awaitingContinue = true;
    waiter.resolve({ value: result, done: false });
  }

  private abort(): void {
    if (this.ended || !this.signal) return;
    const control = this.control;
    this.finish(abortError(this.signal));
    control?.cancel();
  }

  /** Ends the iteration once: with `error`, pending and later pulls reject once, then end. */
  private finish(error: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.signal?.removeEventListener('abort', this.onAbort);
    this.control?.release();
    const waiter = this.waiter;
    this.waiter = undefined;
    if (!waiter) {
      if (error !== undefined) this.failure = error;
      return;
    }
    if (error !== undefined) waiter.reject(error);
    else waiter.resolve({ value: undefined, done: true });
  }
}
