/**
 * @module pnrp/cloud
 * One cloud of a `PnrpNode` ([MS-PNRP] §1.3.3, reference §8): its own `DrtNode` (header version
 * 4.0, its own cache and local endpoints) with its own CPA security provider, byte-rate meter and
 * resolve counters; how its counters are reported and how a verified proof becomes a resolve
 * result. Internal to pnrp/.
 */
import { staticBootstrap } from '../drt/bootstrap-provider.js';
import { DrtNode } from '../drt/node.js';
import type { CryptoBackend } from '../keys/crypto-backend.js';
import type { Endpoint } from '../keys/endpoint.js';
import type { WallClock } from '../sans-io.js';
import { equalBytes } from '../util/bytes.js';
import { readable } from '../util/readable.js';
import type { Rng } from '../util/rng.js';
import { PNRP_VERSION } from '../wire/types.js';
import {
  type AuthorityVerifier,
  type CpaSecurityProvider,
  cpaSecurityProvider,
  type VerifiedRegistration,
} from './cpa-security-provider.js';
import { type PnrpCloudStats, RateMeter } from './stats.js';
import type { PnrpCloudConfig, PnrpResolveResult } from './types.js';

/**
 * A cloud as the node keeps it.
 * @example cloud.drt.stats.bytesSent
 */
export interface Cloud {
  readonly name: string;
  readonly drt: DrtNode<VerifiedRegistration>;
  readonly security: CpaSecurityProvider;
  readonly localEndpoints: readonly Endpoint[];
  readonly meter: RateMeter;
  /** The DRT's next timer, from its last drain. */
  timerAtMs: number;
  resolves: number;
  resolvesSucceeded: number;
  resolvesFailed: number;
}

/**
 * What every cloud of a node shares.
 * @example createCloud(config, { rng, crypto, wallClock, cpaLifetimeMs: undefined, rateWindowMs: 10_000 })
 */
export interface CloudDeps {
  readonly rng: Rng;
  readonly crypto: CryptoBackend;
  readonly wallClock: WallClock;
  readonly cpaLifetimeMs: number | undefined;
  readonly authorityVerifier?: AuthorityVerifier | undefined;
  readonly rateWindowMs: number;
}

/**
 * Builds a cloud; throws RangeError for a bad name or endpoints (the DRT validates them).
 * @example const cloud = createCloud({ name: 'Global_', localEndpoints: [ep] }, deps);
 */
export function createCloud(config: PnrpCloudConfig, deps: CloudDeps): Cloud {
  if (typeof config.name !== 'string' || config.name.length === 0) {
    throw new RangeError('a cloud needs a non-empty name');
  }
  const security = cpaSecurityProvider({
    crypto: deps.crypto,
    ...(deps.cpaLifetimeMs !== undefined ? { lifetimeMs: deps.cpaLifetimeMs } : {}),
    ...(deps.authorityVerifier ? { authorityVerifier: deps.authorityVerifier } : {}),
  });
  const drt = new DrtNode({
    ...config.drt,
    rng: deps.rng.fork(`cloud:${config.name}`),
    localEndpoints: config.localEndpoints,
    wallClock: deps.wallClock,
    crypto: security.crypto,
    security,
    bootstrap: config.bootstrap ?? staticBootstrap([]),
    version: PNRP_VERSION,
  });
  return {
    name: config.name,
    drt,
    security,
    localEndpoints: [...config.localEndpoints],
    meter: new RateMeter(deps.rateWindowMs),
    timerAtMs: Number.POSITIVE_INFINITY,
    resolves: 0,
    resolvesSucceeded: 0,
    resolvesFailed: 0,
  };
}

/**
 * A cloud's counters, with byte rates over the window ending at `nowMs`.
 * @example cloudStats(cloud, now).bytesReceivedPerSecond
 */
export function cloudStats(c: Cloud, nowMs: number): PnrpCloudStats {
  const s = c.drt.stats;
  const rates = c.meter.rates(nowMs, s.bytesReceived, s.bytesSent);
  return {
    cloud: c.name,
    bytesReceivedPerSecond: rates.received,
    bytesSentPerSecond: rates.sent,
    idsRegistered: c.drt.localKeys().length,
    resolves: c.resolves,
    staleCacheEntryHits: s.staleCacheEntryHits,
    resolvesSucceeded: c.resolvesSucceeded,
    resolvesFailed: c.resolvesFailed,
    dropped: { ...s.dropped },
    cpaRejected: { ...c.security.counters.rejected },
    cpasSigned: c.security.counters.cpasSigned,
    signatureVerifications: c.security.crypto.verifyMisses,
    signatureVerifyHits: c.security.crypto.verifyHits,
    drt: s,
  };
}

/**
 * What a resolve remembers while its DRT search runs.
 * @example resolves.set(`${cloud.name}:${searchId}`, { id, cloud, searchId, peerName, p2pId, wantExtendedPayload: false, results: 0 })
 */
export interface PendingResolve {
  readonly id: number;
  readonly cloud: Cloud;
  readonly searchId: number;
  readonly peerName: string;
  readonly p2pId: Uint8Array;
  readonly wantExtendedPayload: boolean;
  results: number;
}

/**
 * The resolve result a DRT search result's proof makes, or undefined when the proof is not a
 * CPA verified for this name (an intermediate hop, or a local match without an INQUIRE).
 * @example const result = resolveResultOf(pending, event.result.type, event.result.proof);
 */
export function resolveResultOf(
  pending: PendingResolve,
  type: string,
  verified: VerifiedRegistration | undefined,
): PnrpResolveResult | undefined {
  if (type === 'intermediate') return undefined;
  if (!verified?.cpa || !equalBytes(verified.pnrpId.subarray(0, 16), pending.p2pId)) {
    return undefined;
  }
  const { cpa } = verified;
  return readable({
    resolveId: pending.id,
    cloud: pending.cloud.name,
    peerName: pending.peerName,
    pnrpId: verified.pnrpId,
    endpoints: cpa.appEndpoints,
    pnrpEndpoints: cpa.serviceEndpoints,
    friendlyName: cpa.friendlyName?.text,
    extendedPayload: verified.extendedPayload?.payload,
    hasExtendedPayload: cpa.hasExtendedPayload,
    secured: cpa.secured,
    cpa,
  });
}
