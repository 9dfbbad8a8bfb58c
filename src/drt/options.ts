/**
 * @module drt/options
 * Options of a `DrtNode`, their defaults (the [MS-PNRP]/[MC-DRT] constants, reference §5-§6) and
 * their one-time validation. Every option but `rng` and `localEndpoints` is optional.
 */

import { type CryptoBackend, nobleCrypto } from '../keys/crypto-backend.js';
import { assertEndpoint, type Endpoint, PORT_RESERVED_MAX } from '../keys/endpoint.js';
import type { Logger } from '../log.js';
import type { ResolutionLimits } from '../resolve/resolution.js';
import type { WallClock } from '../sans-io.js';
import type { Rng } from '../util/rng.js';
import type { ProtocolVersion } from '../wire/types.js';
import { type BootstrapProvider, staticBootstrap } from './bootstrap-provider.js';
import { nullSecurityProvider, type SecurityProvider } from './security-provider.js';
import type { SendObserver } from './send-cause.js';

/** Options of a DrtNode; `P` is the evidence type of its security provider. */
export interface DrtNodeOptions<P = unknown> {
  /** Injected randomness (message IDs, nonces, random cache replacement). */
  readonly rng: Rng;
  /** Addresses this node answers on: 1..4 endpoints sharing one port > 1024. */
  readonly localEndpoints: readonly Endpoint[];
  /** Wall-clock time for record validity. @default a clock frozen at 2026-01-01T00:00:00Z */
  readonly wallClock?: WallClock;
  /** @default nobleCrypto */
  readonly crypto?: CryptoBackend;
  /** @default nullSecurityProvider() */
  readonly security?: SecurityProvider<P>;
  /** @default staticBootstrap([]) */
  readonly bootstrap?: BootstrapProvider;
  /** Header version of this DRT instance. @default { major: 6, minor: 101 } (the DRT SDK sample's) */
  readonly version?: ProtocolVersion;
  /** Leaf-set entries on each side of a local key. @default 5 */
  readonly leafSetSide?: number;
  /** Entries per cache level. @default 20 */
  readonly entriesPerLevel?: number;
  /** Cache entries in all. @default 400 */
  readonly cacheEntriesMax?: number;
  /** Period of cache maintenance. @default 15000 */
  readonly maintenanceIntervalMs?: number;
  /**
   * Longest period of cache maintenance in a stable cloud (maintenance.ts, issue 13): each tick
   * that finds no dead entry doubles the period up to this; one dead entry brings it back to
   * `maintenanceIntervalMs`. Set it to `maintenanceIntervalMs` for the fixed MS-PNRP period.
   * @default 120000
   */
  readonly maintenanceIntervalMaxMs?: number;
  /** Random cache entries INQUIREd per maintenance tick ([MC-DRT] §3.1.6.1). @default 10 */
  readonly maintenanceInquiries?: number;
  /** Sparse-level fill searches started per maintenance tick. @default 1 */
  readonly gapFillsPerTick?: number;
  /**
   * Split-detection walks the whole cloud runs per maintenance interval; each node runs one with
   * probability this / estimated cloud size. @default 8
   */
  readonly splitDetectionsPerTick?: number;
  /** Route entries awaiting their return-routability check. @default 64 */
  readonly pendingAddsMax?: number;
  /**
   * Of `pendingAddsMax`, the checks one source endpoint's datagrams may have in flight at once
   * (probe-gate.ts). @default 16
   */
  readonly pendingAddsPerSourceMax?: number;
  /**
   * Admission checks per second that route entries from sources which have not proven their
   * address may start (each sends up to two INQUIREs to the endpoint the entry names).
   * @default 20
   */
  readonly probeRatePerSecond?: number;
  /** Burst of the `probeRatePerSecond` token bucket. @default 40 */
  readonly probeBurst?: number;
  /** Searches in flight at once (application, registration and maintenance). @default 64 */
  readonly searchesMax?: number;
  /** FLOODs awaiting an ACK. @default 128 */
  readonly floodsInFlightMax?: number;
  /**
   * Open SOLICIT conversations (publisher side). When full, a new SOLICIT still gets its
   * conversation: the oldest conversation of the busiest source prefix (/24, /64) makes room, so
   * spoofed SOLICITs never lock a joiner out (sync.ts). The spec's 32 would let 32 spoofed
   * datagrams hold the table for 15 s; each conversation costs about 200 bytes. @default 1024
   */
  readonly conversationsMax?: number;
  /** Lifetime of a SOLICIT conversation. @default 15000 */
  readonly conversationMs?: number;
  /**
   * Endpoints remembered as proven (they answered us, or echoed our cookie); LRU (address-proof.ts).
   * @default 4096
   */
  readonly provenSourcesMax?: number;
  /** How long an endpoint stays proven after its last proof. @default 600000 */
  readonly provenTtlMs?: number;
  /** Unproven endpoints whose anti-amplification credit is tracked; LRU. @default 1024 */
  readonly unprovenSourcesMax?: number;
  /** Lifetime of one cookie epoch; a cookie is accepted in its epoch and the next. @default 30000 */
  readonly cookieEpochMs?: number;
  /** Fresh proofs (signed INQUIRE answers) the node signs per second, sustained. @default 100 */
  readonly signaturesPerSecond?: number;
  /** Fresh proofs the node may sign in a burst. @default 200 */
  readonly signatureBurst?: number;
  /** Fresh proofs signed per second for one source endpoint, sustained. @default 8 */
  readonly sourceSignaturesPerSecond?: number;
  /** Fresh proofs signed in a burst for one source endpoint. @default 32 */
  readonly sourceSignatureBurst?: number;
  /** Source endpoints with their own signing bucket; LRU. @default 1024 */
  readonly signingSourcesMax?: number;
  /** Overrides of the resolver's limits (22 hops, 6 suspicious, 1 s / 2 s timers ...). */
  readonly resolution?: Partial<ResolutionLimits>;
  /** Observability hook; must not throw. Never affects behaviour. */
  readonly trace?: (line: string) => void;
  /** Structured log (dropped datagrams with their reason, join attempts). @default none */
  readonly logger?: Logger | undefined;
  /**
   * Told of every message sent, with its cause (send-cause.ts): instruments attributing a cloud's
   * traffic (`SCALE_BREAKDOWN=1 bench/scale.bench.ts`). Must not throw. Never affects behaviour.
   * @default none
   * @internal An instrument of this repository's benchmarks; its message shapes are the wire
   * codec's, which the package does not export.
   */
  readonly sendObserver?: SendObserver | undefined;
}

