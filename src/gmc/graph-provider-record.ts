/**
 * @module gmc/graph-provider-record
 * What the grouping provider signs in a graph record and what it stores in the record's Security
 * Data ([MS-PPGRH] §2.2.1.9, §3.1.7.27-28; [MS-PPSEC] §2.2.4). [MS-PPSEC] signs an RSA PKCS#1
 * hash of the record fields and names the signer by certificate serial numbers, leaving the chain
 * to separate Membership records; we sign with the member's Ed25519 key and carry the signer's
 * whole GMC chain in the record, so any member can check any record on arrival (no Deferred
 * Validation list, no Membership record needed first). Nothing here interoperates with Windows,
 * whose crypto profile (RSA, PKCS#7 membership records) we do not speak.
 *
 * Canonical bytes (signed, never sent): the label `pnrp-gmc-record/v1`, then every field except
 * the security data in a fixed order, each integer big-endian and each variable field length-
 * prefixed so no two records encode alike: type (16) | ID (16) | version (u32) | deleted (u8 0/1)
 * | created (u64) | expires (u64) | modified (u64) | creator ID | modified-by ID | graph ID |
 * payload (u32 length + bytes) | attributes. Strings are u32 count of UTF-16 code units, then
 * each unit as u16 BE: exact for any JavaScript string, lone surrogates included (UTF-8 would
 * fold them into U+FFFD and let two strings share a signature).
 *
 * Security data, version 1: version (u8 = 1) | certificate count (u8, 1..25) | count x (u16 BE
 * length 1..4096 + DER), root first | Ed25519 signature (64). At most
 * {@link RECORD_SECURITY_LIMITS}.securityDataBytesMax bytes; decoded with a Result, never thrown.
 */
import type { GraphRecord, PeerTime } from '../graph/model.js';
import { ByteReader, decodeWith, fail } from '../util/byte-reader.js';
import { err, ok, type Result } from '../util/result.js';
import { CERTIFICATE_BYTES_MAX } from './certificate.js';
import { GMC_LIMITS } from './constants.js';

/** Version byte of the security data layout. */
export const RECORD_SECURITY_VERSION = 1;

/**
 * Bounds on record security data.
 * @example record.securityData.length <= RECORD_SECURITY_LIMITS.securityDataBytesMax
 */
export const RECORD_SECURITY_LIMITS: {
  readonly securityDataBytesMax: number;
  readonly signatureBytes: number;
} = {
  /** Security data, in bytes: room for a chain of several 2 KB certificates. */
  securityDataBytesMax: 16 * 1024,
  /** An Ed25519 signature. */
  signatureBytes: 64,
};

const LABEL = new TextEncoder().encode('pnrp-gmc-record/v1');
const U64_MAX = (1n << 64n) - 1n;
/** Milliseconds from 1601-01-01 (FILETIME epoch) to 1970-01-01. */
const FILETIME_EPOCH_OFFSET_MS = 11_644_473_600_000;

/** A record's security data, decoded. */
export interface RecordSecurityData {
  /** The signer's GMC chain, DER, root first. */
  readonly chain: readonly Uint8Array[];
  readonly signature: Uint8Array;
}

function strLength(s: string): number {
  return 4 + 2 * s.length;
}

/**
 * The bytes a record's signature covers (see the module header), or an error when a field is out
 * of range (a GUID not 16 bytes, a version not a u32, a time outside u64). Never throws.
 * @example const r = canonicalRecordBytes(record); if (r.ok) sign(r.value);
 */
export function canonicalRecordBytes(record: GraphRecord): Result<Uint8Array> {
  const r = record;
  if (!(r.type instanceof Uint8Array) || r.type.length !== 16) return err('field', 'record type');
  if (!(r.id instanceof Uint8Array) || r.id.length !== 16) return err('field', 'record ID');
  if (!Number.isInteger(r.version) || r.version < 0 || r.version > 0xffff_ffff)
    return err('field', 'record version');
  for (const t of [r.createdAt, r.expiresAt, r.modifiedAt]) {
    if (typeof t !== 'bigint' || t < 0n || t > U64_MAX) return err('field', 'record time');
  }
  const strings = [r.creatorId, r.modifiedById, r.graphId, r.attributes];
  if (strings.some((s) => typeof s !== 'string') || !(r.payload instanceof Uint8Array))
    return err('field', 'record strings or payload');
  const size =
    LABEL.length +
    16 +
    16 +
    4 +
    1 +
    24 +
    strings.reduce((n, s) => n + strLength(s), 0) +
    4 +
    r.payload.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  const bytes = (b: Uint8Array) => {
    out.set(b, at);
    at += b.length;
  };
  const u32 = (v: number) => {
    view.setUint32(at, v);
    at += 4;
  };
  const u64 = (v: PeerTime) => {
    view.setBigUint64(at, v);
    at += 8;
  };
  const str = (s: string) => {
    u32(s.length);
    for (let i = 0; i < s.length; i++, at += 2) view.setUint16(at, s.charCodeAt(i));
  };
  bytes(LABEL);
  bytes(r.type);
  bytes(r.id);
  u32(r.version);
  out[at++] = r.deleted ? 1 : 0;
  u64(r.createdAt);
  u64(r.expiresAt);
  u64(r.modifiedAt);
  str(r.creatorId);
  str(r.modifiedById);
  str(r.graphId);
  u32(r.payload.length);
  bytes(r.payload);
  str(r.attributes);
  return ok(out);
}

