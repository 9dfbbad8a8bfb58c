/**
 * @module graph/sync
 * Record synchronisation over one neighbour link ([MS-PPGRH] §1.3.5.4), both roles:
 * - initiator: Sync All (§3.1.7.29), Time-based Sync (§3.1.7.30, always followed by a hash sync)
 *   and Hash-based Sync (§3.1.7.31), walking the Sync Record Types (graph info, presence, the
 *   prioritized types, then everything else excluded from those) on each SYNC_END (§3.1.5.2.11),
 *   answering ADVERTISE with REQUEST (§3.1.5.2.8) and flooding Records To Send after SYNC_END;
 * - responder: SOLICIT_NEW (§3.1.5.2.5), SOLICIT_TIME (§3.1.5.2.6), SOLICIT_HASH (§3.1.5.2.7) and
 *   REQUEST (§3.1.5.2.9), each answered by FLOODs then SYNC_END.
 *
 * Pacing (a decision: the seam has no send-complete callback). Every answer becomes a
 * {@link FloodJob} holding a snapshot of record IDs; {@link Sync.pump} sends at most
 * `syncFloodsPerTurn` FLOODs per link per turn, round-robin over links, then asks for a timer at
 * `nowMs` so the driver hands control back to the node after the other inputs of that instant. A
 * record changed or gone since the snapshot is sent as it is now, or skipped. At most
 * `syncJobsPerConnectionMax` jobs wait per link; one more ends the connection.
 *
 * Decisions: SYNC_END is one message per answer (its Final bit is always set, §2.2.2.12), so an
 * exclusion solicit is answered by all its records then one SYNC_END. A hash sync from an empty
 * database runs a Sync All instead (a SOLICIT_HASH must carry at least one entry).
 */
import type { GraphCore } from './core.js';
import type { FloodJob, Link, SyncRun } from './link.js';
import { type GraphMessage, type Guid, RECORD_TYPE, type RecordTypeFilter } from './model.js';
import { count } from './stats.js';

type Msg<T extends GraphMessage['type']> = Extract<GraphMessage, { type: T }>;

const ALL: RecordTypeFilter = Object.freeze({ mode: 'all', types: [] });

/** What sync tells the rest of the node. */
export interface SyncHooks {
  /** An initiated sync finished on `link` (after a Sync All: the node may start listening). */
  done(link: Link, kind: SyncRun['kind']): void;
}

/** Both roles of synchronisation. See the module header. */
export class Sync {
  /** Round-robin start for {@link pump}. */
  private turn = 0;

  constructor(
    private readonly core: GraphCore,
    private readonly prioritized: readonly Guid[],
    private readonly hooks: SyncHooks,
  ) {}

  /** §3.1.5.2.2: the first sync of a new neighbour link. */
  start(link: Link, firstNeighbour: boolean): void {
    const f = this.core.flags;
    if (f.neverConnected) this.startTyped(link, 'all', 0n);
    else if (firstNeighbour && f.leftAt !== undefined) this.startTyped(link, 'time', f.leftAt);
    else this.startHash(link);
  }

  private run(link: Link, kind: SyncRun['kind'], since: bigint): SyncRun {
    const types = [RECORD_TYPE.graphInfo, RECORD_TYPE.presence, ...this.prioritized];
    return {
      kind,
      types,
      next: 0,
      allSynched: false,
      since,
      requested: false,
      toSend: [],
      records: 0,
      bytesAtStart: link.bytesIn,
    };
  }

  /** Sync All or Time-based Sync: solicit the first Sync Record Type. */
  private startTyped(link: Link, kind: 'all' | 'time', since: bigint): void {
    link.sync = this.run(link, kind, since);
    this.core.refreshStatus();
    this.solicitNext(link, link.sync);
  }

  /** §3.1.7.31. */
  private startHash(link: Link): void {
    const entries = this.core.db.hashEntries(ALL);
    if (entries.length === 0) return this.startTyped(link, 'all', 0n);
    link.sync = this.run(link, 'hash', 0n);
    this.core.send(link, { type: 'solicit-hash', filter: ALL, entries });
  }

  /** Sends the solicit for the next Sync Record Type, or the exclusion solicit (§3.1.5.2.11). */
  private solicitNext(link: Link, s: SyncRun): boolean {
    let filter: RecordTypeFilter;
    if (s.next < s.types.length) filter = { mode: 'include', types: [s.types[s.next++]!] };
    else if (!s.allSynched) {
      s.allSynched = true;
      filter = { mode: 'exclude', types: s.types };
    } else return false;
    this.core.send(
      link,
      s.kind === 'time'
        ? { type: 'solicit-time', filter, modifiedSince: s.since }
        : { type: 'solicit-new', filter },
    );
    return true;
  }

  /** Dispatches a sync message; false when the message is not one of these. */
  handle(link: Link, m: GraphMessage): boolean {
    switch (m.type) {
      case 'solicit-new':
      case 'solicit-time':
      case 'solicit-hash':
      case 'request':
        if (!this.neighbourLink(link)) return true;
        this.answer(link, m);
        return true;
      case 'advertise':
        this.onAdvertise(link, m);
        return true;
      case 'sync-end':
        this.onSyncEnd(link);
        return true;
      default:
        return false;
    }
  }

