/**
 * @module gmc/chain
 * Synchronous GMC chain validation for the hot path ([MS-PNRP] §2.2.3.5, §3.1.5.10; [MS-PPSEC]
 * §3.1.7.5). A chain is DER certificates, root first: at most 25; the first self-signed, type
 * Root; each later one type Member, named as issued by the previous one's subject and signed by
 * its Ed25519 key (checked through the `CryptoBackend` over the TBS bytes); every one carrying the
 * version extension and the same peer name, every PNRP extension critical and no unknown
 * critical extension; roles issuable by the parent; classifiers delegated; all valid at the
 * injected wall-clock time. Never throws on remote bytes: the verdict carries a stable reason.
 *
 * Decisions beyond the specifications (issue 11):
 * - Cheap refusals first. Sizes are bounded before anything is read; with a pinned root given as
 *   DER, certificate 0 is compared with it byte for byte before any certificate is parsed; then
 *   certificates are parsed and checked one at a time, root first, and the walk stops at the first
 *   failure, so a hostile chain costs at most one parse and one signature check past the last
 *   certificate that was genuinely issued.
 * - Names are bound to keys: a group peer name is `<authority>.<classifier>` and its authority must
 *   be the hex SHA-1 of the root certificate's key, pinned root or not (`authority-mismatch`), as
 *   `parseIdentityInfo` already demands of identity certificates. Without it, anyone could root a
 *   chain of their own under another group's name.
 * - Time fails closed: a `nowWallMs` that is not a finite number is refused (`bad-time`); with it
 *   every comparison would be false and expired chains would pass.
 * - Revocation: `expect.revoked` names revoked certificates by the hex SHA-256 of their DER (gmc/
 *   revocation.ts); a chain holding one is refused (`revoked`), wherever it sits.
 * {@link CertificateCache} remembers verified certificates (bounded, per backend, see its module).
 */
import { type CryptoBackend, nobleCrypto } from '../keys/crypto-backend.js';
import { equalBytes, toHex } from '../util/bytes.js';
import {
  CERTIFICATE_BYTES_MAX,
  type CertificateFacts,
  describeCertificate,
} from './certificate.js';
import {
  CertificateCache,
  type CertificateCacheEntry,
  certificateCacheKey,
} from './certificate-cache.js';
import { CERT_TYPE, GMC_LIMITS, type GmcRole, ISSUABLE_ROLES } from './constants.js';
import { classifierAllowed, classifiersDelegated } from './delegation.js';

/** Why a chain was refused. */
export type ChainFailure =
  | 'malformed'
  | 'empty-chain'
  | 'chain-too-long'
  | 'not-root'
  | 'foreign-root'
  | 'wrong-type'
  | 'bad-version'
  | 'missing-extension'
  | 'not-critical'
  | 'unknown-critical-extension'
  | 'unsupported-algorithm'
  | 'wrong-issuer'
  | 'bad-signature'
  | 'role-escalation'
  | 'classifier-escalation'
  | 'classifier-not-allowed'
  | 'not-yet-valid'
  | 'expired'
  | 'peer-name-mismatch'
  | 'wrong-key'
  | 'bad-time'
  | 'authority-mismatch'
  | 'revoked';

export { CertificateCache };

/** Certificates revoked by the group, by hex SHA-256 of their DER (see gmc/revocation.ts). */
export interface RevokedCertificates {
  /** True when the certificate whose DER hashes to `id` (hex SHA-256) is revoked at `nowWallMs`. */
  isRevoked(id: string, nowWallMs: number): boolean;
}

/**
 * Certificates parsed by the chain validator since the process started (tests use it to show that
 * a refusal came before parsing).
 * @example const before = chainParseStats.certificates; validateChain(chain, expect);
 */
export const chainParseStats: { certificates: number } = { certificates: 0 };

/** Outcome of {@link validateChain}. */
export type ChainVerdict =
  | {
      readonly ok: true;
      readonly peerName: string;
      /** Roles of the last certificate (`['admin']` for a bare root). */
      readonly roles: readonly GmcRole[];
      /** Classifiers of the last certificate; empty = every classifier. */
      readonly classifiers: readonly string[];
      readonly leaf: CertificateFacts;
      readonly root: CertificateFacts;
      /** Earliest notAfter along the chain. */
      readonly notAfterMs: number;
    }
  | { readonly ok: false; readonly reason: ChainFailure; readonly detail: string };