/**
 * Encodes security data (local input: a chain or signature out of bounds throws `RangeError`).
 * @example const data = encodeRecordSecurity({ chain: credential.chain, signature });
 */
export function encodeRecordSecurity(data: RecordSecurityData): Uint8Array {
  const { chain, signature } = data;
  if (chain.length < 1 || chain.length > GMC_LIMITS.chainCertificatesMax)
    throw new RangeError(`a chain holds 1..${GMC_LIMITS.chainCertificatesMax} certificates`);
  if (chain.some((c) => c.length < 1 || c.length > CERTIFICATE_BYTES_MAX))
    throw new RangeError(`a certificate holds 1..${CERTIFICATE_BYTES_MAX} bytes`);
  if (signature.length !== RECORD_SECURITY_LIMITS.signatureBytes)
    throw new RangeError('an Ed25519 signature is 64 bytes');
  const size = 2 + chain.reduce((n, c) => n + 2 + c.length, 0) + signature.length;
  if (size > RECORD_SECURITY_LIMITS.securityDataBytesMax)
    throw new RangeError(`security data of ${size} bytes exceeds the limit`);
  const out = new Uint8Array(size);
  out[0] = RECORD_SECURITY_VERSION;
  out[1] = chain.length;
  let at = 2;
  for (const c of chain) {
    out[at] = c.length >> 8;
    out[at + 1] = c.length & 0xff;
    out.set(c, at + 2);
    at += 2 + c.length;
  }
  out.set(signature, at);
  return out;
}

/**
 * Decodes security data from a received record. Codes: `limit`, `version`, `count`,
 * `certificate-size`, `truncated`, `trailing-bytes`. Never throws.
 * @example const d = decodeRecordSecurity(record.securityData); if (!d.ok) return invalid;
 */
export function decodeRecordSecurity(bytes: Uint8Array): Result<RecordSecurityData> {
  if (!(bytes instanceof Uint8Array)) return err('limit', 'not bytes');
  if (bytes.length > RECORD_SECURITY_LIMITS.securityDataBytesMax)
    return err('limit', `${bytes.length} bytes of security data`);
  return decodeWith(() => {
    const r = new ByteReader(bytes);
    if (r.u8() !== RECORD_SECURITY_VERSION) fail('version', 'unknown security data version');
    const count = r.u8();
    if (count < 1 || count > GMC_LIMITS.chainCertificatesMax)
      fail('count', `${count} certificates`);
    const chain: Uint8Array[] = [];
    for (let i = 0; i < count; i++) {
      const length = r.u16be();
      if (length < 1 || length > CERTIFICATE_BYTES_MAX)
        fail('certificate-size', `certificate ${i} of ${length} bytes`);
      chain.push(r.bytes(length));
    }
    const signature = r.bytes(RECORD_SECURITY_LIMITS.signatureBytes);
    if (r.remaining !== 0) fail('trailing-bytes', 'bytes after the signature');
    return { chain, signature };
  });
}

/**
 * Wall-clock ms (since 1970) of a peer time (FILETIME, 100 ns since 1601), rounded down.
 * @example peerTimeToWallMs(116444736000000000n) // 0
 */
export function peerTimeToWallMs(t: PeerTime): number {
  return Number(t / 10_000n) - FILETIME_EPOCH_OFFSET_MS;
}

/**
 * True when `peerId` names the member whose key has secured authority `authority`: the bare
 * authority (40 lowercase hex digits, what this provider reports as a peer ID) or a secure peer
 * name `<authority>.<classifier>` ([MS-PNRP] §1.3.1.1) with a non-empty classifier.
 * @example namesAuthority(`${a}.participant`, a) // true
 */
export function namesAuthority(peerId: string, authority: string): boolean {
  if (peerId === authority) return true;
  return peerId.length > authority.length + 1 && peerId.startsWith(`${authority}.`);
}
