/**
 * @module gmc/graph-provider
 * The grouping graph security provider ([MS-PPGRH] §1.3.4, §3.1.7.27-28; [MS-PPSEC] §1.3.3-1.3.4,
 * §3.1.7.1-2): connections admit group members only (mutual GMC authentication, then sealed
 * messages: gmc/graph-provider-connection.ts), and every record is signed by its last toucher's
 * member key with the signer's GMC chain beside the signature (gmc/graph-provider-record.ts).
 *
 * Peer IDs. A member's peer ID is the authority of its key (hex SHA-1 of the Ed25519 public key,
 * `localPeerId`); a secure peer name `<authority>.<classifier>` names the same member. The group
 * peer name in the chain is the same for every member and so names no one.
 *
 * Validating a received record, cheapest refusals first: canonical bytes (`malformed-record`),
 * security data layout (`malformed-security-data`), the memo (gmc/graph-provider-memo.ts), the
 * chain against the group root at wall-clock time (`not-member` for another root, `expired`,
 * `not-yet-valid`, `revoked`, `bad-chain` for any other chain failure), the last toucher (the
 * modifier when `modifiedById` is set, else the creator) named by the chain's key
 * (`signer-mismatch`), the Ed25519 signature over the canonical bytes (`bad-signature`), ownership
 * (a last toucher who is not the creator must be an admin: `not-owner`), the role policy
 * (gmc/graph-provider-policy.ts: `role-forbidden`), and the record's lifetime inside the signer's
 * credential ([MS-PPSEC] §3.1.7.2: modified no earlier than the leaf's notBefore,
 * `before-credential`; expiring no later than the chain's notAfter, `outlives-credential`).
 * Nothing is deferred: the chain travels with the record. `secureRecord` applies the same rules
 * to the local credential before signing, so a node never publishes what its peers refuse.
 *
 * Replay: a record is one whole signed state. Replaying an old signed version is harmless, since
 * conflict resolution ([MS-PPGRH] §3.1.7.32) keeps the newer version; altering any field after
 * signing (version, payload, deleted flag, times) breaks the signature.
 */
import type { GraphRecord, RecordVerdict } from '../graph/model.js';
import {
  type CountingSecurityProvider,
  countReason,
  createSecurityStats,
} from '../graph/security/stats.js';
import { type CryptoBackend, nobleCrypto } from '../keys/crypto-backend.js';
import { authorityOf } from '../keys/identity.js';
import type { WallClock } from '../sans-io.js';
import { toHex } from '../util/bytes.js';
import type { Rng } from '../util/rng.js';
import { GroupAuthSession } from './auth.js';
import {
  CertificateCache,
  type ChainFailure,
  type ChainVerdict,
  certificateIdOf,
  type RevokedCertificates,
  validateChain,
} from './chain.js';
import {
  type GroupConnectionContext,
  type GroupConnectionSecurity,
  groupConnection,
} from './graph-provider-connection.js';
import { type MemoEntry, VerdictMemo } from './graph-provider-memo.js';
import {
  compileRolePolicy,
  mayPublish,
  type RecordRolePolicy,
  type RoleLookup,
} from './graph-provider-policy.js';
import {
  canonicalRecordBytes,
  decodeRecordSecurity,
  encodeRecordSecurity,
  namesAuthority,
  peerTimeToWallMs,
  RECORD_SECURITY_LIMITS,
} from './graph-provider-record.js';
import type { GmcCredential } from './issue.js';

/** Options of {@link groupSecurityProvider}. */
export interface GroupSecurityProviderOptions {
  /** This member's key pair and GMC chain (root first). */
  readonly credential: GmcCredential;
  /** The group root certificate (DER GRC) every peer's and signer's chain must start with. */
  readonly root: Uint8Array;
  /** Nonces and ephemeral keys of the handshakes. */
  readonly rng: Rng;
  /** Wall-clock time for certificate validity. */
  readonly wallClock: WallClock;
  /** Revoked certificates (e.g. a `RevocationList`, which may grow later). @default none */
  readonly revoked?: RevokedCertificates;
  /** @default nobleCrypto */
  readonly crypto?: CryptoBackend;
  /** Which roles may publish which record types. @default DEFAULT_RECORD_ROLES, any role otherwise */
  readonly rolePolicy?: RecordRolePolicy;
  /** Verified certificates, shared with other gmc parts if given. @default a new cache of 1024 */
  readonly cache?: CertificateCache;
  /** Record verdicts remembered. @default 4096 */
  readonly verdictCacheMax?: number;
}

