/**
 * @module graph/record-order
 * The two orders of the graph database ([MS-PPGRH]): Record Conflict Resolution (§3.1.7.32),
 * which decides between two versions of one record, and the sync order of §3.1.7.31, which sorts
 * the database by (Last Modification Time, record ID) for hash-based sync. A record's place in
 * the sync order is a {@link RecordPosition}: its modification time and its ID as a 16-character
 * key string whose character codes are the ID's bytes, so plain string comparison is the bytewise
 * comparison of the GUIDs and the same string keys the database's Map.
 */
import { compareBytes } from '../util/bytes.js';
import type { GraphRecord, Guid, PeerTime, RecordOrder } from './model.js';

/**
 * How `a` compares with `b`, a stored record of the same ID, by §3.1.7.32: higher version; then
 * updated (non-empty Last Modified By ID) over never updated; then the lexicographically higher
 * Last Modified By ID (compared by UTF-16 code units, the order of the Unicode strings on the
 * wire); then the later Last Modification Time; then the larger Security Data Size; then the
 * higher Security Data bytes. Equal on all of these: `same` ("already present").
 * @example compareRecords(received, stored) === 'newer' // received replaces stored
 */
export function compareRecords(a: GraphRecord, b: GraphRecord): RecordOrder {
  if (a.version !== b.version) return a.version > b.version ? 'newer' : 'older';
  const aUpdated = a.modifiedById.length > 0;
  const bUpdated = b.modifiedById.length > 0;
  if (aUpdated !== bUpdated) return aUpdated ? 'newer' : 'older';
  if (a.modifiedById !== b.modifiedById) return a.modifiedById > b.modifiedById ? 'newer' : 'older';
  if (a.modifiedAt !== b.modifiedAt) return a.modifiedAt > b.modifiedAt ? 'newer' : 'older';
  if (a.securityData.length !== b.securityData.length)
    return a.securityData.length > b.securityData.length ? 'newer' : 'older';
  const bytes = compareBytes(a.securityData, b.securityData);
  if (bytes !== 0) return bytes > 0 ? 'newer' : 'older';
  return 'same';
}

/** A place in the sync order of §3.1.7.31: (Last Modification Time, record ID key). */
export interface RecordPosition {
  readonly modifiedAt: PeerTime;
  /** The record ID as a string of 16 character codes 0..255 (see {@link guidKey}). */
  readonly key: string;
}

/**
 * The map and order key of a GUID: one character per byte, so `<` on keys is `compareBytes` on
 * GUIDs (for any length, not only 16).
 * @example guidKey(new Uint8Array([0, 255])) // '\u0000\u00ff'
 */
export function guidKey(id: Guid): string {
  // One call builds a flat string (a `+=` loop would build a rope that every Map lookup flattens).
  return id.length <= 64
    ? String.fromCharCode.apply(null, id as unknown as number[])
    : Array.from(id, (b) => String.fromCharCode(b)).join('');
}

/**
 * The GUID of a {@link guidKey}.
 * @example keyGuid(guidKey(id)) // bytes equal to id
 */
export function keyGuid(key: string): Guid {
  const id = new Uint8Array(key.length);
  for (let i = 0; i < key.length; i++) id[i] = key.charCodeAt(i) & 0xff;
  return id;
}

/**
 * Sync-order comparison: negative, zero or positive.
 * @example comparePositions({ modifiedAt: 1n, key: 'b' }, { modifiedAt: 2n, key: 'a' }) // -1
 */
export function comparePositions(a: RecordPosition, b: RecordPosition): number {
  if (a.modifiedAt !== b.modifiedAt) return a.modifiedAt < b.modifiedAt ? -1 : 1;
  if (a.key === b.key) return 0;
  return a.key < b.key ? -1 : 1;
}

/** A record with its place in the sync order (the database's entries are these). */
export interface PositionedRecord extends RecordPosition {
  readonly record: GraphRecord;
}

/** The largest peer time a PEER_RECORD can carry (an unsigned 64-bit FILETIME). */
export const PEER_TIME_MAX: PeerTime = 0xffff_ffff_ffff_ffffn;

/** The lowest place on the wire: time 0, the zero GUID. Every record is at or above it. */
export const POSITION_MIN: RecordPosition = { modifiedAt: 0n, key: '\0'.repeat(16) };

/** The highest place on the wire: the largest time, the all-ones GUID. */
export const POSITION_MAX: RecordPosition = {
  modifiedAt: PEER_TIME_MAX,
  key: '\u00ff'.repeat(16),
};

/**
 * The first place after `p` among IDs of its length: the GUID plus one, or, after the all-ones
 * GUID, the next time with the zero GUID; undefined after {@link POSITION_MAX}. It turns the
 * exclusive lower end of a range (the previous range's upper boundary) into the inclusive lower
 * boundary HASH_ENTRY_BOUNDARY carries (§2.2.1.8).
 * @example successorPosition({ modifiedAt: 5n, key: '\u00ff'.repeat(16) }) // { 6n, zeros }
 */
export function successorPosition(p: RecordPosition): RecordPosition | undefined {
  const id = keyGuid(p.key);
  for (let i = id.length - 1; i >= 0; i--) {
    if (id[i] !== 0xff) {
      id[i]! += 1;
      return { modifiedAt: p.modifiedAt, key: guidKey(id) };
    }
    id[i] = 0;
  }
  if (p.modifiedAt >= PEER_TIME_MAX) return undefined;
  return { modifiedAt: p.modifiedAt + 1n, key: guidKey(id) };
}
