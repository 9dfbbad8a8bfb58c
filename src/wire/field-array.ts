/**
 * @module wire/field-array
 * The array header shared by every array element of [MS-PNRP] §2.2.2 (PNRP_ID_ARRAY,
 * IPV6_ENDPOINT_ARRAY, CLASSIFIER; a FIELD_ARRAY in [MC-DRT] terms): after the element header
 * come `NumEntries (u16) | ArrayLength (u16) = 8 + n x EntryLength | ElementFieldType (u16) |
 * EntryLength (u16)`, then the n entries; the element Length is 12 + n x EntryLength.
 */
import { fail } from '../util/byte-reader.js';
import type { ByteWriter } from '../util/byte-writer.js';
import { ARRAY_HEADER_BYTES, ELEMENT_HEADER_BYTES } from './constants.js';
import { WIRE_ERROR } from './errors.js';
import type { ElementReader } from './tlv.js';

/**
 * Bytes of an array element with `count` entries of `entryBytes`, without padding.
 * @example arrayElementBytes(1, 18) // 30
 */
export function arrayElementBytes(count: number, entryBytes: number): number {
  return ELEMENT_HEADER_BYTES + ARRAY_HEADER_BYTES + count * entryBytes;
}

/**
 * Writes the element header and array header of an array element; the caller writes the entries.
 * Throws `RangeError` if the element would pass 65,535 bytes.
 * @example writeArrayHeader(w, FIELD_IDS.pnrpIdArray, FIELD_IDS.pnrpId, 32, ids.length);
 */
export function writeArrayHeader(
  w: ByteWriter,
  fieldId: number,
  elementType: number,
  entryBytes: number,
  count: number,
): void {
  const length = arrayElementBytes(count, entryBytes);
  if (length > 0xffff) {
    throw new RangeError(`an array of ${count} entries of ${entryBytes} bytes exceeds one element`);
  }
  w.u16be(fieldId).u16be(length);
  w.u16be(count).u16be(ARRAY_HEADER_BYTES + count * entryBytes);
  w.u16be(elementType).u16be(entryBytes);
}

/**
 * Reads and checks the 8-byte array header of an array element whose body starts at the cursor
 * and ends at `end`; returns NumEntries. Shared by the endpoint, ID and WCHAR arrays.
 * @example const n = readArrayHeader(r, end, FIELD_IDS.pnrpId, 32, 0, 0x7fff);
 */
export function readArrayHeader(
  r: ElementReader,
  end: number,
  elementType: number,
  entryBytes: number,
  min: number,
  max: number,
): number {
  if (end - r.offset < ARRAY_HEADER_BYTES) {
    fail(WIRE_ERROR.badLength, `array element of ${end - r.offset} body bytes has no array header`);
  }
  const n = r.u16be();
  const arrayLength = r.u16be();
  const type = r.u16be();
  const entryLength = r.u16be();
  if (n < min || n > max) fail(WIRE_ERROR.limit, `array of ${n} entries (${min}..${max} allowed)`);
  if (type !== elementType) {
    fail(
      WIRE_ERROR.badValue,
      `array ElementFieldType 0x${type.toString(16)}, expected 0x${elementType.toString(16)}`,
    );
  }
  if (entryLength !== entryBytes) {
    fail(WIRE_ERROR.badLength, `array EntryLength ${entryLength}, expected ${entryBytes}`);
  }
  const expected = ARRAY_HEADER_BYTES + n * entryBytes;
  if (arrayLength !== expected) {
    fail(WIRE_ERROR.badLength, `ArrayLength ${arrayLength} for ${n} entries, expected ${expected}`);
  }
  if (end - r.offset !== n * entryBytes) {
    fail(WIRE_ERROR.badLength, `element Length leaves ${end - r.offset} bytes for ${n} entries`);
  }
  return n;
}
