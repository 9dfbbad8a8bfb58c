/**
 * @module gmc/dksp
 * The derived-key security provider (DKSP, DrtCreateDerivedKeySecurityProvider in drt.h) for the
 * DRT `SecurityProvider` seam. Every node holds a certificate chained to a root the whole cloud
 * trusts; its DRT key is SHA-256 of the DER SubjectPublicKeyInfo of that certificate (docs/design.md
 * §5) and it may register no other key. Its proofs bind (key, nonce, revoke flag, endpoints,
 * application data, chain) under an Ed25519 signature by the certificate's key; a resolver
 * accepts one only if the chain leads to the shared root, the key is the one derived from the
 * chain's last certificate and the signature and nonce hold. With `mode: 'membership'` it also
 * implements [MC-DRT] membership mode (gmc/dksp-membership.ts): only nodes holding a chain under
 * the root get answers to their LOOKUP, INQUIRE and REQUEST messages. Every check honours the
 * provider's `revocations` (gmc/revocation.ts): a member revoked by an admin gets neither answers
 * (membership mode) nor accepted records, as soon as the record reaches this provider through
 * `addRevocation` (members pass `revocations.records()` to each other: one propagation interval).
 *
 * Record layout (ours; [MC-DRT]'s Derived-Key CPA uses RSA): magic "DKS1" (u32 BE) | key (32) |
 * nonce (16) | revoke (u8) | endpoint count (u8) + count x (port u16 BE, address 16) | app data
 * length (u16 BE) + bytes | certificate count (u8) + count x (length u16 BE, DER) | signature (64)
 * over every byte before it.
 */
import { KEY_RECORD_APP_DATA_MAX, readKeyRecord, writeKeyRecord } from '../drt/key-record-codec.js';
import type { KeyRecord, RecordVerdict, SecurityProvider } from '../drt/security-provider.js';
import { type CryptoBackend, nobleCrypto } from '../keys/crypto-backend.js';
import type { Endpoint } from '../keys/endpoint.js';
import type { Key } from '../keys/key256.js';
import { ByteReader, decodeWith, fail } from '../util/byte-reader.js';
import { ByteWriter } from '../util/byte-writer.js';
import { equalBytes } from '../util/bytes.js';
import { describeCertificate } from './certificate.js';
import { CertificateCache, type ChainVerdict, validateChain } from './chain.js';
import { GMC_LIMITS } from './constants.js';
import { createDkspMembership, type MembershipCounters } from './dksp-membership.js';
import type { GmcCredential } from './issue.js';
import { type RevocationAddResult, RevocationList } from './revocation.js';
import type { VerifyBudgetOptions } from './verify-budget.js';

const DKSP_MAGIC = 0x444b5331; // "DKS1"
const CERT_BYTES_MAX = 4096;

/**
 * The DRT key derived from a DER certificate: SHA-256 of its SubjectPublicKeyInfo. Throws
 * `RangeError` for bytes that are not a certificate (local input).
 * @example const key = derivedKeyOf(credential.chain.at(-1)!);
 */
export function derivedKeyOf(certificate: Uint8Array, crypto: CryptoBackend = nobleCrypto): Key {
  const r = describeCertificate(certificate);
  if (!r.ok) throw new RangeError(`not a certificate: ${r.error.detail}`);
  return crypto.sha256(r.value.facts.spki);
}

/** Options of {@link derivedKeySecurityProvider}. */
export interface DerivedKeySecurityProviderOptions {
  /** The DER root certificate (GRC) every accepted chain must start with. */
  readonly root: Uint8Array;
  /** This node's key pair and chain (root first). */
  readonly credential: GmcCredential;
  /** Wall-clock ms at which the node's own chain is checked once, at construction. @default the last certificate's notBefore */
  readonly checkAtWallMs?: number;
  readonly crypto?: CryptoBackend;
  /** Parsed certificates remembered. @default 1024 */
  readonly cacheEntriesMax?: number;
  /** A certificate cache shared with other providers in this process (e.g. a simulation). @default a new one */
  readonly cache?: CertificateCache;
  /**
   * [MC-DRT] security mode. `'membership'` (SECURE_MEMBERSHIP) adds the `membership` hook: LOOKUP,
   * INQUIRE and REQUEST carry this node's GMC chain and an Ed25519 signature, and those from nodes
   * without a valid chain under `root` are dropped unanswered. @default 'resolve'
   */
  readonly mode?: 'resolve' | 'membership';
  /** Credential verdicts the membership mode remembers. @default 1024 */
  readonly membershipMemoEntriesMax?: number;
  /** Budgets of cold chain verifications in membership mode. @default see VerifyBudget */
  readonly membershipBudget?: VerifyBudgetOptions;
  /**
   * The group's revocations (gmc/revocation.ts), possibly shared with other consumers on this
   * node. @default a new empty list under `root`
   */
  readonly revocations?: RevocationList;
}

