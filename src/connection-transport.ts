/**
 * @module connection-transport
 * The I/O side of the connection seam (docs/design.md §2, §8): {@link ConnectionTransport} is to
 * reliable, ordered byte streams (TCP, reliable data channels, an in-memory hub, the simulator)
 * what `DatagramTransport` is to datagrams. `runConnectionNode()` (connection-adapter.ts) drives a
 * `ConnectionNode` over one.
 *
 * The contract, which every transport in this repository keeps and its tests check:
 *
 * - Handles. The node numbers the connections it opens (`connect(id, to)`, `id` a positive
 *   integer it never reuses); the transport numbers the ones it accepts -1, -2, -3, ... in
 *   order, never reusing one. A handle is dead once the transport reported `closed` for it or
 *   the node called `close` on it.
 * - No `closed` for a connection the node closed itself; nothing at all for a dead handle.
 * - `connect` never fails synchronously for a reason of the network: a refused, unreachable or
 *   timed-out connect is reported through `closed(id, end)` without `connected` before it.
 *   Throwing is for local misuse (a bad or reused handle, a shut-down transport).
 * - `send` may be called as soon as `connect` returned: bytes queue behind the handshake. Bytes
 *   arrive in order, but chunk boundaries are not kept (the node frames its messages).
 * - Bounded buffers: when a connection's unsent bytes would exceed the transport's
 *   `sendBufferMaxBytes`, the transport aborts it (the peer sees a reset), counts it, and reports
 *   `closed(id, 'error')`. The node must watch its own output (see `ConnectionTransportStats`)
 *   rather than rely on the transport to queue without limit.
 * - `close(id)` ends the connection after the bytes queued before it; `close(id, true)` aborts at
 *   once (the peer sees `reset`). Calls for unknown or dead handles are ignored (counted): the
 *   node may send on a connection whose `closed` it has not yet been told.
 * - The sink may be called from inside `connect`, `send` or `close` (e.g. an overflow);
 *   `runConnectionNode` defers such calls until the node's drain has finished.
 * - `shutdown()` aborts every connection (peers see a reset or a close), stops listening and
 *   calls the sink no more.
 */
import type { Endpoint } from './keys/endpoint.js';
import type { ConnectionEnd, ConnectionId } from './sans-io.js';

/**
 * Receives what a {@link ConnectionTransport} reports; given to its `attach`.
 * @example
 * transport.attach({
 *   connected: (id) => {}, accepted: (id, from) => {},
 *   received: (id, bytes) => {}, closed: (id, end) => {},
 * });
 */
export interface ConnectionSink {
  /** The connection opened by `connect(id, ...)` is up. */
  readonly connected: (id: ConnectionId) => void;
  /** A peer at `from` opened a connection to us; `id` is the transport's next negative handle. */
  readonly accepted: (id: ConnectionId, from: Endpoint) => void;
  /** Stream bytes arrived on `id`, in order. The transport hands `bytes` over for good. */
  readonly received: (id: ConnectionId, bytes: Uint8Array) => void;
  /** `id` ended (or its connect failed) without the node asking for it. */
  readonly closed: (id: ConnectionId, end: ConnectionEnd) => void;
}

/**
 * Counters every connection transport keeps (transports add their own).
 * @example transport.stats.overflows
 */
export interface ConnectionTransportStats {
  /** Connections the node opened with `connect`. */
  connectsStarted: number;
  /** Outgoing connections that came up. */
  connectsSucceeded: number;
  /** Connections accepted from peers. */
  accepted: number;
  /** Incoming connections refused because `connectionsMax` were open. */
  acceptsRefused: number;
  /** Bytes handed to `send` and accepted into a send buffer. */
  bytesSent: number;
  /** Bytes handed to the sink. */
  bytesReceived: number;
  /** Connections aborted because their unsent bytes would exceed `sendBufferMaxBytes`. */
  overflows: number;
  /** Connections reported ended through the sink, by how they ended. */
  ended: Record<ConnectionEnd, number>;
  /** `send` or `close` calls for unknown or dead handles, ignored. */
  staleCalls: number;
}

/**
 * A reliable, ordered connection transport (TCP, reliable data channels, in-memory pairs).
 * @example
 * const hub = createMemoryConnections();
 * const transport: ConnectionTransport = hub.createTransport();
 * const running = runConnectionNode(node, transport);
 */
export interface ConnectionTransport {
  /** Where peers connect to reach this transport (the node's own endpoint). */
  readonly localEndpoint: Endpoint;
  /** Counters; never reset by reading. */
  readonly stats: ConnectionTransportStats;
  /** Reports to `sink` from now on; `undefined` detaches (reports are dropped). */
  attach(sink: ConnectionSink | undefined): void;
  /** Opens connection `id` (a positive integer, never reused) to `to`. */
  connect(id: ConnectionId, to: Endpoint): void;
  /** Queues `bytes` on `id` (in order). Must not keep `bytes` after returning. */
  send(id: ConnectionId, bytes: Uint8Array): void;
  /** Ends `id` after its queued bytes, or at once as a reset with `abort`. */
  close(id: ConnectionId, abort?: boolean): void;
  /** Aborts every connection, stops listening and releases resources; idempotent. */
  shutdown(): Promise<void>;
}

/** Default bound on a connection's unsent bytes: 1 MiB. */
export const SEND_BUFFER_MAX_BYTES_DEFAULT: number = 1 << 20;

/** Default bound on connections open at once in one transport. */
export const CONNECTIONS_MAX_DEFAULT = 1024;

/**
 * Fresh zeroed counters, for transport authors.
 * @example readonly stats = newConnectionTransportStats();
 */
export function newConnectionTransportStats(): ConnectionTransportStats {
  return {
    connectsStarted: 0,
    connectsSucceeded: 0,
    accepted: 0,
    acceptsRefused: 0,
    bytesSent: 0,
    bytesReceived: 0,
    overflows: 0,
    ended: { closed: 0, reset: 0, refused: 0, unreachable: 0, error: 0 },
    staleCalls: 0,
  };
}

/**
 * Throws `TypeError` unless `id` is a positive safe integer (a handle the node may open).
 * @example assertOpenHandle(1)
 */
export function assertOpenHandle(id: unknown): asserts id is ConnectionId {
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0)
    throw new TypeError(`connection handle must be a positive integer, got ${String(id)}`);
}

/**
 * Validates a byte bound option once; throws `RangeError`.
 * @example positiveIntegerOption('sendBufferMaxBytes', o.sendBufferMaxBytes, SEND_BUFFER_MAX_BYTES_DEFAULT)
 */
export function positiveIntegerOption(name: string, value: unknown, fallback: number): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1)
    throw new RangeError(`${name} must be a positive integer, got ${String(v)}`);
  return v;
}
