/**
 * @module cache/cache-options
 * Options, defaults, counters and result shapes of the route cache ([MS-PNRP] §3.2.1.1;
 * reference/pnrp-wire.md §7.7). Every option is optional, documented with its default and
 * validated once, at construction; every bound that the cache hits is counted in its stats.
 */
import { assertKey, type Key } from '../keys/key256.js';
import type { Rng } from '../util/rng.js';
import type { RouteEntry } from '../wire/types.js';
import { LEVEL_INDEX_LIMIT } from './ring-bytes.js';

/** Options of a {@link RouteCache}. Only `rng` is required. */
export interface RouteCacheOptions {
  /** Randomness for random replacement, random eviction and `randomEntries()`. */
  readonly rng: Rng;
  /**
   * Leaf-set entries kept on each side of every local key ([MS-PNRP] §1.1: five below, five above).
   * @default 5
   */
  readonly leafSetSide?: number;
  /**
   * Entries one cache level holds before it replaces at random or splits (.NET "PNRP Caches": 20).
   * @default 20
   */
  readonly entriesPerLevel?: number;
  /**
   * Most levels per centre; level i covers 1/10^i of the ring, so 16 levels resolve 10^17 nodes.
   * @default 16
   */
  readonly levelsMax?: number;
  /**
   * Most entries in the whole cache, leaf sets included.
   * @default 1000
   */
  readonly entriesMax?: number;
  /**
   * Most local keys at once; `addLocalKey()` also refuses a key once the leaf sets alone could
   * fill `entriesMax`.
   * @default 32
   */
  readonly localKeysMax?: number;
  /**
   * Centre of the levels while no key is registered (a search-only node).
   * @default drawn from `rng` when first needed
   */
  readonly homeKey?: Key;
}

/**
 * The defaults of {@link RouteCacheOptions}.
 * @example ROUTE_CACHE_DEFAULTS.leafSetSide // 5
 */
export const ROUTE_CACHE_DEFAULTS: {
  readonly leafSetSide: number;
  readonly entriesPerLevel: number;
  readonly levelsMax: number;
  readonly entriesMax: number;
  readonly localKeysMax: number;
} = {
  leafSetSide: 5,
  entriesPerLevel: 20,
  levelsMax: 16,
  entriesMax: 1000,
  localKeysMax: 32,
};

/** Options after validation, every default filled in. */
export interface ResolvedCacheOptions {
  readonly rng: Rng;
  readonly leafSetSide: number;
  readonly entriesPerLevel: number;
  readonly levelsMax: number;
  readonly entriesMax: number;
  readonly localKeysMax: number;
  readonly homeKey: Key | undefined;
}

function integerIn(
  value: number | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw new TypeError(`RouteCache: ${name} must be a number`);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`RouteCache: ${name} must be an integer in ${min}..${max}, got ${value}`);
  }
  return value;
}

/**
 * Validates options once; throws `TypeError` for a wrong type and `RangeError` for a bad value.
 * @example resolveCacheOptions({ rng: seededRng(1) }).entriesPerLevel // 20
 */
export function resolveCacheOptions(options: RouteCacheOptions): ResolvedCacheOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('RouteCache: options must be an object');
  }
  const { rng } = options;
  if (typeof rng !== 'object' || rng === null || typeof rng.nextInt !== 'function') {
    throw new TypeError('RouteCache: options.rng must be an Rng');
  }
  const d = ROUTE_CACHE_DEFAULTS;
  const leafSetSide = integerIn(options.leafSetSide, 'leafSetSide', d.leafSetSide, 1, 64);
  const entriesPerLevel = integerIn(
    options.entriesPerLevel,
    'entriesPerLevel',
    d.entriesPerLevel,
    1,
    4096,
  );
  const levelsMax = integerIn(
    options.levelsMax,
    'levelsMax',
    d.levelsMax,
    1,
    LEVEL_INDEX_LIMIT + 1,
  );
  const entriesMax = integerIn(
    options.entriesMax,
    'entriesMax',
    d.entriesMax,
    2 * leafSetSide + 1,
    1 << 24,
  );
  const localKeysMax = integerIn(options.localKeysMax, 'localKeysMax', d.localKeysMax, 1, 4096);
  if (options.homeKey !== undefined) assertKey(options.homeKey, 'RouteCache: homeKey');
  let shared = lastSizes;
  if (
    shared === undefined ||
    shared.leafSetSide !== leafSetSide ||
    shared.entriesPerLevel !== entriesPerLevel ||
    shared.levelsMax !== levelsMax ||
    shared.entriesMax !== entriesMax ||
    shared.localKeysMax !== localKeysMax
  ) {
    shared = Object.freeze({ leafSetSide, entriesPerLevel, levelsMax, entriesMax, localKeysMax });
    lastSizes = shared;
  }
  const resolved = Object.create(shared) as { rng: Rng; homeKey: Key | undefined };
  resolved.rng = rng;
  resolved.homeKey = options.homeKey;
  return resolved as ResolvedCacheOptions;
}

