/**
 * @module pnrp/cpa-security-provider
 * The DRT security provider of PNRP ([MS-PNRP] §3.1.5.7-§3.1.5.9, §3.2.5.7-§3.2.5.10): proofs
 * are Certified Peer Addresses. Per local key it holds the registration (peer name, identity,
 * service location, application endpoints, friendly name, extended payload). It
 * - refuses to register a key it has no registration for (`checkRegistration`);
 * - answers an INQUIRE with a CPA signed afresh for its nonce, Not After = wall now + lifetime
 *   (so a live registration never serves an expired CPA), or a revoke CPA when unregistering;
 * - adds the classifier to every INQUIRE answer and, when the INQUIRE sets X, the extended
 *   payload signed for the PNRP ID and the nonce (`authorityExtras`);
 * - validates others' CPAs with `verifyCpa` (syntax, authority = SHA-1 of the key, Not After,
 *   nonce, PNRP ID recomputed == the key validated, signature), checks the classifier against the
 *   CPA's ClassifierHash and the extended payload against the CPA's key, and returns
 *   {@link VerifiedRegistration} as the proof. Signature verdicts are memoized.
 * - optionally ([MS-PNRP] §3.1.5.10, delegation): accepts a secured CPA signed by a key other than
 *   the one its authority hashes from, when the AUTHORITY carries a certificate chain that an
 *   injected {@link AuthorityVerifier} accepts (pnrp cannot parse certificates itself; `pnrp/gmc`
 *   provides one for GMC chains). Such a CPA passes every other `verifyCpa` check. A publisher
 *   attaches its chain to a name with `setCertChain`; resolvers with a verifier set the INQUIRE's
 *   C flag to ask for it. Without a verifier nothing changes: such CPAs stay `authority-mismatch`.
 * - tells the node who owns a validated CPA and until when it is valid (`ownerKey`,
 *   `validUntilWallMs`), and decodes flooded revokes without checking their signature
 *   (`peekRevoke`), so the node verifies only revokes of entries it holds, signed by the key that
 *   registered them and not older than that registration (drt/flooding.ts). Secured names bind
 *   their key (the authority is SHA-1 of it), so their CPAs carry `ownerKey`. Unsecured `0.`
 *   names do not: anyone may sign a CPA for them ([MS-PNRP] §3.1.5.7 checks no authority), so
 *   anyone may also revoke them; that is the spec's behaviour and it stays.
 */

import { CPA_LIFETIME_MS } from '../cpa/constants.js';
import { decodeCpa } from '../cpa/decode.js';
import type { ExtendedPayload, ExtendedPayloadData } from '../cpa/extended-payload.js';
import { createExtendedPayload, verifyExtendedPayload } from '../cpa/extended-payload-verify.js';
import { unixMsFromFiletime } from '../cpa/filetime.js';
import type { AppEndpoint, Cpa } from '../cpa/model.js';
import { createCpa } from '../cpa/sign.js';
import { type AuthorityVerifier, pnrpIdOfCpa, verifyCpa } from '../cpa/verify.js';
import type {
  RecordExpectation,
  RecordVerdict,
  RevokeSummary,
  SecurityProvider,
} from '../drt/security-provider.js';
import {
  type CryptoBackend,
  type MemoizedCryptoBackend,
  memoizeVerify,
  nobleCrypto,
} from '../keys/crypto-backend.js';
import type { Identity } from '../keys/identity.js';
import { classifierHashOf } from '../keys/ids.js';
import type { Key } from '../keys/key256.js';
import { parsePeerName } from '../keys/peer-name.js';
import { equalBytes, toHex } from '../util/bytes.js';

export type { AuthorityDelegation, AuthorityVerifier } from '../cpa/verify.js';

/**
 * Twelve hours: the default CPA lifetime (the spec's minimum recommendation).
 * @example cpaSecurityProvider({ lifetimeMs: 2 * CPA_LIFETIME_DEFAULT_MS })
 */
export const CPA_LIFETIME_DEFAULT_MS: number = 12 * 3_600_000;

