/**
 * @module kad/types
 * Options, events and counters of `KadNode` (kad/node). Every option optional except the ID and
 * the random stream, validated once at construction, with the defaults of `kad/constants`.
 */
import type { Endpoint } from '../keys/endpoint.js';
import type { Rng } from '../util/rng.js';
import type { KadContact } from './codec.js';
import type { LookupStats } from './lookup.js';

/** Options of a {@link KadNode}. */
export interface KadNodeOptions {
  /** The node's 256-bit ID. */
  readonly id: Uint8Array;
  /** The node's random stream (transaction IDs, refresh targets, the answer-budget salt). */
  readonly rng: Rng;
  /** Endpoints asked first when the node joins (IDs unknown). @default [] */
  readonly bootstrap?: readonly Endpoint[];
  /** Bucket size and lookup result size. @default 20 */
  readonly k?: number;
  /** Parallel requests per lookup. @default 3 */
  readonly alpha?: number;
  /** Ms before an unanswered request is sent again. @default 1000 */
  readonly requestTimeoutMs?: number;
  /** Retransmissions before a peer counts as failed. @default 1 */
  readonly retries?: number;
  /** A bucket without a lookup for this long is refreshed. @default 3600000 (one hour) */
  readonly refreshIntervalMs?: number;
  /** Lookups running at once. @default 64 */
  readonly lookupsMax?: number;
  /** Requests in flight at once. @default 1024 */
  readonly requestsMax?: number;
  /** Replacement-cache entries per bucket. @default 20 */
  readonly replacementsMax?: number;
  /**
   * A full bucket PINGs its least recently seen entry before evicting it only when that entry
   * has been silent this long (BEP 5's "good node" window). @default 900000 (15 minutes)
   */
  readonly headFreshMs?: number;
  /** Routing-table entries per IP address. @default 2 */
  readonly contactsPerAddressMax?: number;
  /** Answers per second per source (hashed into 64 shared budgets). @default 50 */
  readonly answersPerSourcePerSecond?: number;
  /**
   * Pad FIND_NODE to the size of a full answer, so that a node that does not know this one yet
   * may answer with all k contacts without sending more bytes than it received. @default true
   */
  readonly padFindNode?: boolean;
}

/** Why a lookup ended without asking anyone. */
export type KadLookupFailure = 'busy' | 'no-contacts';

/** The end of a lookup started with `lookup()` (refreshes and joins end silently). */
export interface KadLookupDone {
  readonly type: 'lookup-done';
  readonly lookupId: number;
  readonly target: Uint8Array;
  /** Up to k nodes that answered, closest to the target first. */
  readonly closest: readonly KadContact[];
  /** True when the node with the target ID itself answered during the lookup. */
  readonly found: boolean;
  /** Referral depth of the target's entry (nodes asked in sequence before it was known). */
  readonly hops: number | undefined;
  /** Distinct nodes asked. */
  readonly contacted: number;
  readonly stats: LookupStats;
  readonly failure: KadLookupFailure | undefined;
}

/** Events of a {@link KadNode}. */
export type KadEvent =
  | KadLookupDone
  /** The join ended: the lookup of the own ID and the refresh of the farther buckets. */
  | { readonly type: 'joined'; readonly contacts: number };

/** Counters; never reset by reading. */
export interface KadStats {
  datagramsSent: number;
  datagramsReceived: number;
  /** FIND_NODE and PING requests sent, first copies. */
  requestsSent: number;
  retransmits: number;
  /** NODES and PONG answers sent. */
  answersSent: number;
  answersReceived: number;
  /** PINGs sent to a bucket's head before evicting it. */
  evictionPings: number;
  evictions: number;
  lookupsStarted: number;
  refreshLookups: number;
  lookupsRefused: number;
  /** Answers to unproven sources cut to the request's size. */
  answersTrimmed: number;
  /** Requests not answered because the source's answer budget was spent. */
  answersRateLimited: number;
  /** Datagrams dropped, by reason (decode error codes, 'unsolicited', 'own-id', ...). */
  readonly dropped: Record<string, number>;
}
