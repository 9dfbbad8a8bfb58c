/**
 * @module cpa/key-fields
 * The two crypto structures shared by the CPA and the extended payload, in the Ed25519 profile
 * of docs/design.md §5 (sizes in `constants.ts`), little-endian as [MS-PNRP] writes them:
 *
 * - CPA Public Key (§2.2.3.1.4): Field Length = 52 | Algorithm ObjId Length = 11 | Reserved (2) |
 *   PublicKey cbData = 32 | PublicKey Unused (1) | "1.3.101.112" | 32-byte raw public key.
 * - SIGNATURE (§2.2.3.2): Field Length = 72 | Signature Length = 64 | ALG_ID = 0x000020ED |
 *   64-byte Ed25519 signature.
 *
 * Reserved and Unused bytes are written as zero and ignored on receipt, as the spec says.
 */
import type { CryptoBackend } from '../keys/crypto-backend.js';
import { type ByteReader, fail } from '../util/byte-reader.js';
import type { ByteWriter } from '../util/byte-writer.js';
import { equalBytes } from '../util/bytes.js';
import {
  ED25519_ALG_ID,
  ED25519_OID_TEXT,
  ED25519_PUBLIC_KEY_BYTES,
  ED25519_SIGNATURE_BYTES,
  PUBLIC_KEY_FIELD_BYTES,
  SIGNATURE_FIELD_BYTES,
} from './constants.js';

const OID_BYTES = new Uint8Array(Array.from(ED25519_OID_TEXT, (c) => c.charCodeAt(0)));

/**
 * Appends the CPA Public Key structure for a 32-byte Ed25519 key.
 * @example writePublicKeyField(writer, identity.publicKey)
 */
export function writePublicKeyField(w: ByteWriter, publicKey: Uint8Array): void {
  w.u16le(PUBLIC_KEY_FIELD_BYTES);
  w.u16le(OID_BYTES.length);
  w.u16le(0); // Reserved
  w.u16le(ED25519_PUBLIC_KEY_BYTES);
  w.u8(0); // PublicKey Unused
  w.bytes(OID_BYTES);
  w.bytes(publicKey);
}

/**
 * Reads a CPA Public Key structure and returns the raw key; fails the decode (code
 * `bad-public-key`) unless every length and the OID are those of the Ed25519 profile.
 * @example const publicKey = readPublicKeyField(reader)
 */
export function readPublicKeyField(r: ByteReader): Uint8Array {
  const fieldLength = r.u16le();
  const oidLength = r.u16le();
  r.skip(2); // Reserved
  const keyLength = r.u16le();
  r.skip(1); // PublicKey Unused
  if (fieldLength !== PUBLIC_KEY_FIELD_BYTES) {
    fail(
      'bad-public-key',
      `public key Field Length ${fieldLength}, expected ${PUBLIC_KEY_FIELD_BYTES}`,
    );
  }
  if (oidLength !== OID_BYTES.length || keyLength !== ED25519_PUBLIC_KEY_BYTES) {
    fail('bad-public-key', `ObjId length ${oidLength} / cbData ${keyLength}, expected 11 / 32`);
  }
  if (!equalBytes(r.bytes(OID_BYTES.length), OID_BYTES)) {
    fail('bad-public-key', `Algorithm ObjId is not "${ED25519_OID_TEXT}" (Ed25519)`);
  }
  return r.bytes(ED25519_PUBLIC_KEY_BYTES);
}

/**
 * Appends the SIGNATURE structure for a 64-byte Ed25519 signature.
 * @example writeSignatureField(writer, signature)
 */
export function writeSignatureField(w: ByteWriter, signature: Uint8Array): void {
  w.u16le(SIGNATURE_FIELD_BYTES);
  w.u16le(ED25519_SIGNATURE_BYTES);
  w.u32le(ED25519_ALG_ID);
  w.bytes(signature);
}

/**
 * Reads a SIGNATURE structure and returns the signature bytes; fails the decode (code
 * `bad-signature-field`) unless its lengths and ALG_ID are those of the Ed25519 profile.
 * @example const signature = readSignatureField(reader)
 */
export function readSignatureField(r: ByteReader): Uint8Array {
  const fieldLength = r.u16le();
  const signatureLength = r.u16le();
  const algId = r.u32le();
  if (fieldLength !== SIGNATURE_FIELD_BYTES || signatureLength !== ED25519_SIGNATURE_BYTES) {
    fail(
      'bad-signature-field',
      `SIGNATURE lengths ${fieldLength} / ${signatureLength}, expected 72 / 64`,
    );
  }
  if (algId !== ED25519_ALG_ID) {
    fail(
      'bad-signature-field',
      `ALG_ID 0x${algId.toString(16)}, expected 0x${ED25519_ALG_ID.toString(16)}`,
    );
  }
  return r.bytes(ED25519_SIGNATURE_BYTES);
}

/**
 * Whether `signature` by `publicKey` covers `bytes` up to their trailing SIGNATURE field: the
 * signed span of both the Encoded CPA and the extended payload (docs/design.md §5).
 * @example if (!verifiesSignedSpan(bytes, cpa.signature, cpa.publicKey, crypto)) reject()
 */
export function verifiesSignedSpan(
  bytes: Uint8Array,
  signature: Uint8Array,
  publicKey: Uint8Array,
  crypto: CryptoBackend,
): boolean {
  const signedSpan = bytes.subarray(0, bytes.length - SIGNATURE_FIELD_BYTES);
  return crypto.ed25519Verify(signature, signedSpan, publicKey);
}

/**
 * Throws `TypeError`/`RangeError` unless `bytes` is a Uint8Array of `length` (local input).
 * @example assertBytes(nonce, 16, 'nonce')
 */
export function assertBytes(
  bytes: unknown,
  length: number,
  what: string,
): asserts bytes is Uint8Array {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${what} must be a Uint8Array`);
  if (bytes.length !== length) {
    throw new RangeError(`${what} must be ${length} bytes, got ${bytes.length}`);
  }
}
