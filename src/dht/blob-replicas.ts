/**
 * @module dht/blob-replicas
 * Where a BLOB's copies belong (issue 15 Build 3): the same replica set as a value's, read from
 * a `DhtNode`'s view (itself and its leaf set, dht/replica-set.ts): the `replicationFactor`
 * nodes whose DRT keys are closest to the BLOB's key. The BLOB node (dht/blob-node.ts) pushes a
 * held BLOB to the endpoints this returns; their connection endpoints are their DHT endpoints.
 */
import type { Endpoint } from '../keys/endpoint.js';
import type { DhtBlobNode } from './blob-node.js';
import type { DhtNode } from './dht-node.js';
import { rankFor } from './replica-set.js';

/**
 * The endpoints of `key`'s replica set in `dht`'s view, without `dht` itself, closest first.
 * @example blob.replicateBlob(now, key, blobReplicaEndpoints(dht, key));
 */
export function blobReplicaEndpoints(dht: DhtNode, key: Uint8Array): Endpoint[] {
  return rankFor(dht.view(), key)
    .slice(0, dht.options.replicationFactor)
    .filter((m) => !m.self)
    .map((m) => m.endpoint);
}

/**
 * Hands `blob`'s held BLOBs over to their replica sets in `dht`'s view
 * ({@link DhtBlobNode.handover} with {@link blobReplicaEndpoints}); `dht` and `blob` run on the
 * same endpoint. Call it when `dht` reports a leaf-set change (a `drt` event of type
 * `leafset-key-changed`) and periodically, e.g. every `reconcileIntervalMs`. Returns the
 * operation IDs of the pushes opened.
 * @example
 * if (event.type === 'drt' && event.event.type === 'leafset-key-changed') blobHandover(blob, dht, now);
 */
export function blobHandover(blob: DhtBlobNode, dht: DhtNode, nowMs: number): number[] {
  return blob.handover(nowMs, (key) => blobReplicaEndpoints(dht, key));
}