  private neighbourLink(link: Link): boolean {
    if (link.linkState === 'connected' && !link.direct) return true;
    this.core.terminate(link, 'out-of-state');
    return false;
  }

  /** Responder side: §3.1.5.2.5-7 and §3.1.5.2.9. */
  private answer(
    link: Link,
    m: Msg<'solicit-new'> | Msg<'solicit-time'> | Msg<'solicit-hash'> | Msg<'request'>,
  ): void {
    const db = this.core.db;
    if (m.type === 'solicit-hash') {
      // One hash sync at a time per link: each SOLICIT_HASH costs an ADVERTISE computation.
      if (link.served === 'hash') return this.core.terminate(link, 'out-of-state');
      link.served = 'hash';
      const { boundaries, abstracts } = db.advertise(m.entries, m.filter);
      this.core.send(link, { type: 'advertise', boundaries, abstracts });
      return;
    }
    let ids: Guid[];
    if (m.type === 'request') {
      if (link.served !== 'hash') return this.core.terminate(link, 'out-of-state');
      link.served = 'none';
      ids = m.abstracts.map((a) => a.id);
    } else {
      const records =
        m.type === 'solicit-time'
          ? db.modifiedSince(m.modifiedSince, m.filter)
          : db.records(m.filter);
      ids = [];
      for (const r of records) ids.push(r.id);
    }
    this.queue(link, ids, true, 'served');
  }

  private queue(link: Link, ids: readonly Guid[], syncEnd: boolean, kind: FloodJob['kind']): void {
    if (link.jobs.length >= this.core.limits.syncJobsPerConnectionMax) {
      count(this.core.stats.boundHits, 'sync-jobs');
      return this.core.terminate(link, 'sync-jobs-max');
    }
    link.jobs.push({ ids, pos: 0, syncEnd, kind, sent: 0, bytesAtStart: link.bytesOut });
  }

  /** Initiator side: §3.1.5.2.8. */
  private onAdvertise(link: Link, m: Msg<'advertise'>): void {
    const s = link.sync;
    if (link.linkState !== 'connected' || !s || s.kind !== 'hash' || s.requested)
      return this.core.terminate(link, 'out-of-state');
    const diff = this.core.db.diff(m.boundaries, m.abstracts);
    s.requested = true;
    s.toSend = diff.send.map((r) => r.id);
    this.core.send(link, { type: 'request', abstracts: diff.request });
  }

  /** Initiator side: §3.1.5.2.11. A SYNC_END with no sync running is ignored. */
  private onSyncEnd(link: Link): void {
    const s = link.sync;
    if (link.linkState !== 'connected' || !s) return;
    if (s.kind === 'hash') {
      if (!s.requested) return this.core.terminate(link, 'out-of-state');
      if (s.toSend.length > 0) this.queue(link, s.toSend, false, 'records-to-send');
    } else if (this.solicitNext(link, s)) return;
    link.sync = undefined;
    count(this.core.stats.syncs, s.kind);
    this.core.emit({
      type: 'sync-done',
      conn: link.conn,
      kind: s.kind,
      records: s.records,
      bytes: link.bytesIn - s.bytesAtStart,
    });
    if (s.kind === 'time') this.startHash(link);
    this.hooks.done(link, s.kind);
  }

  /** Counts a useful FLOOD toward the running sync's `records`. */
  noteArrival(link: Link): void {
    if (link.sync) link.sync.records++;
  }

  /** Sends one window of owed FLOODs per link (module header, pacing); true when work remains. */
  pump(links: readonly Link[]): boolean {
    if (links.length === 0) return false;
    let remaining = false;
    const start = this.turn++ % links.length;
    for (let i = 0; i < links.length; i++) {
      const link = links[(start + i) % links.length]!;
      if (link.jobs.length > 0 && link.connState !== 'closed') {
        this.pumpLink(link);
        if (link.jobs.length > 0) remaining = true;
      }
    }
    return remaining;
  }

  private pumpLink(link: Link): void {
    let budget = this.core.limits.syncFloodsPerTurn;
    const now = this.core.clock.now();
    while (budget > 0 && link.jobs.length > 0 && link.connState !== 'closed') {
      const job = link.jobs[0]!;
      while (budget > 0 && job.pos < job.ids.length) {
        const record = this.core.db.get(job.ids[job.pos++]!);
        if (!record || record.expiresAt <= now) continue;
        this.core.send(link, { type: 'flood', record });
        job.sent++;
        budget--;
      }
      if (job.pos < job.ids.length) return;
      link.jobs.shift();
      if (job.syncEnd) this.core.send(link, { type: 'sync-end' });
      if (job.kind === 'served') {
        count(this.core.stats.syncs, 'served');
        this.core.emit({
          type: 'sync-done',
          conn: link.conn,
          kind: 'served',
          records: job.sent,
          bytes: link.bytesOut - job.bytesAtStart,
        });
      }
    }
  }
}
