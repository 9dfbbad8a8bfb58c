/**
 * @module nat
 * NAT traversal, sans-I/O parts (issue 16, docs/design.md §8): STUN Binding codec, the responder
 * every node runs, address discovery with dial-back confirmation, and the socket split.
 */
export * from './address-discovery.js';
export * from './address-types.js';
export * from './stun.js';
export * from './stun-responder.js';
export * from './stun-split.js';
