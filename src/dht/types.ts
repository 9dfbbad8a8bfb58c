/**
 * @module dht/types
 * What a `DhtNode` reports through `poll()` (its events) and counts (its stats).
 */
import type { NodeEvent } from '../drt/events.js';
import type { Key } from '../keys/key256.js';
import type { DhtRefusal } from './constants.js';
import type { DhtRecord } from './record.js';

/** Why a put or get ended without success. */
export type DhtFailure = DhtRefusal | 'not-found' | 'timeout' | 'no-owner' | 'busy' | 'closed';

/**
 * A put (put, putMutable, delete, or a republish when `republish`) ended: the same event from
 * `DhtNode` and the Kademlia baseline's `KadDhtNode`, so the two are compared on one shape.
 */
export interface DhtPutDone {
  readonly type: 'put-done';
  readonly opId: number;
  readonly key: Key;
  /** Undefined on success (for `KadDhtNode`: at least one node stored the record). */
  readonly failure: DhtFailure | undefined;
  readonly republish: boolean;
  /**
   * Messages this put sent and received, resends included: the owner search, STOREs and their
   * answers (`KadDhtNode`: the lookup's FIND_NODEs and answers, the STOREs and theirs).
   */
  readonly messages: number;
}

/** A get ended: the same event from `DhtNode` and `KadDhtNode`. */
export interface DhtGetDone {
  readonly type: 'get-done';
  readonly opId: number;
  readonly key: Key;
  /** The record found (checked by its validator), or undefined. */
  readonly record: DhtRecord | undefined;
  readonly failure: DhtFailure | undefined;
  /** Messages this get sent and received, resends included: walk or search, FIND_VALUEs, answers. */
  readonly messages: number;
}

/** Every event of a DhtNode. */
export type DhtEvent =
  | DhtPutDone
  | DhtGetDone
  /** Any event of the inner DRT node not consumed by the DHT. */
  | { readonly type: 'drt'; readonly event: NodeEvent };

/** Counters of a DhtNode (never reset). */
export interface DhtStats {
  /** DHT messages sent, by type (retransmissions included). */
  sent: Record<string, number>;
  /** DHT messages received, by type. */
  received: Record<string, number>;
  /** DHT datagrams dropped, by reason. */
  dropped: Record<string, number>;
  /** Records refused, by reason (remote STORE/REPLICATE and local puts). */
  refused: Record<string, number>;
  /** REPLICATEs sent, by cause: `store` (after accepting a STORE), `handover` (leaf-set change or periodic check). */
  replicates: Record<string, number>;
  retransmits: number;
  putsStarted: number;
  putsSucceeded: number;
  putsFailed: number;
  getsStarted: number;
  getsSucceeded: number;
  getsFailed: number;
  republishes: number;
  /** COOKIE answers sent instead of a VALUE to an unproven source. */
  cookiesSent: number;
  /** Bounds hit, by name. */
  boundHits: Record<string, number>;
}

/**
 * Fresh zeroed counters.
 * @example const stats = createDhtStats();
 */
export function createDhtStats(): DhtStats {
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
    cookiesSent: 0,
    boundHits: {},
  };
}
