/**
 * @module cpa/decode
 * Decoder of the Encoded CPA, [MS-PNRP] §2.2.3.1 (layout in `encode.ts`). Remote input: it never
 * throws, it returns a `Result` whose error code says what was wrong. It checks syntax only; the
 * signature, authority, time, nonce and ID are `verifyCpa`'s business (§3.1.5.7).
 *
 * Error codes: `truncated`, `length-mismatch` (CPA Length is not the byte count, or bytes
 * follow the SIGNATURE), `bad-version`, `bad-flags` (neither A nor C, or U without F),
 * `revoke-nonce` (R with a nonzero nonce), `bad-friendly-name`, `bad-service-endpoints`,
 * `bad-port`, `bad-payload`, `bad-public-key`, `bad-signature-field`.
 *
 * What the spec says receivers ignore is ignored: the two reserved flag bits, the Reserved byte,
 * the public key's Reserved and Unused bytes. A revoke CPA with a payload is accepted (the spec
 * says it SHOULD have none).
 */
import type { Endpoint } from '../keys/endpoint.js';
import { ByteReader, decodeWith, fail } from '../util/byte-reader.js';
import type { Result } from '../util/result.js';
import {
  APP_ENDPOINTS_MAX,
  CPA_FLAGS,
  CPA_NONCE_BYTES,
  CPA_VERSION_BYTES,
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
} from './constants.js';
import { readPublicKeyField, readSignatureField } from './key-fields.js';
import type { AppEndpoint, Cpa, FriendlyName } from './model.js';
import { isAllZero } from './model.js';
import { decodeText } from './text.js';

/**
 * Decodes an Encoded CPA that fills `bytes` exactly.
 * @example
 * const result = decodeCpa(bytes);
 * if (result.ok) console.log(result.value.serviceEndpoints);
 * else console.log(result.error.code); // e.g. 'truncated'
 */
export function decodeCpa(bytes: Uint8Array): Result<Cpa> {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('decodeCpa: bytes must be a Uint8Array');
  return decodeWith(() => readCpa(new ByteReader(bytes)));
}

function readCpa(r: ByteReader): Cpa {
  const length = r.u16le();
  if (length !== r.end) fail('length-mismatch', `CPA Length ${length}, but ${r.end} bytes given`);
  const versions = CPA_VERSION_BYTES.map(() => r.u8());
  if (versions.some((v, i) => v !== CPA_VERSION_BYTES[i])) {
    fail(
      'bad-version',
      `versions CPA ${versions[1]}.${versions[0]} PNRP ${versions[3]}.${versions[2]}, want 2.0 4.0`,
    );
  }
  const flags = r.u8();
  r.skip(1); // Reserved
  const has = (flag: number): boolean => (flags & flag) !== 0;
  if (!has(CPA_FLAGS.binaryAuthority) && !has(CPA_FLAGS.classifierHash)) {
    fail('bad-flags', 'neither the A nor the C flag is set');
  }
  if (has(CPA_FLAGS.utf8) && !has(CPA_FLAGS.friendlyName)) {
    fail('bad-flags', 'the U flag is set without the F flag');
  }
  const revoke = has(CPA_FLAGS.revoke);
  const notAfterFiletime = r.u64le();
  const serviceLocation = r.bytes(CPA_NONCE_BYTES);
  const nonce = r.bytes(CPA_NONCE_BYTES);
  if (revoke && !isAllZero(nonce)) fail('revoke-nonce', 'a revoke CPA must have a zero nonce');
  const binaryAuthority = has(CPA_FLAGS.binaryAuthority) ? r.bytes(NAME_HASH_BYTES) : undefined;
  const classifierHash = has(CPA_FLAGS.classifierHash) ? r.bytes(NAME_HASH_BYTES) : undefined;
  const friendlyName = has(CPA_FLAGS.friendlyName)
    ? readFriendlyName(r, has(CPA_FLAGS.utf8))
    : undefined;
  const serviceEndpoints = readServiceEndpoints(r, revoke);
  const appEndpoints = readPayloads(r);
  const publicKey = readPublicKeyField(r);
  const signature = readSignatureField(r);
  if (r.remaining !== 0) fail('length-mismatch', `${r.remaining} bytes follow the SIGNATURE`);
  return {
    revoke,
    hasExtendedPayload: has(CPA_FLAGS.extendedPayload),
    notAfterFiletime,
    serviceLocation,
    nonce,
    ...(binaryAuthority === undefined ? {} : { binaryAuthority }),
    ...(classifierHash === undefined ? {} : { classifierHash }),
    ...(friendlyName === undefined ? {} : { friendlyName }),
    serviceEndpoints,
    appEndpoints,
    publicKey,
    signature,
    secured: binaryAuthority !== undefined && !isAllZero(binaryAuthority),
  };
}

