/**
 * The multi-level route cache with exact leaf sets ([MS-PNRP] §3.2.1.1): a pure data structure.
 * The node uses {@link RouteCache}; its options and result types come with it. Explicit named
 * re-exports; internals (ring arithmetic, gap precision) stay in their modules.
 * @module cache
 */
export {
  type CacheAddResult,
  type CacheRemoveResult,
  type LeafSetChange,
  type LevelSummary,
  type ResolvedCacheOptions,
  ROUTE_CACHE_DEFAULTS,
  type RouteCacheOptions,
  type RouteCacheStats,
  type SparseGap,
} from './cache-options.js';
export type { LeafSides } from './leaf-set.js';
export { RouteCache } from './route-cache.js';
export type { EntryFilter } from './sorted-entries.js';