/**
 * Options with every default filled in. The security provider is the caller's or the null one,
 * whose records carry `undefined` evidence.
 */
export type ResolvedDrtOptions<P = unknown> = Required<
  Omit<DrtNodeOptions<P>, 'trace' | 'resolution' | 'security' | 'logger' | 'sendObserver'>
> & {
  readonly security: SecurityProvider<P | undefined>;
  readonly resolution: Partial<ResolutionLimits>;
  readonly trace: ((line: string) => void) | undefined;
  readonly logger: Logger | undefined;
  readonly sendObserver: SendObserver | undefined;
};

/** 2026-01-01T00:00:00Z: the default frozen wall clock, so an unconfigured node is deterministic. */
export const DEFAULT_WALL_CLOCK_MS = 1_767_225_600_000;

/** The whole-number options: their default and largest value (the smallest is 1), in check order. */
const COUNT_OPTIONS = {
  leafSetSide: { fallback: 5, max: 20 },
  entriesPerLevel: { fallback: 20, max: 1000 },
  cacheEntriesMax: { fallback: 400, max: 100_000 },
  maintenanceIntervalMs: { fallback: 15_000, max: 3_600_000 },
  maintenanceIntervalMaxMs: { fallback: 120_000, max: 3_600_000 },
  maintenanceInquiries: { fallback: 10, max: 100 },
  gapFillsPerTick: { fallback: 1, max: 20 },
  splitDetectionsPerTick: { fallback: 8, max: 10_000 },
  pendingAddsMax: { fallback: 64, max: 10_000 },
  pendingAddsPerSourceMax: { fallback: 16, max: 10_000 },
  probeRatePerSecond: { fallback: 20, max: 100_000 },
  probeBurst: { fallback: 40, max: 100_000 },
  searchesMax: { fallback: 64, max: 10_000 },
  floodsInFlightMax: { fallback: 128, max: 10_000 },
  conversationsMax: { fallback: 1024, max: 100_000 },
  conversationMs: { fallback: 15_000, max: 3_600_000 },
  provenSourcesMax: { fallback: 4096, max: 1_000_000 },
  provenTtlMs: { fallback: 600_000, max: 86_400_000 },
  unprovenSourcesMax: { fallback: 1024, max: 1_000_000 },
  cookieEpochMs: { fallback: 30_000, max: 3_600_000 },
  signaturesPerSecond: { fallback: 100, max: 1_000_000 },
  signatureBurst: { fallback: 200, max: 1_000_000 },
  sourceSignaturesPerSecond: { fallback: 8, max: 1_000_000 },
  sourceSignatureBurst: { fallback: 32, max: 1_000_000 },
  signingSourcesMax: { fallback: 1024, max: 1_000_000 },
} as const;