/** The grouping provider: the graph contract, counters, and the local peer ID. */
export interface GroupSecurityProvider extends CountingSecurityProvider {
  /** The local member's peer ID: the authority of its key. Records it publishes name it. */
  readonly localPeerId: string;
  connection(
    role: 'initiator' | 'responder',
    remotePeerId: string | undefined,
  ): GroupConnectionSecurity;
}

/** Chain failures that mean "not one of ours" rather than "a broken chain". */
const FOREIGN: ReadonlySet<ChainFailure> = new Set([
  'foreign-root',
  'authority-mismatch',
  'not-root',
]);
/** Chain failures that time or revocation decide, so never memoized. */
const TRANSIENT: ReadonlySet<string> = new Set(['expired', 'not-yet-valid', 'revoked', 'bad-time']);

function chainReason(reason: ChainFailure): string {
  if (FOREIGN.has(reason)) return 'not-member';
  if (reason === 'expired' || reason === 'not-yet-valid' || reason === 'revoked') return reason;
  if (reason === 'bad-time') return 'bad-time';
  return 'bad-chain';
}

type ValidChain = Extract<ChainVerdict, { ok: true }>;

/** Checks that do not depend on who runs them: the signer may touch this record at these times. */
function authorize(
  record: GraphRecord,
  chain: ValidChain,
  authority: string,
  rolesFor: RoleLookup,
): string | undefined {
  if (!namesAuthority(record.creatorId, authority) && !chain.roles.includes('admin'))
    return 'not-owner';
  if (!mayPublish(chain.roles, rolesFor(record.type))) return 'role-forbidden';
  if (peerTimeToWallMs(record.modifiedAt) < chain.leaf.notBeforeMs) return 'before-credential';
  if (peerTimeToWallMs(record.expiresAt) > chain.notAfterMs) return 'outlives-credential';
  return undefined;
}

function checkOptions(o: GroupSecurityProviderOptions): void {
  const { credential } = o;
  if (!credential || !Array.isArray(credential.chain) || credential.chain.length === 0)
    throw new TypeError('credential needs a non-empty chain');
  if (
    !(credential.identity?.secretKey instanceof Uint8Array) ||
    credential.identity.secretKey.length !== 32
  )
    throw new TypeError('credential.identity needs a 32-byte secretKey');
  if (!(o.root instanceof Uint8Array)) throw new TypeError('root must be the DER GRC');
  if (typeof o.rng?.bytes !== 'function') throw new TypeError('rng must be an Rng');
  if (typeof o.wallClock?.nowMs !== 'function')
    throw new TypeError('wallClock must be a WallClock');
}

/**
 * The grouping graph security provider (see the module header).
 * @example
 * const security = groupSecurityProvider({ credential, root: grc, rng: rng.fork('gsec'), wallClock });
 * const conn = security.connection('initiator', bobPeerId);
 * send(conn.start(nowMs).send);
 */
