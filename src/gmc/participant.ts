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
import { CertificateCache, validateChain } from './chain.js';
import { decodeChainPkcs7 } from './chain-codec.js';
import type { GmcCredential, Group } from './issue.js';

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
  /** Decoded PKCS#7 chains remembered by SHA-256 of their bytes. @default 256 */
  readonly memoEntriesMax?: number;
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
  const memo = new Map<string, Uint8Array[] | undefined>();
  const counters = { accepted: 0, memoHits: 0, refused: {} as Record<string, number> };
  const refuse = (reason: string) => {
    counters.refused[reason] = (counters.refused[reason] ?? 0) + 1;
    return { ok: false, reason } as const;
  };
  const decode = (bytes: Uint8Array): Uint8Array[] | undefined => {
    const h = crypto.sha256(bytes);
    let id = '';
    for (let i = 0; i < 16; i++) id += String.fromCharCode(h[i]! | (h[i + 16]! << 8));
    if (memo.has(id)) {
      counters.memoHits++;
      return memo.get(id);
    }
    const r = decodeChainPkcs7(bytes);
    if (memo.size >= memoEntriesMax) {
      const oldest = memo.keys().next().value;
      if (oldest !== undefined) memo.delete(oldest);
    }
    memo.set(id, r.ok ? r.value : undefined);
    return r.ok ? r.value : undefined;
  };
  const verify: AuthorityVerifier = (d) => {
    const chain = decode(d.certChain);
    if (chain === undefined) return refuse('malformed');
    const verdict = validateChain(chain, {
      nowWallMs: d.nowWallMs,
      publicKey: d.publicKey,
      classifier: d.classifier,
      crypto,
      cache,
    });
    if (!verdict.ok) return refuse(verdict.reason);
    if (!equalBytes(crypto.sha1(verdict.root.publicKey), d.binaryAuthority)) {
      return refuse('authority-not-root');
    }
    counters.accepted++;
    return { ok: true };
  };
  return { verify, counters };
}
