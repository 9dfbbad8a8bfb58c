/**
 * @module wire/id-array
 * PNRP_ID_ARRAY (0x0060) of ADVERTISE and REQUEST ([MS-PNRP] §2.2.2.2, §2.2.2.3):
 * `0060 | 12+32n | NumEntries (0..0x7FFF) | ArrayLength 8+32n | ElementFieldType 0x0030 |
 * EntryLength 0x0020 | n x ID (32)`. The u16 element Length caps a real array at 2,047 IDs.
 */
import { assertKey, type Key } from '../keys/key256.js';
import type { ByteWriter } from '../util/byte-writer.js';
import { FIELD_IDS, ID_ARRAY_ENTRIES_ENCODABLE_MAX, ID_BYTES } from './constants.js';
import { arrayElementBytes, readArrayHeader, writeArrayHeader } from './field-array.js';
import type { ElementReader } from './tlv.js';
import { WIRE_LIMITS } from './types.js';

/**
 * Bytes of a PNRP_ID_ARRAY element with `count` IDs (12 + 32n, always aligned).
 * @example idArrayElementBytes(5) // 172
 */
export function idArrayElementBytes(count: number): number {
  return arrayElementBytes(count, ID_BYTES);
}

/**
 * Writes a PNRP_ID_ARRAY. Throws `RangeError` for more than 2,047 IDs or a key of the wrong size.
 * @example writeIdArray(w, [keyA, keyB], 'ids');
 */
export function writeIdArray(w: ByteWriter, ids: readonly Key[], what: string): void {
  if (!Array.isArray(ids)) throw new TypeError(`${what} must be an array of keys`);
  if (ids.length > ID_ARRAY_ENTRIES_ENCODABLE_MAX) {
    throw new RangeError(
      `${what} has ${ids.length} IDs; one PNRP_ID_ARRAY holds at most ${ID_ARRAY_ENTRIES_ENCODABLE_MAX}`,
    );
  }
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (!(id instanceof Uint8Array) || id.length !== ID_BYTES) assertKey(id, `${what}[${i}]`);
  }
  writeArrayHeader(w, FIELD_IDS.pnrpIdArray, FIELD_IDS.pnrpId, ID_BYTES, ids.length);
  for (const id of ids) w.bytes(id);
}

/**
 * Reads a PNRP_ID_ARRAY; NumEntries over 0x7FFF gives `limit`. The keys are views into one copy.
 * @example const ids = readIdArray(r);
 */
export function readIdArray(r: ElementReader): Key[] {
  const end = r.open(FIELD_IDS.pnrpIdArray);
  const n = readArrayHeader(r, end, FIELD_IDS.pnrpId, ID_BYTES, 0, WIRE_LIMITS.idArrayEntriesMax);
  const block = r.bytes(n * ID_BYTES);
  const ids: Key[] = new Array(n);
  for (let i = 0; i < n; i++) ids[i] = block.subarray(i * ID_BYTES, (i + 1) * ID_BYTES);
  r.close(end);
  return ids;
}
