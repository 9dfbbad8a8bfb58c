/**
 * @module dht/replica-set
 * Who holds a key (issue 15 Build 1). A node's **view** is itself plus its DRT leaf set (the
 * `leafSetSide` nodes each way around its key, 5 by default). For a key K the **replica set** in
 * that view is the `replicationFactor` members closest to K by ring distance (the DRT's
 * nearness), the first being K's **owner**: the node the DRT finds as closest to K. With the
 * default factor 5 (owner + 4) and 5 neighbours each way, the replica set of any key a node owns
 * lies inside its leaf set, so the owner can reach all its replicas without a search.
 */
import { type Endpoint, endpointKey } from '../keys/endpoint.js';
import { type Key, keyToBigInt, ringDistanceBig } from '../keys/key256.js';

/** One member of a view. */
export interface ViewMember {
  readonly key: Key;
  readonly keyBig: bigint;
  readonly endpoint: Endpoint;
  /** endpointKey() of `endpoint`. */
  readonly endpointKey: string;
  readonly self: boolean;
}

/**
 * A view member.
 * @example viewMember(key, endpoint, false)
 */
export function viewMember(key: Key, endpoint: Endpoint, self: boolean): ViewMember {
  return { key, keyBig: keyToBigInt(key), endpoint, endpointKey: endpointKey(endpoint), self };
}

/**
 * The members of `view` ordered by ring distance to `target`, closest first (ties: lower key).
 * @example rankFor(view, key).slice(0, 5) // the replica set
 */
export function rankFor(view: readonly ViewMember[], target: Key | bigint): ViewMember[] {
  const t = typeof target === 'bigint' ? target : keyToBigInt(target);
  return view
    .map((m) => ({ m, d: ringDistanceBig(m.keyBig, t) }))
    .sort((a, b) => (a.d < b.d ? -1 : a.d > b.d ? 1 : a.m.keyBig < b.m.keyBig ? -1 : 1))
    .map((x) => x.m);
}

/**
 * The position of the view's own member in the ranking for `target` (0: owner).
 * @example selfRank(view, key) < replicationFactor // this node is a replica
 */
export function selfRank(view: readonly ViewMember[], target: Key | bigint): number {
  return rankFor(view, target).findIndex((m) => m.self);
}
