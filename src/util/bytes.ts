/**
 * @module util/bytes
 * Small byte helpers shared by every layer: hex conversion, concatenation, comparison, UTF-8 and
 * UTF-16 conversion. Hex, concatenation and UTF-8 encoding are @noble/hashes' maintained helpers
 * (already a dependency of the core), kept under these names so callers need not change. Hex
 * parsing is for local input and throws (`TypeError`/`RangeError`); UTF-8 decoding is for remote
 * input and returns `undefined` instead of throwing.
 */
import {
  bytesToHex,
  hexToBytes,
  concatBytes as nobleConcatBytes,
  utf8ToBytes,
} from '@noble/hashes/utils.js';

/**
 * Lowercase hex of some bytes (@noble/hashes' `bytesToHex`). Throws `TypeError` for a value that
 * is not a Uint8Array.
 * @example toHex(new Uint8Array([1, 255])) // '01ff'
 */
export function toHex(bytes: Uint8Array): string {
  return bytesToHex(bytes);
}

/**
 * Bytes of a hex string (either case; @noble/hashes' `hexToBytes`). Throws `TypeError` for a
 * non-string and `RangeError` for an odd length or a non-hex digit. For local input: decoders of
 * remote bytes check the digits first (or return a result) and never call it on unchecked text.
 * @example fromHex('01ff') // Uint8Array [1, 255]
 */
export function fromHex(hex: string): Uint8Array {
  return hexToBytes(hex);
}

/**
 * Concatenates byte arrays into a new array (@noble/hashes' `concatBytes`).
 * @example concatBytes(new Uint8Array([1]), new Uint8Array([2])) // [1, 2]
 */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  return nobleConcatBytes(...parts);
}

/**
 * True when both arrays hold the same bytes.
 * @example equalBytes(new Uint8Array([1]), new Uint8Array([1])) // true
 */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Lexicographic comparison: negative, zero or positive.
 * @example compareBytes(new Uint8Array([1]), new Uint8Array([2])) // -1
 */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * UTF-8 bytes of a string (@noble/hashes' `utf8ToBytes`; `TypeError` for a non-string).
 * @example utf8Encode('PNRP') // [0x50, 0x4e, 0x52, 0x50]
 */
export function utf8Encode(text: string): Uint8Array {
  return utf8ToBytes(text);
}

/**
 * Decodes UTF-8, returning `undefined` for invalid sequences (remote input never throws).
 * @example utf8Decode(new Uint8Array([0x68, 0x69])) // 'hi'
 */
export function utf8Decode(bytes: Uint8Array): string | undefined {
  try {
    return utf8Decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * UTF-16 code units of a string, little-endian (how docs/design.md §5 hashes classifiers).
 * @example utf16leEncode('A') // [0x41, 0x00]
 */
export function utf16leEncode(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[2 * i] = c & 0xff;
    out[2 * i + 1] = c >> 8;
  }
  return out;
}

/**
 * UTF-16 code units of a string, big-endian (the CLASSIFIER element's order, docs/design.md §5).
 * @example utf16beEncode('A') // [0x00, 0x41]
 */
export function utf16beEncode(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[2 * i] = c >> 8;
    out[2 * i + 1] = c & 0xff;
  }
  return out;
}

/**
 * Decodes UTF-16 code units from bytes in the given order (odd lengths are the caller's error).
 * @example utf16Decode(new Uint8Array([0, 0x41]), 'be') // 'A'
 */
export function utf16Decode(bytes: Uint8Array, order: 'le' | 'be'): string {
  let out = '';
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    const c = order === 'le' ? bytes[i]! | (bytes[i + 1]! << 8) : (bytes[i]! << 8) | bytes[i + 1]!;
    out += String.fromCharCode(c);
  }
  return out;
}
