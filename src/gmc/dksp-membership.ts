/**
 * @module gmc/dksp-membership
 * The membership-mode hook of the derived-key security provider ([MC-DRT] §1.3.2.2; the
 * GetSerializedCredential / SignData / ValidateRemoteCredential / VerifyData entries of
 * DRT_SECURITY_PROVIDER). The CREDENTIAL is the node's GMC chain as a PKCS#7 SignedData
 * ([MC-DRT] §2.2.3.1.4.1), the SIGNATURE an Ed25519 signature by the chain's last certificate
 * key (our profile: [MC-DRT] §2.2.3.1.3 uses 128-byte RSA), and the KEY_IDENTIFIER a PUBLIC_KEY
 * structure (§2.2.3.1.5.1.1) naming that key: `AlgIdSize (u8) | AlgParamsLength (u16 LE) |
 * PublicKeyLength (u16 LE) | Reserved (u8) | AlgId | AlgParams | PublicKey`, with AlgId the ASCII
 * OID text "1.3.101.112" and a NUL, no parameters and the raw 32-byte key.
 *
 * Cheap refusals first (issue 11, item 1): the credential's size is bounded; the PKCS#7 envelope
 * is walked without parsing any certificate; certificate 0 is compared with the pinned root byte
 * for byte (a chain under a foreign root costs microseconds, whatever its length); then the
 * verdict memo is consulted, keyed by a digest of the certificates (`chainDigest`), never by the
 * malleable envelope. Only good verdicts are memoized, least recently used out first, so hostile
 * credentials, which never verify, cannot evict a member's verdict; a hit costs one hash and one
 * signature check. A miss spends one token of the source's and the node's verification budget
 * (gmc/verify-budget.ts; refused: `membership-throttled`) before the chain is parsed and checked
 * one certificate at a time. A memoized verdict is reused while the wall clock stays between the
 * time it was reached and the chain's earliest notAfter, and while none of its certificates is in
 * the revocation list (gmc/revocation.ts).
 */
import type { MembershipSecurity, MembershipVerdict } from '../drt/security-provider.js';
import type { CryptoBackend } from '../keys/crypto-backend.js';
import { ByteReader, decodeWith, fail } from '../util/byte-reader.js';
import { ByteWriter } from '../util/byte-writer.js';
import { equalBytes } from '../util/bytes.js';
import type { Result } from '../util/result.js';
import {
  type CertificateCache,
  type ChainVerdict,
  certificateIdOf,
  type RevokedCertificates,
  validateChain,
} from './chain.js';
import {
  CHAIN_BYTES_MAX,
  chainDigest,
  decodeChainPkcs7,
  encodeChainPkcs7,
  firstCertificatePkcs7,
} from './chain-codec.js';
import type { GmcCredential } from './issue.js';
import { VerifyBudget, type VerifyBudgetOptions } from './verify-budget.js';

const ED25519_ALG_ID = new TextEncoder().encode('1.3.101.112\0');
const ED25519_KEY_BYTES = 32;

/**
 * The KEY_IDENTIFIER (a [MC-DRT] PUBLIC_KEY structure) of a raw Ed25519 public key.
 * @example encodeKeyIdentifier(identity.publicKey).length // 6 + 12 + 32
 */
export function encodeKeyIdentifier(publicKey: Uint8Array): Uint8Array {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== ED25519_KEY_BYTES) {
    throw new RangeError('an Ed25519 public key is 32 bytes');
  }
  const w = new ByteWriter(6 + ED25519_ALG_ID.length + ED25519_KEY_BYTES);
  w.u8(ED25519_ALG_ID.length).u16le(0).u16le(ED25519_KEY_BYTES).u8(0);
  w.bytes(ED25519_ALG_ID).bytes(publicKey);
  return w.finish();
}

/**
 * The raw Ed25519 key a KEY_IDENTIFIER names. Never throws.
 * @example const r = decodeKeyIdentifier(bytes); if (r.ok) equalBytes(r.value, leafKey)
 */
export function decodeKeyIdentifier(bytes: Uint8Array): Result<Uint8Array> {
  return decodeWith(() => {
    const r = new ByteReader(bytes);
    const algIdSize = r.u8();
    const paramsLength = r.u16le();
    const keyLength = r.u16le();
    r.u8();
    const algId = r.bytes(algIdSize);
    if (!equalBytes(algId, ED25519_ALG_ID)) fail('bad-value', 'AlgId is not Ed25519');
    if (paramsLength !== 0) fail('bad-value', `${paramsLength} bytes of AlgParams`);
    if (keyLength !== ED25519_KEY_BYTES) fail('bad-value', `public key of ${keyLength} bytes`);
    const key = r.bytes(keyLength);
    if (r.remaining !== 0) fail('trailing-bytes', `${r.remaining} bytes after the key`);
    return key;
  });
}

/** Counters of one provider's membership checks. */
export interface MembershipCounters {
  /** Messages whose credential and signature were accepted. */
  accepted: number;
  /** Credential verdicts answered from the memo (no PKCS#7 parse, no chain walk). */
  credentialMemoHits: number;
  /** Credentials decoded and validated. */
  credentialChecks: number;
  /** Cold validations refused by the verification budget. */
  throttled: number;
  /** Refusals by detail (`credential-<chain failure>`, `bad-signature`, ...). */
  readonly refusals: Record<string, number>;
}

/** Settings of {@link createDkspMembership}. */
export interface DkspMembershipSettings {
  readonly root: Uint8Array;
  readonly credential: GmcCredential;
  readonly crypto: CryptoBackend;
  readonly cache: CertificateCache;
  /** Credential verdicts remembered. */
  readonly memoEntriesMax: number;
  /** Revoked certificates to honour. */
  readonly revoked?: RevokedCertificates;
  /** Budgets of cold verifications. @default see VerifyBudget */
  readonly budget?: VerifyBudgetOptions;
}

