/**
 * @module graph/wire/messages-sync
 * The database messages of [MS-PPGRH]: SOLICIT_NEW, SOLICIT_TIME, SOLICIT_HASH (§2.2.2.6-8),
 * ADVERTISE (§2.2.2.9), REQUEST (§2.2.2.10), FLOOD (§2.2.2.11), SYNC_END (§2.2.2.12), PT2PT
 * (§2.2.2.13) and ACK (§2.2.2.14), with the receive checks of §3.1.5.2.5-13.
 *
 * Decisions where the specification is loose:
 * - §3.1.5.2.7 writes "Hash Entry Offset * 0x28 + Hash Entry Offset <= Message Size": a typo for
 *   Hash Count * 0x28 (HASH_INFO_ENTRY is 40 bytes); we check Hash Count * 40 + Hash Entry Offset.
 * - §3.1.5.2.9 asks REQUEST for at least 0x14 bytes, but its fixed part is 16 and an empty REQUEST
 *   (nothing to request, §3.1.5.2.8) is 16 bytes; we require 16.
 * - §3.1.5.2.13 asks PT2PT for at least 0x10 bytes; its Data Type ends at 28, so we require 28
 *   and a Data Offset of at least 28.
 * - SYNC_END's Final bit may be clear (§3.1.5.2.5: one SYNC_END per excluded type); such a
 *   message is to be ignored (§3.1.5.2.11). The model's `sync-end` has no Final field, so the
 *   decoder reports a non-final SYNC_END as `sync-end-not-final` (the node ignores that code
 *   rather than closing) and {@link encodeSyncEnd} writes either form.
 * - FLOOD's Reserved2 must be zero (§3.1.5.2.10 checks it, unlike other reserved fields).
 * - An empty include or exclude filter is written as "all" (both counts 0); "all" with types is
 *   local misuse.
 */

import { ByteReader, fail } from '../../util/byte-reader.js';
import { ByteWriter } from '../../util/byte-writer.js';
import { type GraphMessage, type Guid, MESSAGE_TYPE, type RecordTypeFilter } from '../model.js';
import { GRAPH_WIRE_ERROR as E } from './errors.js';
import {
  checkArray,
  checkCount,
  checkOffset,
  checkOrder,
  MESSAGE_HEADER_BYTES,
  needSize,
  writeHeader,
} from './layout.js';
import type { GraphWireLimits } from './limits.js';
import { checkGuid, checkU32, readU64be, writeU64be } from './primitives.js';
import { encodeRecord, readRecord } from './record.js';

type Msg<T extends GraphMessage['type']> = Extract<GraphMessage, { type: T }>;

const SOLICIT_NEW_FIXED = 12;
const SOLICIT_TIME_FIXED = 20;
const SOLICIT_HASH_FIXED = 20;
const ADVERTISE_FIXED = 24;
const REQUEST_FIXED = 16;
const FLOOD_FIXED = 12;
/** §3.1.5.2.10: Message Size at least 0x10. */
const FLOOD_MIN = 16;
const SYNC_END_FIXED = 12;
const PT2PT_FIXED = 28;
const ACK_FIXED = 12;
const GUID_BYTES = 16;
const HASH_INFO_ENTRY_BYTES = 40;
const HASH_ENTRY_BOUNDARY_BYTES = 52;
const RECORD_ABSTRACT_BYTES = 20;
const RECORD_ACK_BYTES = 20;
const FLAG_FINAL = 0x01;
const FLAG_USEFUL = 0x01;

/** Inclusion and exclusion counts of a filter; `RangeError` on misuse. */
function filterCounts(filter: RecordTypeFilter, maxInclude: number): [number, number] {
  const n = checkCount(filter.types.length, 0xff, 'record types');
  if (filter.mode === 'all') {
    if (n > 0) throw new RangeError("a filter of mode 'all' lists no record types");
    return [0, 0];
  }
  for (const t of filter.types) checkGuid(t, 'record type');
  if (filter.mode === 'include') {
    if (n > maxInclude) {
      throw new RangeError(`Inclusion Count ${n} above ${maxInclude} (§3.1.5.2.5-6)`);
    }
    return [n, 0];
  }
  if (filter.mode === 'exclude') return [0, n];
  throw new TypeError(`filter mode ${String(filter.mode)}`);
}

