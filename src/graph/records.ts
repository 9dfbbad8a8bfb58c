/**
 * @module graph/records
 * Records this node writes ([MS-PPGRH] §3.1.4.3-5, §3.1.7.2-3, §3.1.7.8-9, §3.1.7.28): creating
 * with a fresh record ID bound to the creator, updating and deleting with a higher version,
 * securing through the provider, storing and flooding to every neighbour; and the two database
 * timers: the Record Expiration Timer (§3.1.6.7, delay clamped to [15 s, 24 h], pulled earlier by a
 * record that expires sooner, §3.1.7.10) and the Autorefresh Timer (§3.1.6.8, §3.1.7.22).
 *
 * Decisions: the reserved record-type range of §2.2.1.9 (not defined by the spec beyond the four
 * internal types) is every GUID `{0000xxxx-0000-0000-0000-000000000000}`. The Autorefresh flag is
 * not on the wire (§2.2.1.9 has no such bit): it is local state, set on the internal records this
 * node publishes for itself (graph info as creator, signature, presence published by maintenance).
 * The autorefresh expiration formula of §3.1.7.22 is an image missing from our copy: a refreshed
 * record keeps its lifetime (`now + (expiresAt - modifiedAt)`, or 300 s when that is not positive).
 * A modification time never goes backwards even when peer time does (§1.3.6): it is at least the
 * previous one plus one tick.
 */
import type { GraphCore } from './core.js';
import { guidKey } from './core.js';
import type { GraphRecord, Guid } from './model.js';
import { msToTicks, ticksToMs } from './peer-time.js';
import { newRecordId, validateRecord } from './wire/index.js';

/** Why a local record operation was refused. */
export type RecordRefusal =
  | 'closed'
  | 'reserved-type'
  | 'bad-lifetime'
  | 'not-found'
  | 'deleted'
  | 'shorter-lifetime'
  | `invalid:${string}`
  | `security:${string}`
  | `database:${string}`;

/** The outcome of `addRecord`, `updateRecord` and `deleteRecord`. */
export type RecordResult =
  | { readonly ok: true; readonly record: GraphRecord }
  | { readonly ok: false; readonly reason: RecordRefusal };

/** What the application supplies for a new record (§3.1.4.3). */
export interface NewRecord {
  readonly type: Guid;
  readonly payload?: Uint8Array;
  /** Attributes XML (§2.2.3.5). */
  readonly attributes?: string;
  /** Lifetime from now, in ms (Expiration Time = peer time + lifetime). */
  readonly lifetimeMs: number;
}

/** What the application may change in a record (§3.1.4.4); omitted fields keep their value. */
export interface RecordChanges {
  readonly payload?: Uint8Array;
  readonly attributes?: string;
  /** New lifetime from now, in ms; the expiration may not move earlier. */
  readonly lifetimeMs?: number;
}

/** Default lifetime of a refreshed record whose expiration is not after its modification. */
const REFRESH_FALLBACK_MS = 300_000;
const EMPTY = new Uint8Array(0);

/**
 * Whether a record type is in the reserved range (module header).
 * @example isReservedType(RECORD_TYPE.presence) // true
 */
export function isReservedType(type: Guid): boolean {
  if (type.length !== 16 || type[0] !== 0 || type[1] !== 0) return false;
  for (let i = 4; i < 16; i++) if (type[i] !== 0) return false;
  return true;
}

/** What the records part tells the rest of the node. */
export interface RecordHooks {
  /** A record expired and left the database (§3.1.7.18-21). */
  expired(record: GraphRecord): void;
}

/** Local writes and the database timers. See the module header. */
export class Records {
  private readonly autorefresh = new Map<string, Guid>();
  /** Record Expiration Timer. */
  expiryAtMs: number = Number.POSITIVE_INFINITY;
  /** Autorefresh Timer. */
  autorefreshAtMs: number = Number.POSITIVE_INFINITY;

  constructor(
    private readonly core: GraphCore,
    private readonly hooks: RecordHooks,
  ) {}

  /** §3.1.4.1-2: the Autorefresh Timer in 4 s, the Record Expiration Timer now. */
  startTimers(nowMs: number): void {
    this.autorefreshAtMs = nowMs + this.core.timers.autorefreshMinMs;
    this.expiryAtMs = nowMs;
  }

