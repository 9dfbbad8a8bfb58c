/**
 * @module graph/node-options
 * The shapes `GraphNode` takes and returns: its constructor options (docs/design.md §2: the clock
 * and randomness are injected), what `open` restores from a persisted database ([MS-PPGRH]
 * §3.1.4.2), and the neighbour view the application reads.
 */
import type { Logger } from '../log.js';
import type { ConnectionId, WallClock } from '../sans-io.js';
import type { Rng } from '../util/rng.js';
import type {
  GraphAddress,
  GraphDatabase,
  GraphSecurityProvider,
  Guid,
  NodeId,
  PeerTime,
} from './model.js';
import type { GraphLimits, GraphTimers } from './options.js';

/** Options of a {@link GraphNode}; see docs/design.md §2 for the injected clock and rng. */
export interface GraphNodeOptions {
  /** Graph ID (§3.1.1). */
  readonly graphId: string;
  /** Peer ID of the local user (§3.1.1). */
  readonly peerId: string;
  /** Friendly name sent in CONNECT and WELCOME. @default '' */
  readonly friendlyName?: string;
  /** Node ID (§3.1.1). @default a random u64 from `rng` */
  readonly nodeId?: NodeId;
  readonly rng: Rng;
  /** Wall clock for peer time (§1.3.6). */
  readonly wallClock: WallClock;
  /** The graph security provider (§1.3.4); `nullGraphSecurityProvider()` for none. */
  readonly security: GraphSecurityProvider;
  /** The database. @default a new `RecordDatabase` */
  readonly database?: GraphDatabase;
  /** Listening addresses (§3.1.1) as the driver binds them. @default [] */
  readonly listenAddresses?: readonly GraphAddress[];
  /** Prioritized Record Types synchronised first (§3.1.4.2). @default [] */
  readonly prioritizedTypes?: readonly Guid[];
  /** fAcceptDirectConnection (§3.1.4.7). @default false */
  readonly acceptDirect?: boolean;
  /** Timer overrides (options.ts). */
  readonly timers?: Partial<GraphTimers>;
  /** Limit overrides (options.ts). */
  readonly limits?: Partial<GraphLimits>;
  /**
   * Structured logs (src/log.ts): status changes as `status` (the graph ID as `cloud`) and every
   * connection the node ends as `drop` (reason `graph:<reason>`). @default none
   */
  readonly logger?: Logger;
}

/** What `open` may restore from a persisted database (§3.1.4.2). */
export interface PersistedState {
  /** Peer time at which the node left the graph (SOLICIT_TIME's Modification Time). */
  readonly leftAt: PeerTime;
  /** The persisted Peer Time Delta. @default 0n */
  readonly peerTimeDelta?: PeerTime;
}

/** One neighbour or direct link as the application sees it. */
export interface NeighbourInfo {
  readonly conn: ConnectionId;
  readonly nodeId: NodeId;
  readonly peerId: string;
  readonly direct: boolean;
  readonly utility: number;
  readonly addresses: readonly GraphAddress[];
}