/** Reads Inclusion Count, Exclusion Count and Record Types Offset, with §3.1.5.2.5-7's rules. */
function readFilterHead(
  r: ByteReader,
  maxInclude: number,
): { include: number; exclude: number; offset: number } {
  const include = r.u8();
  const exclude = r.u8();
  const offset = r.u16be();
  if (include !== 0 && exclude !== 0) {
    fail(E.includeAndExclude, `Inclusion Count ${include} and Exclusion Count ${exclude}`);
  }
  if (include > maxInclude) fail(E.inclusionCount, `Inclusion Count ${include}`);
  return { include, exclude, offset };
}

function readFilter(
  data: Uint8Array,
  head: { include: number; exclude: number; offset: number },
): RecordTypeFilter {
  const count = head.include + head.exclude;
  if (count === 0) return { mode: 'all', types: [] };
  const r = new ByteReader(data, head.offset, head.offset + count * GUID_BYTES);
  const types: Guid[] = [];
  for (let i = 0; i < count; i++) types.push(r.bytes(GUID_BYTES));
  return { mode: head.include > 0 ? 'include' : 'exclude', types };
}

function solicit(
  type: number,
  fixed: number,
  filter: RecordTypeFilter,
  maxInclude: number,
  extraBytes: number,
  middle: (w: ByteWriter, typesEnd: number) => void,
  tail: (w: ByteWriter) => void,
): Uint8Array {
  const [include, exclude] = filterCounts(filter, maxInclude);
  const typesEnd = fixed + (include + exclude) * GUID_BYTES;
  const size = typesEnd + extraBytes;
  const w = new ByteWriter(size);
  writeHeader(w, type, size);
  w.u8(include).u8(exclude).u16be(fixed);
  middle(w, typesEnd);
  for (const t of filter.types) w.bytes(t);
  tail(w);
  return w.finish();
}

/** SOLICIT_NEW (§2.2.2.6). */
export function encodeSolicitNew(m: Msg<'solicit-new'>): Uint8Array {
  const none = (): void => {};
  return solicit(MESSAGE_TYPE.solicitNew, SOLICIT_NEW_FIXED, m.filter, 1, 0, none, none);
}

/** Reads SOLICIT_NEW with the checks of §3.1.5.2.5. */
export function readSolicitNew(data: Uint8Array): Msg<'solicit-new'> {
  needSize(data.length, SOLICIT_NEW_FIXED, 'SOLICIT_NEW');
  const head = readFilterHead(new ByteReader(data, MESSAGE_HEADER_BYTES), 1);
  checkArray(
    'record types',
    head.include + head.exclude,
    GUID_BYTES,
    head.offset,
    SOLICIT_NEW_FIXED,
    data.length,
    0xff,
  );
  return { type: 'solicit-new', filter: readFilter(data, head) };
}

/** SOLICIT_TIME (§2.2.2.7). */
export function encodeSolicitTime(m: Msg<'solicit-time'>): Uint8Array {
  return solicit(
    MESSAGE_TYPE.solicitTime,
    SOLICIT_TIME_FIXED,
    m.filter,
    1,
    0,
    (w) => writeU64be(w, m.modifiedSince, 'Modification Time'),
    () => {},
  );
}

/** Reads SOLICIT_TIME with the checks of §3.1.5.2.6. */
export function readSolicitTime(data: Uint8Array): Msg<'solicit-time'> {
  needSize(data.length, SOLICIT_TIME_FIXED, 'SOLICIT_TIME');
  const r = new ByteReader(data, MESSAGE_HEADER_BYTES);
  const head = readFilterHead(r, 1);
  const modifiedSince = readU64be(r);
  checkArray(
    'record types',
    head.include + head.exclude,
    GUID_BYTES,
    head.offset,
    SOLICIT_TIME_FIXED,
    data.length,
    0xff,
  );
  return { type: 'solicit-time', filter: readFilter(data, head), modifiedSince };
}

