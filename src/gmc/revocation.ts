/**
 * @module gmc/revocation
 * Revoking a member before its certificate expires (issue 11, item 6). [MS-PPSEC] has no
 * revocation for group membership certificates (a removed member stays valid until its GMC's
 * notAfter, 28 days by default), so this format and its rules are ours:
 *
 * Record: magic "GRV1" (u32 BE) | revoked certificate id (32: SHA-256 of its DER) | revoked
 * certificate's notAfter (ms, u64 BE) | issued at (ms, u64 BE) | signer chain: count (u8) then
 * count x (length u16 BE + DER), root first | Ed25519 signature (64) over every byte before it, by
 * the signer chain's last key.
 *
 * A record counts only when its signer chain is valid under the group's pinned root at the time it
 * is added and the signer holds the `admin` role (the root certificate alone is an admin). Naming
 * an inviting member's certificate revokes every chain through it. A {@link RevocationList} is what
 * a provider consults (chain validation, membership verification, participant resolution, mutual
 * authentication all pass it as `revoked` to `validateChain`); until group records are graphed,
 * members spread revocations by handing each other `list.records()` and calling `add()` on what
 * they receive: a revoked member is shut out everywhere within one such propagation interval.
 * Bounded: entries leave once the revoked certificate has expired anyway; a full list refuses new
 * records (counted) rather than forgetting one.
 */
import { type CryptoBackend, nobleCrypto } from '../keys/crypto-backend.js';
import { ByteReader, decodeWith, fail } from '../util/byte-reader.js';
import { ByteWriter } from '../util/byte-writer.js';
import { equalBytes, toHex } from '../util/bytes.js';
import { describeCertificate } from './certificate.js';
import type { CertificateCache } from './certificate-cache.js';
import { certificateIdOf, type RevokedCertificates, validateChain } from './chain.js';
import { GMC_LIMITS } from './constants.js';
import type { GmcCredential } from './issue.js';

const MAGIC = 0x47525631; // "GRV1"
const REVOCATION_BYTES_MAX = 16 * 1024;

/** What a valid revocation says. */
export interface Revocation {
  /** Hex SHA-256 of the revoked certificate's DER. */
  readonly certificateId: string;
  readonly revokedNotAfterMs: number;
  readonly issuedAtMs: number;
  /** The admin's public key that signed it. */
  readonly signer: Uint8Array;
}

function u64(w: ByteWriter, ms: number): void {
  w.u32be(Math.floor(ms / 0x100000000)).u32be(ms % 0x100000000);
}

/**
 * A signed revocation of `certificate` (DER) by an admin (or the root). Throws on local misuse.
 * @example const record = createRevocation({ admin: group.root, certificate: bob.chain.at(-1)!, nowWallMs });
 */
export function createRevocation(options: {
  readonly admin: GmcCredential;
  readonly certificate: Uint8Array;
  readonly nowWallMs: number;
  readonly crypto?: CryptoBackend;
}): Uint8Array {
  const crypto = options.crypto ?? nobleCrypto;
  const { admin, certificate, nowWallMs } = options;
  if (typeof nowWallMs !== 'number' || !Number.isFinite(nowWallMs) || nowWallMs < 0)
    throw new RangeError('nowWallMs must be a finite, non-negative number of ms');
  const facts = describeCertificate(certificate);
  if (!facts.ok) throw new RangeError(`not a certificate: ${facts.error.detail}`);
  if (admin.chain.length === 0 || admin.chain.length > GMC_LIMITS.chainCertificatesMax)
    throw new RangeError('the admin credential has no usable chain');
  const w = new ByteWriter(256 + admin.chain.reduce((n, c) => n + c.length + 2, 0));
  w.u32be(MAGIC).bytes(crypto.sha256(certificate));
  u64(w, Math.max(0, Math.floor(facts.value.facts.notAfterMs)));
  u64(w, Math.floor(nowWallMs));
  w.u8(admin.chain.length);
  for (const c of admin.chain) w.u16be(c.length).bytes(c);
  const body = w.finish();
  const out = new Uint8Array(body.length + 64);
  out.set(body);
  out.set(crypto.ed25519Sign(body, admin.identity.secretKey), body.length);
  return out;
}

interface Decoded {
  readonly id: Uint8Array;
  readonly revokedNotAfterMs: number;
  readonly issuedAtMs: number;
  readonly chain: Uint8Array[];
  readonly signed: Uint8Array;
  readonly signature: Uint8Array;
}

function decode(bytes: Uint8Array) {
  return decodeWith((): Decoded => {
    const r = new ByteReader(bytes);
    if (r.u32be() !== MAGIC) fail('bad-value', 'not a revocation record');
    const id = r.bytes(32);
    const revokedNotAfterMs = r.u32be() * 0x100000000 + r.u32be();
    const issuedAtMs = r.u32be() * 0x100000000 + r.u32be();
    const count = r.u8();
    if (count === 0 || count > GMC_LIMITS.chainCertificatesMax)
      fail('limit', `${count} certificates`);
    const chain: Uint8Array[] = [];
    for (let i = 0; i < count; i++) chain.push(r.bytes(r.u16be()));
    const signed = bytes.subarray(0, r.offset);
    const signature = r.bytes(64);
    if (r.remaining !== 0) fail('trailing-bytes', `${r.remaining} bytes after the record`);
    return { id, revokedNotAfterMs, issuedAtMs, chain, signed, signature };
  });
}

