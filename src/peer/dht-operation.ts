/**
 * @module peer/dht-operation
 * How one operation of the DHT's async API settles (peer/open-dht.ts): one Promise that settles
 * once, on its own result, on abort (`CANCELLED`), at its deadline (`TIMEOUT`) or when the DHT
 * closes (`CLOSED`), and then runs its cleanup and end hooks, so nothing (timer, abort listener,
 * close listener) outlives it.
 */
import type { Timers } from '../transport-adapter.js';
import type { DhtOperationOptions } from './dht-types.js';
import { abortError, asPnrpError, PnrpError } from './error.js';

/** What an operation needs from the DHT that runs it. */
export interface OperationHost {
  timers(): Timers;
  closed(): boolean;
  /** Calls `listener` on every status change and on close; returns the unsubscribe function. */
  onClose(listener: () => void): () => void;
}

/** How an operation settles. */
export interface Settle<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
  /** Runs when the operation ends, however it ends. */
  onEnd(hook: () => void): void;
}

/**
 * One operation's Promise: settles once, on `settle`, on abort (`CANCELLED`), at `timeoutMs`
 * (`TIMEOUT`) or on close (`CLOSED`); `begin` returns its cleanup.
 */
export function runOperation<T>(
  host: OperationHost,
  options: DhtOperationOptions,
  what: string,
  begin: (settle: Settle<T>) => (() => void) | undefined,
): Promise<T> {
  const { signal, timeoutMs = 30_000 } = options ?? {};
  return new Promise<T>((resolve, reject) => {
    if (host.closed()) return reject(new PnrpError('CLOSED', 'the DHT is closed'));
    if (signal?.aborted) return reject(abortError(signal));
    if (!(Number.isFinite(timeoutMs) && timeoutMs >= 0))
      return reject(new PnrpError('INVALID_ARGUMENT', `timeoutMs must be >= 0, got ${timeoutMs}`));
    const endHooks: (() => void)[] = [];
    let done = false;
    let cleanup: (() => void) | undefined;
    const finish = (): boolean => {
      if (done) return false;
      done = true;
      timer.cancel();
      signal?.removeEventListener('abort', onAbort);
      offClose();
      cleanup?.();
      for (const hook of endHooks) hook();
      return true;
    };
    const fail = (error: unknown): void => {
      if (finish()) reject(error);
    };
    const timer = host
      .timers()
      .arm(host.timers().nowMs() + timeoutMs, () =>
        fail(new PnrpError('TIMEOUT', `${what}: no answer within ${timeoutMs} ms`)),
      );
    const onAbort = (): void => fail(abortError(signal!));
    const onClose = (): void => {
      if (host.closed()) fail(new PnrpError('CLOSED', 'the DHT was closed'));
    };
    const offClose = host.onClose(onClose);
    signal?.addEventListener('abort', onAbort, { once: true });
    const settle: Settle<T> = {
      resolve: (value) => {
        if (finish()) resolve(value);
      },
      reject: fail,
      onEnd: (hook) => endHooks.push(hook),
    };
    try {
      cleanup = begin(settle);
      if (done) cleanup?.();
    } catch (error) {
      fail(asPnrpError(error));
    }
  });
}
