/**
 * @module graph/graph-info
 * The graph info record ([MS-PPGRH] §2.2.3.1): published by the creator (§3.1.4.1, §3.1.7.7,
 * lifetime 300 s, refreshed automatically by the creator), read by everyone into the graph-wide
 * settings (§3.1.7.10.2: Presence Lifetime, Max Presence Records, Max Record Size, and the Defer
 * Expiration bit).
 *
 * Decision: a Max Record Size above what our codec decodes (`GRAPH_WIRE_LIMITS.maxRecordSize`),
 * or 0 (the specification's 60 MiB), is held at the codec's limit, so every record this node
 * accepts can also travel.
 */
import type { GraphCore } from './core.js';
import { FIXED_RECORD_ID, type GraphRecord, RECORD_TYPE } from './model.js';
import type { RecordResult, Records } from './records.js';
import { count } from './stats.js';
import {
  decodeGraphInfo,
  encodeGraphInfo,
  GRAPH_WIRE_LIMITS,
  type GraphScope,
} from './wire/index.js';

/** Graph info record lifetime (§3.1.7.7). */
export const GRAPH_INFO_LIFETIME_MS = 300_000;

/** What the creator chooses for the graph (§3.1.4.1); every field optional. */
export interface GraphInfoOptions {
  /** Friendly Name of the graph (at most 255 characters). @default '' */
  readonly friendlyName?: string;
  /** Comment (at most 511 characters). @default '' */
  readonly comment?: string;
  /** Presence Lifetime in seconds: 0 (300 s) or at least 300. @default 0 */
  readonly presenceLifetimeS?: number;
  /** Max Presence Records: -1 everyone publishes, 0 only when the application asks. @default -1 */
  readonly maxPresenceRecords?: number;
  /** Max Record Size in bytes: 0 (the largest) or 1024..62914560. @default 0 */
  readonly maxRecordSize?: number;
  /** Defer Expiration: expire records only while connected. @default false */
  readonly deferExpiration?: boolean;
  /** @default 'global' */
  readonly scope?: GraphScope;
}

/** Publishing and reading the graph info record. */
export class GraphInfo {
  constructor(
    private readonly core: GraphCore,
    private readonly records: () => Records,
  ) {
    core.settings.maxRecordSize = GRAPH_WIRE_LIMITS.maxRecordSize;
  }

  /** §3.1.7.7: the creator publishes the record (autorefreshed). */
  publish(info: GraphInfoOptions): RecordResult {
    const max = info.maxPresenceRecords ?? -1;
    const payload = encodeGraphInfo({
      deferExpiration: info.deferExpiration ?? false,
      scope: info.scope ?? 'global',
      graphId: this.core.graphId,
      creatorId: this.core.peerId,
      friendlyName: info.friendlyName ?? '',
      comment: info.comment ?? '',
      presenceLifetimeS: info.presenceLifetimeS ?? 0,
      maxPresenceRecords: max < 0 ? 0xffff_ffff : max,
      maxRecordSize: info.maxRecordSize ?? 0,
    });
    return this.records().create(
      { type: RECORD_TYPE.graphInfo, payload, lifetimeMs: GRAPH_INFO_LIFETIME_MS },
      { internal: true, id: FIXED_RECORD_ID.graphInfo, autorefresh: true },
    );
  }

  /** §3.1.7.10.2: a stored graph info record updates the settings. */
  onRecord(record: GraphRecord): void {
    if (record.deleted) return;
    const decoded = decodeGraphInfo(record.payload);
    if (!decoded.ok) {
      count(this.core.stats.dropped, `graph-info:${decoded.error.code}`);
      return;
    }
    const g = decoded.value;
    const s = this.core.settings;
    s.presenceLifetimeMs = (g.presenceLifetimeS === 0 ? 300 : g.presenceLifetimeS) * 1000;
    s.maxPresenceRecords = g.maxPresenceRecords === 0xffff_ffff ? -1 : g.maxPresenceRecords;
    const wireMax = GRAPH_WIRE_LIMITS.maxRecordSize;
    s.maxRecordSize = g.maxRecordSize === 0 ? wireMax : Math.min(wireMax, g.maxRecordSize);
    s.deferExpiration = g.deferExpiration;
  }
}
