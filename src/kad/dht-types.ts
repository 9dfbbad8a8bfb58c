/**
 * @module kad/dht-types
 * Options, events and counters of `KadDhtNode` (kad/dht-node.ts). The value bounds and the
 * record lifetime default to `DhtNode`'s (dht/options.ts), so both DHTs store the same values
 * under the same limits; the routing options are `KadNode`'s.
 */
import type { DhtGetDone, DhtPutDone } from '../dht/types.js';
import { type CryptoBackend, nobleCrypto } from '../keys/crypto-backend.js';
import type { Rng } from '../util/rng.js';
import {
  KAD_ALPHA_DEFAULT,
  KAD_K_DEFAULT,
  KAD_REQUEST_TIMEOUT_MS_DEFAULT,
  KAD_REQUESTS_MAX_DEFAULT,
  KAD_RETRIES_DEFAULT,
} from './constants.js';
import type { KadEvent, KadNodeOptions } from './types.js';

/** Options of a {@link KadDhtNode}: those of `KadNode` and the DHT's. */
export interface KadDhtNodeOptions extends KadNodeOptions {
  /** @default nobleCrypto */
  readonly crypto?: CryptoBackend;
  /** Lifetime of the records this node writes. @default 3600000 (1 h) */
  readonly ttlMs?: number;
  /** Longest lifetime a STORE may ask for. @default 86400000 (24 h) */
  readonly ttlMaxMs?: number;
  /** The writer republishes its records after this share of their lifetime. @default 0.5 */
  readonly republishFraction?: number;
  /** Records held at most. @default 4096 */
  readonly recordsMax?: number;
  /** Bytes of records held at most. @default 4194304 */
  readonly bytesMax?: number;
  /** Records one writer may have on this node. @default 256 */
  readonly recordsPerWriterMax?: number;
  /** Longest value accepted. @default 1000 */
  readonly valueBytesMax?: number;
  /** Records this node republishes as their writer, at most. @default 1024 */
  readonly publishedMax?: number;
  /** Puts and gets in flight at once. @default 256 */
  readonly operationsMax?: number;
}

/** Options with defaults filled in. */
export interface ResolvedKadDhtOptions {
  readonly rng: Rng;
  readonly crypto: CryptoBackend;
  readonly k: number;
  readonly alpha: number;
  /** Copies of each record: k. */
  readonly replicationFactor: number;
  readonly requestTimeoutMs: number;
  readonly retries: number;
  readonly requestsMax: number;
  readonly ttlMs: number;
  readonly ttlMaxMs: number;
  readonly republishFraction: number;
  readonly recordsMax: number;
  readonly bytesMax: number;
  readonly recordsPerWriterMax: number;
  readonly valueBytesMax: number;
  readonly publishedMax: number;
  readonly operationsMax: number;
}

/**
 * Fills defaults and validates once (RangeError on misuse).
 * @example resolveKadDhtOptions({ id, rng })
 */
export function resolveKadDhtOptions(o: KadDhtNodeOptions): ResolvedKadDhtOptions {
  const int = (name: string, v: number | undefined, dflt: number, min: number): number => {
    const r = v ?? dflt;
    if (!Number.isInteger(r) || r < min)
      throw new RangeError(`KadDhtNode ${name} must be >= ${min}`);
    return r;
  };
  const fraction = o.republishFraction ?? 0.5;
  if (!(fraction > 0 && fraction < 1)) throw new RangeError('republishFraction must be in (0, 1)');
  const k = int('k', o.k, KAD_K_DEFAULT, 1);
  return {
    rng: o.rng,
    crypto: o.crypto ?? nobleCrypto,
    k,
    alpha: int('alpha', o.alpha, KAD_ALPHA_DEFAULT, 1),
    replicationFactor: k,
    requestTimeoutMs: int(
      'requestTimeoutMs',
      o.requestTimeoutMs,
      KAD_REQUEST_TIMEOUT_MS_DEFAULT,
      1,
    ),
    retries: int('retries', o.retries, KAD_RETRIES_DEFAULT, 0),
    requestsMax: int('requestsMax', o.requestsMax, KAD_REQUESTS_MAX_DEFAULT, 1),
    ttlMs: int('ttlMs', o.ttlMs, 3_600_000, 1000),
    ttlMaxMs: int('ttlMaxMs', o.ttlMaxMs, 86_400_000, 1000),
    republishFraction: fraction,
    recordsMax: int('recordsMax', o.recordsMax, 4096, 1),
    bytesMax: int('bytesMax', o.bytesMax, 4 * 1024 * 1024, 1),
    recordsPerWriterMax: int('recordsPerWriterMax', o.recordsPerWriterMax, 256, 1),
    valueBytesMax: Math.min(1000, int('valueBytesMax', o.valueBytesMax, 1000, 1)),
    publishedMax: int('publishedMax', o.publishedMax, 1024, 1),
    operationsMax: int('operationsMax', o.operationsMax, 256, 1),
  };
}

/** Events of a {@link KadDhtNode}: the same put/get ends as `DhtNode`'s, and the routing node's. */
export type KadDhtEvent =
  | DhtPutDone
  | DhtGetDone
  /** An event of the inner KadNode (joins, its own lookups). */
  | { readonly type: 'kad'; readonly event: KadEvent };

/** Counters of a KadDhtNode (never reset). */
export interface KadDhtStats {
  /** DHT messages sent, by type (first copies). */
  sent: Record<string, number>;
  /** DHT messages received, by type. */
  received: Record<string, number>;
  dropped: Record<string, number>;
  /** Records refused, by reason (remote STOREs and local puts). */
  refused: Record<string, number>;
  /** Kept empty: Kademlia holders do not replicate (the writer's STOREs reach all k). */
  readonly replicates: Record<string, number>;
  retransmits: number;
  putsStarted: number;
  putsSucceeded: number;
  putsFailed: number;
  getsStarted: number;
  getsSucceeded: number;
  getsFailed: number;
  republishes: number;
  boundHits: Record<string, number>;
}

/**
 * Fresh zeroed counters.
 * @example const stats = createKadDhtStats();
 */
export function createKadDhtStats(): KadDhtStats {
  return {
    sent: {},
    received: {},
    dropped: {},
    refused: {},
    replicates: {},
    retransmits: 0,
    putsStarted: 0,
    putsSucceeded: 0,
    putsFailed: 0,
    getsStarted: 0,
    getsSucceeded: 0,
    getsFailed: 0,
    republishes: 0,
    boundHits: {},
  };
}
