/**
 * The DRT layer ([MC-DRT]): the sans-I/O `DrtNode`, its options, events, counters, and the
 * security and bootstrap provider interfaces. Explicit named re-exports for the rest of the
 * repository; the package's API is `src/index.ts`.
 * @module drt
 */
export { type BootstrapProvider, staticBootstrap } from './bootstrap-provider.js';
export type { LocalRegistration } from './core.js';
export type { DrtStatus, MatchType, NodeEvent, SearchFailure, SearchResult } from './events.js';
export { DrtNode } from './node.js';
export type { DrtNodeOptions } from './options.js';
export {
  type AuthorityExtras,
  type KeyRecord,
  type MembershipInput,
  type MembershipSecurity,
  type MembershipVerdict,
  nullSecurityProvider,
  type RecordExpectation,
  type RecordVerdict,
  type RevokeSummary,
  type SecurityProvider,
  type ValidatedRecord,
} from './security-provider.js';
export type { DrtStats } from './stats.js';
