/**
 * @module graph/presence
 * Presence ([MS-PPGRH] §1.3.5.5.4): the Presence List built from presence records
 * (§3.1.7.10.5, §3.1.7.20), publishing our own presence record (§3.1.7.4, by the application
 * §3.1.4.6 or by presence maintenance §3.1.7.17 with the Presence Timer §3.1.6.9), deleting it when
 * the node stops listening or closes, and updating its addresses (§3.1.7.23).
 *
 * Bounds: the Presence List holds at most `presenceListMax` entries; presence records beyond it
 * stay in the database but are not listed (counted in `boundHits.presence-list`).
 */
import type { GraphCore } from './core.js';
import { guidKey, sameBytes } from './core.js';
import {
  type GraphAddress,
  type GraphRecord,
  type Guid,
  type NodeId,
  RECORD_TYPE,
} from './model.js';
import type { KnownNode } from './neighbours.js';
import { randomDelayMs } from './options.js';
import { ticksToMs } from './peer-time.js';
import type { RecordResult, Records } from './records.js';
import { count } from './stats.js';
import { decodePresence, encodePresence } from './wire/index.js';

/** One entry of the Presence List (§3.1.1). */
interface PresenceEntry {
  readonly nodeId: NodeId;
  readonly peerId: string;
  readonly addresses: readonly GraphAddress[];
  readonly attributes: string;
}

/** The Presence List and our own presence record. */
export class Presence {
  private readonly list = new Map<string, PresenceEntry>();
  private ownId: Guid | undefined;
  /** Force Publish Presence (§3.1.1). */
  private forced = false;
  private attributes = '';
  private timerAtMs = Number.POSITIVE_INFINITY;

  constructor(
    private readonly core: GraphCore,
    private readonly records: Records,
  ) {}

  /** Entries in the Presence List. */
  get size(): number {
    return this.list.size;
  }

  /** Nodes of the Presence List, for connection maintenance. */
  known(): Iterable<KnownNode> {
    return this.list.values();
  }

  private own(): GraphRecord | undefined {
    const r = this.ownId && this.core.db.get(this.ownId);
    return r && !r.deleted ? r : undefined;
  }

  /** §3.1.7.4: publishes (or updates) our presence record; `forced`: the application asked. */
  publish(attributes: string, forced: boolean): RecordResult {
    if (forced) this.forced = true;
    this.attributes = attributes;
    const payload = encodePresence({
      nodeId: this.core.nodeId,
      attributes,
      addresses: this.core.listenAddresses(),
    });
    const lifetimeMs = this.core.settings.presenceLifetimeMs;
    const own = this.own();
    if (own) {
      const left = ticksToMs(own.expiresAt - this.core.clock.now());
      return this.records.update(
        own.id,
        { payload, lifetimeMs: Math.max(lifetimeMs, left + 1) },
        { internal: true, autorefresh: !forced },
      );
    }
    const r = this.records.create(
      { type: RECORD_TYPE.presence, payload, lifetimeMs },
      { internal: true, autorefresh: !forced },
    );
    if (r.ok) this.ownId = r.record.id;
    return r;
  }

  /** §3.1.7.10.5: a presence record was stored. */
  onRecord(record: GraphRecord, previous: GraphRecord | undefined): void {
    const key = guidKey(record.id);
    if (record.deleted) {
      const entry = this.list.get(key);
      if (entry) {
        this.list.delete(key);
        this.event('deleted', entry);
      }
      return;
    }
    const decoded = decodePresence(record.payload);
    if (!decoded.ok) {
      count(this.core.stats.dropped, `presence:${decoded.error.code}`);
      return;
    }
    const p = decoded.value;
    const entry: PresenceEntry = {
      nodeId: p.nodeId,
      peerId: record.creatorId,
      addresses: p.addresses,
      attributes: p.attributes,
    };
    if (!this.list.has(key) && this.list.size >= this.core.limits.presenceListMax) {
      count(this.core.stats.boundHits, 'presence-list');
      return;
    }
    this.list.set(key, entry);
    this.event(previous && !previous.deleted ? 'updated' : 'added', entry);
  }

  /** §3.1.7.20: an expired presence record leaves the list. */
  onExpired(record: GraphRecord): void {
    if (!sameBytes(record.type, RECORD_TYPE.presence)) return;
    const key = guidKey(record.id);
    const entry = this.list.get(key);
    if (!entry) return;
    this.list.delete(key);
    this.event('expired', entry);
  }

  private event(change: 'added' | 'updated' | 'deleted' | 'expired', e: PresenceEntry): void {
    this.core.emit({
      type: 'presence-changed',
      change,
      nodeId: e.nodeId,
      peerId: e.peerId,
      addresses: e.addresses,
      attributes: e.attributes,
    });
  }

  private published(): number {
    let n = 0;
    for (const r of this.core.db.records({ mode: 'include', types: [RECORD_TYPE.presence] }))
      if (!r.deleted) n++;
    return n;
  }

  /** Presence maintenance (§3.1.7.17). */
  maintain(): void {
    const own = this.own();
    const listening = this.core.flags.listening;
    const max = this.core.settings.maxPresenceRecords;
    if (own && !listening) {
      this.records.remove(own.id, { internal: true });
      return;
    }
    if (!own && listening && (max === -1 || this.forced)) {
      this.publish(this.attributes, this.forced);
      return;
    }
    if (max <= 0 || this.forced) return;
    const n = this.published();
    if ((own && n > max + 10) || (!own && listening && n < max)) this.armTimer();
  }

  private armTimer(): void {
    if (this.timerAtMs !== Number.POSITIVE_INFINITY) return;
    const t = this.core.timers;
    this.timerAtMs =
      this.core.nowMs() + randomDelayMs(this.core.rng, t.presenceDelayMinMs, t.presenceDelayMaxMs);
  }

  /** The Presence Timer. */
  deadline(): number {
    return this.timerAtMs;
  }

  /** §3.1.6.9. */
  onTimeout(nowMs: number): void {
    if (this.timerAtMs > nowMs) return;
    this.timerAtMs = Number.POSITIVE_INFINITY;
    const own = this.own();
    const max = this.core.settings.maxPresenceRecords;
    const n = this.published();
    if (own && n > max + 10) this.records.remove(own.id, { internal: true });
    else if (!own && this.core.flags.listening && n < max) this.publish(this.attributes, false);
  }

  /** §3.1.7.23: our addresses changed; update our presence record. */
  addressesChanged(): void {
    if (this.own()) this.publish(this.attributes, this.forced);
  }

  /** §3.1.4.12: delete our presence record before leaving. */
  withdraw(): void {
    const own = this.own();
    if (own) this.records.remove(own.id, { internal: true });
    this.timerAtMs = Number.POSITIVE_INFINITY;
  }
}