/**
 * The sizes of the last options resolved, shared as the prototype of every resolved options
 * object with the same sizes (issue 13 Build 3: a cache per simulated node each held its own
 * copy, ~110 bytes). One slot, so bounded; a cloud's nodes nearly always share their sizes.
 */
let lastSizes:
  | Readonly<
      Pick<
        ResolvedCacheOptions,
        'leafSetSide' | 'entriesPerLevel' | 'levelsMax' | 'entriesMax' | 'localKeysMax'
      >
    >
  | undefined;

/** A leaf-set membership change: DRT_EVENT_LEAFSET_KEY_CHANGED ([MC-DRT]; drt.h). */
export interface LeafSetChange {
  readonly type: 'added' | 'deleted';
  /** The local key whose leaf set changed. */
  readonly localKey: Key;
  /** The remote key that joined or left it. */
  readonly remoteKey: Key;
}

/** What `add()` did. */
export interface CacheAddResult {
  /** The entry is now stored (false only for an id equal to a local key). */
  readonly added: boolean;
  /** The entry that had the same id before (its addresses are now the new entry's). */
  readonly replaced?: RouteEntry;
  /** Entries that left the cache to make room (random replacement, displaced leaf members, bounds). */
  readonly evicted: RouteEntry[];
  readonly leafSetChanges: LeafSetChange[];
}

/** What `remove()` did. */
export interface CacheRemoveResult {
  readonly removed?: RouteEntry;
  readonly leafSetChanges: LeafSetChange[];
}

/** A sparse cache level and the gap maintenance should look up ([MS-PNRP] §3.2.6.2 <6>). */
export interface SparseGap {
  /** The centre of the level: a local key, or the home key of a search-only node. */
  readonly localKey: Key;
  readonly level: number;
  /** The gap runs clockwise from `gapFrom` to `gapTo`, both excluded. */
  readonly gapFrom: Key;
  readonly gapTo: Key;
  /** Key to look up: the middle of the gap. */
  readonly middle: Key;
  /** SEARCH_OPCODE_UPPER_BITS precision: every key sharing these leading bits with `middle` lies in the gap. */
  readonly precisionBits: number;
}

/** One level of one centre, for tests and debugging. */
export interface LevelSummary {
  readonly level: number;
  /** log2 of the span the level covers: 256 - level·log2(10). */
  readonly spanBits: number;
  /** Entries charged to this level (leaf-set members are held apart and not counted). */
  readonly count: number;
  /** True for the deepest level, which also holds everything nearer than its span. */
  readonly deepest: boolean;
}

/** Counters of a route cache; never reset. */
export interface RouteCacheStats {
  /** Calls of `add()`. */
  adds: number;
  /** New ids stored. */
  inserted: number;
  /** Same id added again: the stored entry object was replaced (addresses refreshed). */
  replacements: number;
  /** A full level took a newcomer in place of a random entry. */
  randomReplacements: number;
  /** A full deepest level grew a deeper level. */
  levelSplits: number;
  /** Entries that left other than by `remove()`. */
  evictions: number;
  /** Entries removed by `remove()`. */
  removals: number;
  /** Entries refused because their id is a local key. */
  rejectedLocal: number;
  /** Leaf-set changes reported. */
  leafSetChanges: number;
  /** Times any bound was hit: the sum of the three below. */
  boundHits: number;
  /** A full deepest level could not split because it was level `levelsMax - 1`. */
  levelsMaxHits: number;
  /** The cache held `entriesMax` entries and evicted one to take another. */
  entriesMaxHits: number;
  /** A level held more than `entriesPerLevel` (after a local key came or went) and was trimmed. */
  levelOverflowTrims: number;
}

/**
 * Fresh zeroed counters.
 * @example const stats = newCacheStats(); stats.adds++;
 */
export function newCacheStats(): RouteCacheStats {
  return {
    adds: 0,
    inserted: 0,
    replacements: 0,
    randomReplacements: 0,
    levelSplits: 0,
    evictions: 0,
    removals: 0,
    rejectedLocal: 0,
    leafSetChanges: 0,
    boundHits: 0,
    levelsMaxHits: 0,
    entriesMaxHits: 0,
    levelOverflowTrims: 0,
  };
}
