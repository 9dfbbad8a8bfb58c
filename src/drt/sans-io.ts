/**
 * @module drt/sans-io
 * The sans-I/O contract of DESIGN.md §2, shared by `DrtNode`, `PnrpNode`, the simulator and
 * `runNode()`: a node is a synchronous state machine fed with `handle*` calls and drained with
 * `poll()` until it yields `{ type: 'timeout' }`. It never reads a clock, sets a timer, draws its
 * own randomness or touches a socket.
 */
import type { Endpoint } from '../keys/endpoint.js';

/** One unit of work handed back by `poll()`. */
export type Output<E> =
  | { readonly type: 'transmit'; readonly to: Endpoint; readonly payload: Uint8Array }
  | { readonly type: 'event'; readonly event: E }
  /** Always the last output of a drain: call `handleTimeout` at `atMs` (`Infinity`: no timer). */
  | { readonly type: 'timeout'; readonly atMs: number };

/** The shape every sans-I/O node has; the simulator and `runNode()` drive exactly this. */
export interface SansIoNode<E> {
  /**
   * Feeds one received datagram. Never throws on bad bytes: drops and counts them. `localEndpoint`
   * is where it arrived, for nodes with several (a PnrpNode in several clouds); others ignore it.
   */
  handleDatagram(
    nowMs: number,
    from: Endpoint,
    payload: Uint8Array,
    localEndpoint?: Endpoint,
  ): void;
  /** Lets timers fire. Idempotent; spurious calls do nothing. */
  handleTimeout(nowMs: number): void;
  /** Next output; keep calling until it returns `{ type: 'timeout' }`. */
  poll(): Output<E>;
}

/** Wall-clock time (ms since the Unix epoch), injected for certificate and CPA validity. */
export interface WallClock {
  nowMs(): number;
}
