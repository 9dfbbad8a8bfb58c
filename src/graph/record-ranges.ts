/**
 * @module graph/record-ranges
 * The arithmetic of hash-based sync ([MS-PPGRH] §3.1.7.31, §3.1.5.2.7, §3.1.5.2.8), as pure
 * functions over records in the sync order (Last Modification Time, record ID).
 *
 * Theory of operation. The initiator cuts its ordered records into Record Ranges of
 * {@link HASH_RANGE_RECORDS} and sends, per range, MD5(ID1, Version1, ID2, Version2, ...) with
 * the range's upper boundary (HASH_INFO_ENTRY, {@link hashEntriesOf}). The responder knows only
 * the upper boundaries, so range i is (upper[i-1], upper[i]] and the first range starts at the
 * lowest place. It hashes its own records in each range the same way and, for each range whose
 * hash differs, advertises a HASH_ENTRY_BOUNDARY and the RECORD_ABSTRACTs of its records there
 * ({@link advertiseOf}). The initiator then requests what is missing or older here and keeps, to
 * send after SYNC_END, what it holds in an advertised range that the responder lacks or holds
 * older ({@link diffOf}).
 *
 * Decisions where the specification is silent:
 * - Lower boundaries. HASH_ENTRY_BOUNDARY's bounds are inclusive (§3.1.7.31 describes ranges by
 *   >= and <=), but the responder only knows the previous upper boundary, an exclusive bound. It
 *   sends the next place after it (the ID plus one, {@link successorPosition}), which is the same
 *   set of records read inclusively; the first range's lower boundary is (0, zero GUID).
 * - Above the last boundary. Records newer than the initiator's last upper boundary belong to no
 *   range, so the specification would never advertise them, and a responder's newest records (the
 *   likeliest to be missing) would never sync. The responder adds a final open range from the
 *   place after the last upper boundary to (2^64-1, all-ones GUID) whenever it holds records
 *   there. An initiator of any implementation handles it as any other advertised range.
 * - Empty initiator. SOLICIT_HASH's Hash Count MUST be nonzero (§3.1.7.31), so an empty database
 *   sends one entry: the MD5 of nothing with the highest upper boundary, a range covering all.
 * - Unordered entries. A HASH_INFO_ENTRY whose upper boundary is not above the previous one
 *   defines no range; it is skipped (and counted by the caller), never trusted to reorder.
 * - "Does not appear in the Record Abstracts" (§3.1.5.2.8) is read over the whole ADVERTISE, not
 *   per range: a record the responder advertises anywhere with a version at least ours (it moved
 *   to another range when it was modified) is not sent back.
 * - Hostile boundaries may overlap or cover everything; they are merged before the walk, so the
 *   initiator visits each of its records at most once whatever it receives.
 *
 * Hash-based sync compares only IDs and versions: two copies of a record with the same version
 * but different contents (concurrent modifications) are invisible to it; flooding resolves those
 * by §3.1.7.32.
 */
import { md5 } from '@noble/hashes/legacy.js';
import { equalBytes } from '../util/bytes.js';
import type { GraphRecord, HashEntryBoundary, HashInfoEntry, RecordAbstract } from './model.js';
import {
  comparePositions,
  guidKey,
  keyGuid,
  POSITION_MAX,
  POSITION_MIN,
  type PositionedRecord,
  type RecordPosition,
  successorPosition,
} from './record-order.js';

/** Records per Record Range (§3.1.7.31: "The size of each Record Range MUST be 10 Records"). */
export const HASH_RANGE_RECORDS = 10;

/** Bytes of one hashed pair: a 16-byte record ID and a big-endian u32 version. */
const PAIR_BYTES = 20;

/**
 * MD5 over (Record ID, Record Version) of each record in order (§3.1.7.31), the version as a
 * big-endian u32 like every integer of [MS-PPGRH] §2.2.
 * @example rangeHash(records.slice(0, 10)) // 16 bytes
 */
export function rangeHash(records: readonly GraphRecord[]): Uint8Array {
  const pairs = new RangePairs();
  for (const r of records) pairs.add(r);
  return pairs.hash();
}

/** The (ID, version) pairs of one range, in a buffer reused from range to range. */
class RangePairs {
  private buf = new Uint8Array(PAIR_BYTES * HASH_RANGE_RECORDS);
  private view = new DataView(this.buf.buffer);
  /** Pairs held; set it to 0 to start the next range. */
  count = 0;

  add(r: GraphRecord): void {
    const at = this.count * PAIR_BYTES;
    if (at + PAIR_BYTES > this.buf.length) {
      const next = new Uint8Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
      this.view = new DataView(next.buffer);
    }
    if (r.id.length !== 16) this.buf.fill(0, at, at + 16); // not from the codec; stay defined
    this.buf.set(r.id.length <= 16 ? r.id : r.id.subarray(0, 16), at);
    this.view.setUint32(at + 16, r.version >>> 0, false);
    this.count++;
  }