function readFriendlyName(r: ByteReader, utf8: boolean): FriendlyName {
  const length = r.u16le();
  if (length < FRIENDLY_NAME_BYTES_MIN || length > FRIENDLY_NAME_BYTES_MAX) {
    fail(
      'bad-friendly-name',
      `FriendlyNameLen ${length}, expected ${FRIENDLY_NAME_BYTES_MIN}..${FRIENDLY_NAME_BYTES_MAX}`,
    );
  }
  const encoding = utf8 ? 'utf-8' : 'utf-16le';
  const text = decodeText(r.bytes(length), encoding);
  if (text === undefined) fail('bad-friendly-name', `FriendlyName is not valid ${encoding}`);
  if (text.includes('\u0000')) fail('bad-friendly-name', 'FriendlyName contains a NUL');
  return { text, encoding };
}

function readServiceEndpoints(r: ByteReader, revoke: boolean): Endpoint[] {
  const count = r.u16le();
  const entryLength = r.u16le();
  if (count > SERVICE_ENDPOINTS_MAX) {
    fail('bad-service-endpoints', `${count} service endpoints, at most ${SERVICE_ENDPOINTS_MAX}`);
  }
  if (count === 0 && !revoke) {
    fail('bad-service-endpoints', 'no service endpoint in a CPA that is not a revoke');
  }
  if (entryLength !== IPV6_ENDPOINT_BYTES) {
    fail(
      'bad-service-endpoints',
      `ServiceAddressLength ${entryLength}, expected ${IPV6_ENDPOINT_BYTES}`,
    );
  }
  const endpoints: Endpoint[] = [];
  for (let i = 0; i < count; i++) {
    const port = r.u16be();
    if (port <= SERVICE_PORT_RESERVED_MAX) {
      fail(
        'bad-port',
        `service endpoint ${i} has port ${port}, must be above ${SERVICE_PORT_RESERVED_MAX}`,
      );
    }
    endpoints.push({ address: r.bytes(16), port });
  }
  return endpoints;
}

function readPayloads(r: ByteReader): AppEndpoint[] {
  const count = r.u16le();
  const totalBytes = r.u16le();
  if (count > 1) fail('bad-payload', `NumPayloads ${count}, expected 0 or 1`);
  if (count === 0) {
    if (totalBytes !== PAYLOADS_HEADER_BYTES) {
      fail(
        'bad-payload',
        `TotalBytes ${totalBytes} with no payload, expected ${PAYLOADS_HEADER_BYTES}`,
      );
    }
    return [];
  }
  const type = r.u32le();
  const dataLength = r.u16le();
  if (type !== PAYLOAD_TYPE_APP_ENDPOINTS)
    fail('bad-payload', `PAYLOAD Type 0x${type.toString(16)}, expected 1`);
  const entries = dataLength / IPV6_APP_ENDPOINT_BYTES;
  if (!Number.isInteger(entries) || entries < 1 || entries > APP_ENDPOINTS_MAX) {
    fail('bad-payload', `DataLength ${dataLength}, expected a multiple of 20 from 20 to 200`);
  }
  if (totalBytes !== PAYLOADS_HEADER_BYTES + PAYLOAD_HEADER_BYTES + dataLength) {
    fail('bad-payload', `TotalBytes ${totalBytes} does not match DataLength ${dataLength}`);
  }
  const endpoints: AppEndpoint[] = [];
  for (let i = 0; i < entries; i++) {
    const address = r.bytes(16);
    const port = r.u16be();
    endpoints.push({ address, port, protocol: r.u16le() });
  }
  return endpoints;
}
