/**
 * @module cpa/text
 * Text of CPA friendly names ([MS-PNRP] §2.2.3.1, U flag) and extended payload strings
 * (§2.2.3.3, String Type): UTF-8 or UTF-16LE ("Unicode" in the spec). Decoding is exact, so a
 * decoded string always re-encodes to the same bytes: invalid UTF-8 is refused rather than
 * replaced, a leading byte-order mark is kept as U+FEFF rather than dropped, and UTF-16 must
 * have an even length. Lone surrogates are refused for UTF-8 (they have no UTF-8 form).
 */
import { utf8Encode, utf16Decode, utf16leEncode } from '../util/bytes.js';
import type { TextEncoding } from './model.js';

const exactUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The bytes of `text` in `encoding`. Throws `RangeError` for a lone surrogate in UTF-8.
 * @example encodeText('hi', 'utf-16le') // [0x68, 0, 0x69, 0]
 */
export function encodeText(text: string, encoding: TextEncoding): Uint8Array {
  if (typeof text !== 'string') throw new TypeError('text must be a string');
  if (encoding === 'utf-16le') return utf16leEncode(text);
  if (encoding !== 'utf-8') throw new RangeError(`unknown text encoding ${String(encoding)}`);
  if (LONE_SURROGATE.test(text)) {
    throw new RangeError('text has a lone UTF-16 surrogate, which UTF-8 cannot encode');
  }
  return utf8Encode(text);
}

/**
 * The text of remote bytes, or `undefined` when they are not valid in `encoding`.
 * @example decodeText(new Uint8Array([0x68, 0x69]), 'utf-8') // 'hi'
 */
export function decodeText(bytes: Uint8Array, encoding: TextEncoding): string | undefined {
  if (encoding === 'utf-16le') return bytes.length % 2 === 0 ? utf16Decode(bytes, 'le') : undefined;
  try {
    return exactUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}