/** Options of {@link RevocationList}. */
export interface RevocationListOptions {
  /** The group root certificate (DER) every signer chain must start with. */
  readonly root: Uint8Array;
  readonly crypto?: CryptoBackend;
  readonly cache?: CertificateCache;
  /** Revocations held at most. @default 4096 */
  readonly entriesMax?: number;
}

/** Outcome of {@link RevocationList.add}. */
export type RevocationAddResult =
  | { readonly ok: true; readonly added: boolean; readonly revocation: Revocation }
  | { readonly ok: false; readonly reason: string };

/**
 * The revocations a provider consults: verified on the way in, bounded, and usable as
 * `validateChain({ revoked })`.
 * @example const list = new RevocationList({ root }); list.add(record, nowWallMs);
 */
export class RevocationList implements RevokedCertificates {
  readonly entriesMax: number;
  /** Records refused, by reason (`malformed`, `signer-<chain failure>`, `not-admin`, `full`, ...). */
  readonly refused: Record<string, number> = {};
  private readonly entries = new Map<string, { revocation: Revocation; bytes: Uint8Array }>();
  private readonly root: Uint8Array;
  private readonly crypto: CryptoBackend;
  private readonly cache: CertificateCache | undefined;

  constructor(options: RevocationListOptions) {
    if (!(options.root instanceof Uint8Array)) throw new TypeError('root must be DER bytes');
    const entriesMax = options.entriesMax ?? 4096;
    if (!Number.isSafeInteger(entriesMax) || entriesMax < 1)
      throw new RangeError(`entriesMax must be a positive integer, got ${entriesMax}`);
    this.entriesMax = entriesMax;
    this.root = options.root;
    this.crypto = options.crypto ?? nobleCrypto;
    this.cache = options.cache;
  }

  /** Revocations held. */
  get size(): number {
    return this.entries.size;
  }

  isRevoked(id: string, _nowWallMs?: number): boolean {
    return this.entries.has(id);
  }

  /** The records held, to pass on to other members. */
  records(): Uint8Array[] {
    return [...this.entries.values()].map((e) => e.bytes);
  }

  /** Verifies and adds a record. Never throws on remote bytes. */
  add(bytes: Uint8Array, nowWallMs: number): RevocationAddResult {
    const refuse = (reason: string): RevocationAddResult => {
      this.refused[reason] = (this.refused[reason] ?? 0) + 1;
      return { ok: false, reason };
    };
    if (!(bytes instanceof Uint8Array) || bytes.length > REVOCATION_BYTES_MAX)
      return refuse('malformed');
    if (!Number.isFinite(nowWallMs)) return refuse('bad-time');
    const d = decode(bytes);
    if (!d.ok) return refuse('malformed');
    const r = d.value;
    const id = toHex(r.id);
    const known = this.entries.get(id);
    if (known !== undefined && equalBytes(known.bytes, bytes))
      return { ok: true, added: false, revocation: known.revocation };
    const verdict = validateChain(r.chain, {
      nowWallMs,
      root: this.root,
      crypto: this.crypto,
      ...(this.cache ? { cache: this.cache } : {}),
      revoked: this,
    });
    if (!verdict.ok) return refuse(`signer-${verdict.reason}`);
    if (!verdict.roles.includes('admin')) return refuse('not-admin');
    // The root, and the certificates that make the signer an admin, are not the signer's to
    // revoke: such a record would cut off every chain (its own included) until the root expires.
    if (r.chain.some((der) => certificateIdOf(der, this.crypto) === id))
      return refuse('revokes-own-chain');
    if (!this.crypto.ed25519Verify(r.signature, r.signed, verdict.leaf.publicKey))
      return refuse('bad-signature');
    const revocation: Revocation = {
      certificateId: id,
      revokedNotAfterMs: r.revokedNotAfterMs,
      issuedAtMs: r.issuedAtMs,
      signer: verdict.leaf.publicKey,
    };
    if (known !== undefined) return { ok: true, added: false, revocation: known.revocation };
    if (this.entries.size >= this.entriesMax) this.prune(nowWallMs);
    if (this.entries.size >= this.entriesMax) return refuse('full');
    this.entries.set(id, { revocation, bytes: bytes.slice() });
    return { ok: true, added: true, revocation };
  }

  /** Drops revocations of certificates that have expired anyway; returns how many. */
  prune(nowWallMs: number): number {
    if (!Number.isFinite(nowWallMs)) return 0;
    let n = 0;
    for (const [id, e] of this.entries) {
      if (e.revocation.revokedNotAfterMs < nowWallMs) {
        this.entries.delete(id);
        n++;
      }
    }
    return n;
  }
}
