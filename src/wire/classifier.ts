/**
 * @module wire/classifier
 * CLASSIFIER (0x0085) of the AUTHORITY_BUFFER ([MS-PNRP] §2.2.2.6.1): an array of WCHAR (0x0084,
 * 2 bytes each) `0085 | 12+2n | NumEntries n | ArrayLength 8+2n | 0x0084 | 0x0002 | n units`,
 * padded to 4. The code units are UTF-16 big-endian (network order, what Wireshark reads;
 * docs/design.md §5), with no terminating NUL. The spec allows 0x7FFF units; a classifier of a peer
 * name has at most 149 (§2.2.4), so more is refused, and so is a NUL unit.
 */
import { fail } from '../util/byte-reader.js';
import type { ByteWriter } from '../util/byte-writer.js';
import { utf16beEncode } from '../util/bytes.js';
import { FIELD_IDS, WCHAR_BYTES } from './constants.js';
import { WIRE_ERROR } from './errors.js';
import { arrayElementBytes, readArrayHeader, writeArrayHeader } from './field-array.js';
import type { ElementReader } from './tlv.js';
import { WIRE_LIMITS } from './types.js';

/**
 * Throws unless `classifier` is a string of at most 149 UTF-16 code units without NUL.
 * @example assertClassifier('MyApplication');
 */
export function assertClassifier(classifier: string): void {
  if (typeof classifier !== 'string') throw new TypeError('classifier must be a string');
  if (classifier.length > WIRE_LIMITS.classifierUnitsMax) {
    throw new RangeError(
      `classifier has ${classifier.length} UTF-16 code units; at most ${WIRE_LIMITS.classifierUnitsMax}`,
    );
  }
  if (classifier.includes('\u0000')) throw new RangeError('classifier contains a NUL');
}

/**
 * Bytes of the CLASSIFIER element, padded to 4.
 * @example classifierElementSize('abc') // 20
 */
export function classifierElementSize(classifier: string): number {
  return (arrayElementBytes(classifier.length, WCHAR_BYTES) + 3) & ~3;
}

/**
 * Writes a CLASSIFIER element, padded to 4.
 * @example writeClassifier(w, 'MyApplication');
 */
export function writeClassifier(w: ByteWriter, classifier: string): void {
  assertClassifier(classifier);
  writeArrayHeader(w, FIELD_IDS.classifier, FIELD_IDS.wchar, WCHAR_BYTES, classifier.length);
  w.bytes(utf16beEncode(classifier)).pad4();
}

/**
 * Reads a CLASSIFIER element: more than 149 units is `limit`, a NUL unit `bad-value`.
 * @example const classifier = readClassifier(r);
 */
export function readClassifier(r: ElementReader): string {
  const end = r.open(FIELD_IDS.classifier);
  const n = readArrayHeader(
    r,
    end,
    FIELD_IDS.wchar,
    WCHAR_BYTES,
    0,
    WIRE_LIMITS.classifierUnitsMax,
  );
  const d = r.data;
  const o = r.offset;
  const units: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const unit = (d[o + 2 * i]! << 8) | d[o + 2 * i + 1]!;
    if (unit === 0) fail(WIRE_ERROR.badValue, `classifier has a NUL at unit ${i}`);
    units[i] = unit;
  }
  r.skip(n * WCHAR_BYTES);
  r.close(end);
  return String.fromCharCode(...units);
}
