/**
 * `pnrp/dht`: a DHT on the DRT (issue 15): `DhtNode` (a sans-I/O node owning a `DrtNode`, sharing
 * its endpoint), immutable and signed mutable records, validators for application record types,
 * and the DHT's own codec; and its async API, {@link openDht} (`peer.dht` of `createPeer`). x509-free.
 * @module pnrp/dht
 */

export type {
  Dht,
  DhtBootstrap,
  DhtDeleteOptions,
  DhtGetMutableOptions,
  DhtKeyInput,
  DhtListenOptions,
  DhtOperationOptions,
  DhtPutMutableOptions,
  DhtPutResult,
  DhtValueInput,
  OpenDhtOptions,
} from '../peer/dht-types.js';
export { openDht } from '../peer/open-dht.js';
export type { PeerDhtOptions } from '../peer/types.js';
export {
  BLOB_CHUNK_BYTES,
  BLOB_REFUSALS,
  type BlobManifest,
  type BlobRefusal,
  blobKeyOf,
  blobManifestOf,
} from './blob-codec.js';
export { DhtBlobNode } from './blob-node.js';
export { blobHandover, blobReplicaEndpoints } from './blob-replicas.js';
export type { BlobEvent, BlobFailure, BlobStats, DhtBlobNodeOptions } from './blob-types.js';
export {
  DHT_DECODE_ERROR_CODES,
  type DhtMessage,
  decodeDhtMessage,
  encodeDhtMessage,
  isDhtDatagram,
} from './codec.js';
export {
  DHT_LARGE_VALUE_BYTES_MAX,
  DHT_MAGIC,
  DHT_RECORD_TYPE,
  DHT_REFUSAL_REASONS,
  DHT_VALUE_BYTES_MAX,
  type DhtRefusal,
} from './constants.js';
export { DhtNode } from './dht-node.js';
export type { DhtNodeOptions } from './options.js';
export {
  type DhtRecord,
  immutableKeyOf,
  immutableRecord,
  immutableValidator,
  type MutableWriter,
  mutableKeyOf,
  mutableRecord,
  mutableValidator,
  type RecordChoice,
  type ValueValidator,
} from './record.js';
export {
  type DhtStorage,
  type MemoryDhtStorage,
  memoryDhtStorage,
  type StoredDhtRecord,
} from './storage.js';
export type { DhtEvent, DhtFailure, DhtGetDone, DhtPutDone, DhtStats } from './types.js';
