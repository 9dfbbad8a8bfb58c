/**
 * @module graph/database
 * The shared database of one graph ([MS-PPGRH] §1.3.5): every record published and not yet
 * expired, deleted ones included (§1.3.5.2). It stores records by Record Conflict Resolution
 * (§3.1.7.32, §3.1.5.2.10), answers the three synchronisations (Sync All §3.1.5.2.5 and
 * §3.1.7.29, Time-based §3.1.5.2.6 and §3.1.7.30, Hash-based §3.1.7.31, §3.1.5.2.7 and
 * §3.1.5.2.8, the arithmetic in graph/record-ranges.ts), and expires records (§3.1.6.7,
 * §3.1.7.18-§3.1.7.21). It validates nothing: the codec, §3.1.7.27 and the security provider did.
 *
 * Layout. A Map by record ID (a 16-character key string) for O(1) lookups; the records in sync
 * order (Last Modification Time, record ID) in a chunked sorted list, kept sorted on every change
 * (O(log n) search plus a splice of at most 512 items); a set per record type for the
 * `include` filters of SOLICIT_NEW and SOLICIT_TIME (§2.2.2.6); a lazy min-heap of expiration
 * times. Reads return arrays: snapshots the caller may hold while it applies more records.
 *
 * Bounds. The database holds at most `maxRecords` records and `maxBytes` bytes ({@link
 * recordBytes}), and one creator ID at most `maxRecordsPerCreator` and `maxBytesPerCreator`, so
 * one member cannot fill it. Checks run only after classification: a record that is the same as
 * or older than ours is never refused. A replacement counts only its growth: it never adds a
 * record, and a replacement by the same creator that is not larger than the record it replaces
 * (an update that shrinks, or a deletion, which has no payload) is always admitted, even for a
 * creator at its share or a full database. Refusals are `too-large` (the record alone exceeds the
 * creator share or the database), `creator-share`, then `database-full`; each is counted.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { canonicalRecordBytes } from './database-canonical.js';
import { ExpiryHeap } from './database-expiry.js';
import { includedTypes, typePredicate } from './database-filter.js';
import { SortedPositions } from './database-sorted.js';
import type {
  AdvertiseDiff,
  ApplyOutcome,
  GraphDatabase,
  GraphRecord,
  Guid,
  HashEntryBoundary,
  HashInfoEntry,
  PeerTime,
  RecordAbstract,
  RecordTypeFilter,
} from './model.js';
import {
  comparePositions,
  compareRecords,
  guidKey,
  type PositionedRecord,
  type RecordPosition,
} from './record-order.js';
import { advertiseOf, diffOf, hashEntriesOf } from './record-ranges.js';

export { compareRecords } from './record-order.js';

/** Limits and hooks of a {@link RecordDatabase}; every option is optional. */
export interface RecordDatabaseOptions {
  /** Records held at most, deleted ones included. @default 100_000 */
  readonly maxRecords?: number;
  /** Bytes held at most, counted by {@link recordBytes}. @default 64 MiB */
  readonly maxBytes?: number;
  /** Records one creator ID may hold. @default maxRecords / 10 (at least 1) */
  readonly maxRecordsPerCreator?: number;
  /** Bytes one creator ID may hold. @default maxBytes / 10 (at least 1) */
  readonly maxBytesPerCreator?: number;
  /**
   * The bytes `digest()` hashes per record. @default canonicalRecordBytes, this module's own
   * encoding of every field (pass the wire encoder to digest wire bytes instead)
   */
  readonly canonicalBytes?: (r: GraphRecord) => Uint8Array;
}

/** Why {@link RecordDatabase.apply} refused a record (stable kebab-case reasons). */
export type DatabaseRefusal = 'database-full' | 'creator-share' | 'too-large';

/** Counters of a {@link RecordDatabase}; never reset by reading. */
export interface RecordDatabaseStats {
  /** Records added under a new ID. */
  added: number;
  /** Records that replaced an older version. */
  replaced: number;
  /** Records already present. */
  same: number;
  /** Records older than ours. */
  older: number;
  /** Records removed by `expire()`. */
  expired: number;
  /** Refused records by reason. */
  readonly refused: Record<DatabaseRefusal, number>;
  /** HASH_INFO_ENTRYs skipped by `advertise()` because their boundary went backwards. */
  hashEntriesSkipped: number;
}

