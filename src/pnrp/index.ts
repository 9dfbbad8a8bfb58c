/**
 * @module pnrp
 * PNRP on the DRT: peer names, clouds, CPA security, resolve criteria, traceroute format, host
 * names. Re-exports only.
 */
export * from './cache-snapshot.js';
export * from './cloud-names.js';
export * from './cpa-security-provider.js';
export * from './host-name.js';
export * from './pnrp-node.js';
export * from './registration.js';
export * from './resolve-criteria.js';
export * from './stats.js';
export * from './trace-format.js';
export * from './types.js';
