/**
 * PNRP on the DRT: peer names, clouds, CPA security, resolve criteria, traceroute format, host
 * names. Re-exports only.
 * @module pnrp
 */
export type { AuthorityDelegation, AuthorityVerifier } from '../cpa/verify.js';
export {
  type CacheSnapshot,
  cacheSnapshotBootstrap,
  cacheSnapshotOf,
  decodeCacheSnapshot,
  encodeCacheSnapshot,
} from './cache-snapshot.js';
export { GLOBAL_CLOUD, linkLocalCloudName, siteLocalCloudName } from './cloud-names.js';
export {
  type CpaProviderCounters,
  type CpaRegistration,
  type CpaSecurityProvider,
  type CpaSecurityProviderOptions,
  cpaSecurityProvider,
  type VerifiedRegistration,
} from './cpa-security-provider.js';
export { hostNameToPeerName, peerNameToHostName } from './host-name.js';
export { PnrpNode, type PnrpNodeOptions } from './pnrp-node.js';
export type { PnrpCloudStats, PnrpPerformanceCounters, PnrpStats } from './stats.js';
export { type FormatTraceOptions, formatTrace } from './trace-format.js';
export type {
  CloudDrtOptions,
  PnrpCloudConfig,
  PnrpEvent,
  PnrpResolveResult,
  RegisterOptions,
  Registration,
  RegistrationEndpoint,
  ResolveFailure,
  ResolveOptions,
} from './types.js';
