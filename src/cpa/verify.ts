/**
 * @module cpa/verify
 * Validating a CPA, [MS-PNRP] §3.1.5.7 and §3.1.5.9, in the spec's order, cheapest first:
 *
 * 1. syntax (`decodeCpa`)                                               → `malformed`
 * 2. a nonzero BinaryAuthority equals SHA-1 of the CPA's public key     → `authority-mismatch`
 * 3. now ≤ Not After                                                    → `expired`
 * 4. Nonce equals the INQUIRE nonce (when one is expected)              → `nonce-mismatch`
 * 5. the name's hashes (when a peer name is expected) and the PNRP ID
 *    P2P ID(BinaryAuthority or zeros, ClassifierHash) ‖ ServiceLocation
 *    equal the expected ones                                            → `id-mismatch`
 * 6. the Ed25519 signature over the CPA up to its SIGNATURE field       → `bad-signature`
 * 7. a valid revoke CPA is reported as `revoked` unless `allowRevoke` is set.
 *
 * Delegation (§3.1.5.10): with `authority: { verifier, certChain, classifier }`, a secured CPA
 * signed by a key its BinaryAuthority does not hash from passes check 2 when a chain and a
 * classifier are given (else `authority-mismatch` / `delegation-no-classifier`), and the verifier
 * judges the chain after check 6, the costliest last (a refusal is `delegation-<its reason>`).
 *
 * Not done here: parsing certificate chains (the injected verifier does) and the
 * X flag's extended payload (§3.1.5.8), which the caller checks with `verifyExtendedPayload`
 * and this CPA's public key. A CPA without a ClassifierHash (A flag only) is hashed as the empty
 * classifier, SHA-1 of no bytes, which is what `classifierHashOf('')` gives.
 */
import { type CryptoBackend, nobleCrypto } from '../keys/crypto-backend.js';
import { binaryAuthorityOf, classifierHashOf, p2pIdFromHashes } from '../keys/ids.js';
import { assertKey, type Key } from '../keys/key256.js';
import { parsePeerName } from '../keys/peer-name.js';
import { concatBytes, equalBytes, toHex } from '../util/bytes.js';
import { CPA_NONCE_BYTES, NAME_HASH_BYTES } from './constants.js';
import { decodeCpa } from './decode.js';
import { encodeCpa } from './encode.js';
import { filetimeFromUnixMs } from './filetime.js';
import { assertBytes, verifiesSignedSpan } from './key-fields.js';
import type { Cpa } from './model.js';

/**
 * Why a CPA was refused, in the order the checks run.
 * @example for (const reason of CPA_REJECT_REASONS) stats.cpaDropped[reason] = 0;
 */
export const CPA_REJECT_REASONS = [
  'malformed',
  'authority-mismatch',
  'expired',
  'nonce-mismatch',
  'id-mismatch',
  'bad-signature',
  'revoked',
] as const;

/**
 * One of {@link CPA_REJECT_REASONS}, or `delegation-<reason>` when a delegated authority is refused
 * (`delegation-no-classifier`, or the reason of the {@link AuthorityVerifier}).
 * @example const reason: CpaRejectReason = 'expired';
 */
export type CpaRejectReason = (typeof CPA_REJECT_REASONS)[number] | `delegation-${string}`;

/**
 * What an {@link AuthorityVerifier} checks: that `certChain` delegates the authority
 * `binaryAuthority` (SHA-1 of the chain's first key) to `publicKey` (the chain's last key, the one
 * that signed the CPA) for `classifier`, at `nowWallMs`.
 * @example verifier({ binaryAuthority: cpa.binaryAuthority!, publicKey: cpa.publicKey, classifier: 'participant', certChain, nowWallMs })
 */
export interface AuthorityDelegation {
  /** 20 bytes: the CPA's BinaryAuthority. */
  readonly binaryAuthority: Uint8Array;
  /** The CPA's public key. */
  readonly publicKey: Uint8Array;
  /** The classifier of the AUTHORITY (the PNRP provider checks it against the ClassifierHash). */
  readonly classifier: string;
  /** The AUTHORITY's CERT_CHAIN element. */
  readonly certChain: Uint8Array;
  readonly nowWallMs: number;
}

/**
 * Validates a certificate chain for a delegated CPA ([MS-PNRP] §3.1.5.10). Never throws on remote
 * input; a refusal's reason is reported as `delegation-<reason>`.
 * @example cpaSecurityProvider({ authorityVerifier: gmcAuthorityVerifier() })
 */