/**
 * What the provider knows about one locally registered PNRP ID.
 * @example provider.setRegistration({ peerName: '0.chat', classifier: 'chat', identity, pnrpId, serviceLocation, appEndpoints: [] })
 */
export interface CpaRegistration {
  /** Canonical peer name. */
  readonly peerName: string;
  readonly classifier: string;
  /** Signs the CPA: the name's own identity (secured) or the node's (unsecured). */
  readonly identity: Identity;
  readonly pnrpId: Key;
  readonly serviceLocation: Uint8Array;
  /** The CPA PAYLOAD: 0..10 application endpoints. */
  readonly appEndpoints: readonly AppEndpoint[];
  readonly friendlyName?: string;
  readonly extendedPayload?: ExtendedPayloadData;
  /** The chain sent with its CPAs (INQUIRE C flag) when the name's authority is delegated. */
  readonly certChain?: Uint8Array;
}

/**
 * The proof of a validated CPA, as a DRT search result's `proof`.
 * @example const verified: VerifiedRegistration | undefined = searchResult.proof; // typed, no cast
 */
export interface VerifiedRegistration {
  readonly cpa: Cpa;
  readonly pnrpId: Key;
  /** The classifier from the AUTHORITY, checked against the CPA's ClassifierHash. */
  readonly classifier?: string;
  /** The verified extended payload, when it was asked for and the publisher has one. */
  readonly extendedPayload?: ExtendedPayload;
}

/**
 * Options of {@link cpaSecurityProvider}.
 * @example cpaSecurityProvider({ crypto: nodeCrypto, lifetimeMs: 24 * 3_600_000 })
 */
export interface CpaSecurityProviderOptions {
  /** @default nobleCrypto (wrapped in `memoizeVerify`) */
  readonly crypto?: CryptoBackend;
  /** Lifetime of a signed CPA, 12 h .. 1 week. @default CPA_LIFETIME_DEFAULT_MS */
  readonly lifetimeMs?: number;
  /** Accepts delegated CPAs whose chain it validates (see the module header). @default none */
  readonly authorityVerifier?: AuthorityVerifier;
}

/**
 * Counters of a provider (never reset by reading).
 * @example provider.counters.rejected['bad-signature'] // proofs refused for a bad signature
 */
export interface CpaProviderCounters {
  cpasSigned: number;
  extendedPayloadsSigned: number;
  /** Proofs validated (CPA, classifier and extended payload together). */
  validations: number;
  /** Proofs refused, by reason (`verifyCpa` reasons, `classifier-mismatch`, `extended-payload-*`). */
  rejected: Record<string, number>;
}

/**
 * The CPA provider: a DRT `SecurityProvider` plus the registrations it signs for.
 * @example const security: CpaSecurityProvider = cpaSecurityProvider(); security.crypto.verifyMisses;
 */
export interface CpaSecurityProvider extends SecurityProvider<VerifiedRegistration> {
  readonly counters: CpaProviderCounters;
  /** The memoizing crypto backend (its `verifyMisses` count real signature checks). */
  readonly crypto: MemoizedCryptoBackend;
  readonly lifetimeMs: number;
  /** Adds or replaces the registration of `reg.pnrpId`. */
  setRegistration(reg: CpaRegistration): void;
  /** Forgets the local registration of `pnrpId` (after unregister). */
  deleteRegistration(pnrpId: Key): void;
  /** The local registration of `pnrpId`, if this node publishes it. */
  getRegistration(pnrpId: Key): CpaRegistration | undefined;
  /** Asks for extended payloads of IDs under this P2P ID (`delta` +1 / -1: a reference count). */
  wantExtendedPayloadsOf(p2pId: Uint8Array, delta: 1 | -1): void;
  /**
   * The certificate chain sent (INQUIRE C flag) with the CPAs of `peerName`, e.g. a member's GMC
   * chain for `<group authority>.participant`; undefined removes it.
   */
  setCertChain(peerName: string, certChain: Uint8Array | undefined): void;
  /** Accept delegated CPAs this verifier validates (undefined: none, the default). */
  setAuthorityVerifier(verifier: AuthorityVerifier | undefined): void;
}

