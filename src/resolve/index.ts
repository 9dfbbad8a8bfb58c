/**
 * Iterative resolution as a pure state machine, its path (traceroute) and the DRT search
 * specifications. Explicit named re-exports; the package's API is `src/index.ts`.
 * @module resolve
 */
export type { PathHop } from './path.js';
export { Resolution } from './resolution.js';
export type {
  ResolutionAction,
  ResolutionFailure,
  ResolutionInit,
  ResolutionLimits,
  ResolutionStats,
} from './resolution-types.js';
export { type SearchOptions, SearchOptionsError, type SearchSpec } from './search-spec.js';