export type AuthorityVerifier = (
  delegation: AuthorityDelegation,
) => { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * Who may sign a secured CPA besides the key its BinaryAuthority hashes from: a key that
 * `certChain` delegates the authority to, for `classifier`, as `verifier` judges it.
 * @example verifyCpa(bytes, { nowWallMs, authority: { verifier, certChain, classifier: 'participant' } })
 */
export interface CpaDelegatedAuthority {
  readonly verifier: AuthorityVerifier;
  /** The AUTHORITY's CERT_CHAIN; without one such a CPA stays `authority-mismatch`. */
  readonly certChain?: Uint8Array | undefined;
  /** The AUTHORITY's classifier; without one such a CPA is `delegation-no-classifier`. */
  readonly classifier?: string | undefined;
}

/**
 * The outcome of {@link verifyCpa}.
 * @example
 * const verdict: CpaVerdict = verifyCpa(bytes, { nowWallMs });
 * if (verdict.ok) use(verdict.cpa);
 */
export type CpaVerdict =
  | { readonly ok: true; readonly cpa: Cpa }
  | { readonly ok: false; readonly reason: CpaRejectReason; readonly detail: string };

/**
 * What the verifier knows independently of the CPA.
 * @example { nowWallMs, nonce: inquire.nonce, pnrpId: routeEntry.pnrpId, peerName: '0.chat' }
 */
export interface CpaExpectations {
  /** Wall-clock now, Unix milliseconds (whole), from the injected `WallClock`. */
  readonly nowWallMs: number;
  /** The nonce of the INQUIRE this CPA answers; unchecked when absent (e.g. a FLOODed revoke). */
  readonly nonce?: Uint8Array;
  /** The PNRP ID of the route entry the CPA vouches for; unchecked when absent. */
  readonly pnrpId?: Key;
  /** The peer name resolved; when given, the CPA must be for it, and the verdict's CPA carries it. */
  readonly peerName?: string;
  /**
   * Accept a valid revoke CPA instead of reporting `revoked`.
   * @default false
   */
  readonly allowRevoke?: boolean;
  /**
   * Who may sign a secured CPA: only the key its BinaryAuthority hashes from (`'self'`), or also
   * a key a certificate chain delegates the authority to (see the module header).
   * @default 'self'
   */
  readonly authority?: 'self' | CpaDelegatedAuthority;
}

/**
 * Verifies an Encoded CPA (or a CPA model, which is encoded first) against what the caller
 * expects. Remote bytes never throw; bad expectations are local errors (`TypeError`/`RangeError`),
 * and so is a model that breaks a limit (it throws as `encodeCpa` does).
 * @example
 * const verdict = verifyCpa(authorityBuffer.cpa, {
 *   nowWallMs: wallClock.nowMs(),
 *   nonce: inquire.nonce,
 *   pnrpId: routeEntry.pnrpId,
 * });
 * if (!verdict.ok) stats.dropped[verdict.reason]++;
 */
export function verifyCpa(
  input: Uint8Array | Cpa,
  expectations: CpaExpectations,
  crypto: CryptoBackend = nobleCrypto,
): CpaVerdict {
  const now = checkExpectations(expectations);
  const bytes = input instanceof Uint8Array ? input : encodeCpa(input);
  const decoded = decodeCpa(bytes);
  if (!decoded.ok) return reject('malformed', `${decoded.error.code}: ${decoded.error.detail}`);
  let cpa = decoded.value;
  let delegated: PendingDelegation | undefined;
  if (cpa.secured && !equalBytes(cpa.binaryAuthority!, crypto.sha1(cpa.publicKey))) {
    const pending = pendingDelegationOf(cpa, expectations, crypto);
    if ('ok' in pending) return pending;
    delegated = pending;
  }
  if (now > cpa.notAfterFiletime) {
    return reject('expired', `Not After ${cpa.notAfterFiletime} is before now ${now} (FILETIME)`);
  }
  if (expectations.nonce !== undefined && !equalBytes(cpa.nonce, expectations.nonce)) {
    return reject('nonce-mismatch', `nonce ${toHex(cpa.nonce)} is not the INQUIRE nonce`);
  }
  if (expectations.peerName !== undefined) {
    const name = parsePeerName(expectations.peerName);
    if (!equalBytes(binaryAuthorityOrZeros(cpa), binaryAuthorityOf(name))) {
      return reject('id-mismatch', `the CPA's authority is not that of "${name.text}"`);
    }
    if (
      !equalBytes(classifierHashOrEmpty(cpa, crypto), classifierHashOf(name.classifier, crypto))
    ) {
      return reject('id-mismatch', `the CPA's ClassifierHash is not that of "${name.text}"`);
    }
    cpa = { ...cpa, peerName: name.text, classifier: name.classifier };
  }
  if (expectations.pnrpId !== undefined) {
    const id = pnrpIdOfCpa(cpa, crypto);
    if (!equalBytes(id, expectations.pnrpId)) {
      return reject(
        'id-mismatch',
        `the CPA is for ${toHex(id)}, not ${toHex(expectations.pnrpId)}`,
      );
    }
  }
  if (!verifiesSignedSpan(bytes, cpa.signature, cpa.publicKey, crypto)) {
    return reject('bad-signature', 'the Ed25519 signature does not verify');
  }
  if (delegated !== undefined) {
    const verdict = delegated.verifier(delegated.delegation);
    if (!verdict.ok) return reject(`delegation-${verdict.reason}`, 'the chain does not delegate');
  }
  if (cpa.revoke && expectations.allowRevoke !== true) {
    return reject('revoked', 'a valid revoke CPA: the ID is being unregistered');
  }
  return { ok: true, cpa };
}

/**
 * The PNRP ID a CPA vouches for: P2P ID(BinaryAuthority or zeros, ClassifierHash or SHA-1 of
 * the empty classifier) ‖ ServiceLocation ([MS-PNRP] §3.1.4.4.1).
 * @example pnrpIdOfCpa(cpa) // 32 bytes, most significant first
 */
export function pnrpIdOfCpa(cpa: Cpa, crypto: CryptoBackend = nobleCrypto): Key {
  const p2pId = p2pIdFromHashes(
    binaryAuthorityOrZeros(cpa),
    classifierHashOrEmpty(cpa, crypto),
    crypto,
  );
  return concatBytes(p2pId, cpa.serviceLocation);
}

/** A delegation that passed check 2; its verifier judges the chain after check 6. */
interface PendingDelegation {
  readonly verifier: AuthorityVerifier;
  readonly delegation: AuthorityDelegation;
}

/** Check 2 for a secured CPA its own key cannot sign: a delegation, or why there is none. */
function pendingDelegationOf(
  cpa: Cpa,
  e: CpaExpectations,
  crypto: CryptoBackend,
): PendingDelegation | Rejection {
  const authority = e.authority ?? 'self';
  if (authority === 'self' || authority.certChain === undefined) {
    return reject('authority-mismatch', 'BinaryAuthority is not SHA-1 of the public key');
  }
  if (authority.classifier === undefined) {
    return reject('delegation-no-classifier', 'a delegated authority needs the classifier');
  }
  // The chain is judged for this classifier, so it must be the CPA's own (its ClassifierHash).
  if (
    !equalBytes(classifierHashOrEmpty(cpa, crypto), classifierHashOf(authority.classifier, crypto))
  ) {
    return reject(
      'delegation-classifier-mismatch',
      `the CPA's ClassifierHash is not that of "${authority.classifier}"`,
    );
  }
  const delegation: AuthorityDelegation = {
    binaryAuthority: cpa.binaryAuthority!,
    publicKey: cpa.publicKey,
    classifier: authority.classifier,
    certChain: authority.certChain,
    nowWallMs: e.nowWallMs,
  };
  return { verifier: authority.verifier, delegation };
}

function binaryAuthorityOrZeros(cpa: Cpa): Uint8Array {
  return cpa.binaryAuthority ?? new Uint8Array(NAME_HASH_BYTES);
}

function classifierHashOrEmpty(cpa: Cpa, crypto: CryptoBackend): Uint8Array {
  return cpa.classifierHash ?? crypto.sha1(new Uint8Array(0));
}

function checkExpectations(e: CpaExpectations): bigint {
  if (typeof e !== 'object' || e === null) throw new TypeError('expectations must be an object');
  if (e.nonce !== undefined) assertBytes(e.nonce, CPA_NONCE_BYTES, 'expectations.nonce');
  if (e.pnrpId !== undefined) assertKey(e.pnrpId, 'expectations.pnrpId');
  return filetimeFromUnixMs(e.nowWallMs);
}

type Rejection = Extract<CpaVerdict, { readonly ok: false }>;

function reject(reason: CpaRejectReason, detail: string): Rejection {
  return { ok: false, reason, detail };
}
