/**
 * @module cpa/extended-payload
 * The EXTENDED_PAYLOAD structure, [MS-PNRP] §2.2.3.3: up to 4 KiB of application data bound to
 * one PNRP ID and one INQUIRE nonce, signed by the CPA's key. Integers little-endian:
 *
 * ```
 *  0  Length (u16) · Minor 0 · Major 2 · Reserved (u16) · Signature Offset (u16)
 *  8  Not After (u64 FILETIME)
 * 16  PNRP ID (32, MSB first: docs/design.md §5 deviation from the spec's reversed order)
 * 48  Nonce (16)
 * 64  Number of Payloads (u16) = 1 · Total Payload Bytes (u16) = 10 + Payload Length
 *     Payload Type (u32): 0x80000002 string, 0x80000003 binary · Payload Length (u16)
 *     [string: String Type (u16) 0 UTF-16LE, 1 UTF-8] · Payload · SIGNATURE (72)
 * ```
 *
 * Payload Length counts String Type and Payload: binary 1..4096; string 6..4098, the string
 * carried with its NUL terminator (two zero bytes in UTF-16LE, one in UTF-8), so a UTF-16 string
 * has 1..2047 code units and a UTF-8 one 3..4095 bytes. The signature covers the bytes before
 * Signature Offset. `decodeExtendedPayload` never throws; its error codes are `truncated`,
 * `length-mismatch`, `bad-version`, `bad-payload`, `bad-string`, `bad-signature-field`.
 */
import type { Key } from '../keys/key256.js';
import { ByteReader, decodeWith, fail } from '../util/byte-reader.js';
import { ByteWriter } from '../util/byte-writer.js';
import type { Result } from '../util/result.js';
import {
  CPA_NONCE_BYTES,
  ED25519_SIGNATURE_BYTES,
  EXTENDED_PAYLOAD_BINARY_BYTES_MAX,
  EXTENDED_PAYLOAD_BINARY_BYTES_MIN,
  EXTENDED_PAYLOAD_HEADER_BYTES,
  EXTENDED_PAYLOAD_ITEM_HEADER_BYTES,
  EXTENDED_PAYLOAD_MAJOR_VERSION,
  EXTENDED_PAYLOAD_MINOR_VERSION,
  EXTENDED_PAYLOAD_STRING_LENGTH_MAX,
  EXTENDED_PAYLOAD_STRING_LENGTH_MIN,
  EXTENDED_PAYLOAD_STRING_TYPES,
  EXTENDED_PAYLOAD_TYPE_BINARY,
  EXTENDED_PAYLOAD_TYPE_STRING,
  SIGNATURE_FIELD_BYTES,
} from './constants.js';
import { FILETIME_MAX } from './filetime.js';
import { assertBytes, readSignatureField, writeSignatureField } from './key-fields.js';
import type { TextEncoding } from './model.js';
import { decodeText, encodeText } from './text.js';

/**
 * The application data of an extended payload.
 * @example const data: ExtendedPayloadData = { type: 'string', text: 'hi!', encoding: 'utf-8' };
 */
export type ExtendedPayloadData =
  | { readonly type: 'binary'; readonly bytes: Uint8Array }
  | { readonly type: 'string'; readonly text: string; readonly encoding: TextEncoding };

/**
 * A signed extended payload.
 * @example const result = decodeExtendedPayload(bytes); if (result.ok) result.value.payload.type;
 */
export interface ExtendedPayload {
  /** Not After as FILETIME ticks. */
  readonly notAfterFiletime: bigint;
  /** The PNRP ID it belongs to, 32 bytes most significant first. */
  readonly pnrpId: Key;
  /** The INQUIRE nonce it answers (16 bytes). */
  readonly nonce: Uint8Array;
  readonly payload: ExtendedPayloadData;
  /** 64-byte Ed25519 signature by the key of the ID's CPA. */
  readonly signature: Uint8Array;
}

/**
 * Everything of an {@link ExtendedPayload} the signature covers.
 * @example const { signature, ...fields } = ext; encodeExtendedPayloadSignedSpan(fields);
 */
export type ExtendedPayloadSignedFields = Omit<ExtendedPayload, 'signature'>;

/**
 * Encodes a signed extended payload; throws `TypeError`/`RangeError` for a field out of range.
 * @example const bytes = encodeExtendedPayload(decoded)
 */
