/**
 * @module graph/model
 * The shapes of [MS-PPGRH] (Peer-to-Peer Graphing): records, addresses and the fourteen messages
 * of §2.2.2, as plain data. The codec (graph/wire/) turns them into bytes and back, the database
 * (graph/database.ts) stores records, the security provider (graph/security/) authenticates
 * connections and signs records, and the graph node (graph/node.ts) runs the protocol on them.
 * This file is the contract those parts share: it holds no behaviour.
 *
 * Representations. A GUID is its 16 wire bytes as [MS-PPGRH] §2.2 sends them (big-endian, in the
 * order the record type table prints them). Peer time is a FILETIME (100 ns since 1601-01-01
 * UTC) as a `bigint`, so records round-trip exactly. A node ID is a 64-bit unsigned `bigint`.
 * Peer IDs, graph IDs, friendly names and attributes are JavaScript strings; the codec decides
 * their wire encoding.
 */

/** A GUID as its 16 wire bytes. */
export type Guid = Uint8Array;

/** Peer time: 100 ns intervals since 1601-01-01 UTC (a FILETIME), [MS-PPGRH] §1.3.6. */
export type PeerTime = bigint;

/** A node ID: an unsigned 64-bit instance identifier, [MS-PPGRH] §3.1.1. */
export type NodeId = bigint;

/** A listening address: PEER_IN6_ADDRESS (§2.2.1.3) in messages, PEER_ADDRESS (§2.2.1.5) in records. */
export interface GraphAddress {
  /** 16 bytes, IPv4 as IPv4-mapped. */
  readonly address: Uint8Array;
  /** TCP port (or the transport's equivalent). */
  readonly port: number;
  /** IPv6 flow information; PEER_ADDRESS only, 0 elsewhere. */
  readonly flowInfo?: number;
}

/** PEER_RECORD (§2.2.1.9): one record of the shared database. */
export interface GraphRecord {
  /** Record type GUID; the four internal types are in {@link RECORD_TYPE}. */
  readonly type: Guid;
  /** Record ID GUID; its high 64 bits are bound to the creator ID (§3.1.7.27). */
  readonly id: Guid;
  /** 1 at creation, +1 on each update or deletion. */
  readonly version: number;
  /** Deleted records keep their place until they expire; their payload is empty. */
  readonly deleted: boolean;
  /** Peer ID of the creator. */
  readonly creatorId: string;
  /** Peer ID of the last modifier; empty when never modified. */
  readonly modifiedById: string;
  /** Whatever the graph security provider put there (a signature, a certificate chain). */
  readonly securityData: Uint8Array;
  readonly createdAt: PeerTime;
  readonly expiresAt: PeerTime;
  /** Equals `createdAt` for a record never modified. */
  readonly modifiedAt: PeerTime;
  readonly graphId: string;
  readonly payload: Uint8Array;
  /** The attributes XML of §2.2.3.5, or empty. */
  readonly attributes: string;
}

/** RECORD_ABSTRACT (§2.2.1.6): a record ID and version. */
export interface RecordAbstract {
  readonly id: Guid;
  readonly version: number;
}

/** HASH_INFO_ENTRY (§2.2.1.7): the MD5 of one record range and its upper boundary. */
export interface HashInfoEntry {
  /** 16 bytes of MD5 over the range's (record ID, version) pairs. */
  readonly hash: Uint8Array;
  readonly modifiedAt: PeerTime;
  readonly id: Guid;
}

/** HASH_ENTRY_BOUNDARY (§2.2.1.8): a record range and how many records it holds. */
export interface HashEntryBoundary {
  readonly lowerModifiedAt: PeerTime;
  readonly lowerId: Guid;
  readonly upperModifiedAt: PeerTime;
  readonly upperId: Guid;
  readonly count: number;
}

/** The record types a SOLICIT_* message includes or excludes (§2.2.2.6); empty: all. */
export interface RecordTypeFilter {
  readonly mode: 'all' | 'include' | 'exclude';
  readonly types: readonly Guid[];
}

/** Connection types of AUTH_INFO (§2.2.2.1). */
export const CONNECTION_TYPE = { neighbor: 0x01, direct: 0x02 } as const;

/** REFUSE error codes (§2.2.2.4). */
export const REFUSE_CODE = {
  busy: 0x01,
  alreadyConnected: 0x02,
  duplicateConnection: 0x03,
  directConnectionDisallowed: 0x04,
} as const;

/** DISCONNECT reasons (§2.2.2.5). */
export const DISCONNECT_REASON = { leaving: 0x01, leastUseful: 0x02, appDisconnect: 0x03 } as const;

