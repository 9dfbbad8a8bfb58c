/**
 * @module sim/connection-types
 * Shapes of the simulator's connection model (connections.ts): its options, the host interface
 * a driver implements to plug it in, and its counters. No code lives here.
 */
import type { Endpoint } from '../keys/endpoint.js';
import type { ConnectionEnd, ConnectionId } from '../sans-io.js';

/** Knobs of `SimConnections`; every one optional. */
export interface SimConnectionOptions {
  /** A handshake not done after this long ends `unreachable`. @default 10000 */
  readonly connectTimeoutMs?: number;
  /** Extra delay for a segment's first loss, doubled per further loss. @default 200 */
  readonly retransmitTimeoutMs?: number;
  /** Losses in a row one segment survives; one more resets the connection. @default 8 */
  readonly retransmitsMax?: number;
  /** A peer that sends nothing learns of a crash after this long. @default 30000 */
  readonly keepaliveMs?: number;
  /** Largest segment; a `send` is cut into segments of at most this many bytes. @default 1460 */
  readonly segmentBytes?: number;
  /** Bytes one side may have in flight; more aborts the connection. @default 1 MiB */
  readonly sendBufferMaxBytes?: number;
  /** Connections open at once at one node; more incoming ones are refused. @default 1024 */
  readonly connectionsMax?: number;
}

/** What `SimConnections` needs from the driver. Deliveries come from scheduled events. */
export interface SimConnectionHost {
  /** Virtual time now. */
  nowMs(): number;
  /** The node holding `endpoint`, or -1. */
  indexOf(endpoint: Endpoint): number;
  /** The endpoint of node `index` (what its peers see as `from`). */
  endpointOf(index: number): Endpoint;
  /** The node runs (not crashed or removed). */
  isUp(index: number): boolean;
  /** `a` and `b` are on the same side of any partition. */
  reachable(a: number, b: number): boolean;
  /** Runs `fn` at virtual time `atMs` (>= now), after what is already due then. */
  schedule(atMs: number, fn: () => void): void;
  /** Calls `handleConnected` of node `index` and drains it. */
  connected(index: number, conn: ConnectionId): void;
  /** Calls `handleAccepted` of node `index` and drains it. */
  accepted(index: number, conn: ConnectionId, from: Endpoint): void;
  /** Calls `handleReceived` of node `index` and drains it. */
  received(index: number, conn: ConnectionId, bytes: Uint8Array): void;
  /** Calls `handleConnectionClosed` of node `index` and drains it. */
  closed(index: number, conn: ConnectionId, end: ConnectionEnd): void;
}

/** Counters of `SimConnections`. */
export interface SimConnectionStats {
  /** `connect` outputs. */
  connectsStarted: number;
  /** Connections accepted at their target. */
  accepted: number;
  /** Handshakes completed at the opener (`connected`). */
  established: number;
  /** Ends reported to nodes, by how (`refused`, `reset`, ... ). */
  ended: Record<ConnectionEnd, number>;
  /** Connections aborted for exceeding `sendBufferMaxBytes`. */
  overflows: number;
  /** Bytes accepted from `send` outputs. */
  bytesSent: number;
  /** Bytes handed to receiving nodes. */
  bytesDelivered: number;
  /** Segments put on the wire (handshakes, data, closes). */
  segmentsSent: number;
  /** Segment losses drawn, each paid for with a retransmission timeout. */
  retransmissions: number;
  /** Data segments that reached a closed, aborted or crashed end, dropped. */
  segmentsDropped: number;
  /** `send`/`close` outputs for unknown handles, ignored. */
  staleCalls: number;
}
