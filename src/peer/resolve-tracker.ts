/**
 * @module peer/resolve-tracker
 * Collects a resolve's `resolve-result` events until its `resolve-done`, and hands the whole
 * outcome (results, path, traceroute text, failure) to whoever waits for it.
 */
import { formatTrace } from '../pnrp/trace-format.js';
import type { PnrpEvent, PnrpResolveResult, ResolveFailure } from '../pnrp/types.js';
import type { PathHop } from '../resolve/path.js';
import type { ResolutionStats } from '../resolve/resolution.js';
import { readable } from '../util/readable.js';
import { failureError, type PnrpError } from './error.js';

/**
 * What `Peer.trace` resolves with.
 * @example const t = await peer.trace('0.printer'); console.log(t.text);
 */
export interface PeerTrace {
  readonly peerName: string;
  /** Verified instances (empty when the resolve failed). */
  readonly results: PnrpResolveResult[];
  /** Undefined when at least one instance was found. */
  readonly failure: ResolveFailure | undefined;
  /** The error `resolve()` rejects with for this failure. */
  readonly error: PnrpError | undefined;
  /** Every hop, in the order asked. */
  readonly path: readonly PathHop[];
  /** The path in the shape of `netsh p2p pnrp peer traceroute`. */
  readonly text: string;
  readonly stats: ResolutionStats;
}

interface Tracked {
  readonly peerName: string;
  readonly results: PnrpResolveResult[];
  readonly done: (trace: PeerTrace) => void;
}

/** The resolves of one peer that someone waits for. */
export class ResolveTracker {
  private readonly pending = new Map<number, Tracked>();

  track(resolveId: number, peerName: string, done: (trace: PeerTrace) => void): void {
    this.pending.set(resolveId, { peerName, results: [], done });
  }

  forget(resolveId: number): void {
    this.pending.delete(resolveId);
  }

  dispatch(event: Exclude<PnrpEvent, { type: 'cloud' }>): void {
    if (event.type === 'resolve-result') {
      this.pending.get(event.result.resolveId)?.results.push(event.result);
      return;
    }
    const tracked = this.pending.get(event.resolveId);
    if (!tracked) return;
    this.pending.delete(event.resolveId);
    const what = `resolve of ${tracked.peerName}`;
    tracked.done(
      readable({
        peerName: tracked.peerName,
        results: tracked.results,
        failure: event.failure,
        error: event.failure === undefined ? undefined : failureError(event.failure, what),
        path: event.path,
        text: formatTrace(event.path, { heading: `Tracing route to ${tracked.peerName}` }),
        stats: event.stats,
      }),
    );
  }

  /** Forgets every resolve (their operations were failed with `CLOSED` already). */
  closeAll(): void {
    this.pending.clear();
  }
}
