/**
 * @module wire/types
 * The message model of [MS-PNRP] §2.2 / [MC-DRT] §2.2: one interface per message type, the
 * structures they carry, and the protocol constants. CPAs, certificate chains and extended
 * payloads are opaque bytes here (their codecs live in `cpa/` and `gmc/`), so the wire layer does
 * not depend on any security profile. Byte layouts: reference/pnrp-wire.md §2-§4.
 */
import type { Endpoint } from '../keys/endpoint.js';
import type { Key } from '../keys/key256.js';

/** Message type codes of the PNRP header ([MS-PNRP] §2.2.1). */
export const MESSAGE_TYPE_CODES = {
  solicit: 0x01,
  advertise: 0x02,
  request: 0x03,
  flood: 0x04,
  inquire: 0x07,
  authority: 0x08,
  ack: 0x09,
  lookup: 0x0b,
} as const;

/** The eight message types, by name. */
export type MessageType = keyof typeof MESSAGE_TYPE_CODES;

/** Header identifier byte, always 0x51. */
export const HEADER_IDENTIFIER = 0x51;
/** Header length in bytes. */
export const HEADER_BYTES = 12;
/** PNRP clouds speak version 4.0 (docs/design.md §5); a DRT instance may choose its own. */
export const PNRP_VERSION: ProtocolVersion = { major: 4, minor: 0 };

/** Limits from the specification, enforced by encoder and decoder alike. */
export const WIRE_LIMITS = {
  /** ID array entries ([MS-PNRP] §2.2.2.2). */
  idArrayEntriesMax: 0x7fff,
  /** Flagged path endpoints in a LOOKUP ([MS-PNRP] §2.2.2.8): 1..22. */
  flaggedPathMax: 22,
  flaggedPathMin: 1,
  /** Already-flooded list endpoints in a FLOOD ([MS-PNRP] §2.2.2.4): 0..22. */
  alreadyFloodedMax: 22,
  /** Addresses in a ROUTE_ENTRY ([MS-PNRP] §2.2.3.4): 1..20. */
  routeEntryAddressesMax: 20,
  /** Classifier characters in a CLASSIFIER element (149 + NUL in the peer name grammar). */
  classifierUnitsMax: 149,
  /** An AUTHORITY datagram carries at most this many buffer bytes ([MS-PNRP] §2.2.2.6). */
  authorityFragmentBytes: 1188,
  /** Largest AUTHORITY_BUFFER ([MS-PNRP] §2.2.2.6): 0x91E4. */
  authorityBufferMax: 37348,
  /** Ports at or below this are refused in route entries and endpoints. */
  portReservedMax: 1024,
} as const;

/** Header protocol version. */
export interface ProtocolVersion {
  readonly major: number;
  readonly minor: number;
}

/** A ROUTE_ENTRY: a node's key and the addresses it answers on ([MS-PNRP] §2.2.3.4). */
export interface RouteEntry {
  readonly id: Key;
  /** UDP port shared by all addresses; must be > 1024. */
  readonly port: number;
  /** 1..20 IPv6 addresses (IPv4 as IPv4-mapped), 16 bytes each. */
  readonly addresses: readonly Uint8Array[];
}

/** Resolve criteria of LOOKUP_CONTROLS ([MS-PNRP] §2.2.2.8): how many bits must match. */
export const RESOLVE_CRITERIA_CODES = {
  none: 0x00,
  'any-peer-name': 0x01,
  'nearest-peer-name': 0x02,
  'nearest64-peer-name': 0x04,
  'upper-bits': 0x08,
} as const;
/**
 * How a resolve picks instances ([MS-PNRP] §2.2.2.8 LOOKUP_CONTROLS resolve criteria), by name;
 * the wire codes are `RESOLVE_CRITERIA_CODES`.
 * @example const criteria: ResolveCriteria = 'nearest-peer-name';
 */
export type ResolveCriteria =
  | 'none'
  | 'any-peer-name'
  | 'nearest-peer-name'
  | 'nearest64-peer-name'
  | 'upper-bits';

/** Why a LOOKUP was sent (informational; the receiver ignores it). */
export const REASON_CODES = {
  'app-request': 0,
  registration: 1,
  'cache-maintenance': 2,
  'split-detection': 3,
} as const;
export type ReasonCode = keyof typeof REASON_CODES;

/** DRT membership/confidential mode elements carried by LOOKUP, INQUIRE and REQUEST ([MC-DRT]). */
export interface SecurityElements {
  /** CREDENTIAL (0x0080, same field as CERT_CHAIN). */
  readonly credential: Uint8Array;
  /** SIGNATURE (0x00A5). */
  readonly signature: Uint8Array;
  /** KEY_IDENTIFIER (0x00A6), optional. */
  readonly keyIdentifier?: Uint8Array;
}

interface MessageBase {
  /** Random u32 chosen by the sender; echoed as the acked message ID. */
  readonly messageId: number;
  readonly version: ProtocolVersion;
}

/** SOLICIT (0x01): start of cache synchronisation ([MS-PNRP] §2.2.2.1). */
export interface SolicitMessage extends MessageBase {
  readonly type: 'solicit';
  /** SOLICIT_CONTROLS; absent in DRT. `'any'` = local and cached IDs, `'local'` = local only. */
  readonly solicitType?: 'any' | 'local';
  /** The solicitor's own route entry, if it has registered an ID. */
  readonly routeEntry?: RouteEntry;
  /** SHA-1 of the conversation nonce, 20 bytes. */
  readonly hashedNonce: Uint8Array;
}

