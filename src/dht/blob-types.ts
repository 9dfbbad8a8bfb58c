/**
 * @module dht/blob-types
 * Options, events and counters of a `DhtBlobNode` (dht/blob-node.ts), with their defaults and
 * their one-time validation.
 */
import { type CryptoBackend, nobleCrypto } from '../keys/crypto-backend.js';
import type { Endpoint } from '../keys/endpoint.js';
import { BLOB_CHUNK_BYTES, BLOB_FORMAT_BYTES_MAX, type BlobRefusal } from './blob-codec.js';

/** Options of a DhtBlobNode; every one optional. */
export interface DhtBlobNodeOptions {
  /** SHA-256 for manifests and chunks. @default nobleCrypto */
  readonly crypto?: CryptoBackend;
  /** Largest BLOB stored or fetched. @default 16777216 (16 MiB) */
  readonly blobBytesMax?: number;
  /** Bytes of BLOBs held (and reserved by transfers in progress). @default 268435456 (256 MiB) */
  readonly bytesMax?: number;
  /** Bytes one writer (a connecting address) may hold here. @default 67108864 (64 MiB) */
  readonly bytesPerWriterMax?: number;
  /** Connections with a transfer at once, both directions; more are refused `busy`. @default 16 */
  readonly transfersMax?: number;
  /**
   * Connections one address may have this node serve at once (its fair share of
   * `transfersMax`); more are refused `busy`. @default 4
   */
  readonly transfersPerSourceMax?: number;
  /** Chunks sent and not yet acknowledged, per transfer (64 KiB each). @default 8 */
  readonly windowChunks?: number;
  /** A transfer that receives nothing for this long is aborted (`timeout`). @default 30000 */
  readonly idleTimeoutMs?: number;
  /**
   * Handover pushes (`DhtBlobNode.handover`) in progress at once, within `transfersMax`, so
   * that handover never takes every transfer from stores and fetches. @default 4
   */
  readonly handoverTransfersMax?: number;
}

/** Options with defaults filled in. */
export type ResolvedBlobOptions = Required<DhtBlobNodeOptions>;

/** Why a BLOB store or fetch ended without success. */
export type BlobFailure = BlobRefusal | 'unreachable' | 'closed' | 'protocol';

/** Every event of a DhtBlobNode. */
export type BlobEvent =
  | {
      /** A `storeBlob` ended: the holder verified and stored it (or already held it). */
      readonly type: 'blob-stored';
      readonly opId: number;
      readonly key: Uint8Array;
      readonly failure: BlobFailure | undefined;
    }
  | {
      /** A `fetchBlob` ended; `blob` is verified against the key. */
      readonly type: 'blob-fetched';
      readonly opId: number;
      readonly key: Uint8Array;
      readonly blob: Uint8Array | undefined;
      readonly failure: BlobFailure | undefined;
    }
  | {
      /** This node accepted and stored a BLOB sent by `from`. */
      readonly type: 'blob-received';
      readonly key: Uint8Array;
      readonly from: Endpoint;
    };

/** Counters of a DhtBlobNode (never reset). */
export interface BlobStats {
  /** BLOBs verified and stored here. */
  blobsStored: number;
  /** BLOBs sent whole to a reader. */
  blobsServed: number;
  /** Refusals this node decided, by reason (as holder and as reader). */
  refused: Record<string, number>;
  /** Transfers aborted for a protocol error, by code. */
  protocolErrors: Record<string, number>;
  chunksSent: number;
  chunksReceived: number;
  storesSucceeded: number;
  storesFailed: number;
  fetchesSucceeded: number;
  fetchesFailed: number;
  /** Stores opened by `DhtBlobNode.handover` (each also counted in `storesSucceeded`/`storesFailed`). */
  handoverPushes: number;
}

/**
 * Fresh zeroed counters.
 * @example const stats = createBlobStats();
 */
export function createBlobStats(): BlobStats {
  return {
    blobsStored: 0,
    blobsServed: 0,
    refused: {},
    protocolErrors: {},
    chunksSent: 0,
    chunksReceived: 0,
    storesSucceeded: 0,
    storesFailed: 0,
    fetchesSucceeded: 0,
    fetchesFailed: 0,
    handoverPushes: 0,
  };
}

const COUNTS = {
  blobBytesMax: { fallback: 16 * 1024 * 1024, max: BLOB_FORMAT_BYTES_MAX },
  bytesMax: { fallback: 256 * 1024 * 1024, max: 2 ** 40 },
  bytesPerWriterMax: { fallback: 64 * 1024 * 1024, max: 2 ** 40 },
  transfersMax: { fallback: 16, max: 4096 },
  transfersPerSourceMax: { fallback: 4, max: 4096 },
  windowChunks: { fallback: 8, max: 256 },
  idleTimeoutMs: { fallback: 30_000, max: 3_600_000 },
  handoverTransfersMax: { fallback: 4, max: 4096 },
} as const;

/**
 * Fills defaults and validates once; throws TypeError/RangeError on misuse.
 * @example resolveBlobOptions({ blobBytesMax: 1 << 20 })
 */
export function resolveBlobOptions(o: DhtBlobNodeOptions = {}): ResolvedBlobOptions {
  if (typeof o !== 'object' || o === null) throw new TypeError('options must be an object');
  const counts = {} as Record<keyof typeof COUNTS, number>;
  for (const name of Object.keys(COUNTS) as (keyof typeof COUNTS)[]) {
    const { fallback, max } = COUNTS[name];
    const value = o[name] ?? fallback;
    if (!Number.isInteger(value) || value < 1 || value > max)
      throw new RangeError(`${name} must be an integer in 1..${max}, got ${value}`);
    counts[name] = value;
  }
  if (counts.windowChunks * BLOB_CHUNK_BYTES > 64 * 1024 * 1024)
    throw new RangeError('windowChunks too large');
  return { ...counts, crypto: o.crypto ?? nobleCrypto };
}
