/**
 * @module dht/operations
 * Puts and gets as small state machines (issue 15 Build 1). A get first walks toward the key with
 * FIND_VALUE itself (dht/get-walk.ts: each NOT_FOUND names closer nodes, the holder answers with
 * the value); when that walk ends without it, or for a put, the operation finds the key's owner
 * with a DRT nearest search (a narrow range first, then the whole ring), then:
 * - a put sends STORE there; a `not-responsible` refusal may name a closer node (one redirect
 *   per attempt, at most `attemptsMax` STOREs); when this node is itself closer than anything
 *   found, it stores locally and replicates;
 * - a get sends FIND_VALUE there; NOT_FOUND may name other replicas, which are asked in turn (at
 *   most 4 nodes); a COOKIE answer is echoed (dht/cookies.ts); a VALUE must pass the record
 *   type's validator and carry the asked key, else the next replica is asked. When every node
 *   asked timed out or had nothing, the get searches once more over the whole ring.
 * Messages of an operation = the search's requests and answers plus the DHT requests sent
 * (retransmissions included) and answers received.
 */
import type { Endpoint } from '../keys/endpoint.js';
import type { Key } from '../keys/key256.js';
import type { GetWalk } from './get-walk.js';
import type { DhtRecord } from './record.js';

/** Nodes a get asks at most (the search's result and hints). */
export const GET_CANDIDATES_MAX = 4;
/** COOKIE answers one get echoes at most. */
export const COOKIE_ECHOES_MAX = 2;

/** One put or get in flight. */
export interface DhtOperation {
  readonly id: number;
  readonly kind: 'put' | 'get';
  readonly key: Key;
  readonly keyHex: string;
  /** The record a put stores. */
  readonly record?: DhtRecord;
  readonly ttlMs: number;
  readonly cas?: number;
  readonly republish: boolean;
  searchId: number | undefined;
  /** The owner search ran (or runs) over the whole ring. */
  wide: boolean;
  /** A get whose nodes all failed searched once more (the cloud changed under it). */
  searchedAgain: boolean;
  /** Endpoints still to ask (gets), or the redirect to follow (puts). */
  readonly candidates: Endpoint[];
  /** endpointKey() of every node asked. */
  readonly tried: Set<string>;
  /** STOREs or FIND_VALUE targets used. */
  attempts: number;
  cookieEchoes: number;
  messages: number;
  /** A get's walk toward the key (dht/get-walk.ts), while it lasts. */
  walk: GetWalk | undefined;
  /** A get's first valid mutable record while it reads a second holder. */
  found: DhtRecord | undefined;
  /** Distance from the key within which a node is expected to hold it (DhtNode.replicaSpan). */
  span: bigint | undefined;
}

/**
 * A fresh operation.
 * @example newOperation(1, 'get', key, keyHex, {})
 */
export function newOperation(
  id: number,
  kind: 'put' | 'get',
  key: Key,
  keyHex: string,
  fields: {
    readonly record?: DhtRecord;
    readonly ttlMs?: number;
    readonly cas?: number;
    readonly republish?: boolean;
  },
): DhtOperation {
  return {
    id,
    kind,
    key,
    keyHex,
    ...(fields.record !== undefined ? { record: fields.record } : {}),
    ttlMs: fields.ttlMs ?? 0,
    ...(fields.cas !== undefined ? { cas: fields.cas } : {}),
    republish: fields.republish ?? false,
    searchId: undefined,
    wide: false,
    searchedAgain: false,
    candidates: [],
    tried: new Set(),
    attempts: 0,
    cookieEchoes: 0,
    messages: 0,
    walk: undefined,
    span: undefined,
    found: undefined,
  };
}