/** SOLICIT_HASH (§2.2.2.8): filter, then HASH_INFO_ENTRYs (§2.2.1.7) after the record types. */
export function encodeSolicitHash(m: Msg<'solicit-hash'>): Uint8Array {
  const count = checkU32(m.entries.length, 'Hash Count');
  return solicit(
    MESSAGE_TYPE.solicitHash,
    SOLICIT_HASH_FIXED,
    m.filter,
    0xff,
    count * HASH_INFO_ENTRY_BYTES,
    (w, typesEnd) => w.u32be(count).u16be(typesEnd).u16be(0),
    (w) => {
      for (const e of m.entries) {
        if (!(e.hash instanceof Uint8Array) || e.hash.length !== 16) {
          throw new RangeError('HASH_INFO_ENTRY hash must be 16 bytes');
        }
        w.bytes(e.hash);
        writeU64be(w, e.modifiedAt, 'Modification Time');
        w.bytes(checkGuid(e.id, 'record ID'));
      }
    },
  );
}

/** Reads SOLICIT_HASH with the checks of §3.1.5.2.7 (see the module note on its typo). */
export function readSolicitHash(data: Uint8Array, limits: GraphWireLimits): Msg<'solicit-hash'> {
  const size = data.length;
  needSize(size, SOLICIT_HASH_FIXED, 'SOLICIT_HASH');
  const r = new ByteReader(data, MESSAGE_HEADER_BYTES);
  const head = readFilterHead(r, 0xff);
  const hashCount = r.u32be();
  const hashOffset = r.u16be();
  r.skip(2); // Reserved2: ignored
  checkArray(
    'record types',
    head.include + head.exclude,
    GUID_BYTES,
    head.offset,
    SOLICIT_HASH_FIXED,
    hashOffset,
    0xff,
  );
  checkArray(
    'hash entries',
    hashCount,
    HASH_INFO_ENTRY_BYTES,
    hashOffset,
    SOLICIT_HASH_FIXED,
    size,
    limits.maxHashEntries,
  );
  const e = new ByteReader(data, hashOffset, hashOffset + hashCount * HASH_INFO_ENTRY_BYTES);
  const entries = [];
  for (let i = 0; i < hashCount; i++) {
    entries.push({ hash: e.bytes(16), modifiedAt: readU64be(e), id: e.bytes(GUID_BYTES) });
  }
  return { type: 'solicit-hash', filter: readFilter(data, head), entries };
}

function writeAbstracts(w: ByteWriter, abstracts: Msg<'request'>['abstracts']): void {
  for (const a of abstracts)
    w.bytes(checkGuid(a.id, 'record ID')).u32be(checkU32(a.version, 'version'));
}

function readAbstracts(
  data: Uint8Array,
  offset: number,
  count: number,
): Msg<'request'>['abstracts'] {
  const r = new ByteReader(data, offset, offset + count * RECORD_ABSTRACT_BYTES);
  const out = [];
  for (let i = 0; i < count; i++) out.push({ id: r.bytes(GUID_BYTES), version: r.u32be() });
  return out;
}

/** ADVERTISE (§2.2.2.9): HASH_ENTRY_BOUNDARYs (§2.2.1.8) then RECORD_ABSTRACTs (§2.2.1.6). */
export function encodeAdvertise(m: Msg<'advertise'>): Uint8Array {
  const boundaries = checkU32(m.boundaries.length, 'Hash Entry Boundary Count');
  const abstracts = checkU32(m.abstracts.length, 'Record Abstract Count');
  const abstractsOffset = ADVERTISE_FIXED + boundaries * HASH_ENTRY_BOUNDARY_BYTES;
  const size = abstractsOffset + abstracts * RECORD_ABSTRACT_BYTES;
  const w = new ByteWriter(size);
  writeHeader(w, MESSAGE_TYPE.advertise, size);
  w.u32be(boundaries).u32be(abstracts).u16be(ADVERTISE_FIXED).u16be(0).u32be(abstractsOffset);
  for (const b of m.boundaries) {
    writeU64be(w, b.lowerModifiedAt, 'Modification Time Lower');
    w.bytes(checkGuid(b.lowerId, 'Record ID Lower'));
    writeU64be(w, b.upperModifiedAt, 'Modification Time Upper');
    w.bytes(checkGuid(b.upperId, 'Record ID Upper')).u32be(checkU32(b.count, 'Count'));
  }
  writeAbstracts(w, m.abstracts);
  return w.finish();
}

