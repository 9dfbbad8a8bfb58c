/**
 * @module cpa/encode
 * Encoder of the Encoded CPA, [MS-PNRP] §2.2.3.1, integers little-endian, Ed25519 profile of
 * docs/design.md §5:
 *
 * ```
 *  0  CPA Length (u16)        2  CpaMinor 0 · CpaMajor 2 · PnrpMinor 0 · PnrpMajor 4
 *  6  flags 00XFCAUR          7  Reserved 0
 *  8  Not After (u64 FILETIME)
 * 16  Service Location (16, MSB first: docs/design.md §5 deviation from the spec's LSB first)
 * 32  Nonce (16)
 * 48  [A] BinaryAuthority (20, MSB first)   [C] ClassifierHash (20)
 *     [F] FriendlyNameLen (u16, 1..78) · FriendlyName (UTF-8 if U, else UTF-16LE; no NUL)
 *     NumServiceAddresses (u16, 0..4) · ServiceAddressLength (u16) = 18 ·
 *       IPV6_ENDPOINT × n: Port (u16 big-endian, > 1024) · Address (16)
 *     NumPayloads (u16, 0..1) · TotalBytes (u16, 4..210) ·
 *       [PAYLOAD: Type (u32) = 1 · DataLength (u16, 20k) ·
 *        IPV6_APP_ENDPOINT × k: Address (16) · Port (u16 big-endian) · Protocol (u16)]
 *     CPA Public Key (52) · SIGNATURE (72)
 * ```
 *
 * The signed span is every byte before the SIGNATURE field, with the final CPA Length already
 * written at offset 0. {@link assertCpaFields} accepts exactly what `decodeCpa` accepts, so any
 * decoded CPA re-encodes; decoding ignores the reserved bits, so the re-encoding equals the
 * original bytes whenever the sender kept them zero, as the spec requires.
 */
import type { Endpoint } from '../keys/endpoint.js';
import { ByteWriter } from '../util/byte-writer.js';
import {
  APP_ENDPOINTS_MAX,
  CPA_FLAGS,
  CPA_NONCE_BYTES,
  CPA_VERSION_BYTES,
  ED25519_PUBLIC_KEY_BYTES,
  ED25519_SIGNATURE_BYTES,
  FRIENDLY_NAME_BYTES_MAX,
  FRIENDLY_NAME_BYTES_MIN,
  IPV6_APP_ENDPOINT_BYTES,
  IPV6_ENDPOINT_BYTES,
  NAME_HASH_BYTES,
  PAYLOAD_HEADER_BYTES,
  PAYLOAD_TYPE_APP_ENDPOINTS,
  PAYLOADS_HEADER_BYTES,
  SERVICE_ENDPOINTS_MAX,
  SERVICE_PORT_RESERVED_MAX,
  SIGNATURE_FIELD_BYTES,
} from './constants.js';
import { FILETIME_MAX } from './filetime.js';
import { assertBytes, writePublicKeyField, writeSignatureField } from './key-fields.js';
import type { AppEndpoint, Cpa, FriendlyName } from './model.js';
import { isAllZero } from './model.js';
import { encodeText } from './text.js';

/**
 * Everything of a {@link Cpa} that goes into the signed span.
 * @example
 * const { signature, secured, peerName, classifier, ...fields } = cpa;
 * encodeCpaSignedSpan(fields);
 */
export type CpaSignedFields = Omit<Cpa, 'signature' | 'secured' | 'peerName' | 'classifier'>;

/**
 * Encodes a signed CPA. Throws `TypeError`/`RangeError` when a field breaks a limit of
 * [MS-PNRP] §2.2.3.1 (local input); never checks the signature.
 * @example const bytes = encodeCpa(decodeCpa(received).value)
 */
