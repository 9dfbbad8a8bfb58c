/**
 * @module gmc/group-types
 * What `startGroup`, `openGroup` and `joinGroup` take and what a {@link GroupSession} offers: the
 * async facade of a peer group ([MS-PPGRH] graphing secured by [MS-PPSEC] membership
 * certificates), in the style of `createPeer`.
 */
import type { ConnectionTransport } from '../connection-transport.js';
import type { GraphAddress, GraphRecord, Guid, NodeId } from '../graph/model.js';
import type { GraphLimits, GraphTimers } from '../graph/options.js';
import type { CryptoBackend } from '../keys/crypto-backend.js';
import type { Endpoint } from '../keys/endpoint.js';
import type { Identity } from '../keys/identity.js';
import type { Peer } from '../peer/types.js';
import type { WallClock } from '../sans-io.js';
import type { Timers } from '../transport-adapter.js';
import type { Rng } from '../util/rng.js';
import type { GmcRole } from './constants.js';
import type { StreamOptions } from './group-stream.js';
import type { InvitationCloud } from './invitation.js';
import type { Group, GroupProperties } from './issue.js';

/** What every session takes: where graph connections go, and how to meet the group. */
export interface GroupSessionOptions {
  /** Graph connections (TCP: `createTcpTransport` from `pnrp/node`; memory in tests). */
  readonly connections: ConnectionTransport;
  /**
   * A running peer: the session registers `<group authority>.participant` in it (so others can
   * find this member) and, when joining, resolves that name to find live members. Create it with
   * `authorityVerifier: gmcAuthorityVerifier().verify`, else only the creator's own registration
   * verifies. The session never closes it. @default none
   */
  readonly peer?: Peer;
  /** The PNRP cloud of the participant name. @default the peer's first cloud */
  readonly cloud?: string;
  /**
   * Graph endpoints of members a joiner tries before (or instead of) PNRP, e.g. in tests; the
   * creator (`startGroup`) dials no one and ignores it. @default []
   */
  readonly bootstrap?: readonly Endpoint[];
  /** Addresses others should dial. @default [connections.localEndpoint] */
  readonly advertise?: readonly Endpoint[];
  /** Friendly name sent in CONNECT and WELCOME. @default '' */
  readonly friendlyName?: string;
  /** @default realTimers() */
  readonly timers?: Timers;
  /** Wall-clock time: certificates, peer time. @default systemWallClock */
  readonly wallClock?: WallClock;
  /** @default systemRng() */
  readonly rng?: Rng;
  /** @default nobleCrypto */
  readonly crypto?: CryptoBackend;
  /** Graph timer overrides ([MS-PPGRH] §3.1.2). */
  readonly graphTimers?: Partial<GraphTimers>;
  /** Graph limit overrides. */
  readonly graphLimits?: Partial<GraphLimits>;
  /** Shut the connection transport down in `close()`. @default true */
  readonly closeConnections?: boolean;
  /** Longest wait for finding, reaching and syncing with the group. @default 30000 */
  readonly timeoutMs?: number;
  /** Aborts the start or join: it rejects with `CANCELLED` and leaves nothing running. */
  readonly signal?: AbortSignal;
}

/** Options of `startGroup`: a new group (or one created earlier), this node its creator. */
export interface StartGroupOptions extends GroupSessionOptions {
  /** A group created earlier (`createGroup`, or read from a file). @default a new group */
  readonly group?: Group;
  /** Classifier of a new group (its peer name is `<authority>.<classifier>`). @default 'group' */
  readonly classifier?: string;
  /** Friendly name of a new group. @default the classifier */
  readonly groupName?: string;
}

/** Options of `joinGroup` and `openGroup`. */
export interface JoinGroupOptions extends GroupSessionOptions {
  /** The invitee's key pair: the invitation's certificate must be for its public key. */
  readonly identity: Identity;
}

/** A record type: 16 GUID bytes, 32 hex digits, a GUID text, or any name (hashed). */
export type GroupRecordType = Guid | string;

/** A record as the application sees it. Times are wall-clock ms (from peer time). */
export interface GroupRecord {
  /** The record ID, 32 hex digits. */
  readonly id: string;
  /** The record type GUID, 32 hex digits. */
  readonly type: string;
  readonly payload: Uint8Array;
  readonly attributes: string;
  readonly version: number;
  /** Peer ID (key authority) of the member who created it. */
  readonly creatorId: string;
  /** Peer ID of the last modifier; empty when never modified. */
  readonly modifiedById: string;
  readonly createdAtMs: number;
  readonly modifiedAtMs: number;
  readonly expiresAtMs: number;
  /** The record as stored (raw GUIDs, peer times, security data). */
  readonly raw: GraphRecord;
}