/** A DKSP with counters for reports. */
export interface DerivedKeySecurityProvider extends SecurityProvider {
  /** This node's derived key, the only one it may register. */
  readonly derivedKey: Key;
  /** Undefined when the node's own chain is valid; else why it is not. */
  readonly credentialProblem: string | undefined;
  readonly cache: CertificateCache;
  /** Refusals by reason. */
  readonly refusals: Readonly<Record<string, number>>;
  /** Membership-mode counters; undefined in resolve mode. */
  readonly membershipCounters: MembershipCounters | undefined;
  /** The revocations every check of this provider honours. */
  readonly revocations: RevocationList;
  /**
   * Adds a revocation record received from an admin or another member (verified; never throws on
   * remote bytes). Members pass `revocations.records()` on to spread them.
   */
  addRevocation(record: Uint8Array, nowWallMs: number): RevocationAddResult;
}

interface DecodedRecord {
  readonly key: Key;
  readonly nonce: Uint8Array;
  readonly revoke: boolean;
  readonly endpoints: readonly Endpoint[];
  readonly appData: Uint8Array;
  readonly chain: Uint8Array[];
  readonly signed: Uint8Array;
  readonly signature: Uint8Array;
}

function encodeRecord(record: KeyRecord, chain: readonly Uint8Array[]): Uint8Array {
  const w = new ByteWriter(
    256 + record.appData.length + chain.reduce((n, c) => n + c.length + 2, 0),
  );
  writeKeyRecord(w, DKSP_MAGIC, record);
  w.u8(chain.length);
  for (const cert of chain) w.u16be(cert.length).bytes(cert);
  return w.finish();
}

function decodeRecord(bytes: Uint8Array) {
  return decodeWith((): DecodedRecord => {
    const r = new ByteReader(bytes);
    const { key, nonce, revoke, endpoints, appData } = readKeyRecord(r, DKSP_MAGIC, 'DKSP');
    const certs = r.u8();
    if (certs > GMC_LIMITS.chainCertificatesMax) fail('limit', `${certs} certificates`);
    const chain: Uint8Array[] = [];
    for (let i = 0; i < certs; i++) {
      const length = r.u16be();
      if (length > CERT_BYTES_MAX) fail('limit', `certificate of ${length} bytes`);
      chain.push(r.bytes(length));
    }
    const signed = bytes.subarray(0, r.offset);
    const signature = r.bytes(64);
    if (r.remaining !== 0) fail('trailing-bytes', `${r.remaining} bytes after the record`);
    return { key, nonce, revoke, endpoints, appData, chain, signed, signature };
  });
}

function ownProblem(
  options: DerivedKeySecurityProviderOptions,
  crypto: CryptoBackend,
  cache: CertificateCache,
) {
  const { chain } = options.credential;
  const leaf = chain.length > 0 ? describeCertificate(chain[chain.length - 1]!) : undefined;
  if (!leaf?.ok)
    return { problem: 'the credential has no readable certificate', key: new Uint8Array(32) };
  const facts = leaf.value.facts;
  const key = crypto.sha256(facts.spki);
  if (!equalBytes(facts.publicKey, options.credential.identity.publicKey)) {
    return { problem: 'the identity does not own the certificate', key };
  }
  const verdict: ChainVerdict = validateChain(chain, {
    nowWallMs: options.checkAtWallMs ?? facts.notBeforeMs,
    root: options.root,
    crypto,
    cache,
  });
  return { problem: verdict.ok ? undefined : `${verdict.reason}: ${verdict.detail}`, key };
}