/** Message type codes of PEER_MESSAGE (§2.2.1.2). */
export const MESSAGE_TYPE = {
  authInfo: 0x01,
  connect: 0x02,
  welcome: 0x03,
  refuse: 0x04,
  disconnect: 0x05,
  solicitNew: 0x06,
  solicitTime: 0x07,
  solicitHash: 0x08,
  advertise: 0x09,
  request: 0x0a,
  flood: 0x0b,
  syncEnd: 0x0c,
  pt2pt: 0x0d,
  ack: 0x0e,
} as const;

/** One [MS-PPGRH] message (§2.2.2), without the PEER_MESSAGE header the codec adds. */
export type GraphMessage =
  | {
      readonly type: 'auth-info';
      readonly connectionType: 'neighbor' | 'direct';
      readonly graphId: string;
      readonly sourcePeerId: string;
      /** Empty: no destination peer ID. */
      readonly destinationPeerId: string;
    }
  | {
      readonly type: 'connect';
      /** U: the sender now listens and `addresses` is valid. */
      readonly update: boolean;
      /** D: a direct connection. */
      readonly direct: boolean;
      /** N: the sender wants the target's neighbour list. */
      readonly wantNeighbors: boolean;
      readonly nodeId: NodeId;
      readonly addresses: readonly GraphAddress[];
      readonly friendlyName: string;
    }
  | {
      readonly type: 'welcome';
      readonly nodeId: NodeId;
      readonly peerTime: PeerTime;
      /** Referrals: the sender's neighbours' addresses. */
      readonly addresses: readonly GraphAddress[];
      readonly peerId: string;
      readonly friendlyName: string;
    }
  | {
      readonly type: 'refuse';
      readonly code: number;
      readonly addresses: readonly GraphAddress[];
    }
  | {
      readonly type: 'disconnect';
      readonly reason: number;
      readonly addresses: readonly GraphAddress[];
    }
  | { readonly type: 'solicit-new'; readonly filter: RecordTypeFilter }
  | {
      readonly type: 'solicit-time';
      readonly filter: RecordTypeFilter;
      readonly modifiedSince: PeerTime;
    }
  | {
      readonly type: 'solicit-hash';
      readonly filter: RecordTypeFilter;
      readonly entries: readonly HashInfoEntry[];
    }
  | {
      readonly type: 'advertise';
      readonly boundaries: readonly HashEntryBoundary[];
      readonly abstracts: readonly RecordAbstract[];
    }
  | { readonly type: 'request'; readonly abstracts: readonly RecordAbstract[] }
  | { readonly type: 'flood'; readonly record: GraphRecord }
  | { readonly type: 'sync-end' }
  | { readonly type: 'pt2pt'; readonly dataType: Guid; readonly payload: Uint8Array }
  | {
      readonly type: 'ack';
      readonly acks: readonly { readonly id: Guid; readonly useful: boolean }[];
    };

/** The kinds of {@link GraphMessage}. */
export type GraphMessageType = GraphMessage['type'];

