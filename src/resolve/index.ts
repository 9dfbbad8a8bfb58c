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