function bump(record: Record<string, number>, reason: string): void {
  record[reason] = (record[reason] ?? 0) + 1;
}

/**
 * Creates the CPA security provider of one cloud. Throws RangeError for a lifetime outside
 * 12 h .. 1 week.
 * @example
 * const security = cpaSecurityProvider({ crypto: nobleCrypto });
 * security.setRegistration({ peerName, classifier, identity, pnrpId, serviceLocation, appEndpoints: [] });
 * new DrtNode({ rng, localEndpoints, security, version: PNRP_VERSION }).registerKey(0, pnrpId);
 */
export function cpaSecurityProvider(options: CpaSecurityProviderOptions = {}): CpaSecurityProvider {
  const lifetimeMs = options.lifetimeMs ?? CPA_LIFETIME_DEFAULT_MS;
  if (
    !Number.isInteger(lifetimeMs) ||
    lifetimeMs < CPA_LIFETIME_MS.min ||
    lifetimeMs > CPA_LIFETIME_MS.max
  ) {
    throw new RangeError(
      `CPA lifetime must be ${CPA_LIFETIME_MS.min}..${CPA_LIFETIME_MS.max} ms, got ${lifetimeMs}`,
    );
  }
  const crypto = memoizeVerify(options.crypto ?? nobleCrypto);
  const regs = new Map<string, CpaRegistration>();
  const chains = new Map<string, Uint8Array>();
  let authorityVerifier: AuthorityVerifier | undefined = options.authorityVerifier;
  const wanted = new Map<string, number>();
  const counters: CpaProviderCounters = {
    cpasSigned: 0,
    extendedPayloadsSigned: 0,
    validations: 0,
    rejected: {},
  };
  const notAfter = (nowWallMs: number): number => Math.floor(nowWallMs) + lifetimeMs;
  const refuse = (reason: string): RecordVerdict<VerifiedRegistration> => {
    bump(counters.rejected, reason);
    return { ok: false, reason };
  };

  function validateRecord(
    bytes: Uint8Array,
    expect: RecordExpectation,
  ): RecordVerdict<VerifiedRegistration> {
    counters.validations++;
    const extras = expect.authority ?? {};
    const verdict = verifyCpa(
      bytes,
      {
        nowWallMs: Math.floor(expect.nowWallMs),
        ...(expect.nonce ? { nonce: expect.nonce } : {}),
        ...(expect.key ? { pnrpId: expect.key } : {}),
        allowRevoke: expect.revoke,
        authority: authorityVerifier
          ? {
              verifier: authorityVerifier,
              certChain: extras.certChain,
              classifier: extras.classifier,
            }
          : 'self',
      },
      crypto,
    );
    if (!verdict.ok) return refuse(verdict.reason);
    const cpa = verdict.cpa;
    if (cpa.revoke !== expect.revoke) return refuse(cpa.revoke ? 'revoked' : 'not-a-revoke');
    const pnrpId = expect.key ?? pnrpIdOfCpa(cpa, crypto);
    if (extras.classifier !== undefined) {
      const hash = classifierHashOf(extras.classifier, crypto);
      if (!cpa.classifierHash || !equalBytes(hash, cpa.classifierHash)) {
        return refuse('classifier-mismatch');
      }
    }
    let extendedPayload: ExtendedPayload | undefined;
    if (expect.wantedExtendedPayload === true && cpa.hasExtendedPayload) {
      if (!extras.extendedPayload || !expect.nonce) return refuse('extended-payload-missing');
      const ext = verifyExtendedPayload(
        extras.extendedPayload,
        {
          publicKey: cpa.publicKey,
          pnrpId,
          nonce: expect.nonce,
          nowWallMs: Math.floor(expect.nowWallMs),
        },
        crypto,
      );
      if (!ext.ok) return refuse(`extended-payload-${ext.reason}`);
      extendedPayload = ext.extendedPayload;
    }
    const proof: VerifiedRegistration = {
      cpa,
      pnrpId,
      ...(extras.classifier !== undefined ? { classifier: extras.classifier } : {}),
      ...(extendedPayload ? { extendedPayload } : {}),
    };
    return {
      ok: true,
      record: {
        key: pnrpId,
        appData: new Uint8Array(0),
        endpoints: cpa.serviceEndpoints,
        revoke: cpa.revoke,
        proof,
        ...(cpa.secured ? { ownerKey: cpa.publicKey } : {}),
        validUntilWallMs: unixMsFromFiletime(cpa.notAfterFiletime),
      },
    };
  }

  // The cheap half of a revoke check: syntax and hashes only, no signature (see the header).
  function peekRevoke(bytes: Uint8Array): RevokeSummary | undefined {
    const decoded = decodeCpa(bytes);
    if (!decoded.ok || !decoded.value.revoke) return undefined;
    const cpa = decoded.value;
    return {
      key: pnrpIdOfCpa(cpa, crypto),
      ...(cpa.secured ? { ownerKey: cpa.publicKey } : {}),
      validUntilWallMs: unixMsFromFiletime(cpa.notAfterFiletime),
    };
  }

  return {
    name: 'pnrp-cpa',
    counters,
    crypto,
    lifetimeMs,
    setRegistration(reg) {
      regs.set(toHex(reg.pnrpId), reg);
    },
    deleteRegistration(pnrpId) {
      regs.delete(toHex(pnrpId));
    },
    getRegistration: (pnrpId) => regs.get(toHex(pnrpId)),
    wantExtendedPayloadsOf(p2pId, delta) {
      const hex = toHex(p2pId.subarray(0, 16));
      const n = (wanted.get(hex) ?? 0) + delta;
      if (n > 0) wanted.set(hex, n);
      else wanted.delete(hex);
    },
    wantExtendedPayload: (key) => wanted.has(toHex(key.subarray(0, 16))),
    setCertChain(peerName, certChain) {
      const name = parsePeerName(peerName).text;
      if (certChain === undefined) chains.delete(name);
      else if (certChain instanceof Uint8Array) chains.set(name, certChain.slice());
      else throw new TypeError('certChain must be a Uint8Array or undefined');
    },
    setAuthorityVerifier(verifier) {
      if (verifier !== undefined && typeof verifier !== 'function')
        throw new TypeError('verifier must be a function or undefined');
      authorityVerifier = verifier;
    },
    wantCertChain: () => authorityVerifier !== undefined,
    certChain(key) {
      const reg = regs.get(toHex(key));
      return reg === undefined ? undefined : (reg.certChain ?? chains.get(reg.peerName));
    },
    checkRegistration: (key) =>
      regs.has(toHex(key))
        ? undefined
        : `no CPA registration for ${toHex(key)} (register peer names through PnrpNode)`,
    secureRecord(record, nowWallMs) {
      const reg = regs.get(toHex(record.key));
      if (!reg) return new Uint8Array(0); // unknown key: an empty (malformed) proof
      counters.cpasSigned++;
      return createCpa(
        {
          peerName: reg.peerName,
          serviceLocation: reg.serviceLocation,
          notAfterMs: notAfter(nowWallMs),
          ...(record.revoke ? {} : { nonce: record.nonce, appEndpoints: reg.appEndpoints }),
          serviceEndpoints: record.endpoints.slice(0, 4),
          ...(reg.friendlyName !== undefined ? { friendlyName: reg.friendlyName } : {}),
          hasExtendedPayload: reg.extendedPayload !== undefined,
          revoke: record.revoke,
        },
        reg.identity,
        crypto,
      ).encoded;
    },
    validateRecord,
    peekRevoke,
    authorityExtras(key, wantExtendedPayload, nonce, nowWallMs) {
      const reg = regs.get(toHex(key));
      if (!reg) return {};
      if (!wantExtendedPayload || reg.extendedPayload === undefined) {
        return { classifier: reg.classifier };
      }
      counters.extendedPayloadsSigned++;
      const { encoded } = createExtendedPayload(
        {
          pnrpId: reg.pnrpId,
          notAfterMs: notAfter(nowWallMs),
          nonce,
          payload: reg.extendedPayload,
        },
        reg.identity,
        crypto,
      );
      return { classifier: reg.classifier, extendedPayload: encoded };
    },
  };
}
