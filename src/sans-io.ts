/**
 * @module sans-io
 * The one sans-I/O contract every node type implements (docs/design.md §2): `DrtNode`,
 * `PnrpNode`, and the layers built on them. A node is a synchronous state machine fed with
 * `handle*` calls and drained with `poll()` until it yields `{ type: 'timeout' }`. It never reads
 * a clock, sets a timer, draws its own randomness or touches a socket.
 *
 * Everything that drives a node (`runNode()`, the simulator, a composite node such as
 * `PnrpNode` draining its clouds' DRTs) drains it with {@link drainNode}, which is bounded: a
 * node that yields more than `maxOutputs` outputs without a timeout is a bug and throws.
 */
import type { Endpoint } from './keys/endpoint.js';

/** A datagram to send. `from` names the local endpoint to send from (nodes with several). */
export interface Transmit {
  readonly type: 'transmit';
  readonly to: Endpoint;
  readonly payload: Uint8Array;
  readonly from?: Endpoint;
}

/** One unit of work handed back by `poll()`. */
export type Output<E> =
  | Transmit
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

/**
 * A connection handle. A node numbers the connections it opens 1, 2, 3, ...; the driver numbers
 * the ones it accepts for the node -1, -2, -3, ...; so the two never collide. A handle is dead
 * after `handleConnectionClosed` and never reused.
 */
export type ConnectionId = number;

/**
 * How a connection ended, as the driver saw it: `closed` (the peer or we closed it cleanly),
 * `reset` (aborted, crashed or partitioned), `refused` (nobody listens there), `unreachable` (no
 * route or no answer to the handshake), `error` (anything else the transport reported).
 */
export type ConnectionEnd = 'closed' | 'reset' | 'refused' | 'unreachable' | 'error';

/**
 * What a node on the second seam (reliable, ordered connections: TCP, reliable data channels,
 * the simulator's connections) asks its driver to do. `send` carries stream bytes: the driver
 * delivers them in order and may split or join chunks, so a node frames its own messages.
 * `close` ends a connection after the bytes queued before it (`abort`: at once, as a reset). The
 * driver answers a `close` with no `handleConnectionClosed` for that handle.
 */
export type ConnectionOutput =
  | { readonly type: 'connect'; readonly conn: ConnectionId; readonly to: Endpoint }
  | { readonly type: 'send'; readonly conn: ConnectionId; readonly bytes: Uint8Array }
  | { readonly type: 'close'; readonly conn: ConnectionId; readonly abort?: boolean };

/**
 * A node on the connection seam (the graph node of [MS-PPGRH]). Same rules as {@link SansIoNode}:
 * synchronous, never throws on remote bytes, drained with {@link drainNode} until the timeout.
 */
export interface ConnectionNode<E> {
  /** The connection this node opened with a `connect` output is up. */
  handleConnected(nowMs: number, conn: ConnectionId): void;
  /** The driver accepted a connection from `from` for this node; `conn` is negative. */
  handleAccepted(nowMs: number, conn: ConnectionId, from: Endpoint): void;
  /** Stream bytes that arrived on `conn`, in order; chunk boundaries mean nothing. */
  handleReceived(nowMs: number, conn: ConnectionId, bytes: Uint8Array): void;
  /** `conn` ended (or its `connect` failed) for a reason the node did not ask for. */
  handleConnectionClosed(nowMs: number, conn: ConnectionId, end: ConnectionEnd): void;
  /** Lets timers fire. Idempotent; spurious calls do nothing. */
  handleTimeout(nowMs: number): void;
  /** Next output; keep calling until it returns `{ type: 'timeout' }`. */
  poll(): Output<E> | ConnectionOutput;
}

/** Wall-clock time (ms since the Unix epoch), injected for certificate and CPA validity. */
export interface WallClock {
  /** Milliseconds since the Unix epoch. */
  nowMs(): number;
}

/**
 * Outputs waiting for `poll()`: FIFO, emptied in O(1) per item, its array reused once drained.
 * @example queue.push({ type: 'event', event }); const next = queue.shift() ?? { type: 'timeout', atMs };
 */
export class OutputQueue<E> {
  private readonly items: Output<E>[] = [];
  private head = 0;

  /** Queues one output behind the others. */
  push(output: Output<E>): void {
    this.items.push(output);
  }

  /** The oldest output, or undefined when none is waiting. */
  shift(): Output<E> | undefined {
    if (this.head >= this.items.length) return undefined;
    const out = this.items[this.head++]!;
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    }
    return out;
  }
}

/** Where {@link drainNode} routes a node's outputs. */
export interface DrainSink<E> {
  /** Sends one datagram the node produced. */
  transmit(out: Transmit): void;
  /** Hands one event of the node to the application. */
  event(event: E): void;
  /**
   * Carries one connection output of a {@link ConnectionNode}. A sink without it drains only
   * datagram nodes: a connection output then throws (a driver wired to the wrong seam).
   */
  readonly connection?: (out: ConnectionOutput) => void;
  /**
   * Checked before each `poll()`; `false` stops the drain early (the node was crashed or
   * replaced by a listener mid-drain). Then {@link drainNode} returns `undefined`.
   */
  readonly live?: () => boolean;
  /** How the error of a stuck drain names the node (e.g. `node 3`). @default 'a node' */
  readonly name?: string;
}

/** How many outputs one drain may yield before the node is declared stuck. */
export const DRAIN_OUTPUTS_MAX = 1_000_000;

/**
 * Drains `node` until it yields its timeout, routing transmits and events to `sink`, and returns
 * the time the node wants `handleTimeout` (`Infinity`: none), or `undefined` when `sink.live`
 * stopped it. Throws when `maxOutputs` outputs pass without a timeout (a node in a loop); the
 * error names the node (`sink.name`) and the limit (`limitName`, the option that set it).
 * @example const atMs = drainNode(node, { transmit: send, event: deliver }) ?? Infinity;
 */
export function drainNode<E>(
  node: { poll(): Output<E> | ConnectionOutput },
  sink: DrainSink<E>,
  maxOutputs: number = DRAIN_OUTPUTS_MAX,
  limitName = 'maxOutputs',
): number | undefined {
  for (let n = 0; n < maxOutputs; n++) {
    if (sink.live && !sink.live()) return undefined;
    const out = node.poll();
    if (out.type === 'transmit') sink.transmit(out);
    else if (out.type === 'event') sink.event(out.event);
    else if (out.type === 'timeout') return out.atMs;
    else if (out.type === 'connect' || out.type === 'send' || out.type === 'close') {
      if (!sink.connection)
        throw new TypeError(
          `${sink.name ?? 'a node'} emitted a connection output to a datagram sink`,
        );
      sink.connection(out);
    } else throw new TypeError(`${sink.name ?? 'a node'} returned an output of unknown type`);
  }
  throw new Error(
    `${sink.name ?? 'a node'} yielded ${maxOutputs} outputs without a timeout (${limitName})`,
  );
}
