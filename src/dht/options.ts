/**
 * @module dht/options
 * Options of a `DhtNode`, their defaults and their one-time validation. Every option but `rng`
 * and `localEndpoints` is optional; `drt` passes options through to the inner `DrtNode`.
 */

import type { BootstrapProvider } from '../drt/bootstrap-provider.js';
import type { DrtNodeOptions } from '../drt/options.js';
import { type CryptoBackend, nobleCrypto } from '../keys/crypto-backend.js';
import type { Endpoint } from '../keys/endpoint.js';
import type { Key } from '../keys/key256.js';
import type { WallClock } from '../sans-io.js';
import type { Rng } from '../util/rng.js';
import {
  DHT_APP_TYPE_MIN,
  DHT_FIND_VALUE_BYTES_MAX,
  DHT_LARGE_VALUE_BYTES_MAX,
  DHT_VALUE_DATAGRAM_BYTES_MAX,
} from './constants.js';
import type { ValueValidator } from './record.js';
import type { DhtStorage } from './storage.js';

/** Options of a DhtNode. */
export interface DhtNodeOptions {
  /** Injected randomness (the node ID, request IDs, the cookie secret, jitter). */
  readonly rng: Rng;
  /** Where the node answers (DRT and DHT share them). */
  readonly localEndpoints: readonly Endpoint[];
  /** The node's DRT key (its node ID). @default 32 bytes from `rng.fork('node-id')` */
  readonly nodeId?: Key;
  /** @default a clock frozen at 2026-01-01 */
  readonly wallClock?: WallClock;
  /** @default nobleCrypto */
  readonly crypto?: CryptoBackend;
  /** @default staticBootstrap([]) */
  readonly bootstrap?: BootstrapProvider;
  /** Further options of the inner DrtNode. */
  readonly drt?: Partial<
    Omit<DrtNodeOptions, 'rng' | 'localEndpoints' | 'wallClock' | 'crypto' | 'bootstrap'>
  >;
  /** Validators of application record types (16..255), by type. @default none */
  readonly validators?: ReadonlyMap<number, ValueValidator>;
  /** Nodes holding each record: the owner and this many minus one of its nearest. @default 5 */
  readonly replicationFactor?: number;
  /** Records held at most. @default 4096 */
  readonly recordsMax?: number;
  /** Bytes of records held at most. @default 4194304 */
  readonly bytesMax?: number;
  /** Records one writer may have on this node. @default 256 */
  readonly recordsPerWriterMax?: number;
  /**
   * Records one source address may have put on this node, by STORE or by REPLICATE from anyone
   * but a leaf-set neighbour proven to this node (a writer's key costs nothing to mint).
   * @default 1024
   */
  readonly recordsPerSourceMax?: number;
  /** Longest value accepted; above 1000 bytes values travel in fragments (dht/fragments.ts). @default 65000 */
  readonly valueBytesMax?: number;
  /** Lifetime of the records this node writes. @default 3600000 (1 h) */
  readonly ttlMs?: number;
  /** The writer republishes its records after this share of their lifetime. @default 0.5 */
  readonly republishFraction?: number;
  /** Records this node republishes as their writer, at most. @default 1024 */
  readonly publishedMax?: number;
  /** Puts and gets in flight at once. @default 256 */
  readonly operationsMax?: number;
  /** DHT requests in flight at once. @default 1024 */
  readonly requestsMax?: number;
  /** A request is sent again after this long without an answer. @default 1000 */
  readonly retransmitMs?: number;
  /** Sends of one request before it is given up. @default 3 */
  readonly attemptsMax?: number;
  /** Timeout of the DRT search that finds a key's owner. @default 20000 */
  readonly searchTimeoutMs?: number;
  /** Period of the replica check that runs besides the leaf-set events. @default 60000 */
  readonly reconcileIntervalMs?: number;
  /** Delay that gathers leaf-set events before the replica check they trigger. @default 500 */
  readonly reconcileDelayMs?: number;
  /** Endpoints remembered as proven (dht/cookies.ts). @default 4096 */
  readonly provenMax?: number;
  /** @default 600000 */
  readonly provenTtlMs?: number;
  /** Other nodes' cookies remembered. @default 1024 */
  readonly cookiesMax?: number;
  /** @default 30000 */
  readonly cookieEpochMs?: number;
  /**
   * Size a get pads its FIND_VALUE to when it asks a node it expects to hold the value (one near
   * the key) and has no cookie of: an unproven holder answers with the value when the answer is no
   * larger, without a COOKIE round trip (dht/get-walk.ts). The default fits every one-datagram
   * value; a larger value (fragments) still costs the round trip. @default 1217 (at most 1232)
   */
  readonly findValuePadBytes?: number;
  /** Mirrors the records held, to outlive the process (dht/storage.ts). @default none (memory only) */
  readonly storage?: DhtStorage;
}