/** How much of a creator's share it uses. */
export interface CreatorUsage {
  readonly records: number;
  readonly bytes: number;
}

/** Default {@link RecordDatabaseOptions.maxRecords}. */
export const DATABASE_RECORDS_MAX = 100_000;
/** Default {@link RecordDatabaseOptions.maxBytes}: 64 MiB. */
export const DATABASE_BYTES_MAX: number = 64 * 1024 * 1024;
/** Default creator shares are the database's limits divided by this (a tenth each). */
export const CREATOR_SHARE_DIVISOR = 10;

/**
 * The bytes a record costs against the limits: payload, security data and the attributes as
 * UTF-16 (two bytes per code unit, as the wire carries them).
 * @example recordBytes(record) === record.payload.length + record.securityData.length + 2 * record.attributes.length
 */
export function recordBytes(r: GraphRecord): number {
  return r.payload.length + r.securityData.length + 2 * r.attributes.length;
}

interface Entry extends PositionedRecord {
  readonly record: GraphRecord;
  readonly key: string;
  readonly typeKey: string;
  readonly modifiedAt: PeerTime;
  readonly expiresAt: PeerTime;
  readonly bytes: number;
  removed: boolean;
}

/**
 * The graph's shared database: bounded, fair per creator, ordered for hash-based sync.
 * @example
 * const db = new RecordDatabase({ maxRecords: 10_000 });
 * const outcome = db.apply(record); // { kind: 'added' }
 * const { request, send } = db.diff(advertise.boundaries, advertise.abstracts);
 */
export class RecordDatabase implements GraphDatabase {
  /** Counters; never reset by reading. */
  readonly stats: RecordDatabaseStats = {
    added: 0,
    replaced: 0,
    same: 0,
    older: 0,
    expired: 0,
    refused: { 'database-full': 0, 'creator-share': 0, 'too-large': 0 },
    hashEntriesSkipped: 0,
  };
  private readonly maxRecords: number;
  private readonly maxBytes: number;
  private readonly maxRecordsPerCreator: number;
  private readonly maxBytesPerCreator: number;
  private readonly canonicalBytes: (r: GraphRecord) => Uint8Array;
  private readonly byKey = new Map<string, Entry>();
  private readonly ordered = new SortedPositions<Entry>();
  private readonly byType = new Map<string, Set<Entry>>();
  private readonly usage = new Map<string, { records: number; bytes: number }>();
  private readonly expiry = new ExpiryHeap<Entry>();
  private totalBytes = 0;

  /** Throws `RangeError` for a limit that is not a positive integer. */
  constructor(options: RecordDatabaseOptions = {}) {
    this.maxRecords = limit('maxRecords', options.maxRecords ?? DATABASE_RECORDS_MAX);
    this.maxBytes = limit('maxBytes', options.maxBytes ?? DATABASE_BYTES_MAX);
    this.maxRecordsPerCreator = limit(
      'maxRecordsPerCreator',
      options.maxRecordsPerCreator ??
        Math.max(1, Math.floor(this.maxRecords / CREATOR_SHARE_DIVISOR)),
    );
    this.maxBytesPerCreator = limit(
      'maxBytesPerCreator',
      options.maxBytesPerCreator ?? Math.max(1, Math.floor(this.maxBytes / CREATOR_SHARE_DIVISOR)),
    );
    this.canonicalBytes = options.canonicalBytes ?? canonicalRecordBytes;
  }

  /** Records held, deleted ones included. */
  get size(): number {
    return this.byKey.size;
  }

  /** Bytes held, counted by {@link recordBytes}. */
  get bytes(): number {
    return this.totalBytes;
  }

  /** What `creatorId`'s records use of its share. */
  creatorUsage(creatorId: string): CreatorUsage {
    const u = this.usage.get(creatorId);
    return { records: u?.records ?? 0, bytes: u?.bytes ?? 0 };
  }

