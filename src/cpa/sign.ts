/**
 * @module cpa/sign
 * Building and signing a CPA, [MS-PNRP] §3.2.5.7 and §3.2.5.9, with the Ed25519 profile of
 * docs/design.md §5: the signature is Ed25519 (RFC 8032, no prehash) over the Encoded CPA up to its
 * SIGNATURE field, CPA Length already final. The caller supplies the time and the nonce.
 *
 * Choices: the C flag (ClassifierHash) is always written, since every peer name has a classifier
 * (perhaps empty); the A flag (BinaryAuthority) is written for secured names only, and only by
 * the identity that owns the authority. A friendly name defaults to UTF-8 (U flag).
 */
import { type CryptoBackend, nobleCrypto } from '../keys/crypto-backend.js';
import type { Endpoint } from '../keys/endpoint.js';
import type { Identity } from '../keys/identity.js';
import { binaryAuthorityOf, classifierHashOf } from '../keys/ids.js';
import { parsePeerName } from '../keys/peer-name.js';
import { ByteWriter } from '../util/byte-writer.js';
import { CPA_NONCE_BYTES, ED25519_PUBLIC_KEY_BYTES } from './constants.js';
import { type CpaSignedFields, encodeCpaSignedSpan } from './encode.js';
import { filetimeFromUnixMs } from './filetime.js';
import { assertBytes, writeSignatureField } from './key-fields.js';
import type { AppEndpoint, Cpa, SignedCpa, TextEncoding } from './model.js';
import { isAllZero } from './model.js';

/**
 * What a publisher puts into a CPA.
 * @example
 * const params: CreateCpaParams = { peerName: '0.chat', serviceLocation, notAfterMs, serviceEndpoints };
 */
export interface CreateCpaParams {
  /** The peer name: `0.classifier` (unsecured) or `<identity.authority>.classifier`. */
  readonly peerName: string;
  /** 16 bytes, most significant first: the low half of the PNRP ID. */
  readonly serviceLocation: Uint8Array;
  /** Expiry in Unix milliseconds (whole). `CPA_LIFETIME_MS` gives the recommended window. */
  readonly notAfterMs: number;
  /**
   * The nonce of the INQUIRE being answered (16 bytes); must be zero for a revoke.
   * @default 16 zero bytes
   */
  readonly nonce?: Uint8Array;
  /**
   * The publisher's PNRP endpoints, 1..4 (0..4 for a revoke); ports above 1024.
   * @default []
   */
  readonly serviceEndpoints?: readonly Endpoint[];
  /**
   * Application endpoints for the PAYLOAD, 0..10; none for a revoke.
   * @default []
   */
  readonly appEndpoints?: readonly AppEndpoint[];
  /** A label, 1..78 bytes once encoded, no NUL. */
  readonly friendlyName?: string;
  /**
   * How the friendly name is encoded (the U flag).
   * @default 'utf-8'
   */
  readonly friendlyNameEncoding?: TextEncoding;
  /**
   * Sets the X flag: the publisher holds an extended payload for this ID.
   * @default false
   */
  readonly hasExtendedPayload?: boolean;
  /**
   * Makes a revoke CPA (R flag): zero nonce, no app endpoints.
   * @default false
   */
  readonly revoke?: boolean;
}

/**
 * Builds, signs and encodes a CPA. Throws `TypeError`/`RangeError` for bad parameters, including
 * a secured name whose authority is not `identity.authority`.
 * @example
 * const alice = createIdentity(seed);
 * const { cpa, encoded } = createCpa({
 *   peerName: `${alice.authority}.chat`,
 *   serviceLocation,
 *   notAfterMs: nowWallMs + 24 * 3_600_000,
 *   nonce: inquire.nonce,
 *   serviceEndpoints: [{ address: parseAddress('2001:db8::1'), port: 3540 }],
 * }, alice);
 */
export function createCpa(
  params: CreateCpaParams,
  identity: Identity,
  crypto: CryptoBackend = nobleCrypto,
): SignedCpa {
  if (typeof params !== 'object' || params === null)
    throw new TypeError('params must be an object');
  assertIdentity(identity);
  const name = parsePeerName(params.peerName);
  if (name.secured && name.authority !== identity.authority) {
    throw new RangeError(
      `identity ${identity.authority} cannot publish "${name.text}": not its authority`,
    );
  }
  const revoke = params.revoke ?? false;
  const nonce = params.nonce ?? new Uint8Array(CPA_NONCE_BYTES);
  assertBytes(nonce, CPA_NONCE_BYTES, 'nonce');
  if (revoke && !isAllZero(nonce)) throw new RangeError('a revoke CPA must have a zero nonce');
  const appEndpoints = params.appEndpoints ?? [];
  if (revoke && appEndpoints.length > 0)
    throw new RangeError('a revoke CPA carries no app endpoints');
  const fields: CpaSignedFields = {
    revoke,
    hasExtendedPayload: params.hasExtendedPayload ?? false,
    notAfterFiletime: filetimeFromUnixMs(params.notAfterMs),
    serviceLocation: copy(params.serviceLocation),
    nonce: nonce.slice(),
    ...(name.secured ? { binaryAuthority: binaryAuthorityOf(name) } : {}),
    classifierHash: classifierHashOf(name.classifier, crypto),
    ...(params.friendlyName === undefined
      ? {}
      : {
          friendlyName: {
            text: params.friendlyName,
            encoding: params.friendlyNameEncoding ?? 'utf-8',
          },
        }),
    serviceEndpoints: (params.serviceEndpoints ?? []).map((ep) => ({
      address: copy(ep.address),
      port: ep.port,
    })),
    appEndpoints: appEndpoints.map((ep) => ({
      address: copy(ep.address),
      port: ep.port,
      protocol: ep.protocol,
    })),
    publicKey: identity.publicKey.slice(),
  };
  const span = encodeCpaSignedSpan(fields); // validates every field
  const signature = crypto.ed25519Sign(span, identity.secretKey);
  const w = new ByteWriter(span.length + 72);
  w.bytes(span);
  writeSignatureField(w, signature);
  const cpa: Cpa = {
    ...fields,
    signature,
    secured: name.secured,
    peerName: name.text,
    classifier: name.classifier,
  };
  return { cpa, encoded: w.finish() };
}

/** A copy of a byte array; anything else passes through for the validator to report. */
function copy(bytes: Uint8Array): Uint8Array {
  return bytes instanceof Uint8Array ? bytes.slice() : bytes;
}

function assertIdentity(identity: Identity): void {
  if (typeof identity !== 'object' || identity === null) {
    throw new TypeError('identity must be an Identity (see createIdentity)');
  }
  assertBytes(identity.publicKey, ED25519_PUBLIC_KEY_BYTES, 'identity.publicKey');
  assertBytes(identity.secretKey, 32, 'identity.secretKey');
}
