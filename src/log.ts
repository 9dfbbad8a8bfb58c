/**
 * @module log
 * Structured logging (issue 12): what a node, the run loop, the async facade and the simulator
 * report to an injected {@link Logger}. The core formats nothing and imports no logging library:
 * with no logger (the default) every hook is one `undefined` check, and the event object is never
 * built. `pnrp/node`'s `debugLogger()` maps these events onto the `debug` package's `pnrp:*`
 * namespaces; tests collect them in an array. Endpoints are text (`[::1]:3540`), so events can
 * be printed or serialized as they are.
 */

/** Every event a {@link Logger} receives, discriminated by `type`. */
export type LogEvent =
  /** A cloud's DRT status changed (`active`: joined). */
  | { readonly type: 'status'; readonly cloud: string; readonly status: string }
  /** A join attempt ended with the node still alone; `answered` empty: nobody answered. */
  | {
      readonly type: 'join-failed';
      readonly cloud: string;
      readonly tried: readonly string[];
      readonly answered: readonly string[];
    }
  /** The node dropped a datagram it received, with the reason it counts it under. */
  | { readonly type: 'drop'; readonly reason: string; readonly from: string }
  /** A resolve ended: the instances found, or why not. */
  | {
      readonly type: 'resolve';
      readonly cloud: string;
      readonly peerName: string;
      readonly results: number;
      readonly failure: string | undefined;
      readonly hops: number;
    }
  /** An operation of the async facade ran out of time. */
  | { readonly type: 'timeout'; readonly operation: string; readonly afterMs: number }
  /** The run loop: a datagram in or out (`bytes` long), at the transport. */
  | {
      readonly type: 'datagram';
      readonly direction: 'in' | 'out';
      readonly endpoint: string;
      readonly bytes: number;
    }
  /** The run loop: the transport could not send (counted in `sendErrors`). */
  | { readonly type: 'send-error'; readonly to: string; readonly error: string }
  /** The run loop: an event listener threw (counted in `listenerErrors`). */
  | { readonly type: 'listener-error'; readonly error: string }
  /** The simulator: a node joined or left the simulated network. */
  | {
      readonly type: 'sim-node';
      readonly change: 'added' | 'crashed' | 'removed';
      readonly endpoint: string;
      readonly atMs: number;
    };

/**
 * Receives log events; must not throw (what it throws is ignored where it could break a loop).
 * @example const events: LogEvent[] = []; createPeer({ transport, logger: (e) => events.push(e) });
 */
export type Logger = (event: LogEvent) => void;

/** The `type`s of {@link LogEvent}. */
export type LogEventType = LogEvent['type'];