/** Options with defaults filled in. */
export type ResolvedDhtOptions = Required<
  Omit<DhtNodeOptions, 'nodeId' | 'wallClock' | 'bootstrap' | 'drt' | 'validators' | 'storage'>
> & {
  readonly storage: DhtStorage | undefined;
  readonly wallClock: DhtNodeOptions['wallClock'] | undefined;
  readonly bootstrap: DhtNodeOptions['bootstrap'] | undefined;
  readonly drt: DhtNodeOptions['drt'] | undefined;
  readonly nodeId: Key;
  readonly validators: ReadonlyMap<number, ValueValidator>;
};

const COUNTS = {
  replicationFactor: { fallback: 5, max: 11 },
  recordsMax: { fallback: 4096, max: 10_000_000 },
  bytesMax: { fallback: 4 * 1024 * 1024, max: 2 ** 40 },
  recordsPerWriterMax: { fallback: 256, max: 10_000_000 },
  recordsPerSourceMax: { fallback: 1024, max: 10_000_000 },
  valueBytesMax: { fallback: DHT_LARGE_VALUE_BYTES_MAX, max: DHT_LARGE_VALUE_BYTES_MAX },
  ttlMs: { fallback: 3_600_000, max: 86_400_000 },
  publishedMax: { fallback: 1024, max: 10_000_000 },
  operationsMax: { fallback: 256, max: 100_000 },
  requestsMax: { fallback: 1024, max: 1_000_000 },
  retransmitMs: { fallback: 1000, max: 60_000 },
  attemptsMax: { fallback: 3, max: 10 },
  searchTimeoutMs: { fallback: 20_000, max: 600_000 },
  reconcileIntervalMs: { fallback: 60_000, max: 86_400_000 },
  reconcileDelayMs: { fallback: 500, max: 60_000 },
  provenMax: { fallback: 4096, max: 1_000_000 },
  provenTtlMs: { fallback: 600_000, max: 86_400_000 },
  cookiesMax: { fallback: 1024, max: 1_000_000 },
  cookieEpochMs: { fallback: 30_000, max: 3_600_000 },
  findValuePadBytes: { fallback: DHT_VALUE_DATAGRAM_BYTES_MAX, max: DHT_FIND_VALUE_BYTES_MAX },
} as const;

/**
 * Fills defaults and validates once; throws TypeError/RangeError on misuse.
 * @example resolveDhtOptions({ rng: seededRng(1), localEndpoints: [ep] })
 */
export function resolveDhtOptions(o: DhtNodeOptions): ResolvedDhtOptions {
  if (typeof o !== 'object' || o === null) throw new TypeError('DhtNode options must be an object');
  if (typeof o.rng?.nextU32 !== 'function') throw new TypeError('options.rng must be an Rng');
  const counts = {} as Record<keyof typeof COUNTS, number>;
  for (const name of Object.keys(COUNTS) as (keyof typeof COUNTS)[]) {
    const { fallback, max } = COUNTS[name];
    const value = o[name] ?? fallback;
    if (!Number.isInteger(value) || value < 1 || value > max)
      throw new RangeError(`${name} must be an integer in 1..${max}, got ${value}`);
    counts[name] = value;
  }
  const fraction = o.republishFraction ?? 0.5;
  if (!(fraction > 0 && fraction < 1)) throw new RangeError('republishFraction must be in (0, 1)');
  const validators = o.validators ?? new Map<number, ValueValidator>();
  for (const type of validators.keys())
    if (!Number.isInteger(type) || type < DHT_APP_TYPE_MIN || type > 255)
      throw new RangeError(`application record types are ${DHT_APP_TYPE_MIN}..255, got ${type}`);
  const nodeId = o.nodeId ?? o.rng.fork('node-id').bytes(32);
  if (!(nodeId instanceof Uint8Array) || nodeId.length !== 32)
    throw new RangeError('nodeId must be 32 bytes');
  return {
    ...counts,
    rng: o.rng,
    localEndpoints: o.localEndpoints,
    nodeId,
    crypto: o.crypto ?? nobleCrypto,
    republishFraction: fraction,
    validators,
    wallClock: o.wallClock,
    bootstrap: o.bootstrap,
    drt: o.drt,
    storage: o.storage,
  };
}