/** A change of a record in the local database, made here (`local`) or by another member. */
export interface GroupRecordChange {
  readonly change: 'added' | 'updated' | 'deleted' | 'expired';
  readonly record: GroupRecord;
  readonly local: boolean;
}

/** A member present in the graph (its presence record). */
export interface GroupMember {
  /** The member's peer ID: the authority of its key. */
  readonly peerId: string;
  readonly nodeId: NodeId;
  readonly addresses: readonly GraphAddress[];
  readonly attributes: string;
  /** True for this session's own presence. */
  readonly self: boolean;
}

/** A member appeared (`joined`) or its presence went (`left`: deleted; `expired`: timed out). */
export interface GroupMemberEvent {
  readonly type: 'joined' | 'left' | 'expired';
  readonly member: GroupMember;
}

/** What a new record may carry besides its type and payload. */
export interface GroupRecordOptions {
  /** Attributes XML ([MS-PPGRH] §2.2.3.5). @default '' */
  readonly attributes?: string;
  /** Lifetime from now. @default 86400000 (one day), capped by the member's certificate */
  readonly lifetimeMs?: number;
}

/** The record operations of a session; refusals throw `PnrpError` (`RECORD_REFUSED`, ...). */
export interface GroupRecords {
  /** Publishes a record, flooded to every member. */
  add(
    type: GroupRecordType,
    payload: Uint8Array | string,
    options?: GroupRecordOptions,
  ): GroupRecord;
  /** Updates a record (its creator, or an admin); omitted fields keep their value. */
  update(
    id: string,
    changes: { readonly payload?: Uint8Array | string } & GroupRecordOptions,
  ): GroupRecord;
  /** Deletes a record (its creator, or an admin). */
  delete(id: string): void;
  /** A live record by ID (undefined when unknown or deleted). */
  get(id: string): GroupRecord | undefined;
  /** Live application records, of one type or all, oldest modification first. */
  query(type?: GroupRecordType): GroupRecord[];
}

/** Options of `GroupSession.invite`. */
export interface GroupInviteOptions extends InvitationCloud {
  /** The invitee's Ed25519 public key (32 bytes), e.g. from `parseIdentityInfo`. */
  readonly publicKey: Uint8Array;
  /** @default 'member' */
  readonly role?: GmcRole;
  /** How long the invitee's certificate is valid. @default 28 days */
  readonly validityMs?: number;
  readonly signal?: AbortSignal;
}

/** Options of `GroupSession.changes`. */
export interface GroupChangesOptions extends StreamOptions {
  /** First yield every live application record as `added` (the history). @default false */
  readonly replay?: boolean;
}

/**
 * A running member of a group. See `startGroup` and `joinGroup`.
 * @example
 * for await (const c of session.changes({ replay: true })) console.log(c.change, c.record.payload);
 */
export interface GroupSession {
  /** The group's properties (from the creator, or read from the root certificate). */
  readonly properties: Pick<GroupProperties, 'peerName' | 'classifier' | 'friendlyName'>;
  /** The graph ID: the group's peer name. */
  readonly graphId: string;
  /** This member's peer ID (the authority of its key). */
  readonly peerId: string;
  /** This member's roles in its certificate. */
  readonly roles: readonly GmcRole[];
  /** The member's key pair and chain (root first): what `invite` issues from. */
  readonly credential: { readonly identity: Identity; readonly chain: readonly Uint8Array[] };
  /** Where others reach this member's graph node. */
  readonly endpoints: readonly Endpoint[];
  /** True after `close()`. */
  readonly closed: boolean;
  /** Record operations. */
  readonly records: GroupRecords;
  /** Members present now (including this one once its presence is published). */
  members(): GroupMember[];
  /** Record changes from now on (with `replay`, the history first). Ends at `close()`. */
  changes(options?: GroupChangesOptions): AsyncIterableIterator<GroupRecordChange>;
  /** Members joining and leaving from now on. Ends at `close()`. */
  memberEvents(options?: StreamOptions): AsyncIterableIterator<GroupMemberEvent>;
  /** Resolves once the first synchronisation finished (at once for the creator). */
  whenSynced(signal?: AbortSignal): Promise<void>;
  /** Issues a certificate for `publicKey` and returns the invitation XML (admins, inviters). */
  invite(options: GroupInviteOptions): Promise<string>;
  /** Leaves: DISCONNECT (leaving) to every neighbour, unregisters, ends the iterables. */
  close(): Promise<void>;
}
