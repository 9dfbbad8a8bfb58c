/**
 * @module kad
 * The Kademlia baseline (issue 13, Build 4; docs/design.md §8): a `KadNode` on the sans-I/O contract
 * and its wire codec, for side-by-side runs with PNRP/DRT in the simulator. Re-exports only.
 */
export {
  decodeKadMessage,
  encodeKadMessage,
  KAD_DECODE_ERROR_CODES,
  KAD_MESSAGE_BYTES_MAX,
  type KadContact,
  type KadMessage,
} from './codec.js';
export {
  KAD_ALPHA_DEFAULT,
  KAD_K_DEFAULT,
  KAD_REFRESH_INTERVAL_MS_DEFAULT,
} from './constants.js';
export type { LookupStats } from './lookup.js';
export { KadNode } from './node.js';
export type { KadBucket, KadEntry } from './routing-table.js';
export type {
  KadEvent,
  KadLookupDone,
  KadLookupFailure,
  KadNodeOptions,
  KadStats,
} from './types.js';
export { compareXor, sharedPrefixBits } from './xor.js';