  /** Stops both timers (close). */
  stopTimers(): void {
    this.autorefreshAtMs = Number.POSITIVE_INFINITY;
    this.expiryAtMs = Number.POSITIVE_INFINITY;
  }

  /** §3.1.4.3 / §3.1.7.2-3. `internal`: one of the four internal types, published by the node. */
  create(
    input: NewRecord,
    extra: { internal?: boolean; id?: Guid; autorefresh?: boolean } = {},
  ): RecordResult {
    if (!extra.internal && isReservedType(input.type)) return refuse('reserved-type');
    if (!(input.lifetimeMs > 0) || !Number.isFinite(input.lifetimeMs))
      return refuse('bad-lifetime');
    const now = this.core.clock.now();
    const id = extra.id ?? newRecordId(this.core.peerId, this.core.rng.bytes(16));
    const existing = this.core.db.get(id);
    const record: GraphRecord = {
      type: input.type,
      id,
      // A fixed-ID record published again after a deletion must outrank the deleted one.
      version: existing ? existing.version + 1 : 1,
      deleted: false,
      creatorId: this.core.peerId,
      modifiedById: '',
      securityData: EMPTY,
      createdAt: now,
      expiresAt: now + msToTicks(input.lifetimeMs),
      modifiedAt: now,
      graphId: this.core.graphId,
      payload: input.payload ?? EMPTY,
      attributes: input.attributes ?? '',
    };
    return this.publish(record, extra.autorefresh ?? false);
  }

  /** §3.1.4.4 / §3.1.7.8. */
  update(
    id: Guid,
    changes: RecordChanges,
    extra: { internal?: boolean; autorefresh?: boolean } = {},
  ): RecordResult {
    const old = this.core.db.get(id);
    if (!old) return refuse('not-found');
    if (old.deleted) return refuse('deleted');
    if (!extra.internal && isReservedType(old.type)) return refuse('reserved-type');
    const now = this.core.clock.now();
    let expiresAt = old.expiresAt;
    if (changes.lifetimeMs !== undefined) {
      if (!(changes.lifetimeMs > 0)) return refuse('bad-lifetime');
      expiresAt = now + msToTicks(changes.lifetimeMs);
      if (expiresAt < old.expiresAt) return refuse('shorter-lifetime');
    }
    const record = this.next(old, now, {
      expiresAt,
      payload: changes.payload ?? old.payload,
      attributes: changes.attributes ?? old.attributes,
    });
    return this.publish(record, extra.autorefresh ?? this.autorefresh.has(guidKey(id)));
  }

  /** §3.1.4.5 / §3.1.7.9: an update with Deleted set and no payload or attributes. */
  remove(id: Guid, extra: { internal?: boolean } = {}): RecordResult {
    const old = this.core.db.get(id);
    if (!old) return refuse('not-found');
    if (old.deleted) return refuse('deleted');
    if (!extra.internal && isReservedType(old.type)) return refuse('reserved-type');
    const now = this.core.clock.now();
    const record = this.next(old, now, { deleted: true, payload: EMPTY, attributes: '' });
    this.autorefresh.delete(guidKey(id));
    return this.publish(record, false);
  }

  /** The next version of `old`, modified now by us. */
  private next(old: GraphRecord, now: bigint, fields: Partial<GraphRecord>): GraphRecord {
    let modifiedAt = now;
    if (modifiedAt <= old.modifiedAt) modifiedAt = old.modifiedAt + 1n;
    if (modifiedAt <= old.createdAt) modifiedAt = old.createdAt + 1n;
    let expiresAt = fields.expiresAt ?? old.expiresAt;
    if (expiresAt <= modifiedAt) expiresAt = modifiedAt + 1n;
    return {
      ...old,
      ...fields,
      version: old.version + 1,
      modifiedById: this.core.peerId,
      securityData: EMPTY,
      modifiedAt,
      expiresAt,
    };
  }

  /** §3.1.7.3 with §3.1.7.28: secure, check, store, flood. */
  private publish(unsecured: GraphRecord, autorefresh: boolean): RecordResult {
    if (!this.core.flags.open) return refuse('closed');
    const secured = this.core.security.secureRecord(unsecured);
    if (!secured.ok) return refuse(`security:${secured.reason}`);
    const record: GraphRecord = { ...unsecured, securityData: secured.securityData };
    const checked = validateRecord(record, {
      graphId: this.core.graphId,
      maxRecordSize: this.core.settings.maxRecordSize,
    });
    if (!checked.ok) return refuse(`invalid:${checked.error.code}`);
    const previous = this.core.db.get(record.id);
    const outcome = this.core.db.apply(record);
    if (outcome.kind === 'refused') return refuse(`database:${outcome.reason}`);
    if (outcome.kind !== 'added' && outcome.kind !== 'replaced') return refuse('database:conflict');
    if (autorefresh) this.autorefresh.set(guidKey(record.id), record.id);
    this.core.flood(record);
    this.core.recordStored(record, previous, true);
    return { ok: true, record };
  }

