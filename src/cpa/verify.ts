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
 * Not done here: certificate chains (§3.1.5.10; a secured name must hash to its own key) and the
 * X flag's extended payload (§3.1.5.8), which the caller checks with `verifyExtendedPayload`
 * and this CPA's public key. A CPA without a ClassifierHash (A flag only) is hashed as the empty
 * classifier, SHA-1 of no bytes, which is what `classifierHashOf('')` gives.
 */
import { type CryptoBackend, nobleCrypto } from '../keys/crypto-backend.js';
import { binaryAuthorityOf, classifierHashOf, p2pIdFromHashes } from '../keys/ids.js';
import { assertKey, type Key } from '../keys/key256.js';
import { parsePeerName } from '../keys/peer-name.js';
import { concatBytes, equalBytes, toHex } from '../util/bytes.js';
import { CPA_NONCE_BYTES, NAME_HASH_BYTES, SIGNATURE_FIELD_BYTES } from './constants.js';
import { decodeCpa } from './decode.js';
import { encodeCpa } from './encode.js';
import { filetimeFromUnixMs } from './filetime.js';
import { assertBytes } from './key-fields.js';
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
 * One of {@link CPA_REJECT_REASONS}.
 * @example const reason: CpaRejectReason = 'expired';
 */
export type CpaRejectReason = (typeof CPA_REJECT_REASONS)[number];

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
  if (cpa.secured && !equalBytes(cpa.binaryAuthority!, crypto.sha1(cpa.publicKey))) {
    return reject('authority-mismatch', 'BinaryAuthority is not SHA-1 of the public key');
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
  const signedSpan = bytes.subarray(0, bytes.length - SIGNATURE_FIELD_BYTES);
  if (!crypto.ed25519Verify(cpa.signature, signedSpan, cpa.publicKey)) {
    return reject('bad-signature', 'the Ed25519 signature does not verify');
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

function reject(reason: CpaRejectReason, detail: string): CpaVerdict {
  return { ok: false, reason, detail };
}