function guid(hex: string): Guid {
  const clean = hex.replace(/[{}-]/g, '');
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = Number.parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** The four internal record types (§2.2.1.9). */
export const RECORD_TYPE: {
  readonly graphInfo: Guid;
  readonly signature: Guid;
  readonly contact: Guid;
  readonly presence: Guid;
} = {
  graphInfo: guid('00000100-0000-0000-0000-000000000000'),
  signature: guid('00000200-0000-0000-0000-000000000000'),
  contact: guid('00000300-0000-0000-0000-000000000000'),
  presence: guid('00000400-0000-0000-0000-000000000000'),
} as const;

/** The fixed record IDs of the graph info (§2.2.3.1) and signature (§2.2.3.2) records. */
export const FIXED_RECORD_ID: { readonly graphInfo: Guid; readonly signature: Guid } = {
  graphInfo: guid('6c796768-7732-406b-bc6e-5e9c0d864580'),
  signature: guid('4c515c94-4252-494f-8440-34cc79769c81'),
} as const;

/** PT2PT data type of the internal Ping message (§2.2.4.1). */
export const PING_DATA_TYPE: Guid = guid('0ccbb0d2-be41-4bd6-914b-058ec5dcce64');

/** How a received record compares with the stored one of the same ID (§3.1.7.32). */
export type RecordOrder = 'newer' | 'same' | 'older';

/** What {@link GraphDatabase.apply} did with a record. */
export type ApplyOutcome =
  | { readonly kind: 'added' | 'replaced'; readonly previous?: GraphRecord }
  | { readonly kind: 'same' }
  /** Ours is newer: the caller floods ours back (§3.1.5.2.10). */
  | { readonly kind: 'older'; readonly ours: GraphRecord }
  /** A bound was hit (database full, writer over its share, record too large): counted. */
  | { readonly kind: 'refused'; readonly reason: string };

/** What the initiator of a hash-based sync does after the responder's ADVERTISE (§3.1.5.2.8). */
export interface AdvertiseDiff {
  /** Records to REQUEST: advertised but missing here, or here with a lower version. */
  readonly request: readonly RecordAbstract[];
  /** Records to FLOOD after SYNC_END: in an advertised range here but absent there, or newer here. */
  readonly send: readonly GraphRecord[];
}

/**
 * The shared database of one graph (§1.3.5): bounded, ordered for hash-based sync, answering the
 * three kinds of synchronisation. Records are validated before they get here (codec limits,
 * §3.1.7.27, the security provider); the database owns only storage, conflict resolution and
 * sync arithmetic. Deleted records stay until they expire. Iteration order is deterministic.
 */
export interface GraphDatabase {
  /** Records held (deleted ones included). */
  readonly size: number;
  /** The record with this ID, deleted or not, or undefined. */
  get(id: Guid): GraphRecord | undefined;
  /** Stores a record by the rules of §3.1.5.2.10 and §3.1.7.32. */
  apply(record: GraphRecord): ApplyOutcome;
  /** Records passing `filter`, in (modifiedAt, id) order. */
  records(filter?: RecordTypeFilter): Iterable<GraphRecord>;
  /** Records passing `filter` with `modifiedAt >= since` (time-based sync, §3.1.5.2.6). */
  modifiedSince(since: PeerTime, filter?: RecordTypeFilter): Iterable<GraphRecord>;
  /** The initiator's HASH_INFO_ENTRYs: ranges of 10 records in (modifiedAt, id) order (§3.1.7.31). */
  hashEntries(filter?: RecordTypeFilter): HashInfoEntry[];
  /** The responder's ADVERTISE for a SOLICIT_HASH's entries: the ranges whose hash differs (§3.1.5.2.7). */
  advertise(
    entries: readonly HashInfoEntry[],
    filter?: RecordTypeFilter,
  ): { boundaries: HashEntryBoundary[]; abstracts: RecordAbstract[] };
  /** The initiator's REQUEST list and Records To Send for an ADVERTISE (§3.1.5.2.8). */
  diff(
    boundaries: readonly HashEntryBoundary[],
    abstracts: readonly RecordAbstract[],
  ): AdvertiseDiff;
  /** Removes records whose `expiresAt <= now`; returns them. */
  expire(now: PeerTime): GraphRecord[];
  /** The earliest `expiresAt` held, or undefined when empty. */
  nextExpiry(): PeerTime | undefined;
  /** SHA-256 over every record's canonical bytes in order: equal databases, equal digests. */
  digest(): Uint8Array;
}

/** A security provider's verdict on a received record (§3.1.7.27). */
export type RecordVerdict =
  | { readonly kind: 'valid' }
  | { readonly kind: 'invalid'; readonly reason: string }
  | { readonly kind: 'defer'; readonly reason: string };

/** What a connection's security step produced (§3.1.5.1). */
export interface SecurityStep {
  /** Units to send to the peer, in order (handshake messages). */
  readonly send: readonly Uint8Array[];
  readonly state: 'pending' | 'authenticated' | 'failed';
  /** Why it failed, as a stable kebab-case code (counted by the node). */
  readonly reason?: string;
}

/**
 * One connection's security: the authentication exchange after AUTH_INFO, then sealing and
 * opening every message (§3.1.5.1, §3.1.5.2, §3.1.7.1). Synchronous; never throws on remote bytes.
 */
export interface ConnectionSecurity {
  /** The initiator's first handshake units (sent right after AUTH_INFO); responders: none. */
  start(nowMs: number): SecurityStep;
  /** Feeds one handshake unit from the peer. */
  receive(nowMs: number, unit: Uint8Array): SecurityStep;
  /** After authentication: the unit to send for one encoded message. */
  seal(message: Uint8Array): Uint8Array;
  /** After authentication: the message inside one received unit, or why it was refused. */
  open(unit: Uint8Array): { ok: true; message: Uint8Array } | { ok: false; reason: string };
  /** The peer's authenticated peer ID, once authenticated. */
  readonly peerId: string | undefined;
}

/**
 * A graph security provider (§1.3.4): authenticates connections and secures records. The null
 * provider admits everyone and leaves records unsigned; the grouping provider (GMC) admits members
 * only and signs every record with the publisher's member key.
 */
export interface GraphSecurityProvider {
  /** Short name for logs and counters (`null`, `gmc`). */
  readonly name: string;
  /** Security for a new connection; `initiator`: we sent AUTH_INFO. `remotePeerId`: from AUTH_INFO or the dial. */
  connection(role: 'initiator' | 'responder', remotePeerId: string | undefined): ConnectionSecurity;
  /** Security data for a record the local node publishes (its `securityData` is empty), or an error. */
  secureRecord(
    record: GraphRecord,
  ): { ok: true; securityData: Uint8Array } | { ok: false; reason: string };
  /** Checks a received record (after the codec's and §3.1.7.27's checks). */
  validateRecord(record: GraphRecord): RecordVerdict;
}
