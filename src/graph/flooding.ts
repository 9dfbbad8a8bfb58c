/**
 * @module graph/flooding
 * Receiving records ([MS-PPGRH] §3.1.5.2.10): validation (§3.1.7.27 by the codec's
 * `validateRecord`, then the security provider, whose `defer` verdict parks the record in the
 * bounded Deferred Record List, §3.1.4.10), classification by the database (§3.1.7.32), re-flooding
 * a new record to every neighbour but the sender, flooding our newer copy back on "old", the ACK
 * with its Useful flag, and connection utility (§3.1.7.33, §3.1.5.2.12).
 *
 * Decisions: FLOODs that arrive during a sync are acknowledged like any other (§3.1.5.2.10 says
 * "for all three classifications"); the ACKs owed on a link are batched into one ACK at the end of
 * the input that produced them (at most `acksPerMessage` per ACK). The utility formula of
 * §3.1.7.33 is an image missing from our copy: utility goes up by one for each useful FLOOD and
 * down by one for each useless one, seen from both ends (a received FLOOD's classification; an
 * ACK's Useful flag), clamped to ±{@link UTILITY_MAX}. A record that has already expired is
 * dropped (counted, not acknowledged): expired records are never sent (§1.3.5.2).
 */
import type { GraphCore } from './core.js';
import type { Link } from './link.js';
import type { GraphMessage, GraphRecord } from './model.js';
import { count } from './stats.js';
import { validateRecord } from './wire/index.js';

type Msg<T extends GraphMessage['type']> = Extract<GraphMessage, { type: T }>;

/** Connection utility bound (both signs). */
export const UTILITY_MAX = 1_000_000;

/** What flooding tells the rest of the node. */
export interface FloodHooks {
  /** A useful record arrived on `link` (sync counts it). */
  arrived(link: Link): void;
}

/** Receiving FLOOD and ACK. See the module header. */
export class Flooding {
  private readonly deferred: GraphRecord[] = [];

  constructor(
    private readonly core: GraphCore,
    private readonly hooks: FloodHooks,
  ) {}

  /** Records waiting in the Deferred Record List. */
  get deferredCount(): number {
    return this.deferred.length;
  }

  /** Dispatches FLOOD and ACK; false for other messages. */
  handle(link: Link, m: GraphMessage): boolean {
    if (m.type === 'flood') this.onFlood(link, m.record);
    else if (m.type === 'ack') this.onAck(link, m);
    else return false;
    return true;
  }

  /** §3.1.5.2.10. */
  private onFlood(link: Link, record: GraphRecord): void {
    if (link.linkState !== 'connected' || link.direct)
      return this.core.terminate(link, 'out-of-state');
    this.core.stats.floodsReceived++;
    const verdict = this.check(record);
    if (verdict === 'defer') return this.defer(record);
    if (verdict !== 'valid') {
      count(this.core.stats.recordsRefused, verdict);
      this.core.emit({ type: 'refused', what: 'record', reason: verdict, conn: link.conn });
      return;
    }
    const useful = this.store(record, link);
    if (useful) this.hooks.arrived(link);
    link.pendingAcks.push({ id: record.id, useful });
    this.adjust(link, useful);
  }

  /** The checks of §3.1.7.27 and the provider: `valid`, `defer`, or a refusal reason. */
  private check(record: GraphRecord): string {
    const checked = validateRecord(record, {
      graphId: this.core.graphId,
      maxRecordSize: this.core.settings.maxRecordSize,
    });
    if (!checked.ok) return `invalid:${checked.error.code}`;
    if (record.expiresAt <= this.core.clock.now()) return 'expired';
    const v = this.core.security.validateRecord(record);
    if (v.kind === 'valid') return 'valid';
    if (v.kind === 'defer') return 'defer';
    return `security:${v.reason}`;
  }

  private defer(record: GraphRecord): void {
    this.core.stats.recordsDeferred++;
    this.deferred.push(record);
    if (this.deferred.length > this.core.limits.deferredRecordsMax) {
      this.deferred.shift();
      count(this.core.stats.boundHits, 'deferred-records');
    }
  }

  /**
   * Applies a valid record from `from` (undefined: the deferred list): "new" is stored and
   * re-flooded to every neighbour but the sender, "old" answers with our copy. Returns whether
   * it was useful.
   */
  private store(record: GraphRecord, from: Link | undefined): boolean {
    const outcome = this.core.db.apply(record);
    switch (outcome.kind) {
      case 'added':
      case 'replaced':
        this.core.stats.floodsUseful++;
        this.core.flood(record, from);
        this.core.recordStored(record, outcome.previous, false);
        return true;
      case 'older':
        this.core.stats.floodsDuplicate++;
        if (from && outcome.ours.expiresAt > this.core.clock.now())
          this.core.send(from, { type: 'flood', record: outcome.ours });
        return false;
      case 'same':
        this.core.stats.floodsDuplicate++;
        return false;
      case 'refused':
        count(this.core.stats.recordsRefused, `database:${outcome.reason}`);
        return false;
    }
  }

  /** §3.1.5.2.12. */
  private onAck(link: Link, m: Msg<'ack'>): void {
    if (link.linkState !== 'connected' || link.direct)
      return this.core.terminate(link, 'out-of-state');
    for (const a of m.acks) this.adjust(link, a.useful);
  }

  /** §3.1.7.33 (see the module header for the formula). */
  private adjust(link: Link, useful: boolean): void {
    link.utility = Math.max(-UTILITY_MAX, Math.min(UTILITY_MAX, link.utility + (useful ? 1 : -1)));
  }

  /** Sends the ACKs each link is owed, batched. */
  flushAcks(links: Iterable<Link>): void {
    for (const link of links) {
      while (link.pendingAcks.length > 0 && link.connState !== 'closed') {
        const acks = link.pendingAcks.splice(0, this.core.limits.acksPerMessage);
        this.core.send(link, { type: 'ack', acks });
      }
      link.pendingAcks.length = 0;
    }
  }

  /** §3.1.4.10: every deferred record is processed again as if it had just arrived. */
  revalidateDeferred(): void {
    const records = this.deferred.splice(0);
    for (const record of records) {
      const verdict = this.check(record);
      if (verdict === 'defer') this.defer(record);
      else if (verdict === 'valid') this.store(record, undefined);
      else count(this.core.stats.recordsRefused, verdict);
    }
  }
}