export function encodeExtendedPayload(ext: ExtendedPayload): Uint8Array {
  if (typeof ext !== 'object' || ext === null)
    throw new TypeError('extended payload must be an object');
  assertBytes(ext.signature, ED25519_SIGNATURE_BYTES, 'signature');
  const w = new ByteWriter(256);
  writeSignedSpan(w, ext);
  writeSignatureField(w, ext.signature);
  return w.finish();
}

/**
 * The bytes the signature of an extended payload covers: everything before Signature Offset.
 * @example crypto.ed25519Sign(encodeExtendedPayloadSignedSpan(fields), secretKey)
 */
export function encodeExtendedPayloadSignedSpan(fields: ExtendedPayloadSignedFields): Uint8Array {
  const w = new ByteWriter(256);
  writeSignedSpan(w, fields);
  return w.finish();
}

function writeSignedSpan(w: ByteWriter, f: ExtendedPayloadSignedFields): void {
  if (typeof f.notAfterFiletime !== 'bigint')
    throw new TypeError('notAfterFiletime must be a bigint');
  if (f.notAfterFiletime < 0n || f.notAfterFiletime > FILETIME_MAX) {
    throw new RangeError(`notAfterFiletime out of the FILETIME range: ${f.notAfterFiletime}`);
  }
  assertBytes(f.pnrpId, 32, 'pnrpId');
  assertBytes(f.nonce, CPA_NONCE_BYTES, 'nonce');
  const { type, body, stringType } = payloadBody(f.payload);
  const payloadLength = body.length + (stringType === undefined ? 0 : 2);
  const signatureOffset =
    EXTENDED_PAYLOAD_HEADER_BYTES + EXTENDED_PAYLOAD_ITEM_HEADER_BYTES + payloadLength;
  w.u16le(signatureOffset + SIGNATURE_FIELD_BYTES);
  w.u8(EXTENDED_PAYLOAD_MINOR_VERSION).u8(EXTENDED_PAYLOAD_MAJOR_VERSION);
  w.u16le(0).u16le(signatureOffset);
  w.u64le(f.notAfterFiletime).bytes(f.pnrpId).bytes(f.nonce);
  w.u16le(1).u16le(EXTENDED_PAYLOAD_ITEM_HEADER_BYTES + payloadLength);
  w.u32le(type).u16le(payloadLength);
  if (stringType !== undefined) w.u16le(stringType);
  w.bytes(body);
}

function payloadBody(p: ExtendedPayloadData): {
  type: number;
  body: Uint8Array;
  stringType?: number;
} {
  if (typeof p !== 'object' || p === null) throw new TypeError('payload must be an object');
  if (p.type === 'binary') {
    if (!(p.bytes instanceof Uint8Array)) throw new TypeError('payload.bytes must be a Uint8Array');
    const n = p.bytes.length;
    if (n < EXTENDED_PAYLOAD_BINARY_BYTES_MIN || n > EXTENDED_PAYLOAD_BINARY_BYTES_MAX) {
      throw new RangeError(`a binary extended payload must be 1..4096 bytes, got ${n}`);
    }
    return { type: EXTENDED_PAYLOAD_TYPE_BINARY, body: p.bytes };
  }
  if (p.type !== 'string') throw new TypeError(`payload.type must be 'binary' or 'string'`);
  if (typeof p.text !== 'string') throw new TypeError('payload.text must be a string');
  if (p.text.includes('\u0000'))
    throw new RangeError('a string extended payload must not contain a NUL');
  const text = encodeText(p.text, p.encoding);
  const terminator = p.encoding === 'utf-8' ? 1 : 2;
  const body = new Uint8Array(text.length + terminator);
  body.set(text);
  const payloadLength = body.length + 2;
  if (
    payloadLength < EXTENDED_PAYLOAD_STRING_LENGTH_MIN ||
    payloadLength > EXTENDED_PAYLOAD_STRING_LENGTH_MAX
  ) {
    throw new RangeError(
      `string Payload Length (String Type + text + NUL) must be 6..4098, got ${payloadLength}`,
    );
  }
  return {
    type: EXTENDED_PAYLOAD_TYPE_STRING,
    body,
    stringType: EXTENDED_PAYLOAD_STRING_TYPES[p.encoding],
  };
}

