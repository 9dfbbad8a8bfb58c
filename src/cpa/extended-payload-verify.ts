/**
 * @module cpa/extended-payload-verify
 * Signing and validating an EXTENDED_PAYLOAD, [MS-PNRP] §3.2.5.8, §3.2.5.9 and §3.1.5.8, with the
 * Ed25519 profile of docs/design.md §5 (the signature covers the bytes before Signature Offset).
 * Checks run in the spec's order: syntax → `malformed`, now ≤ Not After → `expired`, PNRP ID
 * equals the route entry's → `id-mismatch`, nonce equals the INQUIRE's → `nonce-mismatch`,
 * signature by the CPA's public key → `bad-signature`.
 */
import { type CryptoBackend, nobleCrypto } from '../keys/crypto-backend.js';
import type { Identity } from '../keys/identity.js';
import { assertKey, type Key } from '../keys/key256.js';
import { ByteWriter } from '../util/byte-writer.js';
import { equalBytes, toHex } from '../util/bytes.js';
import { CPA_NONCE_BYTES, ED25519_PUBLIC_KEY_BYTES, SIGNATURE_FIELD_BYTES } from './constants.js';
import {
  decodeExtendedPayload,
  type ExtendedPayload,
  type ExtendedPayloadData,
  encodeExtendedPayload,
  encodeExtendedPayloadSignedSpan,
} from './extended-payload.js';
import { filetimeFromUnixMs } from './filetime.js';
import { assertBytes, verifiesSignedSpan, writeSignatureField } from './key-fields.js';

/**
 * What a publisher puts into an extended payload.
 * @example
 * createExtendedPayload({ pnrpId, notAfterMs, nonce, payload: { type: 'binary', bytes } }, alice)
 */
export interface CreateExtendedPayloadParams {
  /** The registered PNRP ID the payload belongs to. */
  readonly pnrpId: Key;
  /** Expiry in Unix milliseconds (whole). */
  readonly notAfterMs: number;
  /**
   * The nonce of the INQUIRE being answered.
   * @default 16 zero bytes
   */
  readonly nonce?: Uint8Array;
  /** Binary data (1..4096 bytes) or a string (see `extended-payload.ts` for its lengths). */
  readonly payload: ExtendedPayloadData;
}

/**
 * A freshly signed extended payload and its encoding.
 * @example const { extendedPayload, encoded } = createExtendedPayload(params, alice);
 */
export interface SignedExtendedPayload {
  readonly extendedPayload: ExtendedPayload;
  readonly encoded: Uint8Array;
}

/**
 * Builds, signs (with the identity of the ID's CPA) and encodes an extended payload. Throws
 * `TypeError`/`RangeError` for bad parameters.
 * @example
 * const { encoded } = createExtendedPayload({
 *   pnrpId, notAfterMs: nowWallMs + 3_600_000, nonce: inquire.nonce,
 *   payload: { type: 'string', text: 'hello', encoding: 'utf-16le' },
 * }, alice);
 */
export function createExtendedPayload(
  params: CreateExtendedPayloadParams,
  identity: Identity,
  crypto: CryptoBackend = nobleCrypto,
): SignedExtendedPayload {
  if (typeof params !== 'object' || params === null)
    throw new TypeError('params must be an object');
  if (typeof identity !== 'object' || identity === null)
    throw new TypeError('identity must be an Identity');
  assertBytes(identity.secretKey, 32, 'identity.secretKey');
  assertKey(params.pnrpId, 'pnrpId');
  const nonce = params.nonce ?? new Uint8Array(CPA_NONCE_BYTES);
  assertBytes(nonce, CPA_NONCE_BYTES, 'nonce');
  const payload: ExtendedPayloadData =
    params.payload?.type === 'binary' && params.payload.bytes instanceof Uint8Array
      ? { type: 'binary', bytes: params.payload.bytes.slice() }
      : params.payload;
  const fields = {
    notAfterFiletime: filetimeFromUnixMs(params.notAfterMs),
    pnrpId: params.pnrpId.slice(),
    nonce: nonce.slice(),
    payload,
  };
  const span = encodeExtendedPayloadSignedSpan(fields); // validates every field
  const signature = crypto.ed25519Sign(span, identity.secretKey);
  const w = new ByteWriter(span.length + SIGNATURE_FIELD_BYTES);
  w.bytes(span);
  writeSignatureField(w, signature);
  return { extendedPayload: { ...fields, signature }, encoded: w.finish() };
}

