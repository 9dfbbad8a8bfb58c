/**
 * @module drt/stats
 * A node's counters (docs/design.md §2: never reset by reading). Drops are counted by reason; the
 * five PNRP performance counters (bytes in/out, IDs registered, resolves, stale cache entry hits)
 * are derived from these by the PNRP layer.
 */

/** Counters of one node. */
export interface DrtStats {
  datagramsReceived: number;
  datagramsSent: number;
  bytesReceived: number;
  bytesSent: number;
  /** Datagrams or messages dropped, by reason code. */
  dropped: Record<string, number>;
  /** Messages received, by type. */
  received: Record<string, number>;
  /** Messages sent, by type (retransmissions included). */
  sent: Record<string, number>;
  retransmits: number;
  lookupsAnswered: number;
  inquiresAnswered: number;
  searchesStarted: number;
  searchesSucceeded: number;
  searchesFailed: number;
  /** Cache entries found dead (unanswered INQUIRE/LOOKUP/FLOOD, or denied). */
  staleCacheEntryHits: number;
  cacheAdmissions: number;
  /** Candidates refused by the return-routability check. */
  cacheAdmissionsRefused: number;
  floodsSent: number;
  floodsReceived: number;
  revokesReceived: number;
  /** Walk INQUIREs not sent: the joiner held the candidate's proof from its admission (node.ts). */
  joinProofsReused: number;
  /** Sources that proved their address by echoing our cookie (address-proof.ts). */
  addressesProven: number;
  /** Small answers (B-flag AUTHORITY, SOLICIT ACK) sent to unproven sources instead of the full one. */
  addressChallenges: number;
  /** Bounds hit (pending adds, searches, floods, conversations), by name. */
  boundHits: Record<string, number>;
}

/**
 * Fresh zeroed counters.
 * @example const stats = createDrtStats();
 */
export function createDrtStats(): DrtStats {
  return {
    datagramsReceived: 0,
    datagramsSent: 0,
    bytesReceived: 0,
    bytesSent: 0,
    dropped: {},
    received: {},
    sent: {},
    retransmits: 0,
    lookupsAnswered: 0,
    inquiresAnswered: 0,
    searchesStarted: 0,
    searchesSucceeded: 0,
    searchesFailed: 0,
    staleCacheEntryHits: 0,
    cacheAdmissions: 0,
    cacheAdmissionsRefused: 0,
    floodsSent: 0,
    floodsReceived: 0,
    revokesReceived: 0,
    joinProofsReused: 0,
    addressesProven: 0,
    addressChallenges: 0,
    boundHits: {},
  };
}

/**
 * Adds one to a counter in a by-reason record.
 * @example bump(stats.dropped, 'truncated')
 */
export function bump(record: Record<string, number>, reason: string, by = 1): void {
  record[reason] = (record[reason] ?? 0) + by;
}