/**
 * A DRT security provider for a cloud whose members hold certificates under one root.
 * @example
 * const security = derivedKeySecurityProvider({ root: group.root.chain[0]!, credential });
 * new DrtNode({ security, ... }).registerKey(now, security.derivedKey);
 */
export function derivedKeySecurityProvider(
  options: DerivedKeySecurityProviderOptions,
): DerivedKeySecurityProvider {
  if (!(options.root instanceof Uint8Array)) throw new TypeError('root must be DER bytes');
  const crypto = options.crypto ?? nobleCrypto;
  const cache = options.cache ?? new CertificateCache(options.cacheEntriesMax ?? 1024);
  const { problem, key: derivedKey } = ownProblem(options, crypto, cache);
  const revocations =
    options.revocations ?? new RevocationList({ root: options.root, crypto, cache });
  const refusals: Record<string, number> = {};
  const refuse = (reason: string): RecordVerdict => {
    refusals[reason] = (refusals[reason] ?? 0) + 1;
    return { ok: false, reason };
  };
  const chain = options.credential.chain;
  const mode = options.mode ?? 'resolve';
  if (mode !== 'resolve' && mode !== 'membership') {
    throw new RangeError(`mode must be 'resolve' or 'membership', got ${String(mode)}`);
  }
  const member =
    mode === 'membership'
      ? createDkspMembership({
          root: options.root,
          credential: options.credential,
          crypto,
          cache,
          memoEntriesMax: options.membershipMemoEntriesMax ?? 1024,
          revoked: revocations,
          ...(options.membershipBudget ? { budget: options.membershipBudget } : {}),
        })
      : undefined;
  return {
    name: mode === 'membership' ? 'derived-key-membership' : 'derived-key',
    derivedKey,
    credentialProblem: problem,
    cache,
    refusals,
    membershipCounters: member?.counters,
    revocations,
    addRevocation: (record, nowWallMs) => revocations.add(record, nowWallMs),
    ...(member ? { membership: member.membership } : {}),
    checkRegistration(key, appData) {
      if (problem !== undefined) return `no valid certificate (${problem})`;
      if (!equalBytes(key, derivedKey))
        return "only the key derived from this node's certificate may be registered";
      if (appData.length > KEY_RECORD_APP_DATA_MAX)
        return `app data is ${appData.length} bytes, at most ${KEY_RECORD_APP_DATA_MAX}`;
      return undefined;
    },
    secureRecord(record) {
      const body = encodeRecord(record, chain);
      const signature = crypto.ed25519Sign(body, options.credential.identity.secretKey);
      const out = new Uint8Array(body.length + 64);
      out.set(body);
      out.set(signature, body.length);
      return out;
    },
    validateRecord(bytes, expect) {
      const decoded = decodeRecord(bytes);
      if (!decoded.ok) return refuse('malformed');
      const r = decoded.value;
      if (expect.key !== undefined && !equalBytes(r.key, expect.key)) return refuse('id-mismatch');
      if (r.revoke !== expect.revoke) return refuse(r.revoke ? 'revoked' : 'malformed');
      if (expect.nonce !== undefined && !equalBytes(r.nonce, expect.nonce))
        return refuse('nonce-mismatch');
      const verdict = validateChain(r.chain, {
        nowWallMs: expect.nowWallMs,
        root: options.root,
        crypto,
        cache,
        revoked: revocations,
      });
      if (!verdict.ok) return refuse(`chain-${verdict.reason}`);
      if (!equalBytes(crypto.sha256(verdict.leaf.spki), r.key)) return refuse('key-not-derived');
      if (!crypto.ed25519Verify(r.signature, r.signed, verdict.leaf.publicKey))
        return refuse('bad-signature');
      return {
        ok: true,
        record: {
          key: r.key,
          appData: r.appData,
          endpoints: r.endpoints,
          revoke: r.revoke,
          proof: verdict,
        },
      };
    },
    certChain: () => encodeChainFrames(chain),
  };
}

/** Length-prefixed DER certificates (count u8, then u16 BE length + DER each). */
function encodeChainFrames(chain: readonly Uint8Array[]): Uint8Array {
  const w = new ByteWriter(16 + chain.reduce((n, c) => n + c.length + 2, 0));
  w.u8(chain.length);
  for (const cert of chain) w.u16be(cert.length).bytes(cert);
  return w.finish();
}