export function encodeCpa(cpa: Cpa): Uint8Array {
  if (typeof cpa !== 'object' || cpa === null) throw new TypeError('cpa must be an object');
  assertBytes(cpa.signature, ED25519_SIGNATURE_BYTES, 'cpa.signature');
  const w = new ByteWriter(640);
  writeSignedSpan(w, cpa);
  writeSignatureField(w, cpa.signature);
  return w.finish();
}

/**
 * The bytes an Ed25519 signature of the CPA covers: the Encoded CPA up to (not including) its
 * SIGNATURE field, with the CPA Length of the whole structure already in place.
 * @example const span = encodeCpaSignedSpan(fields); const sig = crypto.ed25519Sign(span, sk)
 */
export function encodeCpaSignedSpan(fields: CpaSignedFields): Uint8Array {
  const w = new ByteWriter(640);
  writeSignedSpan(w, fields);
  return w.finish();
}

function writeSignedSpan(w: ByteWriter, f: CpaSignedFields): void {
  const friendly = assertCpaFields(f);
  w.u16le(0); // CPA Length, patched below
  for (const version of CPA_VERSION_BYTES) w.u8(version);
  w.u8(flagsOf(f)).u8(0);
  w.u64le(f.notAfterFiletime);
  w.bytes(f.serviceLocation).bytes(f.nonce);
  if (f.binaryAuthority !== undefined) w.bytes(f.binaryAuthority);
  if (f.classifierHash !== undefined) w.bytes(f.classifierHash);
  if (friendly !== undefined) w.u16le(friendly.length).bytes(friendly);
  w.u16le(f.serviceEndpoints.length).u16le(IPV6_ENDPOINT_BYTES);
  for (const ep of f.serviceEndpoints) w.u16be(ep.port).bytes(ep.address);
  const k = f.appEndpoints.length;
  const dataLength = k * IPV6_APP_ENDPOINT_BYTES;
  w.u16le(k === 0 ? 0 : 1);
  w.u16le(PAYLOADS_HEADER_BYTES + (k === 0 ? 0 : PAYLOAD_HEADER_BYTES + dataLength));
  if (k > 0) {
    w.u32le(PAYLOAD_TYPE_APP_ENDPOINTS).u16le(dataLength);
    for (const ep of f.appEndpoints) w.bytes(ep.address).u16be(ep.port).u16le(ep.protocol);
  }
  writePublicKeyField(w, f.publicKey);
  w.patchU16le(0, w.length + SIGNATURE_FIELD_BYTES);
}

/**
 * The flags byte of a CPA, derived from which fields are present.
 * @example flagsOf(cpa) & CPA_FLAGS.revoke
 */
export function flagsOf(f: CpaSignedFields): number {
  let flags = 0;
  if (f.hasExtendedPayload) flags |= CPA_FLAGS.extendedPayload;
  if (f.friendlyName !== undefined) flags |= CPA_FLAGS.friendlyName;
  if (f.friendlyName?.encoding === 'utf-8') flags |= CPA_FLAGS.utf8;
  if (f.classifierHash !== undefined) flags |= CPA_FLAGS.classifierHash;
  if (f.binaryAuthority !== undefined) flags |= CPA_FLAGS.binaryAuthority;
  if (f.revoke) flags |= CPA_FLAGS.revoke;
  return flags;
}

/**
 * Checks every field against the limits `decodeCpa` enforces and returns the encoded friendly
 * name (if any). Throws `TypeError`/`RangeError` on the first problem.
 * @example assertCpaFields(cpa)
 */