  /** The record with this ID, if held. */
  get(id: Guid): GraphRecord | undefined {
    return this.byKey.get(guidKey(id))?.record;
  }

  /**
   * Stores `record` by §3.1.5.2.10: a new ID is `added`; a record newer than ours by §3.1.7.32
   * `replaced` ours (returned as `previous`); `same` and `older` leave ours (`older` returns it,
   * for the caller to flood back); a bound refuses it with a counted reason (module notes).
   */
  apply(record: GraphRecord): ApplyOutcome {
    const key = guidKey(record.id);
    const current = this.byKey.get(key);
    if (current !== undefined) {
      const order = compareRecords(record, current.record);
      if (order === 'same') {
        this.stats.same++;
        return { kind: 'same' };
      }
      if (order === 'older') {
        this.stats.older++;
        return { kind: 'older', ours: current.record };
      }
    }
    const bytes = recordBytes(record);
    const refusal = this.refusal(record.creatorId, bytes, current);
    if (refusal !== undefined) {
      this.stats.refused[refusal]++;
      return { kind: 'refused', reason: refusal };
    }
    if (current !== undefined) {
      this.detach(current);
      this.expiry.noteRemoved();
    }
    this.attach({
      record,
      key,
      typeKey: guidKey(record.type),
      modifiedAt: record.modifiedAt,
      expiresAt: record.expiresAt,
      bytes,
      removed: false,
    });
    if (current === undefined) {
      this.stats.added++;
      return { kind: 'added' };
    }
    this.stats.replaced++;
    return { kind: 'replaced', previous: current.record };
  }

  /** Records passing `filter` in sync order (Sync All, §3.1.5.2.5); a snapshot. */
  records(filter?: RecordTypeFilter): GraphRecord[] {
    return this.select(filter, undefined).map((e) => e.record);
  }

  /** Records passing `filter` with `modifiedAt >= since` in sync order (§3.1.5.2.6); a snapshot. */
  modifiedSince(since: PeerTime, filter?: RecordTypeFilter): GraphRecord[] {
    return this.select(filter, { modifiedAt: since, key: '' }).map((e) => e.record);
  }

  /** The initiator's HASH_INFO_ENTRYs (§3.1.7.31); see graph/record-ranges.ts. */
  hashEntries(filter?: RecordTypeFilter): HashInfoEntry[] {
    return hashEntriesOf(this.records(filter));
  }

  /** The responder's ADVERTISE for a SOLICIT_HASH (§3.1.5.2.7); see graph/record-ranges.ts. */
  advertise(
    entries: readonly HashInfoEntry[],
    filter?: RecordTypeFilter,
  ): { boundaries: HashEntryBoundary[]; abstracts: RecordAbstract[] } {
    const { boundaries, abstracts, skipped } = advertiseOf(this.select(filter, undefined), entries);
    this.stats.hashEntriesSkipped += skipped;
    return { boundaries, abstracts };
  }

  /**
   * The initiator's Records To Request and Records To Send for an ADVERTISE (§3.1.5.2.8);
   * `filter` (an extension of the interface) limits what is sent to the solicited types.
   */
  diff(
    boundaries: readonly HashEntryBoundary[],
    abstracts: readonly RecordAbstract[],
    filter?: RecordTypeFilter,
  ): AdvertiseDiff {
    const passes = typePredicate(filter);
    return diffOf(
      {
        get: (key) => this.byKey.get(key)?.record,
        from: (lower) => this.ordered.from(lower, true),
      },
      boundaries,
      abstracts,
      (r) => passes(guidKey(r.type)),
    );
  }

  /**
   * Removes every record whose `expiresAt <= now` (§3.1.7.18-§3.1.7.21) and returns them in
   * expiry order (ties by record ID). The caller handles the per-type consequences.
   */
  expire(now: PeerTime): GraphRecord[] {
    const out: GraphRecord[] = [];
    for (
      let e = this.expiry.peek();
      e !== undefined && e.expiresAt <= now;
      e = this.expiry.peek()
    ) {
      this.expiry.pop();
      this.detach(e);
      this.stats.expired++;
      out.push(e.record);
    }
    return out;
  }