/**
 * Decodes an EXTENDED_PAYLOAD that fills `bytes` exactly. Never throws on remote bytes.
 * @example
 * const result = decodeExtendedPayload(authorityBuffer.extendedPayload);
 * if (result.ok && result.value.payload.type === 'string') show(result.value.payload.text);
 */
export function decodeExtendedPayload(bytes: Uint8Array): Result<ExtendedPayload> {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError('decodeExtendedPayload: bytes must be a Uint8Array');
  }
  return decodeWith(() => readExtendedPayload(new ByteReader(bytes)));
}

function readExtendedPayload(r: ByteReader): ExtendedPayload {
  const length = r.u16le();
  if (length !== r.end) fail('length-mismatch', `Length ${length}, but ${r.end} bytes given`);
  const minor = r.u8();
  const major = r.u8();
  if (minor !== EXTENDED_PAYLOAD_MINOR_VERSION || major !== EXTENDED_PAYLOAD_MAJOR_VERSION) {
    fail('bad-version', `extended payload version ${major}.${minor}, expected 2.0`);
  }
  r.skip(2); // Reserved
  const signatureOffset = r.u16le();
  if (signatureOffset !== length - SIGNATURE_FIELD_BYTES) {
    fail(
      'length-mismatch',
      `Signature Offset ${signatureOffset}, expected ${length - SIGNATURE_FIELD_BYTES}`,
    );
  }
  const notAfterFiletime = r.u64le();
  const pnrpId = r.bytes(32);
  const nonce = r.bytes(CPA_NONCE_BYTES);
  const count = r.u16le();
  const totalBytes = r.u16le();
  const type = r.u32le();
  const payloadLength = r.u16le();
  if (count !== 1) fail('bad-payload', `Number of Payloads ${count}, expected 1`);
  if (totalBytes !== EXTENDED_PAYLOAD_ITEM_HEADER_BYTES + payloadLength) {
    fail(
      'bad-payload',
      `Total Payload Bytes ${totalBytes} is not 10 + Payload Length ${payloadLength}`,
    );
  }
  if (signatureOffset !== EXTENDED_PAYLOAD_HEADER_BYTES + totalBytes) {
    fail('length-mismatch', `Signature Offset ${signatureOffset} does not follow the payload`);
  }
  const payload = readPayload(r, type, payloadLength);
  const signature = readSignatureField(r);
  return { notAfterFiletime, pnrpId, nonce, payload, signature };
}

function readPayload(r: ByteReader, type: number, payloadLength: number): ExtendedPayloadData {
  if (type === EXTENDED_PAYLOAD_TYPE_BINARY) {
    if (
      payloadLength < EXTENDED_PAYLOAD_BINARY_BYTES_MIN ||
      payloadLength > EXTENDED_PAYLOAD_BINARY_BYTES_MAX
    ) {
      fail('bad-payload', `binary Payload Length ${payloadLength}, expected 1..4096`);
    }
    return { type: 'binary', bytes: r.bytes(payloadLength) };
  }
  if (type !== EXTENDED_PAYLOAD_TYPE_STRING)
    fail('bad-payload', `Payload Type 0x${type.toString(16)}`);
  if (
    payloadLength < EXTENDED_PAYLOAD_STRING_LENGTH_MIN ||
    payloadLength > EXTENDED_PAYLOAD_STRING_LENGTH_MAX
  ) {
    fail('bad-payload', `string Payload Length ${payloadLength}, expected 6..4098`);
  }
  const stringType = r.u16le();
  const encoding: TextEncoding | undefined =
    stringType === EXTENDED_PAYLOAD_STRING_TYPES['utf-8']
      ? 'utf-8'
      : stringType === EXTENDED_PAYLOAD_STRING_TYPES['utf-16le']
        ? 'utf-16le'
        : undefined;
  if (encoding === undefined) fail('bad-string', `String Type ${stringType}, expected 0 or 1`);
  const body = r.bytes(payloadLength - 2);
  const terminator = encoding === 'utf-8' ? 1 : 2;
  const text = decodeText(body.subarray(0, body.length - terminator), encoding);
  const terminated = body.subarray(body.length - terminator).every((b) => b === 0);
  if (text === undefined || !terminated)
    fail('bad-string', `not a NUL-terminated ${encoding} string`);
  if (text.includes('\u0000')) fail('bad-string', 'the string has a NUL before its terminator');
  return { type: 'string', text, encoding };
}
