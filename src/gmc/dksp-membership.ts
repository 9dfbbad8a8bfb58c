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
 * Receivers see the same credential bytes in every message from one member, so a credential's
 * chain verdict is memoized by SHA-256 of the bytes (bounded, oldest out first): a hit costs one
 * hash and one signature check, no PKCS#7 parsing and no chain walk. A memoized good verdict is
 * reused while the wall clock stays between the time it was reached and the chain's earliest
 * notAfter; a refusal for any other reason than time is final.
 */
import type { MembershipSecurity, MembershipVerdict } from '../drt/security-provider.js';
import type { CryptoBackend } from '../keys/crypto-backend.js';
import { ByteReader, decodeWith, fail } from '../util/byte-reader.js';
import { ByteWriter } from '../util/byte-writer.js';
import { equalBytes } from '../util/bytes.js';
import type { Result } from '../util/result.js';
import { type CertificateCache, type ChainVerdict, validateChain } from './chain.js';
import { CHAIN_BYTES_MAX, decodeChainPkcs7, encodeChainPkcs7 } from './chain-codec.js';
import type { GmcCredential } from './issue.js';

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
}

interface MemoEntry {
  /** The chain verdict, or why the bytes are not a chain. */
  readonly verdict: ChainVerdict;
  /** Wall-clock ms the verdict was reached at. */
  readonly atWallMs: number;
}

const TIME_FAILURES: ReadonlySet<string> = new Set(['not-yet-valid', 'expired']);

/**
 * The membership hook of a DKSP, with its counters.
 * @example const { membership, counters } = createDkspMembership({ root, credential, crypto, cache, memoEntriesMax: 1024 });
 */
export function createDkspMembership(settings: DkspMembershipSettings): {
  membership: MembershipSecurity;
  counters: MembershipCounters;
} {
  const { root, credential, crypto, cache, memoEntriesMax } = settings;
  if (!Number.isSafeInteger(memoEntriesMax) || memoEntriesMax < 1) {
    throw new RangeError(`membership memo size must be a positive integer, got ${memoEntriesMax}`);
  }
  const serialized = encodeChainPkcs7(credential.chain);
  const keyIdentifier = encodeKeyIdentifier(credential.identity.publicKey);
  const counters: MembershipCounters = {
    accepted: 0,
    credentialMemoHits: 0,
    credentialChecks: 0,
    refusals: {},
  };
  const memo = new Map<string, MemoEntry>();

  const refuse = (
    reason: 'bad-credential' | 'bad-signature',
    detail: string,
    why: string,
  ): MembershipVerdict => {
    counters.refusals[detail] = (counters.refusals[detail] ?? 0) + 1;
    return { ok: false, reason, detail: `${detail}: ${why}` };
  };

  const chainVerdict = (bytes: Uint8Array, nowWallMs: number): ChainVerdict => {
    const h = crypto.sha256(bytes);
    let id = '';
    for (let i = 0; i < 16; i++) id += String.fromCharCode(h[i]! | (h[i + 16]! << 8));
    const known = memo.get(id);
    if (known !== undefined) {
      const v = known.verdict;
      const stillGood = v.ok && nowWallMs >= known.atWallMs && nowWallMs <= v.notAfterMs;
      if (stillGood || (!v.ok && !TIME_FAILURES.has(v.reason))) {
        counters.credentialMemoHits++;
        return v;
      }
    }
    counters.credentialChecks++;
    const chain = decodeChainPkcs7(bytes);
    const verdict: ChainVerdict = chain.ok
      ? validateChain(chain.value, { nowWallMs, root, crypto, cache })
      : { ok: false, reason: 'malformed', detail: chain.error.detail };
    if (known === undefined && memo.size >= memoEntriesMax) {
      const oldest = memo.keys().next().value;
      if (oldest !== undefined) memo.delete(oldest);
    }
    memo.set(id, { verdict, atWallMs: nowWallMs });
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
      const verdict = chainVerdict(input.credential, input.nowWallMs);
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