/** What the caller expects of a chain. */
export interface ChainExpectation {
  /** Wall-clock ms for the validity checks. */
  readonly nowWallMs: number;
  /** The trusted root: its DER GRC or its raw 32-byte public key. */
  readonly root?: Uint8Array;
  /**
   * The SHA-1 of the root key (a PNRP BinaryAuthority): checked on certificate 0 before any other
   * certificate is parsed (`authority-mismatch`).
   */
  readonly rootAuthority?: Uint8Array;
  /** The peer name every certificate must carry. */
  readonly peerName?: string;
  /** The raw public key the last certificate must hold. */
  readonly publicKey?: Uint8Array;
  /** A classifier the last certificate must cover. */
  readonly classifier?: string;
  readonly crypto?: CryptoBackend;
  readonly cache?: CertificateCache;
  /** Revoked certificates; a chain holding one is refused (`revoked`). */
  readonly revoked?: RevokedCertificates;
}

function refuse(reason: ChainFailure, detail: string): ChainVerdict {
  return { ok: false, reason, detail };
}

/** Extension checks that do not depend on the parent. */
function checkOwnExtensions(
  c: CertificateFacts,
  index: number,
  last: boolean,
): ChainVerdict | undefined {
  const ext = c.extensions;
  const at = `certificate ${index}`;
  if (c.signatureAlgorithm !== 'Ed25519')
    return refuse('unsupported-algorithm', `${at} is not signed with Ed25519`);
  if (ext.notCritical.length > 0)
    return refuse('not-critical', `${at}: ${ext.notCritical.join(', ')} not critical`);
  if (ext.unknownCritical.length > 0) {
    return refuse(
      'unknown-critical-extension',
      `${at}: unknown critical ${ext.unknownCritical.join(', ')}`,
    );
  }
  if (ext.certificateType === undefined)
    return refuse('missing-extension', `${at} has no PnrpCertificateType`);
  if (index === 0 && ext.certificateType !== CERT_TYPE.root)
    return refuse('not-root', 'first certificate is not type Root');
  if (index > 0 && ext.certificateType !== CERT_TYPE.member)
    return refuse('wrong-type', `${at} is not type Member`);
  if (!ext.versionOk) return refuse('bad-version', `${at} lacks PnrpCertificateVersion 1.2`);
  if (last && ext.peerName === undefined)
    return refuse('missing-extension', `${at} (the last) has no PnrpPeerName`);
  if (index > 0 && ext.roles === undefined)
    return refuse('missing-extension', `${at} has no PnrpRole`);
  if (index > 0 && ext.classifiers === undefined)
    return refuse('missing-extension', `${at} has no PnrpClassifiersList`);
  return undefined;
}

function checkValidity(
  c: CertificateFacts,
  index: number,
  nowWallMs: number,
): ChainVerdict | undefined {
  if (typeof nowWallMs !== 'number' || !Number.isFinite(nowWallMs))
    return refuse('bad-time', `the time ${String(nowWallMs)} is not a finite number`);
  if (nowWallMs < c.notBeforeMs)
    return refuse('not-yet-valid', `certificate ${index} starts at ${c.notBeforeMs}`);
  if (nowWallMs > c.notAfterMs)
    return refuse('expired', `certificate ${index} ended at ${c.notAfterMs}`);
  return undefined;
}

/** A parsed certificate, from the cache or freshly read (not stored until it verifies). */
interface Read {
  readonly key: string | undefined;
  readonly entry: CertificateCacheEntry | undefined;
  readonly failure: string;
}

function read(der: Uint8Array, crypto: CryptoBackend, cache: CertificateCache | undefined): Read {
  const hash = crypto.sha256(der);
  const key = cache ? certificateCacheKey(hash, crypto) : undefined;
  const known = key !== undefined ? cache!.find(key) : undefined;
  if (known) return { key, entry: known, failure: '' };
  chainParseStats.certificates++;
  const r = describeCertificate(der);
  if (!r.ok) return { key, entry: undefined, failure: `${r.error.code}: ${r.error.detail}` };
  const id = toHex(hash);
  return {
    key,
    entry: { facts: r.value.facts, id, verifiedBy: new Set(), pinned: false },
    failure: '',
  };
}

/** Did `issuerKey` sign this certificate? Remembers a good answer in the cache. */
function signedBy(
  read: Read,
  issuerKey: Uint8Array,
  crypto: CryptoBackend,
  cache: CertificateCache | undefined,
  pinned: boolean,
): boolean {
  const entry = read.entry!;
  const issuer = toHex(issuerKey);
  const good =
    entry.verifiedBy.has(issuer) ||
    crypto.ed25519Verify(entry.facts.signature, entry.facts.tbs, issuerKey);
  if (good && cache && read.key !== undefined) cache.remember(read.key, entry, issuer, pinned);
  return good;
}

/** The authority of a group peer name (`<authority>.<classifier>`), lower case. */
function authorityOfName(peerName: string): string {
  const dot = peerName.indexOf('.');
  return (dot < 0 ? peerName : peerName.slice(0, dot)).toLowerCase();
}

/** Cheap checks before any certificate is parsed. */
function precheck(
  chain: readonly Uint8Array[],
  expect: ChainExpectation,
): ChainVerdict | undefined {
  const now = expect?.nowWallMs;
  if (typeof now !== 'number' || !Number.isFinite(now))
    return refuse('bad-time', `the time ${String(now)} is not a finite number`);
  if (!Array.isArray(chain)) return refuse('malformed', 'chain is not an array');
  if (chain.length === 0) return refuse('empty-chain', 'no certificate');
  if (chain.length > GMC_LIMITS.chainCertificatesMax) {
    return refuse(
      'chain-too-long',
      `${chain.length} certificates, at most ${GMC_LIMITS.chainCertificatesMax}`,
    );
  }
  for (let i = 0; i < chain.length; i++) {
    const der = chain[i];
    if (!(der instanceof Uint8Array) || der.length === 0 || der.length > CERTIFICATE_BYTES_MAX)
      return refuse('malformed', `certificate ${i} is not 1..${CERTIFICATE_BYTES_MAX} bytes`);
  }
  // A pinned root given as DER: certificate 0 must be those very bytes, before anything is parsed.
  if (expect.root !== undefined && expect.root.length !== 32 && !equalBytes(chain[0]!, expect.root))
    return refuse('foreign-root', 'the chain starts at another root');
  return undefined;
}

/** Root checks: self-issued, self-signed, the pinned key, and the name's authority. */
function checkRoot(
  r: Read,
  expect: ChainExpectation,
  crypto: CryptoBackend,
  pinned: boolean,
): ChainVerdict | undefined {
  const root = r.entry!.facts;
  if (!equalBytes(root.issuerDer, root.subjectDer))
    return refuse('not-root', 'first certificate is not self-issued');
  if (expect.root?.length === 32 && !equalBytes(root.publicKey, expect.root))
    return refuse('foreign-root', 'the chain starts at another root');
  if (
    expect.rootAuthority !== undefined &&
    !equalBytes(crypto.sha1(root.publicKey), expect.rootAuthority)
  )
    return refuse('authority-mismatch', 'the root key does not hash to the authority named');
  if (!signedBy(r, root.publicKey, crypto, expect.cache, pinned))
    return refuse('bad-signature', 'first certificate is not self-signed');
  return undefined;
}

/**
 * Validates a GMC chain (DER certificates, root first). Synchronous; never throws on remote input.
 * @example
 * const verdict = validateChain(chain, { nowWallMs, root: group.root.chain[0], peerName });
 * if (!verdict.ok) console.log(verdict.reason);
 */
export function validateChain(
  chain: readonly Uint8Array[],
  expect: ChainExpectation,
): ChainVerdict {
  const early = precheck(chain, expect);
  if (early) return early;
  const crypto = expect.crypto ?? nobleCrypto;
  const pinned = expect.root !== undefined;
  const now = expect.nowWallMs;
  let peerName: string | undefined;
  let rootAuthority = '';
  let roles: readonly GmcRole[] = ['admin'];
  let classifiers: readonly string[] | undefined;
  let notAfterMs = Number.POSITIVE_INFINITY;
  let previous: CertificateFacts | undefined;
  let root: CertificateFacts | undefined;
  for (let i = 0; i < chain.length; i++) {
    const r = read(chain[i]!, crypto, expect.cache);
    if (!r.entry) {
      const reason = r.failure.startsWith('unsupported-algorithm')
        ? 'unsupported-algorithm'
        : 'malformed';
      return refuse(reason, `certificate ${i}: ${r.failure}`);
    }
    const c = r.entry.facts;
    const own = checkOwnExtensions(c, i, i === chain.length - 1);
    if (own) return own;
    // Authenticity first: who issued this certificate and did they sign it.
    if (i === 0) {
      const bad = checkRoot(r, expect, crypto, pinned);
      if (bad) return bad;
      root = c;
      rootAuthority = toHex(crypto.sha1(c.publicKey));
      classifiers = c.extensions.classifiers;
    } else {
      if (!equalBytes(c.issuerDer, previous!.subjectDer)) {
        return refuse(
          'wrong-issuer',
          `certificate ${i} names issuer ${c.issuer}, not ${previous!.subject}`,
        );
      }
      if (!signedBy(r, previous!.publicKey, crypto, expect.cache, pinned))
        return refuse('bad-signature', `certificate ${i} is not signed by certificate ${i - 1}`);
    }
    if (expect.revoked?.isRevoked(r.entry.id, now))
      return refuse('revoked', `certificate ${i} is revoked`);
    const timing = checkValidity(c, i, now);
    if (timing) return timing;
    notAfterMs = Math.min(notAfterMs, c.notAfterMs);
    const name = c.extensions.peerName;
    if (name !== undefined) {
      if (peerName === undefined) {
        if (authorityOfName(name) !== rootAuthority) {
          return refuse(
            'authority-mismatch',
            `peer name ${name} is not under the root key's authority ${rootAuthority}`,
          );
        }
        peerName = name;
      } else if (name !== peerName) {
        return refuse('peer-name-mismatch', `certificate ${i} names ${name}, not ${peerName}`);
      }
    }
    previous = c;
    if (i === 0) continue;
    const granted = c.extensions.roles!;
    const issuable = granted.every((g) => roles.some((p) => ISSUABLE_ROLES[p].includes(g)));
    if (!issuable)
      return refuse(
        'role-escalation',
        `certificate ${i} (${granted.join(',')}) exceeds its issuer's roles (${roles.join(',')})`,
      );
    const list = c.extensions.classifiers!;
    if (!granted.every((g) => classifiersDelegated(classifiers, g, list))) {
      return refuse(
        'classifier-escalation',
        `certificate ${i} classifiers [${list.join(', ')}] not delegated`,
      );
    }
    roles = granted;
    classifiers = list;
  }
  const leaf = previous!;
  if (expect.peerName !== undefined && expect.peerName !== peerName) {
    return refuse('peer-name-mismatch', `the chain is for ${peerName}, not ${expect.peerName}`);
  }
  if (expect.publicKey !== undefined && !equalBytes(expect.publicKey, leaf.publicKey)) {
    return refuse('wrong-key', 'the last certificate holds another key');
  }
  if (expect.classifier !== undefined && !classifierAllowed(classifiers, expect.classifier)) {
    return refuse(
      'classifier-not-allowed',
      `the chain does not cover classifier ${expect.classifier}`,
    );
  }
  return {
    ok: true,
    peerName: peerName!,
    roles,
    classifiers: classifiers ?? [],
    leaf,
    root: root!,
    notAfterMs,
  };
}

/**
 * Hex SHA-256 of a certificate's DER: the name a revocation gives it.
 * @example createRevocation({ ..., certificateId: certificateIdOf(chain.at(-1)!) })
 */
export function certificateIdOf(der: Uint8Array, crypto: CryptoBackend = nobleCrypto): string {
  return toHex(crypto.sha256(der));
}
