/**
 * @module wire/constants
 * Field IDs, fixed element lengths and flag bits of the PNRP/DRT wire format: [MS-PNRP] §2.2
 * (FieldID table), §2.2.2 (per-message layouts), §2.2.3 (structures) and [MC-DRT] §2.2 (the
 * security elements). Facts are summarised in reference/pnrp-wire.md §2-§5.
 */
import { MESSAGE_TYPE_CODES, type MessageType } from './types.js';

/**
 * Every FieldID the codec knows ([MS-PNRP] §2.2, [MC-DRT] §2.2). The DRT names of shared IDs are
 * aliases (`credential` = `certChain`).
 * @example FIELD_IDS.routingEntry // 0x009a
 */
export const FIELD_IDS = {
  header: 0x0010,
  headerAcked: 0x0018,
  pnrpId: 0x0030,
  targetPnrpId: 0x0038,
  validatePnrpId: 0x0039,
  flags: 0x0040,
  floodControls: 0x0043,
  solicitControls: 0x0044,
  lookupControls: 0x0045,
  extendedPayload: 0x005a,
  pnrpIdArray: 0x0060,
  certChain: 0x0080,
  credential: 0x0080,
  wchar: 0x0084,
  classifier: 0x0085,
  hashedNonce: 0x0092,
  nonce: 0x0093,
  splitControls: 0x0098,
  routingEntry: 0x009a,
  validateCpa: 0x009b,
  revokeCpa: 0x009c,
  ipv6Endpoint: 0x009d,
  ipv6EndpointArray: 0x009e,
  keyToken: 0x009f,
  encryptedEndpointArray: 0x00a0,
  encryptedRoutingEntry: 0x00a1,
  encryptedCpa: 0x00a2,
  encryptedClassifier: 0x00a3,
  encryptedPayload: 0x00a4,
  signature: 0x00a5,
  keyIdentifier: 0x00a6,
} as const;

/**
 * FieldID and Length in front of every element.
 * @example const bodyBytes = length - ELEMENT_HEADER_BYTES;
 */
export const ELEMENT_HEADER_BYTES = 4;
/**
 * A TLV Length is a u16 that counts the 4-byte element header.
 * @example if (elementBytes > ELEMENT_BYTES_MAX) throw new RangeError("too long");
 */
export const ELEMENT_BYTES_MAX = 0xffff;

/**
 * Declared Length of each fixed-size element (header included). Padding after SOLICIT_CONTROLS,
 * FLOOD_CONTROLS and FLAGS_FIELD is not counted ([MS-PNRP] §2.2.2.1, §2.2.2.4, §2.2.2.5).
 * @example ELEMENT_LENGTHS.floodControls // 7, followed by 1 byte of padding
 */
export const ELEMENT_LENGTHS = {
  header: 12,
  headerAcked: 8,
  flags: 6,
  floodControls: 7,
  solicitControls: 6,
  lookupControls: 12,
  splitControls: 8,
  id: 36,
  hashedNonce: 24,
  nonce: 20,
} as const;

/**
 * Bytes of a PNRP ID / DRT key.
 * @example new Uint8Array(ID_BYTES) // an all-zero Validate ID
 */
export const ID_BYTES = 32;
/**
 * Bytes of the conversation nonce (REQUEST, INQUIRE).
 * @example const nonce = rng.bytes(NONCE_BYTES);
 */
export const NONCE_BYTES = 16;
/**
 * Bytes of the hashed nonce: SHA-1 of the nonce (SOLICIT, ADVERTISE).
 * @example sha1(nonce).length === HASHED_NONCE_BYTES // true
 */
export const HASHED_NONCE_BYTES = 20;
/**
 * Bytes of an IPv6 address.
 * @example endpoint.address.length === ADDRESS_BYTES // true
 */
export const ADDRESS_BYTES = 16;
/**
 * Bytes of an IPV6_ENDPOINT: port (u16 BE) and address ([MS-PNRP] §2.2.3.6).
 * @example const arrayBytes = 12 + ENDPOINT_BYTES * path.length;
 */