  /** The earliest `expiresAt` held (for the Record Expiration Timer, §3.1.6.7), or undefined. */
  nextExpiry(): PeerTime | undefined {
    return this.expiry.peek()?.expiresAt;
  }

  /**
   * SHA-256 over every record's canonical bytes (each behind its u32 length) in sync order:
   * databases holding equal records have equal digests, whatever order they were applied in.
   */
  digest(): Uint8Array {
    const h = sha256.create();
    const len = new Uint8Array(4);
    const view = new DataView(len.buffer);
    for (const e of this.ordered) {
      const bytes = this.canonicalBytes(e.record);
      view.setUint32(0, bytes.length, false);
      h.update(len).update(bytes);
    }
    return h.digest();
  }

  /**
   * Entries passing `filter` at or above `since`, in sync order. An `include` filter gathers its
   * types' sets and sorts them (O(k log k) for k matches); any other filter walks the order.
   */
  private select(filter: RecordTypeFilter | undefined, since: RecordPosition | undefined): Entry[] {
    const included = includedTypes(filter);
    const out: Entry[] = [];
    if (included === undefined) {
      const passes = typePredicate(filter);
      const walk = since === undefined ? this.ordered : this.ordered.from(since, true);
      for (const e of walk) if (passes(e.typeKey)) out.push(e);
      return out;
    }
    for (const typeKey of included) {
      const set = this.byType.get(typeKey);
      if (set === undefined) continue;
      for (const e of set) if (since === undefined || comparePositions(e, since) >= 0) out.push(e);
    }
    return out.sort(comparePositions);
  }

  private refusal(
    creatorId: string,
    bytes: number,
    current: Entry | undefined,
  ): DatabaseRefusal | undefined {
    if (bytes > this.maxBytesPerCreator || bytes > this.maxBytes) return 'too-large';
    const sameCreator = current !== undefined && current.record.creatorId === creatorId;
    if (sameCreator && bytes <= current.bytes) return undefined;
    const u = this.usage.get(creatorId);
    const creatorRecords = (u?.records ?? 0) + (sameCreator ? 0 : 1);
    const creatorBytes = (u?.bytes ?? 0) + bytes - (sameCreator ? current.bytes : 0);
    if (creatorRecords > this.maxRecordsPerCreator || creatorBytes > this.maxBytesPerCreator)
      return 'creator-share';
    const records = this.byKey.size + (current === undefined ? 1 : 0);
    const total = this.totalBytes + bytes - (current?.bytes ?? 0);
    if (records > this.maxRecords || total > this.maxBytes) return 'database-full';
    return undefined;
  }

  private attach(e: Entry): void {
    this.byKey.set(e.key, e);
    this.ordered.insert(e);
    const set = this.byType.get(e.typeKey);
    if (set === undefined) this.byType.set(e.typeKey, new Set([e]));
    else set.add(e);
    const u = this.usage.get(e.record.creatorId);
    if (u === undefined) this.usage.set(e.record.creatorId, { records: 1, bytes: e.bytes });
    else {
      u.records++;
      u.bytes += e.bytes;
    }
    this.totalBytes += e.bytes;
    this.expiry.push(e);
  }

  /** Takes `e` out of every index but the expiry heap (which skips it once marked). */
  private detach(e: Entry): void {
    e.removed = true;
    this.byKey.delete(e.key);
    this.ordered.remove(e);
    const set = this.byType.get(e.typeKey);
    if (set !== undefined) {
      set.delete(e);
      if (set.size === 0) this.byType.delete(e.typeKey);
    }
    const u = this.usage.get(e.record.creatorId);
    if (u !== undefined) {
      u.records--;
      u.bytes -= e.bytes;
      if (u.records === 0) this.usage.delete(e.record.creatorId);
    }
    this.totalBytes -= e.bytes;
  }
}

function limit(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1)
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}