/** ADVERTISE (0x02): IDs the publisher offers ([MS-PNRP] §2.2.2.2). Empty list = busy. */
export interface AdvertiseMessage extends MessageBase {
  readonly type: 'advertise';
  readonly ackedMessageId: number;
  readonly ids: readonly Key[];
  readonly hashedNonce: Uint8Array;
}

/** REQUEST (0x03): the IDs the solicitor wants, with the nonce proving it solicited. */
export interface RequestMessage extends MessageBase {
  readonly type: 'request';
  /** 16-byte nonce whose SHA-1 was the SOLICIT's hashed nonce. */
  readonly nonce: Uint8Array;
  readonly ids: readonly Key[];
  readonly security?: SecurityElements;
}

/** FLOOD (0x04): a route entry or revoke CPA pushed to a leaf-set neighbour. */
export interface FloodMessage extends MessageBase {
  readonly type: 'flood';
  /** D flag: the receiver must not ACK. */
  readonly dontAck: boolean;
  /** The ID the sender believes the receiver publishes (or all zero). */
  readonly validateId: Key;
  /** Encoded revoke CPA (opaque here). */
  readonly revokeCpa?: Uint8Array;
  readonly routeEntry?: RouteEntry;
  /** Nodes that already received this flood (0..22). */
  readonly alreadyFlooded: readonly Endpoint[];
}

/** INQUIRE flags ([MS-PNRP] §2.2.2.5). */
export interface InquireFlags {
  /** A: send the CPA. */
  readonly wantCpa: boolean;
  /** X: send the extended payload. */
  readonly wantExtendedPayload: boolean;
  /** C: send the certificate chain. */
  readonly wantCertChain: boolean;
}

/** INQUIRE (0x07): "do you publish this ID? prove it" ([MS-PNRP] §2.2.2.5). */
export interface InquireMessage extends MessageBase {
  readonly type: 'inquire';
  readonly flags: InquireFlags;
  readonly validateId: Key;
  /** 16 bytes, copied into the CPA to prevent replay. */
  readonly nonce?: Uint8Array;
  readonly security?: SecurityElements;
}

/** AUTHORITY_BUFFER flags ([MS-PNRP] §2.2.2.6.1). */
export interface AuthorityFlags {
  /** L: the target is unknown here but would fall in my leaf set. */
  readonly suspicious: boolean;
  /** B: too busy. */
  readonly busy: boolean;
  /** N: the Validate ID is not registered here. */
  readonly notRegistered: boolean;
}

/** The logical content of an AUTHORITY reply, before fragmentation. */
export interface AuthorityBuffer {
  readonly flags: AuthorityFlags;
  readonly certChain?: Uint8Array;
  /** Classifier of the validated name (UTF-16BE on the wire, docs/design.md §5). */
  readonly classifier?: string;
  /** Encoded extended payload (opaque here). */
  readonly extendedPayload?: Uint8Array;
  /** LOOKUP reply: the next hop; absent means dead end. */
  readonly routeEntry?: RouteEntry;
  /** INQUIRE reply: the encoded CPA (opaque here). */
  readonly validateCpa?: Uint8Array;
}

/** AUTHORITY (0x08), whole (reassembled, or small enough for one datagram). */
export interface AuthorityMessage extends MessageBase {
  readonly type: 'authority';
  readonly ackedMessageId: number;
  readonly buffer: AuthorityBuffer;
}

/** ACK (0x09) of a REQUEST or a FLOOD without D. */
export interface AckMessage extends MessageBase {
  readonly type: 'ack';
  readonly ackedMessageId: number;
  /** N flag: the FLOOD's Validate ID is not registered here. */
  readonly notRegistered: boolean;
}

/** LOOKUP_CONTROLS ([MS-PNRP] §2.2.2.8). */
export interface LookupControls {
  /** A: accept nodes that are not closer than the Validate ID. */
  readonly acceptAny: boolean;
  /** Bits that must match, with `'upper-bits'`. */
  readonly precision: number;
  readonly resolveCriteria: ResolveCriteria;
  readonly reasonCode: ReasonCode;
}

/** LOOKUP (0x0B): "give me an entry closer to the target" ([MS-PNRP] §2.2.2.8). */
export interface LookupMessage extends MessageBase {
  readonly type: 'lookup';
  readonly controls: LookupControls;
  readonly target: Key;
  readonly validateId: Key;
  /** Best match so far; during registration, the registrant's own entry. */
  readonly bestMatch?: RouteEntry;
  /** Endpoints already asked (1..22). */
  readonly flaggedPath: readonly Endpoint[];
  readonly security?: SecurityElements;
}

/** Any whole message. */
export type Message =
  | SolicitMessage
  | AdvertiseMessage
  | RequestMessage
  | FloodMessage
  | InquireMessage
  | AuthorityMessage
  | AckMessage
  | LookupMessage;

/**
 * One AUTHORITY datagram carrying part of a buffer larger than one fragment (or any datagram
 * whose SPLIT_CONTROLS do not cover the whole buffer). Feed it to an `AuthorityReassembler`.
 */
export interface AuthorityFragment extends MessageBase {
  readonly type: 'authority-fragment';
  readonly ackedMessageId: number;
  /** Total AUTHORITY_BUFFER size (SPLIT_CONTROLS Size). */
  readonly size: number;
  /** Where this fragment starts in the buffer (SPLIT_CONTROLS Offset). */
  readonly offset: number;
  readonly data: Uint8Array;
}

/** What `decodeMessage` yields for one datagram. */
export type Datagram = Message | AuthorityFragment;
