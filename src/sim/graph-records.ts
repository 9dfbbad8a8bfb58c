/**
 * @module sim/graph-records
 * Following the application's records through a graph cloud: when each member first held each
 * published record (from the members' `record-changed` events), and how many arrivals were
 * useful, which is what the duplicate count is measured against.
 *
 * Decisions: a record's delivery times are measured over the members that were in the group
 * when it was published and are still live at the end (a later joiner gets it by its first sync,
 * whose time says nothing about flooding); whether every record reached every live member is
 * checked against the databases themselves, joiners included.
 */
import { guidKey, sameBytes } from '../graph/core.js';
import type { GraphEvent } from '../graph/events.js';
import type { GraphRecord, Guid } from '../graph/model.js';

/** One published record and who holds it since when. */
export interface TrackedRecord {
  readonly id: Guid;
  /** Member index of the publisher. */
  readonly publisher: number;
  readonly publishedAtMs: number;
  /** Member index -> virtual time it first held the record (the publisher: publication). */
  readonly heldSinceMs: Map<number, number>;
}

/** What a member looks like to the delivery report. */
export interface DeliveryMember {
  readonly index: number;
  readonly joinedAtMs: number;
  /** The record by ID in the member's current database. */
  has(id: Guid): boolean;
}

/** Mean, median and maximum of a sample (0 for none). */
export interface Spread {
  readonly mean: number;
  readonly p50: number;
  readonly max: number;
}

/** How the tracked records spread. */
export interface DeliveryReport {
  /** Records tracked. */
  readonly records: number;
  /** Records every live member holds. */
  readonly complete: number;
  /** (record, live member) pairs where the member lacks the record. */
  readonly missing: number;
  /** Virtual ms from publication until 99% of the members measured held it (complete records). */
  readonly t99Ms: Spread;
  /** Virtual ms until every member measured held it (complete records). */
  readonly t100Ms: Spread;
}

/**
 * Tracks published records of one application type.
 * @example const tracker = new RecordTracker(APP_TYPE); tracker.track(record, 3, nowMs);
 */
export class RecordTracker {
  private readonly byKey = new Map<string, TrackedRecord>();
  private useful = 0;

  /** @param appType the application's record type (16 bytes). */
  constructor(private readonly appType: Guid) {}

  /**
   * Every record tracked, in publication order.
   * @example tracker.records.length
   */
  get records(): TrackedRecord[] {
    return [...this.byKey.values()];
  }

  /**
   * Arrivals by flooding or sync that changed a member's database (records of the application
   * type, any version), so far.
   * @example tracker.usefulArrivals
   */
  get usefulArrivals(): number {
    return this.useful;
  }

  /**
   * Starts following a record its publisher just stored.
   * @example tracker.track(result.record, member.index, cloud.nowMs)
   */
  track(record: GraphRecord, publisher: number, nowMs: number): TrackedRecord {
    const key = guidKey(record.id);
    const existing = this.byKey.get(key);
    if (existing) return existing;
    const t: TrackedRecord = {
      id: record.id,
      publisher,
      publishedAtMs: nowMs,
      heldSinceMs: new Map([[publisher, nowMs]]),
    };
    this.byKey.set(key, t);
    return t;
  }

  /**
   * Feeds one event of member `index`.
   * @example cloud.sim.onEvent((i, e, now) => tracker.onEvent(i, e as GraphEvent, now));
   */
  onEvent(index: number, event: GraphEvent, nowMs: number): void {
    if (event.type !== 'record-changed' || event.local) return;
    if (event.change !== 'added' && event.change !== 'updated') return;
    if (!sameBytes(event.record.type, this.appType)) return;
    this.useful++;
    const t = this.byKey.get(guidKey(event.record.id));
    if (t && !t.heldSinceMs.has(index)) t.heldSinceMs.set(index, nowMs);
  }

  /**
   * Delivery of the records published at or after `sinceMs`, over `live` members.
   * @example tracker.report(cloud.liveMembers(), windowStartMs)
   */
  report(live: readonly DeliveryMember[], sinceMs: number = 0): DeliveryReport {
    let records = 0;
    let complete = 0;
    let missing = 0;
    const t99: number[] = [];
    const t100: number[] = [];
    for (const t of this.byKey.values()) {
      if (t.publishedAtMs < sinceMs) continue;
      records++;
      let lacking = 0;
      for (const m of live) if (!m.has(t.id)) lacking++;
      missing += lacking;
      if (lacking > 0) continue;
      complete++;
      const times: number[] = [];
      for (const m of live) {
        if (m.joinedAtMs > t.publishedAtMs) continue;
        const at = t.heldSinceMs.get(m.index);
        if (at !== undefined) times.push(at - t.publishedAtMs);
      }
      if (times.length === 0) continue;
      times.sort((a, b) => a - b);
      t99.push(times[Math.max(0, Math.ceil(0.99 * times.length) - 1)]!);
      t100.push(times[times.length - 1]!);
    }
    return { records, complete, missing, t99Ms: spread(t99), t100Ms: spread(t100) };
  }
}

/**
 * Mean, median and maximum of `values` (0 when empty).
 * @example spread([1, 2, 9]) // { mean: 4, p50: 2, max: 9 }
 */
export function spread(values: readonly number[]): Spread {
  if (values.length === 0) return { mean: 0, p50: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((a, v) => a + v, 0) / sorted.length;
  return { mean, p50: sorted[Math.floor((sorted.length - 1) / 2)]!, max: sorted.at(-1)! };
}