  hash(): Uint8Array {
    return md5(this.buf.subarray(0, this.count * PAIR_BYTES));
  }
}

/**
 * The initiator's HASH_INFO_ENTRYs for `ordered` (records in sync order): one per range of
 * {@link HASH_RANGE_RECORDS}, carrying the range's upper boundary; for no records, one entry
 * covering everything (see the module notes).
 * @example const entries = hashEntriesOf(db.records());
 */
export function hashEntriesOf(ordered: Iterable<GraphRecord>): HashInfoEntry[] {
  const entries: HashInfoEntry[] = [];
  const pairs = new RangePairs();
  let last: GraphRecord | undefined;
  for (const r of ordered) {
    pairs.add(r);
    last = r;
    if (pairs.count === HASH_RANGE_RECORDS) {
      entries.push({ hash: pairs.hash(), modifiedAt: r.modifiedAt, id: r.id });
      pairs.count = 0;
    }
  }
  if (pairs.count > 0)
    entries.push({ hash: pairs.hash(), modifiedAt: last!.modifiedAt, id: last!.id });
  if (entries.length === 0)
    entries.push({ hash: pairs.hash(), modifiedAt: POSITION_MAX.modifiedAt, id: maxGuid() });
  return entries;
}

/** What the responder advertises, and how many of the initiator's entries it skipped. */
export interface AdvertiseResult {
  readonly boundaries: HashEntryBoundary[];
  readonly abstracts: RecordAbstract[];
  /** Entries whose upper boundary was not above the previous one (no range). */
  readonly skipped: number;
}

/**
 * The responder's ADVERTISE (§3.1.5.2.7) for the initiator's `entries`, over its own records in
 * sync order with their places: every range whose hash differs, and the final open range above
 * the last boundary when it holds records. O(records + entries).
 * @example const { boundaries, abstracts } = advertiseOf(entriesInOrder, message.entries);
 */
export function advertiseOf(
  ordered: Iterable<PositionedRecord>,
  entries: readonly HashInfoEntry[],
): AdvertiseResult {
  const uppers: RecordPosition[] = [];
  const hashes: Uint8Array[] = [];
  let skipped = 0;
  for (const e of entries) {
    const upper = { modifiedAt: e.modifiedAt, key: guidKey(e.id) };
    const prev = uppers[uppers.length - 1];
    if (prev !== undefined && comparePositions(upper, prev) <= 0) skipped++;
    else {
      uppers.push(upper);
      hashes.push(e.hash);
    }
  }
  const boundaries: HashEntryBoundary[] = [];
  const abstracts: RecordAbstract[] = [];
  let r = 0;
  let range: GraphRecord[] = [];
  const pairs = new RangePairs();
  const close = (): void => {
    const open = r === uppers.length;
    if (open ? range.length > 0 : !equalBytes(pairs.hash(), hashes[r]!)) {
      const lower = r === 0 ? POSITION_MIN : (successorPosition(uppers[r - 1]!) ?? uppers[r - 1]!);
      const upper = open ? POSITION_MAX : uppers[r]!;
      boundaries.push(boundaryOf(lower, upper, range.length));
      for (const rec of range) abstracts.push({ id: rec.id, version: rec.version });
    }
    range = [];
    pairs.count = 0;
  };
  for (const p of ordered) {
    while (r < uppers.length && comparePositions(p, uppers[r]!) > 0) {
      close();
      r++;
    }
    range.push(p.record);
    pairs.add(p.record);
  }
  for (; r <= uppers.length; r++) close();
  return { boundaries, abstracts, skipped };
}

/** What {@link diffOf} needs of the initiator's database. */
export interface DiffSource {
  /** The stored record with this ID key, if any. */
  get(key: string): GraphRecord | undefined;
  /** Stored records (with their places) in sync order from `lower` (inclusive) on. */
  from(lower: RecordPosition): Iterable<PositionedRecord>;
}

/**
 * The initiator's Records To Request and Records To Send (§3.1.5.2.8) for an ADVERTISE; only
 * records for which `passes` holds are sent. Requests keep the order of first appearance, each ID
 * once with the highest advertised version; sends are in sync order, each record at most once.
 * @example const { request, send } = diffOf(source, advertise.boundaries, advertise.abstracts);
 */
