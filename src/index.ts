/**
 * pnrp: the Peer Name Resolution Protocol (PNRP v2) and the Distributed Routing Table in pure
 * TypeScript. This entry is the sans-I/O core; it imports nothing from `node:` and never pulls in
 * X.509 code. See README.md for the run loop and the determinism contract.
 */
export * from './adapters/system-rng.js';
export * from './drt/sans-io.js';
export * from './keys/index.js';
export * from './util/bytes.js';
export type { DecodeError, Result } from './util/result.js';
export * from './util/rng.js';
export type * from './wire/types.js';