/** Reads ADVERTISE with the checks of §3.1.5.2.8. */
export function readAdvertise(data: Uint8Array, limits: GraphWireLimits): Msg<'advertise'> {
  const size = data.length;
  needSize(size, ADVERTISE_FIXED, 'ADVERTISE');
  const r = new ByteReader(data, MESSAGE_HEADER_BYTES);
  const boundaryCount = r.u32be();
  const abstractCount = r.u32be();
  const boundaryOffset = r.u16be();
  r.skip(2); // Reserved2: ignored
  const abstractsOffset = r.u32be();
  checkOrder(
    boundaryOffset,
    abstractsOffset,
    false,
    'Hash Entry Boundary Offset must be at most Record Abstracts Offset',
  );
  checkOffset(abstractsOffset, ADVERTISE_FIXED, size, false, 'Record Abstracts');
  checkArray(
    'boundaries',
    boundaryCount,
    HASH_ENTRY_BOUNDARY_BYTES,
    boundaryOffset,
    ADVERTISE_FIXED,
    abstractsOffset,
    limits.maxHashEntries,
  );
  checkArray(
    'abstracts',
    abstractCount,
    RECORD_ABSTRACT_BYTES,
    abstractsOffset,
    ADVERTISE_FIXED,
    size,
    limits.maxAbstracts,
  );
  const b = new ByteReader(
    data,
    boundaryOffset,
    boundaryOffset + boundaryCount * HASH_ENTRY_BOUNDARY_BYTES,
  );
  const boundaries = [];
  for (let i = 0; i < boundaryCount; i++) {
    boundaries.push({
      lowerModifiedAt: readU64be(b),
      lowerId: b.bytes(GUID_BYTES),
      upperModifiedAt: readU64be(b),
      upperId: b.bytes(GUID_BYTES),
      count: b.u32be(),
    });
  }
  return {
    type: 'advertise',
    boundaries,
    abstracts: readAbstracts(data, abstractsOffset, abstractCount),
  };
}

/** REQUEST (§2.2.2.10): RECORD_ABSTRACTs. */
export function encodeRequest(m: Msg<'request'>): Uint8Array {
  const count = checkU32(m.abstracts.length, 'Record Abstract Count');
  const size = REQUEST_FIXED + count * RECORD_ABSTRACT_BYTES;
  const w = new ByteWriter(size);
  writeHeader(w, MESSAGE_TYPE.request, size);
  w.u32be(count).u32be(REQUEST_FIXED);
  writeAbstracts(w, m.abstracts);
  return w.finish();
}

/** Reads REQUEST with the checks of §3.1.5.2.9 (minimum 16, see the module note). */
export function readRequest(data: Uint8Array, limits: GraphWireLimits): Msg<'request'> {
  needSize(data.length, REQUEST_FIXED, 'REQUEST');
  const r = new ByteReader(data, MESSAGE_HEADER_BYTES);
  const count = r.u32be();
  const offset = r.u32be();
  checkArray(
    'abstracts',
    count,
    RECORD_ABSTRACT_BYTES,
    offset,
    REQUEST_FIXED,
    data.length,
    limits.maxAbstracts,
  );
  return { type: 'request', abstracts: readAbstracts(data, offset, count) };
}

/** FLOOD (§2.2.2.11): one PEER_RECORD. */
export function encodeFlood(m: Msg<'flood'>): Uint8Array {
  const record = encodeRecord(m.record);
  const size = FLOOD_FIXED + record.length;
  const w = new ByteWriter(size);
  writeHeader(w, MESSAGE_TYPE.flood, size);
  w.u16be(FLOOD_FIXED).u16be(0).bytes(record);
  return w.finish();
}

/** Reads FLOOD with the checks of §3.1.5.2.10; the record must fill the rest of the message. */
export function readFlood(data: Uint8Array, limits: GraphWireLimits): Msg<'flood'> {
  const size = data.length;
  needSize(size, FLOOD_MIN, 'FLOOD');
  const r = new ByteReader(data, MESSAGE_HEADER_BYTES);
  const offset = r.u16be();
  const reserved2 = r.u16be();
  checkOffset(offset, FLOOD_FIXED, size, true, 'Record');
  if (reserved2 !== 0) fail(E.reservedNotZero, `FLOOD Reserved2 0x${reserved2.toString(16)}`);
  return { type: 'flood', record: readRecord(new ByteReader(data, offset, size), limits) };
}

