/**
 * @module cache
 * The multi-level route cache with exact leaf sets ([MS-PNRP] §3.2.1.1): a pure data structure.
 */
export * from './cache-gaps.js';
export * from './cache-levels.js';
export * from './cache-options.js';
export * from './leaf-set.js';
export * from './ring-bytes.js';
export * from './route-cache.js';
export * from './sorted-entries.js';