type CountOption = keyof typeof COUNT_OPTIONS;

/** Each of {@link COUNT_OPTIONS}, defaulted and checked to be an integer in 1..max. */
function resolveCounts(o: DrtNodeOptions): Record<CountOption, number> {
  const counts = {} as Record<CountOption, number>;
  for (const name of Object.keys(COUNT_OPTIONS) as CountOption[]) {
    const { fallback, max } = COUNT_OPTIONS[name];
    const value = o[name] ?? fallback;
    if (!Number.isInteger(value) || value < 1 || value > max) {
      throw new RangeError(`${name} must be an integer in 1..${max}, got ${value}`);
    }
    counts[name] = value;
  }
  return counts;
}

/**
 * Resolved count sets, shared by the nodes that resolve to the same counts: a node's resolved
 * options inherit their ~25 whole-number options from one of these instead of holding a copy
 * (issue 13 Build 3: ~250 bytes per simulated node). Frozen; at most SHARED_COUNTS_MAX are kept.
 */
const sharedCounts = new Map<string, Readonly<Record<CountOption, number>>>();
const SHARED_COUNTS_MAX = 64;

/** {@link resolveCounts}, as a shared frozen object when one with the same values exists. */
function sharedCountsOf(o: DrtNodeOptions): Readonly<Record<CountOption, number>> {
  const counts = resolveCounts(o);
  const key = Object.values(counts).join(',');
  const shared = sharedCounts.get(key);
  if (shared !== undefined) return shared;
  Object.freeze(counts);
  if (sharedCounts.size < SHARED_COUNTS_MAX) sharedCounts.set(key, counts);
  return counts;
}

/** The resolution limits of a node that sets none (shared: nothing writes them). */
const NO_RESOLUTION: Partial<ResolutionLimits> = Object.freeze({});

/**
 * Defaults shared by every node (issue 13 Build 3: one copy, not one per node). The null provider
 * and the fixed wall clock hold no state.
 */
const NULL_SECURITY: SecurityProvider<undefined> = nullSecurityProvider();
const DEFAULT_WALL_CLOCK: WallClock = { nowMs: () => DEFAULT_WALL_CLOCK_MS };
const DEFAULT_VERSION: ProtocolVersion = { major: 6, minor: 101 };

/**
 * Fills defaults and validates once; throws `TypeError`/`RangeError` on misuse.
 * @example resolveDrtOptions({ rng, localEndpoints: [ep] })
 */
export function resolveDrtOptions<P = unknown>(o: DrtNodeOptions<P>): ResolvedDrtOptions<P> {
  if (typeof o !== 'object' || o === null) throw new TypeError('DrtNode options must be an object');
  if (typeof o.rng?.nextU32 !== 'function') throw new TypeError('options.rng must be an Rng');
  if (
    !Array.isArray(o.localEndpoints) ||
    o.localEndpoints.length < 1 ||
    o.localEndpoints.length > 4
  ) {
    throw new RangeError('options.localEndpoints must hold 1..4 endpoints');
  }
  for (const [i, ep] of o.localEndpoints.entries()) assertEndpoint(ep, `localEndpoints[${i}]`);
  const port = o.localEndpoints[0]!.port;
  if (port <= PORT_RESERVED_MAX)
    throw new RangeError(`local port must be > ${PORT_RESERVED_MAX}, got ${port}`);
  if (o.localEndpoints.some((ep) => ep.port !== port)) {
    throw new RangeError('all local endpoints must share one port ([MS-PNRP] §3.1.4.1)');
  }
  const version = o.version ?? DEFAULT_VERSION;
  if (![version.major, version.minor].every((v) => Number.isInteger(v) && v >= 0 && v <= 255)) {
    throw new RangeError('version major and minor must be bytes');
  }
  // The counts come from a shared prototype (see sharedCounts); the rest is the node's own.
  return Object.assign(Object.create(sharedCountsOf(o)), {
    rng: o.rng,
    localEndpoints: [...o.localEndpoints],
    wallClock: o.wallClock ?? DEFAULT_WALL_CLOCK,
    crypto: o.crypto ?? nobleCrypto,
    security: o.security ?? NULL_SECURITY,
    bootstrap: o.bootstrap ?? staticBootstrap([]),
    version,
    resolution: o.resolution ?? NO_RESOLUTION,
    trace: o.trace,
    logger: o.logger,
    sendObserver: o.sendObserver,
  }) as ResolvedDrtOptions<P>;
}