export function assertCpaFields(f: CpaSignedFields): Uint8Array | undefined {
  if (typeof f.revoke !== 'boolean') throw new TypeError('cpa.revoke must be a boolean');
  if (typeof f.hasExtendedPayload !== 'boolean') {
    throw new TypeError('cpa.hasExtendedPayload must be a boolean');
  }
  if (typeof f.notAfterFiletime !== 'bigint')
    throw new TypeError('cpa.notAfterFiletime must be a bigint');
  if (f.notAfterFiletime < 0n || f.notAfterFiletime > FILETIME_MAX) {
    throw new RangeError(`cpa.notAfterFiletime out of the FILETIME range: ${f.notAfterFiletime}`);
  }
  assertBytes(f.serviceLocation, CPA_NONCE_BYTES, 'cpa.serviceLocation');
  assertBytes(f.nonce, CPA_NONCE_BYTES, 'cpa.nonce');
  if (f.revoke && !isAllZero(f.nonce)) throw new RangeError('a revoke CPA must have a zero nonce');
  if (f.binaryAuthority === undefined && f.classifierHash === undefined) {
    throw new RangeError('a CPA needs a binaryAuthority (A), a classifierHash (C) or both');
  }
  if (f.binaryAuthority !== undefined) {
    assertBytes(f.binaryAuthority, NAME_HASH_BYTES, 'cpa.binaryAuthority');
  }
  if (f.classifierHash !== undefined) {
    assertBytes(f.classifierHash, NAME_HASH_BYTES, 'cpa.classifierHash');
  }
  const friendly = f.friendlyName === undefined ? undefined : friendlyNameBytes(f.friendlyName);
  assertServiceEndpoints(f.serviceEndpoints, f.revoke);
  assertAppEndpoints(f.appEndpoints);
  assertBytes(f.publicKey, ED25519_PUBLIC_KEY_BYTES, 'cpa.publicKey');
  return friendly;
}

function friendlyNameBytes(name: FriendlyName): Uint8Array {
  if (typeof name !== 'object' || name === null)
    throw new TypeError('friendlyName must be an object');
  if (typeof name.text !== 'string') throw new TypeError('friendlyName.text must be a string');
  if (name.text.includes('\u0000')) throw new RangeError('friendlyName must not contain a NUL');
  const bytes = encodeText(name.text, name.encoding);
  if (bytes.length < FRIENDLY_NAME_BYTES_MIN || bytes.length > FRIENDLY_NAME_BYTES_MAX) {
    throw new RangeError(
      `friendlyName must be 1..${FRIENDLY_NAME_BYTES_MAX} bytes in ${name.encoding}, got ${bytes.length}`,
    );
  }
  return bytes;
}

function assertServiceEndpoints(endpoints: readonly Endpoint[], revoke: boolean): void {
  if (!Array.isArray(endpoints)) throw new TypeError('serviceEndpoints must be an array');
  if (endpoints.length > SERVICE_ENDPOINTS_MAX) {
    throw new RangeError(
      `a CPA holds at most ${SERVICE_ENDPOINTS_MAX} service endpoints, got ${endpoints.length}`,
    );
  }
  if (endpoints.length === 0 && !revoke) {
    throw new RangeError('a CPA that is not a revoke needs at least one service endpoint');
  }
  endpoints.forEach((ep, i) => {
    assertBytes(ep.address, 16, `serviceEndpoints[${i}].address`);
    if (!Number.isInteger(ep.port) || ep.port <= SERVICE_PORT_RESERVED_MAX || ep.port > 0xffff) {
      throw new RangeError(`serviceEndpoints[${i}].port must be 1025..65535, got ${ep.port}`);
    }
  });
}

function assertAppEndpoints(endpoints: readonly AppEndpoint[]): void {
  if (!Array.isArray(endpoints)) throw new TypeError('appEndpoints must be an array');
  if (endpoints.length > APP_ENDPOINTS_MAX) {
    throw new RangeError(
      `a CPA holds at most ${APP_ENDPOINTS_MAX} app endpoints, got ${endpoints.length}`,
    );
  }
  endpoints.forEach((ep, i) => {
    assertBytes(ep.address, 16, `appEndpoints[${i}].address`);
    for (const key of ['port', 'protocol'] as const) {
      const v = ep[key];
      if (!Number.isInteger(v) || v < 0 || v > 0xffff) {
        throw new RangeError(`appEndpoints[${i}].${key} must be 0..65535, got ${v}`);
      }
    }
  });
}
