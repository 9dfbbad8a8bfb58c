/**
 * @module resolve/resolution-types
 * The public shapes of a resolution (`resolution.ts`): its limits with the [MS-PNRP] defaults,
 * how it starts, the actions it asks its owner to take, the verdict on an INQUIRE and its
 * counters.
 */
import type { Endpoint } from '../keys/endpoint.js';
import type { RouteEntry } from '../wire/types.js';
import type { SearchSpec } from './search-spec.js';

/** Limits of one resolution; defaults are the [MS-PNRP] values. */
export interface ResolutionLimits {
  /** @default 22 */
  readonly usefulHopsMax: number;
  /** @default 6 */
  readonly suspiciousMax: number;
  /** Times one route entry may be asked. @default 3 */
  readonly useCountMax: number;
  /** @default 22 */
  readonly flaggedPathMax: number;
  /** @default 1000 */
  readonly retransmitMs: number;
  /** @default 2000 */
  readonly hopTimeoutMs: number;
  /** Full INQUIRE attempts (each with one retransmission) before a candidate is given up. @default 2 */
  readonly inquireAttemptsMax: number;
  /**
   * Alternative walks after a suspicion (a refused proof, or one ID at two endpoints), each
   * disjoint from the others; 0 is the plain MS-PNRP resolver. An integer in 0..8.
   * @default 3
   */
  readonly alternatePathsMax: number;
}

/** The [MS-PNRP] limits, plus the alternative walks of issue 10. */
export const DEFAULT_RESOLUTION_LIMITS: ResolutionLimits = {
  usefulHopsMax: 22,
  suspiciousMax: 6,
  useCountMax: 3,
  flaggedPathMax: 22,
  retransmitMs: 1000,
  hopTimeoutMs: 2000,
  inquireAttemptsMax: 2,
  alternatePathsMax: 3,
};

/**
 * Cache entries a resolution wants in `initialHops`: the first walk's seeds and a reserve for
 * the alternative walks.
 * @example cache.closest(target, resolutionSeedsWanted(limits), notSelf)
 */
export function resolutionSeedsWanted(limits: Partial<ResolutionLimits> = {}): number {
  const alternates = limits.alternatePathsMax ?? DEFAULT_RESOLUTION_LIMITS.alternatePathsMax;
  return INITIAL_HOPS_DEFAULT * (1 + alternates);
}

/** Initial hops a walk pushes unless `initialHopsMax` says otherwise. */
export const INITIAL_HOPS_DEFAULT = 4;
/** Most alternative walks `alternatePathsMax` may ask for. */
export const ALTERNATE_PATHS_LIMIT = 8;

/** How a resolution starts. */
export interface ResolutionInit {
  readonly spec: SearchSpec;
  readonly startMs: number;
  /**
   * Cache entries closest to the target, closest first. The first `initialHopsMax` seed the
   * next-hop stack; the rest are the reserve alternative walks start from.
   */
  readonly initialHops: readonly RouteEntry[];
  /** The resolver's own endpoints: they open the flagged path so nobody refers us to ourselves. */
  readonly selfEndpoints: readonly Endpoint[];
  /** Carried in every LOOKUP as the best match (registration: the new entry itself). */
  readonly initialBestMatch?: RouteEntry;
  /** Set the LOOKUP A flag (the resolver's own cache is small). */
  readonly acceptAny?: boolean;
  /** How many initial hops each walk pushes. @default 4 */
  readonly initialHopsMax?: number;
  readonly limits?: Partial<ResolutionLimits>;
}

/** Why a resolution ended without (enough) results. */
export type ResolutionFailure = 'not-found' | 'timeout' | 'cancelled';

/**
 * What the owner of a resolution must do next. `P` is what a valid INQUIRE answer carries (the
 * {@link InquireVerdict} proof), handed back in `result`.
 */
export type ResolutionAction<P = unknown> =
  | {
      readonly type: 'lookup';
      readonly hop: RouteEntry;
      readonly endpoint: Endpoint;
      readonly flaggedPath: readonly Endpoint[];
      readonly bestMatch: RouteEntry | undefined;
      readonly acceptAny: boolean;
      /** True when this repeats the previous request (reuse its message ID). */
      readonly retransmit: boolean;
    }
  | {
      readonly type: 'inquire';
      readonly candidate: RouteEntry;
      readonly endpoint: Endpoint;
      readonly retransmit: boolean;
    }
  /**
   * A hop did not answer in time or denied publishing its key at the entry's endpoint (its first
   * address, where the resolver asked): drop the cached entry if, and only if, it is that ID at
   * that endpoint.
   */
  | { readonly type: 'stale'; readonly entry: RouteEntry }
  /** Iterative searches: a hop answered; wait for `continue()` before going on. */
  | { readonly type: 'intermediate'; readonly hop: RouteEntry }
  | { readonly type: 'result'; readonly entry: RouteEntry; readonly proof: P }
  | { readonly type: 'wait'; readonly untilMs: number }
  | {
      readonly type: 'done';
      readonly results: number;
      readonly failure: ResolutionFailure | undefined;
    };

/** The answer to an INQUIRE, as judged by the owner's security provider. */
export type InquireVerdict<P = unknown> =
  | { readonly ok: true; readonly proof: P }
  | { readonly ok: false; readonly reason: string };

/** Counters of one resolution (all walks together). */
export interface ResolutionStats {
  lookups: number;
  inquires: number;
  retransmits: number;
  usefulHops: number;
  suspicious: number;
  timeouts: number;
  /** Walks started: 1, plus the alternative walks. */
  paths: number;
  /** INQUIREs answered with an N flag, no proof or a proof the provider refused. */
  refusedProofs: number;
  /** Referrals naming an ID already seen at another endpoint. */
  contradictions: number;
  /** Endpoints branded liars (never asked again; see `resolution.ts`). */
  liars: number;
}

/**
 * Counters of a resolution that sent nothing (a search answered locally, a lookup that never
 * joined).
 * @example emit({ type: 'search-done', searchId, results: 0, failure, path: [], stats: emptyResolutionStats() })
 */
export function emptyResolutionStats(): ResolutionStats {
  return {
    lookups: 0,
    inquires: 0,
    retransmits: 0,
    usefulHops: 0,
    suspicious: 0,
    timeouts: 0,
    paths: 1,
    refusedProofs: 0,
    contradictions: 0,
    liars: 0,
  };
}
