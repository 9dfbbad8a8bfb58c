/**
 * @module peer
 * The async facade (DESIGN.md §1): `createPeer` over `runNode()`, with Promises, AbortSignals,
 * async iterables and one error type, plus the peer-name bootstrap provider. Re-exports only.
 */
export * from './peer/combine-transports.js';
export * from './peer/create-peer.js';
export * from './peer/error.js';
export * from './peer/host-bootstrap.js';
export * from './peer/name-bootstrap.js';
export * from './peer/peer-events.js';
export * from './peer/peer-registration.js';
export * from './peer/resolve-tracker.js';
export * from './peer/search-iterator.js';
export * from './peer/types.js';
