/**
 * @module wire/elements
 * The small fixed elements shared by several messages ([MS-PNRP] §2.2.2): PNRP_HEADER_ACKED
 * (acked message ID), TARGET/VALIDATE_PNRP_ID (32-byte keys, most significant byte first per
 * docs/design.md §5), NONCE (16 bytes), HASHED_NONCE (20 bytes) and opaque byte elements (CERT_CHAIN,
 * VALIDATE_CPA, REVOKE_CPA, EXTENDED_PAYLOAD, and the [MC-DRT] security elements). Writers check
 * local input and throw; readers `fail()` inside `decodeWith`.
 */
import { assertKey, type Key } from '../keys/key256.js';
import type { ByteWriter } from '../util/byte-writer.js';
import {
  ELEMENT_BYTES_MAX,
  ELEMENT_HEADER_BYTES,
  ELEMENT_LENGTHS,
  FIELD_IDS,
  HASHED_NONCE_BYTES,
  ID_BYTES,
  NONCE_BYTES,
} from './constants.js';
import { describeField, type ElementReader } from './tlv.js';

/**
 * Largest body of an opaque element: a u16 Length minus the 4-byte element header.
 * @example if (cpa.length > OPAQUE_BYTES_MAX) throw new RangeError("CPA too large");
 */
export const OPAQUE_BYTES_MAX: number = ELEMENT_BYTES_MAX - ELEMENT_HEADER_BYTES;

/**
 * Throws unless `value` is a u32 (message IDs).
 * @example assertU32(0x66666666, 'messageId');
 */
export function assertU32(value: number, what: string): void {
  if (typeof value !== 'number') throw new TypeError(`${what} must be a number`);
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`${what} must be an integer 0..0xffffffff, got ${value}`);
  }
}

/**
 * Throws unless `bytes` is a Uint8Array of exactly `length` bytes.
 * @example assertBytes(nonce, 16, 'nonce');
 */
export function assertBytes(bytes: unknown, length: number, what: string): void {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${what} must be a Uint8Array`);
  if (bytes.length !== length) {
    throw new RangeError(`${what} must be ${length} bytes, got ${bytes.length}`);
  }
}

/**
 * Throws unless `bytes` is a Uint8Array that fits one element (at most 65,531 bytes).
 * @example assertOpaque(cpa, 'validateCpa');
 */
export function assertOpaque(bytes: unknown, what: string): void {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${what} must be a Uint8Array`);
  if (bytes.length > OPAQUE_BYTES_MAX) {
    throw new RangeError(
      `${what} is ${bytes.length} bytes; one element carries at most ${OPAQUE_BYTES_MAX}`,
    );
  }
}

/**
 * Throws `TypeError` unless `value` is a boolean.
 * @example assertBoolean(message.dontAck, 'dontAck');
 */
export function assertBoolean(value: unknown, what: string): void {
  if (typeof value !== 'boolean') throw new TypeError(`${what} must be a boolean`);
}

/**
 * Writes PNRP_HEADER_ACKED: `0018 0008` and the acked message ID.
 * @example writeAcked(w, 0x44444444);
 */
export function writeAcked(w: ByteWriter, ackedMessageId: number): void {
  assertU32(ackedMessageId, 'ackedMessageId');
  w.u16be(FIELD_IDS.headerAcked).u16be(ELEMENT_LENGTHS.headerAcked).u32be(ackedMessageId);
}

/**
 * Reads PNRP_HEADER_ACKED and returns the acked message ID.
 * @example const acked = readAcked(r);
 */
export function readAcked(r: ElementReader): number {
  const end = r.openFixed(FIELD_IDS.headerAcked, ELEMENT_LENGTHS.headerAcked);
  const value = r.u32be();
  r.close(end);
  return value;
}

/**
 * Writes a 36-byte ID element (TARGET_PNRP_ID or VALIDATE_PNRP_ID).
 * @example writeIdElement(w, FIELD_IDS.validatePnrpId, key, 'validateId');
 */
export function writeIdElement(w: ByteWriter, fieldId: number, key: Key, what: string): void {
  assertKey(key, what);
  w.u16be(fieldId).u16be(ELEMENT_LENGTHS.id).bytes(key);
}

/**
 * Reads a 36-byte ID element; the key is one 32-byte copy.
 * @example const target = readIdElement(r, FIELD_IDS.targetPnrpId);
 */
export function readIdElement(r: ElementReader, fieldId: number): Key {
  const end = r.openFixed(fieldId, ELEMENT_LENGTHS.id);
  const key = r.bytes(ID_BYTES);
  r.close(end);
  return key;
}

/**
 * Writes NONCE: `0093 0014` and 16 bytes.
 * @example writeNonce(w, nonce);
 */
export function writeNonce(w: ByteWriter, nonce: Uint8Array): void {
  assertBytes(nonce, NONCE_BYTES, 'nonce');
  w.u16be(FIELD_IDS.nonce).u16be(ELEMENT_LENGTHS.nonce).bytes(nonce);
}

/**
 * Reads NONCE.
 * @example const nonce = readNonce(r);
 */
export function readNonce(r: ElementReader): Uint8Array {
  const end = r.openFixed(FIELD_IDS.nonce, ELEMENT_LENGTHS.nonce);
  const nonce = r.bytes(NONCE_BYTES);
  r.close(end);
  return nonce;
}

/**
 * Writes HASHED_NONCE: `0092 0018` and 20 bytes.
 * @example writeHashedNonce(w, sha1(nonce));
 */
export function writeHashedNonce(w: ByteWriter, hashedNonce: Uint8Array): void {
  assertBytes(hashedNonce, HASHED_NONCE_BYTES, 'hashedNonce');
  w.u16be(FIELD_IDS.hashedNonce).u16be(ELEMENT_LENGTHS.hashedNonce).bytes(hashedNonce);
}

/**
 * Reads HASHED_NONCE.
 * @example const hashed = readHashedNonce(r);
 */
export function readHashedNonce(r: ElementReader): Uint8Array {
  const end = r.openFixed(FIELD_IDS.hashedNonce, ELEMENT_LENGTHS.hashedNonce);
  const hashed = r.bytes(HASHED_NONCE_BYTES);
  r.close(end);
  return hashed;
}

/**
 * Writes an element whose body is opaque bytes, padded to 4 if `pad`.
 * @example writeOpaque(w, FIELD_IDS.certChain, chain, true);
 */
export function writeOpaque(w: ByteWriter, fieldId: number, body: Uint8Array, pad: boolean): void {
  assertOpaque(body, describeField(fieldId));
  w.u16be(fieldId)
    .u16be(ELEMENT_HEADER_BYTES + body.length)
    .bytes(body);
  if (pad) w.pad4();
}

/**
 * Bytes an opaque element takes, with its padding.
 * @example opaqueElementSize(cpa) // 4 + cpa.length rounded up to 4
 */
export function opaqueElementSize(body: Uint8Array): number {
  return (ELEMENT_HEADER_BYTES + body.length + 3) & ~3;
}

/**
 * Writable view of a readonly model type, for decoders that add optional fields one by one.
 * @example const m: Mutable<SolicitMessage> = { type: "solicit", messageId, version, hashedNonce };
 */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };
