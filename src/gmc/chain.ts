/**
 * @module gmc/chain
 * Synchronous GMC chain validation for the hot path ([MS-PNRP] §2.2.3.5, §3.1.5.10; [MS-PPSEC]
 * §3.1.7.5). A chain is DER certificates, root first: at most 25; the first self-signed, type
 * Root; each later one type Member, named as issued by the previous one's subject and signed by
 * its Ed25519 key (checked through the `CryptoBackend` over the TBS bytes); every one carrying the
 * version extension and the same peer name, every PNRP extension critical and no unknown
 * critical extension; roles issuable by the parent; classifiers delegated; all valid at the
 * injected wall-clock time. Never throws on remote bytes: the verdict carries a stable reason.
 * {@link CertificateCache} remembers parsed certificates and verified signatures (bounded), so
 * re-validating a chain already seen costs no parsing and no signature check.
 */
import { type CryptoBackend, nobleCrypto } from '../keys/crypto-backend.js';
import { equalBytes } from '../util/bytes.js';
import { type CertificateFacts, describeCertificate } from './certificate.js';
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
  | 'wrong-key';

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
  /** The peer name every certificate must carry. */
  readonly peerName?: string;
  /** The raw public key the last certificate must hold. */
  readonly publicKey?: Uint8Array;
  /** A classifier the last certificate must cover. */
  readonly classifier?: string;
  readonly crypto?: CryptoBackend;
  readonly cache?: CertificateCache;
}

interface CacheEntry {
  readonly facts: CertificateFacts | undefined;
  readonly failure: string;
  /** Hex of issuer keys whose signature over this certificate verified. */
  readonly verifiedBy: Set<string>;
}

/**
 * A bounded memo of parsed certificates and verified signatures, keyed by the DER bytes.
 * @example const cache = new CertificateCache(); validateChain(chain, { nowWallMs, cache });
 */
export class CertificateCache {
  readonly entriesMax: number;
  hits = 0;
  misses = 0;
  /** Entries dropped because the cache was full. */
  evictions = 0;
  private readonly entries = new Map<string, CacheEntry>();

  constructor(entriesMax = 1024) {
    if (!Number.isSafeInteger(entriesMax) || entriesMax < 1) {
      throw new RangeError(
        `CertificateCache: entriesMax must be a positive integer, got ${entriesMax}`,
      );
    }
    this.entriesMax = entriesMax;
  }

  /** The cache entry of `der`, parsing it on a miss. */
  lookup(der: Uint8Array): CacheEntry {
    const key = keyOf(der);
    const known = key === undefined ? undefined : this.entries.get(key);
    if (known) {
      this.hits++;
      return known;
    }
    this.misses++;
    const entry = parse(der);
    if (key !== undefined) {
      if (this.entries.size >= this.entriesMax) {
        const oldest = this.entries.keys().next().value;
        if (oldest !== undefined) this.entries.delete(oldest);
        this.evictions++;
      }
      this.entries.set(key, entry);
    }
    return entry;
  }
}

function keyOf(der: Uint8Array): string | undefined {
  if (!(der instanceof Uint8Array) || der.length > 4096) return undefined;
  let s = '';
  for (let i = 0; i < der.length; i += 4096) {
    s += String.fromCharCode(...der.subarray(i, i + 4096));
  }
  return s;
}

function parse(der: Uint8Array): CacheEntry {
  const r = describeCertificate(der);
  return r.ok
    ? { facts: r.value.facts, failure: '', verifiedBy: new Set() }
    : { facts: undefined, failure: `${r.error.code}: ${r.error.detail}`, verifiedBy: new Set() };
}

function refuse(reason: ChainFailure, detail: string): ChainVerdict {
  return { ok: false, reason, detail };
}

function hexKey(key: Uint8Array): string {
  let s = '';
  for (const b of key) s += b.toString(16).padStart(2, '0');
  return s;
}

function signedBy(entry: CacheEntry, issuerKey: Uint8Array, crypto: CryptoBackend): boolean {
  const facts = entry.facts!;
  const id = hexKey(issuerKey);
  if (entry.verifiedBy.has(id)) return true;
  const good = crypto.ed25519Verify(facts.signature, facts.tbs, issuerKey);
  if (good) entry.verifiedBy.add(id);
  return good;
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
  if (nowWallMs < c.notBeforeMs)
    return refuse('not-yet-valid', `certificate ${index} starts at ${c.notBeforeMs}`);
  if (nowWallMs > c.notAfterMs)
    return refuse('expired', `certificate ${index} ended at ${c.notAfterMs}`);
  return undefined;
}

function checkRoot(
  root: CertificateFacts,
  expect: ChainExpectation,
  crypto: CryptoBackend,
  entry: CacheEntry,
) {
  if (!equalBytes(root.issuerDer, root.subjectDer) || !signedBy(entry, root.publicKey, crypto)) {
    return !equalBytes(root.issuerDer, root.subjectDer)
      ? refuse('not-root', 'first certificate is not self-issued')
      : refuse('bad-signature', 'first certificate is not self-signed');
  }
  if (expect.root !== undefined) {
    const trusted = expect.root.length === 32 ? root.publicKey : root.der;
    if (!equalBytes(trusted, expect.root))
      return refuse('foreign-root', 'the chain starts at another root');
  }
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
  const crypto = expect.crypto ?? nobleCrypto;
  if (!Array.isArray(chain)) return refuse('malformed', 'chain is not an array');
  if (chain.length === 0) return refuse('empty-chain', 'no certificate');
  if (chain.length > GMC_LIMITS.chainCertificatesMax) {
    return refuse(
      'chain-too-long',
      `${chain.length} certificates, at most ${GMC_LIMITS.chainCertificatesMax}`,
    );
  }
  const entries: CacheEntry[] = [];
  for (let i = 0; i < chain.length; i++) {
    const entry = expect.cache ? expect.cache.lookup(chain[i]!) : parse(chain[i]!);
    if (!entry.facts) {
      const reason = entry.failure.startsWith('unsupported-algorithm')
        ? 'unsupported-algorithm'
        : 'malformed';
      return refuse(reason, `certificate ${i}: ${entry.failure}`);
    }
    const own = checkOwnExtensions(entry.facts, i, i === chain.length - 1);
    if (own) return own;
    entries.push(entry);
  }
  const root = entries[0]!.facts!;
  const rootProblem = checkRoot(root, expect, crypto, entries[0]!);
  if (rootProblem) return rootProblem;
  const peerName =
    root.extensions.peerName ?? entries[entries.length - 1]!.facts!.extensions.peerName!;
  let roles: readonly GmcRole[] = ['admin'];
  let classifiers: readonly string[] | undefined = root.extensions.classifiers;
  let notAfterMs = root.notAfterMs;
  for (let i = 0; i < entries.length; i++) {
    const c = entries[i]!.facts!;
    // Authenticity first: who issued this certificate and did they sign it.
    if (i > 0) {
      const parent = entries[i - 1]!.facts!;
      if (!equalBytes(c.issuerDer, parent.subjectDer)) {
        return refuse(
          'wrong-issuer',
          `certificate ${i} names issuer ${c.issuer}, not ${parent.subject}`,
        );
      }
      if (!signedBy(entries[i]!, parent.publicKey, crypto)) {
        return refuse('bad-signature', `certificate ${i} is not signed by certificate ${i - 1}`);
      }
    }
    const timing = checkValidity(c, i, expect.nowWallMs);
    if (timing) return timing;
    notAfterMs = Math.min(notAfterMs, c.notAfterMs);
    if (c.extensions.peerName !== undefined && c.extensions.peerName !== peerName) {
      return refuse(
        'peer-name-mismatch',
        `certificate ${i} names ${c.extensions.peerName}, not ${peerName}`,
      );
    }
    if (i === 0) continue;
    const own = c.extensions.roles!;
    const issuable = own.every((r) => roles.some((p) => ISSUABLE_ROLES[p].includes(r)));
    if (!issuable)
      return refuse(
        'role-escalation',
        `certificate ${i} (${own.join(',')}) exceeds its issuer's roles (${roles.join(',')})`,
      );
    const list = c.extensions.classifiers!;
    if (!own.every((r) => classifiersDelegated(classifiers, r, list))) {
      return refuse(
        'classifier-escalation',
        `certificate ${i} classifiers [${list.join(', ')}] not delegated`,
      );
    }
    roles = own;
    classifiers = list;
  }
  const leaf = entries[entries.length - 1]!.facts!;
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
  return { ok: true, peerName, roles, classifiers: classifiers ?? [], leaf, root, notAfterMs };
}
