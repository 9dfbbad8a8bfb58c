/**
 * @module gmc/group-records
 * How a group session names and shows records: record types from names, GUID text or bytes
 * ({@link recordTypeOf}), record IDs as 32 hex digits, and `GraphRecord` to {@link GroupRecord}
 * (peer times as wall-clock ms).
 *
 * Decision: a type given as a name (anything that is not 32 hex digits or a GUID text) is the
 * first 16 bytes of SHA-256("pnrp-group-record-type:" + name), with its first byte forced to
 * at least 0x01 so that it never falls in the reserved range of internal types (whose first two
 * bytes are zero). Every member computes the same GUID from the same name.
 */
import type { GraphRecord, Guid } from '../graph/model.js';
import { type CryptoBackend, nobleCrypto } from '../keys/crypto-backend.js';
import { fromHex, toHex, utf8Encode } from '../util/bytes.js';
import { peerTimeToWallMs } from './graph-provider-record.js';
import type { GroupRecord, GroupRecordType } from './group-types.js';

const HEX32 = /^[0-9a-fA-F]{32}$/;
const GUID_TEXT =
  /^\{?([0-9a-fA-F]{8})-([0-9a-fA-F]{4})-([0-9a-fA-F]{4})-([0-9a-fA-F]{4})-([0-9a-fA-F]{12})\}?$/;

/**
 * The 16-byte record type GUID of a name, GUID text, 32 hex digits or GUID bytes (module header).
 * GUID text is read in its printed digit order (no mixed-endian swap), like the hex form.
 * @example recordTypeOf('chat.message') // 16 bytes, the same on every member
 */
export function recordTypeOf(type: GroupRecordType, crypto: CryptoBackend = nobleCrypto): Guid {
  if (type instanceof Uint8Array) {
    if (type.length !== 16) throw new RangeError('a record type GUID is 16 bytes');
    return type;
  }
  if (typeof type !== 'string' || type === '')
    throw new TypeError('a record type is 16 bytes or a non-empty string');
  if (HEX32.test(type)) return fromHex(type.toLowerCase());
  const guid = GUID_TEXT.exec(type);
  if (guid) return fromHex(guid.slice(1).join('').toLowerCase());
  const h = crypto.sha256(utf8Encode(`pnrp-group-record-type:${type}`)).slice(0, 16);
  if (h[0] === 0) h[0] = 1;
  return h;
}

/**
 * A record ID from its 32 hex digits; `RangeError` otherwise.
 * @example recordIdOf(record.id)
 */
export function recordIdOf(id: string): Guid {
  if (typeof id !== 'string' || !HEX32.test(id))
    throw new RangeError(`a record ID is 32 hex digits, got ${JSON.stringify(id)}`);
  return fromHex(id.toLowerCase());
}

/**
 * Payload bytes of a string (UTF-8) or bytes.
 * @example payloadBytes('hello')
 */
export function payloadBytes(payload: Uint8Array | string): Uint8Array {
  if (typeof payload === 'string') return utf8Encode(payload);
  if (payload instanceof Uint8Array) return payload;
  throw new TypeError('payload must be a string or a Uint8Array');
}

/**
 * What the application sees of a stored record.
 * @example toGroupRecord(node.getRecord(id)!)
 */
export function toGroupRecord(record: GraphRecord): GroupRecord {
  return {
    id: toHex(record.id),
    type: toHex(record.type),
    payload: record.payload,
    attributes: record.attributes,
    version: record.version,
    creatorId: record.creatorId,
    modifiedById: record.modifiedById,
    createdAtMs: peerTimeToWallMs(record.createdAt),
    modifiedAtMs: peerTimeToWallMs(record.modifiedAt),
    expiresAtMs: peerTimeToWallMs(record.expiresAt),
    raw: record,
  };
}

/**
 * True for the node's own record types (graph info, signature, contact, presence, ...), which
 * the session does not show as application records: the reserved range (first two bytes zero).
 * @example isInternalType(RECORD_TYPE.presence) // true
 */
export function isInternalType(type: Guid): boolean {
  return type[0] === 0 && type[1] === 0;
}