/**
 * Why an extended payload was refused, in the order the checks run.
 * @example for (const reason of EXTENDED_PAYLOAD_REJECT_REASONS) dropped[reason] = 0;
 */
export const EXTENDED_PAYLOAD_REJECT_REASONS = [
  'malformed',
  'expired',
  'id-mismatch',
  'nonce-mismatch',
  'bad-signature',
] as const;

/**
 * One of {@link EXTENDED_PAYLOAD_REJECT_REASONS}.
 * @example const reason: ExtendedPayloadRejectReason = 'nonce-mismatch';
 */
export type ExtendedPayloadRejectReason = (typeof EXTENDED_PAYLOAD_REJECT_REASONS)[number];

/**
 * The outcome of {@link verifyExtendedPayload}.
 * @example if (!verdict.ok) drop(verdict.reason, verdict.detail);
 */
export type ExtendedPayloadVerdict =
  | { readonly ok: true; readonly extendedPayload: ExtendedPayload }
  | { readonly ok: false; readonly reason: ExtendedPayloadRejectReason; readonly detail: string };

/**
 * What the verifier knows independently of the extended payload.
 * @example { publicKey: cpa.publicKey, pnrpId: routeEntry.pnrpId, nonce: inquire.nonce, nowWallMs }
 */
export interface ExtendedPayloadExpectations {
  /** The public key of the ID's CPA (already verified). */
  readonly publicKey: Uint8Array;
  /** The PNRP ID of the route entry in the AUTHORITY_BUFFER. */
  readonly pnrpId: Key;
  /** The nonce of the INQUIRE that asked for it. */
  readonly nonce: Uint8Array;
  /** Wall-clock now, Unix milliseconds (whole). */
  readonly nowWallMs: number;
}

/**
 * Verifies an encoded extended payload (or a model, encoded first). Remote bytes never throw;
 * bad expectations are local errors (`TypeError`/`RangeError`).
 * @example
 * const verdict = verifyExtendedPayload(buffer.extendedPayload, {
 *   publicKey: cpa.publicKey, pnrpId: routeEntry.pnrpId, nonce: inquire.nonce, nowWallMs,
 * });
 */
export function verifyExtendedPayload(
  input: Uint8Array | ExtendedPayload,
  expectations: ExtendedPayloadExpectations,
  crypto: CryptoBackend = nobleCrypto,
): ExtendedPayloadVerdict {
  if (typeof expectations !== 'object' || expectations === null) {
    throw new TypeError('expectations must be an object');
  }
  assertBytes(expectations.publicKey, ED25519_PUBLIC_KEY_BYTES, 'expectations.publicKey');
  assertKey(expectations.pnrpId, 'expectations.pnrpId');
  assertBytes(expectations.nonce, CPA_NONCE_BYTES, 'expectations.nonce');
  const now = filetimeFromUnixMs(expectations.nowWallMs);
  const bytes = input instanceof Uint8Array ? input : encodeExtendedPayload(input);
  const decoded = decodeExtendedPayload(bytes);
  if (!decoded.ok) return reject('malformed', `${decoded.error.code}: ${decoded.error.detail}`);
  const ext = decoded.value;
  if (now > ext.notAfterFiletime) {
    return reject('expired', `Not After ${ext.notAfterFiletime} is before now ${now} (FILETIME)`);
  }
  if (!equalBytes(ext.pnrpId, expectations.pnrpId)) {
    return reject(
      'id-mismatch',
      `payload is for ${toHex(ext.pnrpId)}, not ${toHex(expectations.pnrpId)}`,
    );
  }
  if (!equalBytes(ext.nonce, expectations.nonce)) {
    return reject('nonce-mismatch', `nonce ${toHex(ext.nonce)} is not the INQUIRE nonce`);
  }
  if (!verifiesSignedSpan(bytes, ext.signature, expectations.publicKey, crypto)) {
    return reject('bad-signature', 'the Ed25519 signature does not verify');
  }
  return { ok: true, extendedPayload: ext };
}

function reject(reason: ExtendedPayloadRejectReason, detail: string): ExtendedPayloadVerdict {
  return { ok: false, reason, detail };
}
