/**
 * @module dht/get-walk
 * The nodes a get walks toward its key (issue 15, messages per get). A get does not search for
 * the owner first: it asks the node closest to the key in its own DRT cache with FIND_VALUE;
 * a node that holds the value and is within reach of the key's replica set answers it, any other
 * answers NOT_FOUND with keyed hints (dht/responder.ts): the nodes of its own cache closest to
 * the key. The walk asks the closest node not yet asked, so each hop costs one request and one
 * answer, and the last hop (the holder) answers with the value: the FIND_VALUE is both the
 * search and the read, where a DRT search would end with an INQUIRE before it.
 * Bounded: {@link WALK_CANDIDATES_MAX} candidates kept (the farthest dropped), at most
 * {@link WALK_ASKS_MAX} nodes asked; after that the get falls back to the DRT's owner search.
 */
import { type Endpoint, endpointKey } from '../keys/endpoint.js';
import { keyToBigInt, ringDistanceBig } from '../keys/key256.js';

/** Candidates a walk keeps, closest first. */
export const WALK_CANDIDATES_MAX = 16;
/** Nodes one walk asks at most before falling back to the owner search. */
export const WALK_ASKS_MAX = 8;

interface Candidate {
  readonly endpoint: Endpoint;
  readonly endpointKey: string;
  readonly distance: bigint;
}

/**
 * The candidates of one get's walk toward `target`.
 * @example const w = new GetWalk(key); w.add(hintKey, hintEndpoint); const next = w.next();
 */
export class GetWalk {
  /** Nodes asked so far. */
  asks = 0;
  private readonly target: bigint;
  private readonly candidates: Candidate[] = [];
  private readonly seen = new Set<string>();

  constructor(target: Uint8Array) {
    this.target = keyToBigInt(target);
  }

  /** Adds a node (its DRT key and endpoint) unless it was seen before. */
  add(key: Uint8Array, endpoint: Endpoint): void {
    const k = endpointKey(endpoint);
    if (this.seen.has(k) || key.length !== 32) return;
    this.seen.add(k);
    const distance = ringDistanceBig(keyToBigInt(key), this.target);
    let at = this.candidates.findIndex((c) => distance < c.distance);
    if (at < 0) at = this.candidates.length;
    if (at >= WALK_CANDIDATES_MAX) return;
    this.candidates.splice(at, 0, { endpoint, endpointKey: k, distance });
    if (this.candidates.length > WALK_CANDIDATES_MAX) this.candidates.pop();
  }

  /** Marks an endpoint as seen (this node, a node asked outside the walk). */
  exclude(endpoint: Endpoint): void {
    this.seen.add(endpointKey(endpoint));
  }

  /** The closest candidate not asked yet (removed from the list), counted as an ask. */
  next(): { endpoint: Endpoint; distance: bigint } | undefined {
    if (this.asks >= WALK_ASKS_MAX) return undefined;
    const c = this.candidates.shift();
    if (c === undefined) return undefined;
    this.asks++;
    return { endpoint: c.endpoint, distance: c.distance };
  }
}