interface MemoEntry {
  /** A good chain verdict. */
  readonly verdict: ChainVerdict & { readonly ok: true };
  /** Wall-clock ms the verdict was reached at. */
  readonly atWallMs: number;
  /** Hex SHA-256 of each certificate, for revocation checks on a hit. */
  readonly ids: readonly string[];
}

/**
 * The membership hook of a DKSP, with its counters.
 * @example const { membership, counters } = createDkspMembership({ root, credential, crypto, cache, memoEntriesMax: 1024 });
 */
export function createDkspMembership(settings: DkspMembershipSettings): {
  membership: MembershipSecurity;
  counters: MembershipCounters;
} {
  const { root, credential, crypto, cache, memoEntriesMax, revoked } = settings;
  if (!Number.isSafeInteger(memoEntriesMax) || memoEntriesMax < 1) {
    throw new RangeError(`membership memo size must be a positive integer, got ${memoEntriesMax}`);
  }
  const serialized = encodeChainPkcs7(credential.chain);
  const keyIdentifier = encodeKeyIdentifier(credential.identity.publicKey);
  const budget = new VerifyBudget(settings.budget);
  const counters: MembershipCounters = {
    accepted: 0,
    credentialMemoHits: 0,
    credentialChecks: 0,
    throttled: 0,
    refusals: {},
  };
  const memo = new Map<string, MemoEntry>();

  const refuse = (
    reason: 'bad-credential' | 'bad-signature' | 'membership-throttled',
    detail: string,
    why: string,
  ): MembershipVerdict => {
    counters.refusals[detail] = (counters.refusals[detail] ?? 0) + 1;
    return { ok: false, reason, detail: `${detail}: ${why}` };
  };

  const fresh = (e: MemoEntry, nowWallMs: number): boolean =>
    nowWallMs >= e.atWallMs &&
    nowWallMs <= e.verdict.notAfterMs &&
    !e.ids.some((id) => revoked?.isRevoked(id, nowWallMs));

  /** The chain verdict of a credential, or a refusal. */
  const chainVerdict = (
    bytes: Uint8Array,
    input: { nowWallMs: number; nowMs?: number; source?: string },
  ): ChainVerdict | 'throttled' => {
    const { nowWallMs } = input;
    if (!Number.isFinite(nowWallMs)) {
      return { ok: false, reason: 'bad-time', detail: `the time ${nowWallMs} is not finite` };
    }
    // Certificate 0 against the pinned root before anything else is read, parsed or hashed.
    const first = firstCertificatePkcs7(bytes);
    if (first.ok && !equalBytes(first.value[0]!, root)) {
      return { ok: false, reason: 'foreign-root', detail: 'the chain starts at another root' };
    }
    const certs = decodeChainPkcs7(bytes);
    if (!certs.ok) return { ok: false, reason: 'malformed', detail: certs.error.detail };
    const h = chainDigest(certs.value, crypto);
    let id = '';
    for (let i = 0; i < 16; i++) id += String.fromCharCode(h[i]! | (h[i + 16]! << 8));
    const known = memo.get(id);
    if (known !== undefined && fresh(known, nowWallMs)) {
      memo.delete(id);
      memo.set(id, known);
      counters.credentialMemoHits++;
      return known.verdict;
    }
    if (input.nowMs !== undefined && input.source !== undefined) {
      if (!budget.take(input.source, input.nowMs)) return 'throttled';
    }
    counters.credentialChecks++;
    const verdict = validateChain(certs.value, {
      nowWallMs,
      root,
      crypto,
      cache,
      ...(revoked ? { revoked } : {}),
    });
    if (!verdict.ok) {
      if (known !== undefined) memo.delete(id);
      return verdict;
    }
    if (known === undefined && memo.size >= memoEntriesMax) {
      const oldest = memo.keys().next().value;
      if (oldest !== undefined) memo.delete(oldest);
    }
    const ids = certs.value.map((c) => certificateIdOf(c, crypto));
    memo.delete(id);
    memo.set(id, { verdict, atWallMs: nowWallMs, ids });
    return verdict;
  };

  const membership: MembershipSecurity = {
    credential: () => serialized,
    keyIdentifier: () => keyIdentifier,
    sign: (data) => crypto.ed25519Sign(data, credential.identity.secretKey),
    verify(input) {
      if (
        !(input.credential instanceof Uint8Array) ||
        input.credential.length === 0 ||
        input.credential.length > CHAIN_BYTES_MAX
      ) {
        return refuse('bad-credential', 'credential-malformed', 'no usable credential bytes');
      }
      const verdict = chainVerdict(input.credential, input);
      if (verdict === 'throttled') {
        counters.throttled++;
        return refuse('membership-throttled', 'credential-throttled', 'verification budget spent');
      }
      if (!verdict.ok)
        return refuse('bad-credential', `credential-${verdict.reason}`, verdict.detail);
      const signer = verdict.leaf.publicKey;
      if (input.keyIdentifier !== undefined) {
        const named = decodeKeyIdentifier(input.keyIdentifier);
        if (!named.ok || !equalBytes(named.value, signer)) {
          return refuse(
            'bad-credential',
            'key-identifier-mismatch',
            'the KEY_IDENTIFIER does not name the last certificate',
          );
        }
      }
      if (!crypto.ed25519Verify(input.signature, input.data, signer)) {
        return refuse('bad-signature', 'bad-signature', 'the signature does not verify');
      }
      counters.accepted++;
      return { ok: true, peer: verdict };
    },
  };
  return { membership, counters };
}
