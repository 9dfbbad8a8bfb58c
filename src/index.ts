/**
 * pnrp: the Peer Name Resolution Protocol (PNRP v2) and the Distributed Routing Table in pure
 * TypeScript. This entry is the sans-I/O core; it imports nothing from `node:` and never pulls in
 * X.509 code. See README.md for the run loop and the determinism contract. Re-exports only.
 */
export * from './cache/index.js';
export * from './cpa/index.js';
export * from './drt/index.js';
export * from './keys/index.js';
export * from './memory-network.js';
export * from './peer.js';
export * from './pnrp/index.js';
export * from './resolve/index.js';
export * from './runtime.js';
export type { Output, SansIoNode, WallClock } from './sans-io.js';
export * from './transport-adapter.js';
export * from './util/bytes.js';
export type { DecodeError, Result } from './util/result.js';
export * from './util/rng.js';
export * from './wire/index.js';