  /** A record entered the database: pull the timers earlier when it needs them sooner (§3.1.7.10). */
  onStored(record: GraphRecord): void {
    const now = this.core.nowMs();
    const atMs = now + Math.max(0, ticksToMs(record.expiresAt - this.core.clock.now()));
    if (atMs + this.core.timers.expirationDelayMinMs < this.expiryAtMs) this.expiryAtMs = atMs;
    if (this.autorefresh.has(guidKey(record.id))) this.armAutorefresh();
  }

  /** The earlier of the two timers. */
  deadline(): number {
    return Math.min(this.expiryAtMs, this.autorefreshAtMs);
  }

  /** Fires due timers. */
  onTimeout(nowMs: number): void {
    if (this.expiryAtMs <= nowMs) this.expire();
    if (this.autorefreshAtMs <= nowMs) this.refresh();
  }

  /** §3.1.6.7: remove expired records, then re-arm with the clamped delay. */
  private expire(): void {
    const peerNow = this.core.clock.now();
    const skip = this.core.settings.deferExpiration && this.core.neighbours().length === 0;
    if (!skip) {
      for (const record of this.core.db.expire(peerNow)) {
        this.core.stats.recordsExpired++;
        this.autorefresh.delete(guidKey(record.id));
        this.core.emit({ type: 'record-changed', change: 'expired', record, local: false });
        this.hooks.expired(record);
      }
    }
    const t = this.core.timers;
    const next = this.core.db.nextExpiry();
    const delay = next === undefined ? t.expirationDelayMaxMs : ticksToMs(next - peerNow);
    const clamped = Math.min(t.expirationDelayMaxMs, Math.max(t.expirationDelayMinMs, delay));
    this.expiryAtMs = this.core.nowMs() + clamped;
  }

  /** §3.1.7.22: refresh our autorefreshed records that expire within the lead time. */
  private refresh(): void {
    const peerNow = this.core.clock.now();
    const horizon = peerNow + msToTicks(this.core.timers.autorefreshLeadMs);
    for (const [key, id] of [...this.autorefresh]) {
      const record = this.core.db.get(id);
      // Only what we wrote last is ours to refresh (another node may have taken the record over).
      if (
        !record ||
        record.deleted ||
        (record.modifiedById || record.creatorId) !== this.core.peerId
      ) {
        this.autorefresh.delete(key);
        continue;
      }
      if (record.expiresAt > horizon) continue;
      const life = record.expiresAt - record.modifiedAt;
      const lifetime = life > 0n ? life : msToTicks(REFRESH_FALLBACK_MS);
      const next = this.next(record, peerNow, { expiresAt: peerNow + lifetime });
      if (this.publish(next, true).ok) this.core.stats.recordsRefreshed++;
    }
    this.armAutorefresh();
  }

  /** Arms the Autorefresh Timer at the earliest (expiration - lead), at least 4 s away. */
  private armAutorefresh(): void {
    const peerNow = this.core.clock.now();
    let earliest: bigint | undefined;
    for (const id of this.autorefresh.values()) {
      const r = this.core.db.get(id);
      if (r && !r.deleted && (earliest === undefined || r.expiresAt < earliest))
        earliest = r.expiresAt;
    }
    const now = this.core.nowMs();
    if (earliest === undefined) {
      this.autorefreshAtMs = Number.POSITIVE_INFINITY;
      return;
    }
    const t = this.core.timers;
    const inMs = ticksToMs(earliest - peerNow) - t.autorefreshLeadMs;
    this.autorefreshAtMs = now + Math.max(t.autorefreshMinMs, inMs);
  }

  /** Whether this node refreshes the record automatically. */
  isAutorefreshed(id: Guid): boolean {
    return this.autorefresh.has(guidKey(id));
  }
}

function refuse(reason: RecordRefusal): { ok: false; reason: RecordRefusal } {
  return { ok: false, reason };
}
