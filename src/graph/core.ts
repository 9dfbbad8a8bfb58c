/**
 * @module graph/core
 * The internal surface a `GraphNode` gives its parts (links, handshake, sync, flooding,
 * neighbours, records, presence). Each part lives in its own file and reaches the others only
 * through this interface, so the node stays a dispatcher and every part reads alone (the shape of
 * drt/core.ts).
 */
import type { Logger } from '../log.js';
import type { ConnectionOutput, Output } from '../sans-io.js';
import type { Rng } from '../util/rng.js';
import type { GraphEvent } from './events.js';
import type { Link } from './link.js';
import type {
  GraphAddress,
  GraphDatabase,
  GraphMessage,
  GraphRecord,
  GraphSecurityProvider,
  NodeId,
  PeerTime,
} from './model.js';
import type { GraphLimits, GraphTimers } from './options.js';
import type { PeerClock } from './peer-time.js';
import type { GraphStats } from './stats.js';

/** Graph-wide settings read from the graph info record (§3.1.7.10.2), with defaults until then. */
export interface GraphSettings {
  /** Max Record Size (§3.1.1), payload bytes + attribute characters × 2. */
  maxRecordSize: number;
  /** Presence Lifetime (§3.1.1) in ms; 0 in the record means 300 s. */
  presenceLifetimeMs: number;
  /** Max Presence Records (§3.1.1): -1 all, 0 only when asked. */
  maxPresenceRecords: number;
  /** Defer Expiration (§3.1.1): expire records only while connected. */
  deferExpiration: boolean;
}

/** The node-wide flags of §3.1.1 that several parts read and write. */
export interface NodeFlags {
  /** IsListening. */
  listening: boolean;
  /** fNeverConnected: the database has never been synchronised. */
  neverConnected: boolean;
  /** Peer time when the node last lost its last neighbour (time-based sync, §3.1.7.30). */
  leftAt: PeerTime | undefined;
  /** fAcceptDirectConnection (§3.1.4.7). */
  acceptDirect: boolean;
  /** True once `create` or `open` ran, false after `close`. */
  open: boolean;
  /** True while a node had a neighbour at least once (for the `need-node` event). */
  everHadNeighbour: boolean;
  /**
   * A `need-node` for long-term repair (§3.1.7.15) is unanswered: the application may open one
   * neighbour connection although the node has neighbours (§3.1.4.9 otherwise forbids it).
   */
  repairAsked: boolean;
}

/** What the parts of a graph node may use. */
export interface GraphCore {
  readonly timers: GraphTimers;
  readonly limits: GraphLimits;
  readonly stats: GraphStats;
  readonly db: GraphDatabase;
  readonly security: GraphSecurityProvider;
  readonly clock: PeerClock;
  readonly rng: Rng;
  readonly nodeId: NodeId;
  readonly peerId: string;
  readonly graphId: string;
  readonly friendlyName: string;
  readonly settings: GraphSettings;
  readonly flags: NodeFlags;
  /** The optional logger (events are built only when it is set). */
  readonly logger: Logger | undefined;
  /** Listening addresses (§3.1.1), as the driver told the node. */
  listenAddresses(): readonly GraphAddress[];
  /** Monotonic time of the call being handled. */
  nowMs(): number;
  /** Queues an event (counted by type). */
  emit(event: GraphEvent): void;
  /** Queues a connection output. */
  output(out: ConnectionOutput): void;
  /** Encodes, seals and frames a message onto a link (§3.1.7.1). */
  send(link: Link, message: GraphMessage): void;
  /** Ends a link: `graceful` closes after queued bytes (after a REFUSE or DISCONNECT). */
  terminate(link: Link, reason: string, graceful?: boolean): void;
  /** Links in LINK_STATE_CONNECTED that are neighbour (not direct) connections. */
  neighbours(): Link[];
  /** FLOODs a record to every neighbour but `except` (§3.1.7.3, §3.1.5.2.10). */
  flood(record: GraphRecord, except?: Link): void;
  /** A record entered or changed in the database: events and per-type processing (§3.1.7.10). */
  recordStored(record: GraphRecord, previous: GraphRecord | undefined, local: boolean): void;
  /** Re-evaluates and emits the status when it changed. */
  refreshStatus(): void;
  /** Graph maintenance (§3.1.7.16); `fromTimer` when the Graph Maintenance Timer fired. */
  maintain(fromTimer: boolean): void;
}

/** The node's pending outputs: events and connection outputs, FIFO, array reused once drained. */
export class GraphOutputQueue {
  private readonly items: (Output<GraphEvent> | ConnectionOutput)[] = [];
  private head = 0;

  /** Queues one output behind the others. */
  push(output: Output<GraphEvent> | ConnectionOutput): void {
    this.items.push(output);
  }

  /** The oldest output, or undefined when none is waiting. */
  shift(): Output<GraphEvent> | ConnectionOutput | undefined {
    if (this.head >= this.items.length) return undefined;
    const out = this.items[this.head++]!;
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    }
    return out;
  }
}

/**
 * Whether two GUIDs (or any byte strings) are equal.
 * @example sameBytes(a, b)
 */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * A GUID as 32 hex digits, for Map keys.
 * @example guidKey(RECORD_TYPE.presence)
 */
export function guidKey(g: Uint8Array): string {
  let s = '';
  for (const b of g) s += b.toString(16).padStart(2, '0');
  return s;
}
