/**
 * @module graph/wire/record
 * PEER_RECORD ([MS-PPGRH] §2.2.1.9): the record of the shared database, as FLOOD carries it.
 * Layout: Record Type (16), Record ID (16), Record Version (u32), Reserved (3 bytes) and a flags
 * byte whose D bit (0x02, bit 254 of the diagram, most significant bit first) marks a deleted
 * record, Creator ID, Last Modified By ID, Security Data, Creation / Expiration / Last
 * Modification Time (u64 big-endian FILETIMEs, §2.2), Graph ID, Protocol Version (0x0100),
 * Payload Data, Attributes. Strings are counted UTF-16LE (see primitives.ts). The decoder applies
 * the format's own rules (string ranges, protocol version, sizes, the deleted bit's empty payload,
 * the wire limit on record size); {@link validateRecord} adds the rest of §3.1.7.27.
 */

import { ByteReader, decodeWith, fail } from '../../util/byte-reader.js';
import { ByteWriter } from '../../util/byte-writer.js';
import type { Result } from '../../util/result.js';
import type { GraphRecord } from '../model.js';
import { GRAPH_WIRE_ERROR as E } from './errors.js';
import { type GraphWireLimits, resolveGraphWireLimits } from './limits.js';
import {
  checkGuid,
  checkU32,
  readU64be,
  readUtf16Counted,
  writeU64be,
  writeUtf16Counted,
} from './primitives.js';

/** PEER_RECORD Protocol Version for version 1.0 (§2.2.1.9). */
export const RECORD_PROTOCOL_VERSION = 0x0100;
/** The Deleted bit of PEER_RECORD's flags byte. */
const DELETED = 0x02;
/** Most characters of a peer ID or graph ID, with the terminating null (§2.2.1.9). */
export const RECORD_ID_CHARS_MAX = 256;
/** Smallest PEER_RECORD: two-character creator and graph IDs (one character and the null). */
export const RECORD_MIN_BYTES = 98;

/**
 * The size §3.1.7.27 holds against Max Record Size: payload bytes + Attributes Length × 2
 * (Attributes Length counts the null; 0 when there are no attributes).
 * @example recordSizeForLimit(record) <= maxRecordSize
 */
export function recordSizeForLimit(record: GraphRecord): number {
  const attributeChars = record.attributes.length === 0 ? 0 : record.attributes.length + 1;
  return record.payload.length + attributeChars * 2;
}

/**
 * Encodes a PEER_RECORD. Local misuse (wrong GUID length, a string over 255 characters, a null
 * inside a string, a payload on a deleted record) throws `TypeError` / `RangeError`.
 * @example const bytes = encodeRecord(record);
 */
export function encodeRecord(record: GraphRecord): Uint8Array {
  if (record.deleted && record.payload.length > 0) {
    throw new RangeError('a deleted record has an empty payload (§2.2.1.9)');
  }
  const w = new ByteWriter(128 + record.payload.length + record.securityData.length);
  w.bytes(checkGuid(record.type, 'record type')).bytes(checkGuid(record.id, 'record ID'));
  w.u32be(checkU32(record.version, 'record version'));
  w.u8(0)
    .u8(0)
    .u8(0)
    .u8(record.deleted ? DELETED : 0);
  writeUtf16Counted(w, record.creatorId, 'Creator ID', RECORD_ID_CHARS_MAX, false);
  writeUtf16Counted(w, record.modifiedById, 'Last Modified By ID', RECORD_ID_CHARS_MAX, true);
  w.u32be(record.securityData.length).bytes(record.securityData);
  writeU64be(w, record.createdAt, 'Creation Time');
  writeU64be(w, record.expiresAt, 'Expiration Time');
  writeU64be(w, record.modifiedAt, 'Last Modification Time');
  writeUtf16Counted(w, record.graphId, 'Graph ID', RECORD_ID_CHARS_MAX, false);
  w.u16be(RECORD_PROTOCOL_VERSION);
  w.u32be(record.payload.length).bytes(record.payload);
  writeUtf16Counted(w, record.attributes, 'Attributes', 0xffffffff, true);
  return w.finish();
}

/**
 * Reads a PEER_RECORD spanning exactly `r.offset..r.end` (inside `decodeWith`).
 * @example const record = readRecord(new ByteReader(bytes), limits);
 */
export function readRecord(r: ByteReader, limits: GraphWireLimits): GraphRecord {
  if (r.remaining < RECORD_MIN_BYTES) {
    fail(E.tooShort, `PEER_RECORD of ${r.remaining} bytes (at least ${RECORD_MIN_BYTES})`);
  }
  const type = r.bytes(16);
  const id = r.bytes(16);
  const version = r.u32be();
  r.skip(3); // Reserved: ignored on receipt
  const deleted = (r.u8() & DELETED) !== 0; // Z bits: ignored
  const creatorId = readUtf16Counted(r, 'Creator ID', RECORD_ID_CHARS_MAX, false);
  const modifiedById = readUtf16Counted(r, 'Last Modified By ID', RECORD_ID_CHARS_MAX, true);
  const securitySize = r.u32be();
  const securityData = r.bytes(securitySize);
  const createdAt = readU64be(r);
  const expiresAt = readU64be(r);
  const modifiedAt = readU64be(r);
  const graphId = readUtf16Counted(r, 'Graph ID', RECORD_ID_CHARS_MAX, false);
  const protocolVersion = r.u16be();
  if (protocolVersion !== RECORD_PROTOCOL_VERSION) {
    fail(E.badProtocolVersion, `Protocol Version 0x${protocolVersion.toString(16)}`);
  }
  const payloadSize = r.u32be();
  if (payloadSize > limits.maxRecordSize) {
    fail(E.recordTooLarge, `payload of ${payloadSize} bytes`);
  }
  const payload = r.bytes(payloadSize);
  if (deleted && payload.length > 0) fail(E.deletedWithPayload, 'deleted record with payload');
  const attributes = readUtf16Counted(r, 'Attributes', 0xffffffff, true);
  if (r.remaining !== 0) fail(E.trailingBytes, `${r.remaining} bytes after PEER_RECORD`);
  const record: GraphRecord = {
    type,
    id,
    version,
    deleted,
    creatorId,
    modifiedById,
    securityData,
    createdAt,
    expiresAt,
    modifiedAt,
    graphId,
    payload,
    attributes,
  };
  const size = recordSizeForLimit(record);
  if (size > limits.maxRecordSize) {
    fail(E.recordTooLarge, `record size ${size} above ${limits.maxRecordSize}`);
  }
  return record;
}

/**
 * Decodes a PEER_RECORD that fills `bytes` exactly. Never throws.
 * @example const r = decodeRecord(bytes); if (r.ok) use(r.value);
 */
export function decodeRecord(
  bytes: Uint8Array,
  limits?: Partial<GraphWireLimits>,
): Result<GraphRecord> {
  const resolved = resolveGraphWireLimits(limits);
  return decodeWith(() => readRecord(new ByteReader(bytes), resolved));
}
