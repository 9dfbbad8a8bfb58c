/**
 * Shared fixtures for the CPA tests: fixed identities, typical parameters, unsigned models (for
 * codec tests that need no real signature) and byte-surgery helpers for malformed inputs.
 */
import type { AppEndpoint, Cpa, CreateCpaParams } from '../../../src/cpa/index.js';
import { filetimeFromUnixMs } from '../../../src/cpa/index.js';
import { classifierHashOf } from '../../../src/keys/ids.js';
import {
  createIdentity,
  type Endpoint,
  type Identity,
  ipv4Mapped,
  parseAddress,
} from '../../../src/keys/index.js';

export const alice: Identity = createIdentity(new Uint8Array(32).fill(0xa1));
export const bob: Identity = createIdentity(new Uint8Array(32).fill(0xb0));

export const NOW_MS = 1_767_225_600_000; // 2026-01-01T00:00:00Z
export const DAY_MS = 86_400_000;
export const SERVICE_LOCATION: Uint8Array = Uint8Array.from({ length: 16 }, (_, i) => 0x20 + i);
export const NONCE: Uint8Array = Uint8Array.from({ length: 16 }, (_, i) => 0xf0 - i);

export function serviceEndpoint(i = 0): Endpoint {
  return { address: parseAddress(`2001:db8::${i + 1}`), port: 3540 + i };
}

export function appEndpoint(i = 0): AppEndpoint {
  return { address: ipv4Mapped(192, 0, 2, i + 1), port: 8000 + i, protocol: i % 2 ? 17 : 6 };
}

export function params(overrides: Partial<CreateCpaParams> = {}): CreateCpaParams {
  return {
    peerName: `${alice.authority}.chat`,
    serviceLocation: SERVICE_LOCATION,
    notAfterMs: NOW_MS + DAY_MS,
    nonce: NONCE,
    serviceEndpoints: [serviceEndpoint()],
    appEndpoints: [appEndpoint()],
    friendlyName: 'alice',
    ...overrides,
  };
}

/** An unsigned CPA model (zero signature): for codec tests that never verify. */
export function model(overrides: Partial<Cpa> = {}): Cpa {
  return {
    revoke: false,
    hasExtendedPayload: false,
    notAfterFiletime: filetimeFromUnixMs(NOW_MS + DAY_MS),
    serviceLocation: SERVICE_LOCATION,
    nonce: NONCE,
    classifierHash: classifierHashOf('chat'),
    serviceEndpoints: [serviceEndpoint()],
    appEndpoints: [],
    publicKey: alice.publicKey,
    signature: new Uint8Array(64),
    secured: false,
    ...overrides,
  };
}

/** A copy with `extra` inserted at `offset`. */
export function insertAt(bytes: Uint8Array, offset: number, extra: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length + extra.length);
  out.set(bytes.subarray(0, offset));
  out.set(extra, offset);
  out.set(bytes.subarray(offset), offset + extra.length);
  return out;
}

export function setU16le(bytes: Uint8Array, offset: number, value: number): Uint8Array {
  bytes[offset] = value & 0xff;
  bytes[offset + 1] = value >> 8;
  return bytes;
}

export function getU16le(bytes: Uint8Array, offset: number): number {
  return bytes[offset]! | (bytes[offset + 1]! << 8);
}

/** Rewrites the leading u16 length to the byte count (CPA Length / extended payload Length). */
export function fixLength(bytes: Uint8Array): Uint8Array {
  return setU16le(bytes, 0, bytes.length);
}

/** Offset of FriendlyNameLen (or of whatever follows the name hashes) in an Encoded CPA. */
export function friendlyNameOffset(cpa: Cpa): number {
  return 48 + (cpa.binaryAuthority ? 20 : 0) + (cpa.classifierHash ? 20 : 0);
}

/** Offset of NumServiceAddresses in an Encoded CPA with these optional fields. */
export function serviceListOffset(cpa: Cpa, friendlyNameBytes = 0): number {
  return friendlyNameOffset(cpa) + (cpa.friendlyName ? 2 + friendlyNameBytes : 0);
}

/** Offset of NumPayloads in an Encoded CPA. */
export function payloadsOffset(cpa: Cpa, friendlyNameBytes = 0): number {
  return serviceListOffset(cpa, friendlyNameBytes) + 4 + 18 * cpa.serviceEndpoints.length;
}