/**
 * SYNC_END (§2.2.2.12) with the Final bit set or clear. `encodeGraphMessage({ type: 'sync-end' })`
 * writes the final form; a responder excluding record types sends non-final ones (§3.1.5.2.5).
 * @example const bytes = encodeSyncEnd(false);
 */
export function encodeSyncEnd(final: boolean): Uint8Array {
  const w = new ByteWriter(SYNC_END_FIXED);
  writeHeader(w, MESSAGE_TYPE.syncEnd, SYNC_END_FIXED);
  w.u8(final ? FLAG_FINAL : 0)
    .u8(0)
    .u16be(0);
  return w.finish();
}

/** Reads SYNC_END (§3.1.5.2.11); a clear Final bit gives `sync-end-not-final`. */
export function readSyncEnd(data: Uint8Array): Msg<'sync-end'> {
  needSize(data.length, SYNC_END_FIXED, 'SYNC_END');
  const flags = new ByteReader(data, MESSAGE_HEADER_BYTES).u8(); // Z bits: ignored
  if ((flags & FLAG_FINAL) === 0)
    fail(E.syncEndNotFinal, 'SYNC_END without the Final bit: ignore it');
  return { type: 'sync-end' };
}

/** PT2PT (§2.2.2.13): data type GUID and payload. */
export function encodePt2pt(m: Msg<'pt2pt'>): Uint8Array {
  const size = PT2PT_FIXED + m.payload.length;
  const w = new ByteWriter(size);
  writeHeader(w, MESSAGE_TYPE.pt2pt, size);
  w.u16be(PT2PT_FIXED).u16be(0).bytes(checkGuid(m.dataType, 'data type')).bytes(m.payload);
  return w.finish();
}

/** Reads PT2PT with the checks of §3.1.5.2.13 (minimum 28, see the module note). */
export function readPt2pt(data: Uint8Array): Msg<'pt2pt'> {
  const size = data.length;
  needSize(size, PT2PT_FIXED, 'PT2PT');
  const r = new ByteReader(data, MESSAGE_HEADER_BYTES);
  const offset = r.u16be();
  r.skip(2); // Reserved2: ignored
  const dataType = r.bytes(GUID_BYTES);
  checkOffset(offset, PT2PT_FIXED, size, true, 'Payload Data');
  return { type: 'pt2pt', dataType, payload: data.slice(offset, size) };
}

/** ACK (§2.2.2.14): record IDs with the Useful bit (0x00000001 of the flags word). */
export function encodeAck(m: Msg<'ack'>): Uint8Array {
  const count = checkCount(m.acks.length, 0xffff, 'ACKs');
  const size = ACK_FIXED + count * RECORD_ACK_BYTES;
  const w = new ByteWriter(size);
  writeHeader(w, MESSAGE_TYPE.ack, size);
  w.u16be(count).u16be(ACK_FIXED);
  for (const a of m.acks) w.bytes(checkGuid(a.id, 'record ID')).u32be(a.useful ? FLAG_USEFUL : 0);
  return w.finish();
}

/** Reads ACK with the checks of §3.1.5.2.12. */
export function readAck(data: Uint8Array, limits: GraphWireLimits): Msg<'ack'> {
  needSize(data.length, ACK_FIXED, 'ACK');
  const r = new ByteReader(data, MESSAGE_HEADER_BYTES);
  const count = r.u16be();
  const offset = r.u16be();
  checkArray('ACKs', count, RECORD_ACK_BYTES, offset, ACK_FIXED, data.length, limits.maxAcks);
  const e = new ByteReader(data, offset, offset + count * RECORD_ACK_BYTES);
  const acks = [];
  for (let i = 0; i < count; i++) {
    acks.push({ id: e.bytes(GUID_BYTES), useful: (e.u32be() & FLAG_USEFUL) !== 0 });
  }
  return { type: 'ack', acks };
}
