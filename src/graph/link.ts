/**
 * @module graph/link
 * One connection of a graph node and the link over it ([MS-PPGRH] §3.1.1 Connection and Link):
 * the connection states of §3.1.7.24 and §3.1.7.26 folded into {@link ConnState}, the link states
 * into {@link LinkState}, and what the neighbour list, sync and flooding keep per connection.
 * Plain data; links.ts, handshake.ts, sync.ts and flooding.ts act on it.
 */
import type { Endpoint } from '../keys/endpoint.js';
import type { ConnectionId } from '../sans-io.js';
import type { ConnectionSecurity, GraphAddress, Guid, NodeId, PeerTime } from './model.js';

/**
 * OUT_CONN_STATE_* / IN_CONN_STATE_* of §3.1.1: `dialing` (ALLOC/SOCKET: the connect output is
 * out), `accepted` (IN ACCEPTED: waiting for AUTH_INFO), `authenticating` (SENT_AUTHINFO /
 * GOT_AUTHINFO), `authenticated`, `closed` (DISCONNECTED).
 */
export type ConnState = 'dialing' | 'accepted' | 'authenticating' | 'authenticated' | 'closed';

/** LINK_STATE_* of §3.1.1 (START, CONNECT_WAIT, CONNECTED; the others end the link). */
export type LinkState = 'start' | 'connect-wait' | 'connected';

/** SYNC_TYPE (§3.1.1) of a sync this node initiated on the link, with its Sync Record Types. */
export interface SyncRun {
  readonly kind: 'all' | 'time' | 'hash';
  /** Sync Record Types (§3.1.7.29): graph info, presence, then the prioritized types. */
  readonly types: readonly Guid[];
  /** Current Sync Record Type: index of the next type to solicit; `types.length`: none left. */
  next: number;
  /** All Record Types Synched. */
  allSynched: boolean;
  /** SOLICIT_TIME's Modification Time. */
  readonly since: PeerTime;
  /** Hash sync: ADVERTISE received, REQUEST sent, waiting for SYNC_END. */
  requested: boolean;
  /** Hash sync: Records To Send (§3.1.5.2.8), flooded after SYNC_END. */
  toSend: readonly Guid[];
  /** Records that arrived on the link since the sync began (useful FLOODs). */
  records: number;
  /** `bytesIn` of the link when the sync began. */
  readonly bytesAtStart: number;
}

/** A batch of FLOODs this node owes a peer, sent a window per turn (sync.ts, pacing). */
export interface FloodJob {
  readonly ids: readonly Guid[];
  pos: number;
  /** Send SYNC_END after the last FLOOD (answering a solicit or REQUEST). */
  readonly syncEnd: boolean;
  /** Which answer this is, for the `sync-done` event of the responder. */
  readonly kind: 'served' | 'records-to-send';
  sent: number;
  readonly bytesAtStart: number;
}

/** A connection and its link. */
export interface Link {
  readonly conn: ConnectionId;
  /** `initiator`: we dialled and sent AUTH_INFO. */
  readonly role: 'initiator' | 'responder';
  /** Where we dialled, or where the driver says the peer came from. */
  readonly remote: Endpoint | undefined;
  /** Direct Connection flag (§3.1.1). */
  direct: boolean;
  connState: ConnState;
  linkState: LinkState;
  security: ConnectionSecurity | undefined;
  /** Authentication Timer (§3.1.6.1); Infinity when not running. */
  authDeadlineMs: number;
  /** Connect Timer (§3.1.6.2); Infinity when not running. */
  connectDeadlineMs: number;
  /** Destination Peer ID for AUTH_INFO, when the dialler knows it. */
  readonly expectedPeerId: string | undefined;
  /** The peer's peer ID (AUTH_INFO, WELCOME, or the security provider's authenticated one). */
  remotePeerId: string;
  remoteNodeId: NodeId | undefined;
  /** The peer's listening addresses (CONNECT, CONNECT with U). */
  remoteAddresses: readonly GraphAddress[];
  /** Connection utility (§3.1.7.33). */
  utility: number;
  /** Order of inclusion in the Neighbor List (§3.1.1); -1 while not a neighbour. */
  neighbourSeq: number;
  /** TConnect (§3.1.1): our peer time when the CONNECT went out. */
  connectSentAt: PeerTime;
  /** ACKs owed to the peer, sent in one ACK at the end of the current input. */
  readonly pendingAcks: { id: Guid; useful: boolean }[];
  /** A sync this node initiated on the link, if any. */
  sync: SyncRun | undefined;
  /** SYNC_TYPE of a sync the peer initiated: `hash` between SOLICIT_HASH and the REQUEST's answer. */
  served: 'none' | 'hash';
  /** FLOODs owed to the peer (sync answers, Records To Send). */
  readonly jobs: FloodJob[];
  bytesIn: number;
  bytesOut: number;
  /** Set when this link was dialled for connection maintenance (counts against attempts in flight). */
  readonly maintenance: boolean;
}

/**
 * A fresh link in its first state.
 * @example const link = newLink(1, 'initiator', endpoint, { direct: false, maintenance: true });
 */
export function newLink(
  conn: ConnectionId,
  role: 'initiator' | 'responder',
  remote: Endpoint | undefined,
  extra: { direct: boolean; maintenance: boolean; expectedPeerId?: string | undefined },
): Link {
  return {
    conn,
    role,
    remote,
    direct: extra.direct,
    connState: role === 'initiator' ? 'dialing' : 'accepted',
    linkState: 'start',
    security: undefined,
    authDeadlineMs: Number.POSITIVE_INFINITY,
    connectDeadlineMs: Number.POSITIVE_INFINITY,
    expectedPeerId: extra.expectedPeerId,
    remotePeerId: extra.expectedPeerId ?? '',
    remoteNodeId: undefined,
    remoteAddresses: [],
    utility: 0,
    neighbourSeq: -1,
    connectSentAt: 0n,
    pendingAcks: [],
    sync: undefined,
    served: 'none',
    jobs: [],
    bytesIn: 0,
    bytesOut: 0,
    maintenance: extra.maintenance,
  };
}
