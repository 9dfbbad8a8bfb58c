/**
 * @module graph/stats
 * A `GraphNode`'s counters (docs/design.md §2: never reset by reading). Terminated connections,
 * dropped messages, refused records and bound hits are counted by reason code.
 */

/** Counters of one graph node. */
export interface GraphStats {
  connectionsOpened: number;
  connectionsAccepted: number;
  /** Connections ended, by reason (`malformed:<code>`, `out-of-state`, `auth-timeout`, ...). */
  terminated: Record<string, number>;
  bytesReceived: number;
  bytesSent: number;
  /** Messages received, by type. */
  received: Record<string, number>;
  /** Messages sent, by type. */
  sent: Record<string, number>;
  /** Units or messages dropped without ending the connection, by reason. */
  dropped: Record<string, number>;
  floodsReceived: number;
  /** FLOODs classified "new" (§3.1.5.2.10). */
  floodsUseful: number;
  /** FLOODs classified "already present" or "old": the duplicates of flooding. */
  floodsDuplicate: number;
  floodsSent: number;
  /** Records refused before or by the database, by reason. */
  recordsRefused: Record<string, number>;
  recordsDeferred: number;
  recordsExpired: number;
  recordsRefreshed: number;
  /** Neighbours disconnected as least useful (§3.1.7.14). */
  neighboursPruned: number;
  /** Short-term partition repair dials (§3.1.6.5). */
  partitionRepairs: number;
  /** Syncs finished, by kind. */
  syncs: Record<string, number>;
  /** Events emitted, by type. */
  events: Record<string, number>;
  /** Bounds hit, by name. */
  boundHits: Record<string, number>;
}

/**
 * Fresh zeroed counters.
 * @example const stats = createGraphStats();
 */
export function createGraphStats(): GraphStats {
  return {
    connectionsOpened: 0,
    connectionsAccepted: 0,
    terminated: {},
    bytesReceived: 0,
    bytesSent: 0,
    received: {},
    sent: {},
    dropped: {},
    floodsReceived: 0,
    floodsUseful: 0,
    floodsDuplicate: 0,
    floodsSent: 0,
    recordsRefused: {},
    recordsDeferred: 0,
    recordsExpired: 0,
    recordsRefreshed: 0,
    neighboursPruned: 0,
    partitionRepairs: 0,
    syncs: {},
    events: {},
    boundHits: {},
  };
}

/**
 * Adds to a counter in a by-reason record.
 * @example count(stats.terminated, 'out-of-state')
 */
export function count(record: Record<string, number>, reason: string, by = 1): void {
  record[reason] = (record[reason] ?? 0) + by;
}