export function groupSecurityProvider(
  options: GroupSecurityProviderOptions,
): GroupSecurityProvider {
  checkOptions(options);
  const crypto = options.crypto ?? nobleCrypto;
  // Validates the credential's shape once, here, rather than at the first connection.
  new GroupAuthSession({
    side: 'member',
    credential: options.credential,
    root: options.root,
    rng: options.rng,
  });
  const cache = options.cache ?? new CertificateCache(1024);
  const rolesFor = compileRolePolicy(options.rolePolicy);
  const memo = new VerdictMemo(options.verdictCacheMax ?? 4096);
  const stats = createSecurityStats();
  const { credential, root, revoked, wallClock } = options;
  const localPeerId = authorityOf(credential.identity.publicKey, crypto);
  const context: GroupConnectionContext = {
    credential,
    root,
    rng: options.rng,
    wallClock,
    crypto,
    cache,
    revoked,
    stats,
  };
  const chainOf = (chain: readonly Uint8Array[], nowWallMs: number, publicKey?: Uint8Array) =>
    validateChain(chain, {
      nowWallMs,
      root,
      crypto,
      cache,
      ...(revoked ? { revoked } : {}),
      ...(publicKey ? { publicKey } : {}),
    });

  const verdict = (v: RecordVerdict): RecordVerdict => {
    if (v.kind === 'valid') stats.records.valid++;
    else countReason(v.kind === 'invalid' ? stats.records.invalid : stats.records.defer, v.reason);
    stats.verdictCache.evictions = memo.evictions;
    return v;
  };

  /** Full validation of a record whose canonical bytes are known. */
  const evaluate = (record: GraphRecord, canonical: Uint8Array, now: number): MemoEntry => {
    const data = decodeRecordSecurity(record.securityData);
    if (!data.ok) return { kind: 'invalid', reason: 'malformed-security-data' };
    const chain = chainOf(data.value.chain, now);
    if (!chain.ok) return { kind: 'invalid', reason: chainReason(chain.reason) };
    const authority = authorityOf(chain.leaf.publicKey, crypto);
    if (!namesAuthority(record.modifiedById || record.creatorId, authority))
      return { kind: 'invalid', reason: 'signer-mismatch' };
    if (!crypto.ed25519Verify(data.value.signature, canonical, chain.leaf.publicKey))
      return { kind: 'invalid', reason: 'bad-signature' };
    const refused = authorize(record, chain, authority, rolesFor);
    if (refused) return { kind: 'invalid', reason: refused };
    const certificateIds = revoked ? data.value.chain.map((c) => certificateIdOf(c, crypto)) : [];
    return { kind: 'valid', notAfterMs: chain.notAfterMs, certificateIds };
  };

  const stillValid = (entry: MemoEntry & { kind: 'valid' }, now: number): boolean =>
    now < entry.notAfterMs && !entry.certificateIds.some((id) => revoked?.isRevoked(id, now));

  return {
    name: 'gmc',
    stats,
    localPeerId,
    connection(role, remotePeerId) {
      return groupConnection(context, role, remotePeerId);
    },
    secureRecord(record) {
      const refuse = (reason: string) => {
        countReason(stats.secured.refused, reason);
        return { ok: false as const, reason };
      };
      const canonical = canonicalRecordBytes(record);
      if (!canonical.ok) return refuse('malformed-record');
      const chain = chainOf(credential.chain, wallClock.nowMs(), credential.identity.publicKey);
      if (!chain.ok) return refuse(`credential-${chain.reason}`);
      if (!namesAuthority(record.modifiedById || record.creatorId, localPeerId))
        return refuse('not-local-signer');
      const refused = authorize(record, chain, localPeerId, rolesFor);
      if (refused) return refuse(refused);
      const signature = crypto.ed25519Sign(canonical.value, credential.identity.secretKey);
      const securityData = encodeRecordSecurity({ chain: credential.chain, signature });
      if (securityData.length > RECORD_SECURITY_LIMITS.securityDataBytesMax)
        return refuse('credential-too-large');
      stats.secured.ok++;
      return { ok: true, securityData };
    },
    validateRecord(record) {
      const now = wallClock.nowMs();
      if (!Number.isFinite(now)) return verdict({ kind: 'invalid', reason: 'bad-time' });
      const canonical = canonicalRecordBytes(record);
      if (!canonical.ok) return verdict({ kind: 'invalid', reason: 'malformed-record' });
      if (
        !(record.securityData instanceof Uint8Array) ||
        record.securityData.length > RECORD_SECURITY_LIMITS.securityDataBytesMax
      )
        return verdict({ kind: 'invalid', reason: 'malformed-security-data' });
      const key = memoKey(crypto, canonical.value, record.securityData);
      const known = memo.get(key);
      if (known && (known.kind === 'invalid' || stillValid(known, now))) {
        stats.verdictCache.hits++;
        return verdict(known.kind === 'valid' ? VALID : { kind: 'invalid', reason: known.reason });
      }
      if (known) memo.delete(key);
      stats.verdictCache.misses++;
      const entry = evaluate(record, canonical.value, now);
      if (entry.kind === 'valid') {
        memo.set(key, entry);
        return verdict(VALID);
      }
      if (!TRANSIENT.has(entry.reason)) memo.set(key, entry);
      return verdict({ kind: 'invalid', reason: entry.reason });
    },
  };
}

const VALID: RecordVerdict = Object.freeze({ kind: 'valid' });

/** SHA-256 over the canonical bytes' length, the canonical bytes and the security data, in hex. */
function memoKey(crypto: CryptoBackend, canonical: Uint8Array, securityData: Uint8Array): string {
  const input = new Uint8Array(4 + canonical.length + securityData.length);
  new DataView(input.buffer).setUint32(0, canonical.length);
  input.set(canonical, 4);
  input.set(securityData, 4 + canonical.length);
  return toHex(crypto.sha256(input));
}