export const ENDPOINT_BYTES = 18;
/**
 * ROUTE_ENTRY bytes before the addresses: ID, version (2), port (2), flags, count.
 * @example ROUTE_ENTRY_FIXED_BYTES + 16 * entry.addresses.length // its size
 */
export const ROUTE_ENTRY_FIXED_BYTES = 38;
/**
 * Array header inside an array element: NumEntries, ArrayLength, ElementFieldType, EntryLength.
 * @example const arrayLength = ARRAY_HEADER_BYTES + 32 * ids.length;
 */
export const ARRAY_HEADER_BYTES = 8;
/**
 * UTF-16 code unit size in a CLASSIFIER array.
 * @example const classifierBytes = WCHAR_BYTES * classifier.length;
 */
export const WCHAR_BYTES = 2;

/**
 * IDs that fit one PNRP_ID_ARRAY: the element Length is a u16, so (65535 - 12) / 32 = 2047 IDs,
 * well below the 0x7FFF the spec allows in NumEntries.
 * @example const offered = ids.slice(0, ID_ARRAY_ENTRIES_ENCODABLE_MAX);
 */
export const ID_ARRAY_ENTRIES_ENCODABLE_MAX = 2047;

/**
 * Header bytes of every AUTHORITY datagram before its slice: header, HEADER_ACKED, SPLIT_CONTROLS.
 * @example const slice = datagram.subarray(AUTHORITY_PREFIX_BYTES);
 */
export const AUTHORITY_PREFIX_BYTES = 28;

/**
 * INQUIRE FLAGS_FIELD bits ([MS-PNRP] §2.2.2.5).
 * @example (flags & INQUIRE_FLAG_BITS.wantCpa) !== 0
 */
export const INQUIRE_FLAG_BITS = {
  wantCpa: 0x0010,
  wantExtendedPayload: 0x0008,
  wantCertChain: 0x0004,
} as const;

/**
 * AUTHORITY_BUFFER FLAGS_FIELD bits ([MS-PNRP] §2.2.2.6.1).
 * @example (flags & AUTHORITY_FLAG_BITS.busy) !== 0
 */
export const AUTHORITY_FLAG_BITS = {
  suspicious: 0x0200,
  busy: 0x0008,
  notRegistered: 0x0001,
} as const;

/**
 * ACK FLAGS_FIELD: N, the FLOOD's Validate ID is not registered here ([MS-PNRP] §2.2.2.7).
 * @example (flags & ACK_FLAG_NOT_REGISTERED) !== 0
 */
export const ACK_FLAG_NOT_REGISTERED = 0x0001;
/**
 * FLOOD_CONTROLS: D, do not ACK ([MS-PNRP] §2.2.2.4).
 * @example (flags & FLOOD_FLAG_DONT_ACK) !== 0
 */
export const FLOOD_FLAG_DONT_ACK = 0x0001;
/**
 * LOOKUP_CONTROLS: A, accept nodes not closer than the Validate ID ([MS-PNRP] §2.2.2.8).
 * @example (flags & LOOKUP_FLAG_ACCEPT_ANY) !== 0
 */
export const LOOKUP_FLAG_ACCEPT_ANY = 0x0002;

/**
 * SOLICIT_CONTROLS SolicitType values ([MS-PNRP] §2.2.2.1).
 * @example SOLICIT_TYPE_CODES.local // 1
 */
export const SOLICIT_TYPE_CODES = { any: 0x00, local: 0x01 } as const;

/**
 * Largest Precision with `'upper-bits'`: a key has 256 bits.
 * @example controls.precision <= PRECISION_BITS_MAX
 */
export const PRECISION_BITS_MAX = 256;

const TYPE_BY_CODE: (MessageType | undefined)[] = [];
for (const [name, code] of Object.entries(MESSAGE_TYPE_CODES)) {
  TYPE_BY_CODE[code] = name as MessageType;
}

/**
 * The message type of a header MessageType byte, or `undefined` for codes PNRP v4 does not use.
 * @example messageTypeOfCode(0x0b) // 'lookup'
 */
export function messageTypeOfCode(code: number): MessageType | undefined {
  return TYPE_BY_CODE[code];
}
