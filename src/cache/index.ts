/**
 * @module cache
 * The multi-level route cache with exact leaf sets ([MS-PNRP] §3.2.1.1): a pure data structure.
 * The node uses {@link RouteCache}; the helpers below it are exported for tests and tools.
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
