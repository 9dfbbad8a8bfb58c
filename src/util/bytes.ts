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

/** ASCII codes of the hex digits. */
const HEX_DIGITS = new Uint8Array([
  48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102,
]);
/** Reused output of {@link toHex} for inputs up to 64 bytes. */
const hexScratch = new Uint8Array(128);
const ascii = new TextDecoder('latin1');

/**
 * Lowercase hex of some bytes, the same string as @noble/hashes' `bytesToHex`. Throws `TypeError`
 * for a value that is not a Uint8Array.
 *
 * Built by decoding ASCII digits, so the result is one flat string. `bytesToHex` appends two
 * characters at a time, which leaves a chain of 31 rope nodes behind a 64-character hex; kept
 * as a Map key (as caches and pending tables do) that chain cost about 1 KB per key, a quarter
 * of a simulated node's heap (issue 13, Build 3).
 * @example toHex(new Uint8Array([1, 255])) // '01ff'
 */
export function toHex(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array)) return bytesToHex(bytes);
  const n = bytes.length;
  const out = n <= 64 ? hexScratch : new Uint8Array(2 * n);
  for (let i = 0; i < n; i++) {
    const v = bytes[i]!;
    out[2 * i] = HEX_DIGITS[v >> 4]!;
    out[2 * i + 1] = HEX_DIGITS[v & 15]!;
  }
  return ascii.decode(out.subarray(0, 2 * n));
}

/** Reused UTF-16 code units of {@link codeUnitString}. */
const unitScratch = new Uint16Array(1024);

/**
 * One flat string of these UTF-16 code units (`String.fromCharCode` over them). Appending
 * characters one at a time leaves a rope node per append behind the string; a string kept as a
 * Map key should be flat.
 * @example codeUnitString(new Uint16Array([72, 105]), 2) // 'Hi'
 */
export function codeUnitString(units: Uint16Array, length: number): string {
  let s = '';
  for (let at = 0; at < length; at += 4096)
    s += String.fromCharCode.apply(
      null,
      units.subarray(at, Math.min(length, at + 4096)) as unknown as number[],
    );
  return s;
}

/**
 * A compact string naming some bytes, for Map and Set keys only (never shown): the length, then
 * two bytes per UTF-16 code unit, 17 characters for a 32-byte ID against {@link toHex}'s 64, with
 * no per-byte table lookups (issue 13 Build 3: hex keys were a visible share of CPU per datagram).
 * Equal bytes give equal strings and different bytes different ones.
 * @example bytesKey(a) === bytesKey(a.slice()) // true
 */
export function bytesKey(bytes: Uint8Array): string {
  const b = bytes;
  const n = b.length;
  if (n === 32) {
    return String.fromCharCode(
      32,
      (b[0]! << 8) | b[1]!,
      (b[2]! << 8) | b[3]!,
      (b[4]! << 8) | b[5]!,
      (b[6]! << 8) | b[7]!,
      (b[8]! << 8) | b[9]!,
      (b[10]! << 8) | b[11]!,
      (b[12]! << 8) | b[13]!,
      (b[14]! << 8) | b[15]!,
      (b[16]! << 8) | b[17]!,
      (b[18]! << 8) | b[19]!,
      (b[20]! << 8) | b[21]!,
      (b[22]! << 8) | b[23]!,
      (b[24]! << 8) | b[25]!,
      (b[26]! << 8) | b[27]!,
      (b[28]! << 8) | b[29]!,
      (b[30]! << 8) | b[31]!,
    );
  }
  const length = 2 + ((n + 1) >> 1);
  const units = length <= unitScratch.length ? unitScratch : new Uint16Array(length);
  units[0] = n & 0xffff;
  units[1] = n >>> 16;
  let u = 2;
  for (let i = 0; i + 1 < n; i += 2) units[u++] = (b[i]! << 8) | b[i + 1]!;
  if (n % 2 === 1) units[u++] = b[n - 1]!;
  return codeUnitString(units, u);
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
