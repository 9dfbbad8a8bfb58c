/**
 * @module cache
 * The multi-level route cache with exact leaf sets ([MS-PNRP] §3.2.1.1): a pure data structure.
 * The node uses {@link RouteCache}; the helpers below it are exported for tests and tools.
 */
export { precisionForGap } from './cache-gaps.js';
export * from './cache-options.js';
export type { LeafSides } from './leaf-set.js';
export { LEVEL_HALF_SPANS_BIG, LEVEL_INDEX_LIMIT } from './ring-bytes.js';
export * from './route-cache.js';
export type { EntryFilter } from './sorted-entries.js';
