/**
 * @module keys/key256
 * 256-bit keys (PNRP IDs, DRT keys) as `Uint8Array(32)`, most significant byte first
 * (docs/design.md §5), and arithmetic on the circular key space of size 2^256 ([MS-PNRP] §1.3.3):
 * closeness is the numeric distance the short way round the ring, not XOR.
 */
import { compareBytes, fromHex, toHex } from '../util/bytes.js';

/** A 256-bit key, most significant byte first. Always exactly 32 bytes. */
export type Key = Uint8Array;

/** Bytes in a key. */
export const KEY_BYTES = 32;
/** Bits in a key. */
export const KEY_BITS = 256;
/** Size of the key ring, 2^256. */
export const RING_SIZE: bigint = 1n << 256n;
const RING_MASK = RING_SIZE - 1n;
const HALF_RING = RING_SIZE >> 1n;

/**
 * Throws `TypeError`/`RangeError` unless `key` is a 32-byte Uint8Array (local input checks).
 * @example assertKey(new Uint8Array(32), 'target');
 */
export function assertKey(key: unknown, what = 'key'): asserts key is Key {
  if (!(key instanceof Uint8Array)) throw new TypeError(`${what} must be a Uint8Array`);
  if (key.length !== KEY_BYTES) {
    throw new RangeError(`${what} must be ${KEY_BYTES} bytes, got ${key.length}`);
  }
}

/**
 * Key from 64 hex digits.
 * @example keyFromHex('00'.repeat(31) + '01')
 */
export function keyFromHex(hex: string): Key {
  const key = fromHex(hex);
  if (key.length !== KEY_BYTES) {
    throw new RangeError(`key hex must be 64 digits, got ${hex.length}`);
  }
  return key;
}

/**
 * Lowercase hex of a key (64 digits).
 * @example keyToHex(new Uint8Array(32)) // '000...0'
 */
export function keyToHex(key: Key): string {
  return toHex(key);
}

/**
 * The key as an unsigned integer.
 * @example keyToBigInt(keyFromHex('00'.repeat(31) + 'ff')) // 255n
 */
export function keyToBigInt(key: Key): bigint {
  let v = 0n;
  if (key.length % 4 === 0) {
    // Four bytes per BigInt step instead of one (issue 13: resolvers convert every candidate).
    for (let i = 0; i < key.length; i += 4) {
      const word = ((key[i]! << 24) | (key[i + 1]! << 16) | (key[i + 2]! << 8) | key[i + 3]!) >>> 0;
      v = (v << 32n) | BigInt(word);
    }
    return v;
  }
  for (let i = 0; i < key.length; i += 8) {
    let word = 0n;
    for (let j = i; j < i + 8; j++) word = (word << 8n) | BigInt(key[j]!);
    v = (v << 64n) | word;
  }
  return v;
}

/**
 * The key for an integer, reduced modulo 2^256 (negative values wrap round the ring).
 * @example keyFromBigInt(-1n) // ff..ff
 */
export function keyFromBigInt(value: bigint): Key {
  let v = ((value % RING_SIZE) + RING_SIZE) & RING_MASK;
  const out = new Uint8Array(KEY_BYTES);
  for (let i = KEY_BYTES - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/**
 * Numeric order of two keys: -1, 0 or 1.
 * @example compareKeys(a, b) < 0 // a is numerically smaller
 */
export function compareKeys(a: Key, b: Key): number {
  return compareBytes(a, b);
}

/**
 * Circular distance between two keys: the smaller of the two ways round the ring.
 * @example ringDistance(keyFromBigInt(1n), keyFromBigInt(-1n)) // 2n
 */
export function ringDistance(a: Key, b: Key): bigint {
  return ringDistanceBig(keyToBigInt(a), keyToBigInt(b));
}

/**
 * {@link ringDistance} on integer keys (hot paths keep keys as bigint).
 * @example ringDistanceBig(0n, RING_SIZE - 1n) // 1n
 */
export function ringDistanceBig(a: bigint, b: bigint): bigint {
  const d = (a - b) & RING_MASK;
  return d > HALF_RING ? RING_SIZE - d : d;
}

/**
 * Clockwise (increasing) distance from `from` to `to`, in [0, 2^256).
 * @example clockwiseDistance(keyFromBigInt(-1n), keyFromBigInt(1n)) // 2n
 */
export function clockwiseDistance(from: Key, to: Key): bigint {
  return (keyToBigInt(to) - keyToBigInt(from)) & RING_MASK;
}

/**
 * Which of `a` and `b` is closer to `target` round the ring: negative if `a`, positive if `b`,
 * 0 on a tie; ties on distance are broken by numeric order so the result is a total order.
 * @example [b, a].sort((x, y) => compareDistance(target, x, y))
 */
export function compareDistance(target: Key, a: Key, b: Key): number {
  const t = keyToBigInt(target);
  const da = ringDistanceBig(t, keyToBigInt(a));
  const db = ringDistanceBig(t, keyToBigInt(b));
  if (da !== db) return da < db ? -1 : 1;
  return compareKeys(a, b);
}

/**
 * `key + delta` modulo 2^256 (subtract with a negative delta). Registration resolves "own ID + 1".
 * @example addToKey(ownId, 1)
 */
export function addToKey(key: Key, delta: number | bigint): Key {
  if (typeof delta === 'number' && !Number.isSafeInteger(delta)) {
    throw new RangeError(`addToKey: delta must be a safe integer, got ${delta}`);
  }
  return keyFromBigInt(keyToBigInt(key) + BigInt(delta));
}

/**
 * Number of leading bits two keys share (0..256): DRT's per-hop "nearness".
 * @example commonPrefixBits(a, a) // 256
 */
export function commonPrefixBits(a: Key, b: Key): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]! ^ b[i]!;
    if (x !== 0) return i * 8 + Math.clz32(x) - 24;
  }
  return n * 8;
}

/**
 * True when `key` lies in the circular range from `min` clockwise to `max`, both inclusive.
 * With `min > max` the range wraps through zero.
 * @example keyInRange(k, lo, hi)
 */
export function keyInRange(key: Key, min: Key, max: Key): boolean {
  if (compareKeys(min, max) <= 0) return compareKeys(min, key) <= 0 && compareKeys(key, max) <= 0;
  return compareKeys(key, min) >= 0 || compareKeys(key, max) <= 0;
}

/**
 * The middle of the gap going clockwise from `from` to `to` (rounded down); used to fill sparse
 * cache levels by looking up the middle of a gap.
 * @example midpointOf(keyFromBigInt(0n), keyFromBigInt(10n)) // 5
 */
export function midpointOf(from: Key, to: Key): Key {
  const f = keyToBigInt(from);
  const gap = (keyToBigInt(to) - f) & RING_MASK;
  return keyFromBigInt(f + (gap >> 1n));
}