export function diffOf(
  source: DiffSource,
  boundaries: readonly HashEntryBoundary[],
  abstracts: readonly RecordAbstract[],
  passes: (r: GraphRecord) => boolean = () => true,
): { request: RecordAbstract[]; send: GraphRecord[] } {
  const advertised = new Map<string, number>();
  const request: RecordAbstract[] = [];
  const requested = new Map<string, number>();
  for (const a of abstracts) {
    const key = guidKey(a.id);
    const before = advertised.get(key);
    if (before === undefined || a.version > before) advertised.set(key, a.version);
    const ours = source.get(key);
    if (ours !== undefined && ours.version >= a.version) continue;
    const at = requested.get(key);
    if (at === undefined) {
      requested.set(key, request.length);
      request.push({ id: a.id, version: a.version });
    } else if (request[at]!.version < a.version) request[at] = { id: a.id, version: a.version };
  }
  const send: GraphRecord[] = [];
  const sent = new Set<string>();
  for (const [lower, upper] of mergedRanges(boundaries)) {
    for (const p of source.from(lower)) {
      if (comparePositions(p, upper) > 0) break;
      if (!passes(p.record)) continue;
      const theirs = advertised.get(p.key);
      if (theirs === undefined || theirs < p.record.version) {
        send.push(p.record);
        sent.add(p.key);
      }
    }
  }
  for (const r of sameVersionConflicts(source, boundaries, abstracts)) {
    const key = guidKey(r.id);
    if (sent.has(key) || !passes(r)) continue;
    sent.add(key);
    send.push(r);
  }
  return { request, send };
}

/**
 * Records we hold at the version the responder advertised that may still differ from its copy
 * (a design decision beyond §3.1.5.2.8, whose hash covers only IDs and versions, so two edits
 * made at the same version on both sides of a partition would never be exchanged). Sending ours
 * lets §3.1.7.32 decide at the responder, which floods its own copy back when ours is older.
 * - Ours lies outside the advertised range that lists the record: its modification time differs
 *   from the responder's copy, so the two are different edits.
 * - An advertised range lists exactly our records of that range, at our versions, yet its hash
 *   differed: only their order (a modification time) can differ, so every one of them is sent.
 * Abstracts are matched to ranges by the ranges' counts, in order (as `advertiseOf` lists them);
 * when the counts do not add up, nothing is added. At most one range's worth per range.
 */
function sameVersionConflicts(
  source: DiffSource,
  boundaries: readonly HashEntryBoundary[],
  abstracts: readonly RecordAbstract[],
): GraphRecord[] {
  let total = 0;
  for (const b of boundaries) total += b.count;
  if (total !== abstracts.length) return [];
  const out: GraphRecord[] = [];
  let at = 0;
  for (const b of boundaries) {
    const lower = { modifiedAt: b.lowerModifiedAt, key: guidKey(b.lowerId) };
    const upper = { modifiedAt: b.upperModifiedAt, key: guidKey(b.upperId) };
    const listed = abstracts.slice(at, at + b.count);
    at += b.count;
    if (comparePositions(lower, upper) > 0) continue;
    const inRange = new Map<string, GraphRecord>();
    let extra = false;
    for (const p of source.from(lower)) {
      if (comparePositions(p, upper) > 0) break;
      inRange.set(p.key, p.record);
      if (inRange.size > listed.length) {
        extra = true;
        break;
      }
    }
    let sameSet = !extra && inRange.size === listed.length;
    const outside: GraphRecord[] = [];
    for (const a of listed) {
      const key = guidKey(a.id);
      const ours = source.get(key);
      const here = inRange.get(key);
      if (here === undefined || here.version !== a.version) sameSet = false;
      if (ours !== undefined && ours.version === a.version && here === undefined)
        outside.push(ours);
    }
    out.push(...outside);
    if (sameSet) out.push(...inRange.values());
  }
  return out;
}

/** The boundaries as inclusive [lower, upper] places, empty ones dropped, sorted and merged. */
function mergedRanges(
  boundaries: readonly HashEntryBoundary[],
): [RecordPosition, RecordPosition][] {
  const ranges: [RecordPosition, RecordPosition][] = [];
  for (const b of boundaries) {
    const lower = { modifiedAt: b.lowerModifiedAt, key: guidKey(b.lowerId) };
    const upper = { modifiedAt: b.upperModifiedAt, key: guidKey(b.upperId) };
    if (comparePositions(lower, upper) <= 0) ranges.push([lower, upper]);
  }
  ranges.sort((a, b) => comparePositions(a[0], b[0]));
  const merged: [RecordPosition, RecordPosition][] = [];
  for (const [lower, upper] of ranges) {
    const last = merged[merged.length - 1];
    if (last !== undefined && comparePositions(lower, last[1]) <= 0) {
      if (comparePositions(upper, last[1]) > 0) last[1] = upper;
    } else merged.push([lower, upper]);
  }
  return merged;
}

function boundaryOf(
  lower: RecordPosition,
  upper: RecordPosition,
  count: number,
): HashEntryBoundary {
  return {
    lowerModifiedAt: lower.modifiedAt,
    lowerId: keyGuid(lower.key),
    upperModifiedAt: upper.modifiedAt,
    upperId: keyGuid(upper.key),
    count,
  };
}

function maxGuid(): Uint8Array {
  return keyGuid(POSITION_MAX.key);
}
