/**
 * @module gmc/participant
 * Publishing and resolving a group's participant name through `PnrpNode` ([MS-PPSEC] §1.3.2,
 * [MS-PNRP] §3.1.5.10). Every member publishes the secure peer name `<group authority>.participant`,
 * yet only the group root holds the key whose SHA-1 is that authority. Windows solves this with
 * PNRP delegation: the member signs the CPA with its own key and the AUTHORITY carries its GMC
 * chain (the INQUIRE's C flag), whose first certificate's key hashes to the authority and whose
 * last certificate holds the CPA's key. We do the same:
 *
 * - the member registers the name with its own identity and its chain:
 *   `node.register(now, { peerName: participantPeerName(group), identity: credential.identity,
 *   certChain: encodeChainPkcs7(credential.chain) })` (the CPA's BinaryAuthority is the group's,
 *   its public key and signature the member's);
 * - resolvers pass {@link gmcAuthorityVerifier} as the node's `authorityVerifier` option,
 *   which then asks for chains and accepts such a CPA only when the chain is a valid GMC chain
 *   whose root key hashes to the BinaryAuthority, whose last key signed the CPA and whose
 *   classifiers cover the name's classifier. Nothing else trusts the root: the name pins it.
 *
 * Limit: a revoke FLOOD carries no chain, so neighbours refuse a delegated publisher's revoke
 * (`authority-mismatch`); its entry leaves their caches when an INQUIRE finds the name gone or
 * the cached CPA expires, not at once.
 */

import { type CryptoBackend, nobleCrypto } from '../keys/crypto-backend.js';
import type { AuthorityVerifier } from '../pnrp/cpa-security-provider.js';
import { equalBytes } from '../util/bytes.js';
import {
  CertificateCache,
  type ChainVerdict,
  certificateIdOf,
  type RevokedCertificates,
  validateChain,
} from './chain.js';
import { chainDigest, decodeChainPkcs7 } from './chain-codec.js';
import { classifierAllowed } from './delegation.js';
import type { Group } from './issue.js';

/** The classifier every member publishes under the group's authority. */
export const PARTICIPANT_CLASSIFIER = 'participant';

/**
 * `<group authority>.participant`.
 * @example node.resolve(now, participantPeerName(group), { criteria: 'any-peer-name', maxResults: 5 })
 */
export function participantPeerName(group: Group | string): string {
  const authority = typeof group === 'string' ? group : group.root.identity.authority;
  return `${authority}.${PARTICIPANT_CLASSIFIER}`;
}

/** Options of {@link gmcAuthorityVerifier}. */
export interface GmcAuthorityVerifierOptions {
  readonly crypto?: CryptoBackend;
  /** Parsed certificates and verified signatures, shared or not. @default a new one of 1024 */
  readonly cache?: CertificateCache;
  /** Good chain verdicts remembered, by a digest of the certificates. @default 256 */
  readonly memoEntriesMax?: number;
  /** Revoked certificates (gmc/revocation.ts): a chain holding one is refused (`revoked`). */
  readonly revoked?: RevokedCertificates;
}

/** A verifier with its counters. */
export interface GmcAuthorityVerifier {
  readonly verify: AuthorityVerifier;
  /** Chains accepted / refused (by reason) / decoded from the memo. */
  readonly counters: {
    accepted: number;
    memoHits: number;
    readonly refused: Record<string, number>;
  };
}

/**
 * An `AuthorityVerifier` for the CPA provider that accepts GMC chains delegating a group's
 * authority. Refusal reasons: `malformed` and every `ChainFailure` of `validateChain`, and
 * `authority-not-root` when the chain's root key does not hash to the CPA's BinaryAuthority.
 * @example node.securityOf('Global_').setAuthorityVerifier(gmcAuthorityVerifier().verify)
 */
export function gmcAuthorityVerifier(
  options: GmcAuthorityVerifierOptions = {},
): GmcAuthorityVerifier {
  const crypto = options.crypto ?? nobleCrypto;
  const cache = options.cache ?? new CertificateCache(1024);
  const memoEntriesMax = options.memoEntriesMax ?? 256;
  if (!Number.isSafeInteger(memoEntriesMax) || memoEntriesMax < 1) {
    throw new RangeError(`memoEntriesMax must be a positive integer, got ${memoEntriesMax}`);
  }
  // Good chain verdicts by a digest of the certificates (never the malleable envelope).
  const memo = new Map<
    string,
    { verdict: ChainVerdict & { ok: true }; atWallMs: number; ids: string[] }
  >();
  const counters = { accepted: 0, memoHits: 0, refused: {} as Record<string, number> };
  const refuse = (reason: string) => {
    counters.refused[reason] = (counters.refused[reason] ?? 0) + 1;
    return { ok: false, reason } as const;
  };
  const chainVerdict = (chain: Uint8Array[], authority: Uint8Array, nowWallMs: number) => {
    const h = chainDigest(chain, crypto);
    let id = '';
    for (let i = 0; i < 16; i++) id += String.fromCharCode(h[i]! | (h[i + 16]! << 8));
    const known = memo.get(id);
    if (
      known !== undefined &&
      nowWallMs >= known.atWallMs &&
      nowWallMs <= known.verdict.notAfterMs &&
      equalBytes(crypto.sha1(known.verdict.root.publicKey), authority) &&
      !known.ids.some((c) => options.revoked?.isRevoked(c, nowWallMs))
    ) {
      counters.memoHits++;
      memo.delete(id);
      memo.set(id, known);
      return known.verdict;
    }
    memo.delete(id);
    // The CPA's BinaryAuthority names the root: certificate 0 is checked against it first.
    const verdict = validateChain(chain, {
      nowWallMs,
      rootAuthority: authority,
      crypto,
      cache,
      ...(options.revoked ? { revoked: options.revoked } : {}),
    });
    if (!verdict.ok) return verdict;
    if (memo.size >= memoEntriesMax) {
      const oldest = memo.keys().next().value;
      if (oldest !== undefined) memo.delete(oldest);
    }
    memo.set(id, {
      verdict,
      atWallMs: nowWallMs,
      ids: chain.map((c) => certificateIdOf(c, crypto)),
    });
    return verdict;
  };
  const verify: AuthorityVerifier = (d) => {
    const chain = decodeChainPkcs7(d.certChain);
    if (!chain.ok) return refuse('malformed');
    const verdict = chainVerdict(chain.value, d.binaryAuthority, d.nowWallMs);
    if (!verdict.ok)
      return refuse(
        verdict.reason === 'authority-mismatch' ? 'authority-not-root' : verdict.reason,
      );
    if (!equalBytes(d.publicKey, verdict.leaf.publicKey)) return refuse('wrong-key');
    if (!classifierAllowed(verdict.classifiers, d.classifier))
      return refuse('classifier-not-allowed');
    counters.accepted++;
    return { ok: true };
  };
  return { verify, counters };
}
