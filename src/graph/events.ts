/**
 * @module graph/events
 * What a `GraphNode` reports through `poll()` as `{ type: 'event' }` outputs: the higher-layer
 * notifications of [MS-PPGRH] §3.1 (status, record changes §3.1.7.10 and §3.1.7.18, presence
 * §3.1.7.10.5 and §3.1.7.20, PT2PT payloads §3.1.5.2.13, the long-term repair request §3.1.7.15)
 * plus neighbour changes, sync completions and refusals.
 */
import type { ConnectionId } from '../sans-io.js';
import type { GraphAddress, GraphRecord, Guid, NodeId } from './model.js';

/**
 * The node's state as one word: `disconnected` (no neighbour, not trying), `connecting` (an
 * attempt is under way and there is no neighbour yet), `synchronizing` (a neighbour, the first
 * sync not finished), `listening` (no neighbour, but listening: a creator alone, or a node whose
 * neighbours left), `connected` (at least one neighbour and synchronised).
 */
export type GraphStatus =
  | 'disconnected'
  | 'connecting'
  | 'synchronizing'
  | 'listening'
  | 'connected';

/** How a record changed in the local database. */
export type RecordChange = 'added' | 'updated' | 'deleted' | 'expired';

/** The kinds of synchronisation of §1.3.5.4, plus `served` (we answered the peer's solicit). */
export type SyncKind = 'all' | 'time' | 'hash' | 'served';

/** Every event a `GraphNode` emits. */
export type GraphEvent =
  | {
      readonly type: 'status-changed';
      readonly status: GraphStatus;
      /** IsListening (§3.1.1). */
      readonly listening: boolean;
      readonly neighbours: number;
    }
  | {
      readonly type: 'record-changed';
      readonly change: RecordChange;
      readonly record: GraphRecord;
      /** True when this node made the change (its own publish, update, delete or refresh). */
      readonly local: boolean;
    }
  | {
      readonly type: 'neighbour-connected';
      readonly conn: ConnectionId;
      readonly nodeId: NodeId;
      readonly peerId: string;
      /** A direct connection (§1.3.3): no flooding or sync, PT2PT only. */
      readonly direct: boolean;
    }
  | {
      readonly type: 'neighbour-disconnected';
      readonly conn: ConnectionId;
      readonly nodeId: NodeId;
      readonly peerId: string;
      readonly direct: boolean;
      /** `leaving`, `least-useful`, `app-disconnect` (a DISCONNECT), `closed`, `reset`, `pruned`, `duplicate`, ... */
      readonly reason: string;
    }
  | {
      readonly type: 'direct-data';
      readonly conn: ConnectionId;
      readonly peerId: string;
      readonly dataType: Guid;
      readonly payload: Uint8Array;
    }
  | {
      readonly type: 'presence-changed';
      readonly change: RecordChange;
      readonly nodeId: NodeId;
      readonly peerId: string;
      readonly addresses: readonly GraphAddress[];
      readonly attributes: string;
    }
  | {
      readonly type: 'sync-done';
      readonly conn: ConnectionId;
      readonly kind: SyncKind;
      /** Records that arrived (initiator) or were sent (`served`) during this sync. */
      readonly records: number;
      /** Bytes received (initiator) or sent (`served`) on the connection during this sync. */
      readonly bytes: number;
    }
  | {
      /**
       * The application should find a node of this graph (e.g. through PNRP) and `connect` to it:
       * `no-neighbours` (every neighbour is gone and no referral, presence or contact is left),
       * `long-term-repair` (§3.1.7.15: a contact asks for a connection outside what it knows).
       */
      readonly type: 'need-node';
      readonly reason: 'no-neighbours' | 'long-term-repair';
    }
  | {
      readonly type: 'refused';
      readonly what: 'connection' | 'record';
      readonly reason: string;
      readonly conn?: ConnectionId;
    };
