/**
 * @module cache/ring-bytes
 * Allocation-free arithmetic on 256-bit keys held as bytes (most significant first), for the hot
 * paths of the route cache: ordering, clockwise offsets and ring distances written into caller
 * buffers, and the cache-level thresholds of the Windows multi-level cache ([MS-PNRP] §3.2.1.1
 * <5>; reference/pnrp-wire.md §7.7). Converting a key to a bigint costs about as much as a whole
 * `closest()` call, so nothing here touches bigint except the one-off threshold table.
 */
import { type Key, RING_SIZE } from '../keys/key256.js';

/** Bytes in a key, local so that hot loops read a constant (not an imported binding). */
const KEY_BYTES = 32;

/**
 * Deepest level index the thresholds cover: level 76 is the last whose half-span
 * `2^256 / (2·10^76)` is at least 1 (10^77 exceeds 2^256 / 2).
 * @example levelsMax <= LEVEL_INDEX_LIMIT + 1
 */
export const LEVEL_INDEX_LIMIT = 76;

/**
 * Numeric order of two keys stored at offsets of byte arrays: -1, 0 or 1.
 * @example compareKeyAt(scratch, 0, scratch, 32) < 0
 */
export function compareKeyAt(
  a: Uint8Array,
  aOffset: number,
  b: Uint8Array,
  bOffset: number,
): number {
  for (let i = 0; i < KEY_BYTES; i++) {
    const d = a[aOffset + i]! - b[bOffset + i]!;
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/**
 * Numeric order of two keys: -1, 0 or 1 (the inner loop of every binary search in the cache).
 * @example compareKeyBytes(a, b) === 0 // same key
 */
export function compareKeyBytes(a: Key, b: Key): number {
  for (let i = 0; i < KEY_BYTES; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/**
 * Writes `(a - b) mod 2^256` into `out` at `offset`: the clockwise offset from `b` to `a`.
 * @example subtractInto(entryId, target, scratch, 0) // clockwise distance target -> entry
 */
export function subtractInto(a: Key, b: Key, out: Uint8Array, offset: number): void {
  let borrow = 0;
  for (let i = KEY_BYTES - 1; i >= 0; i--) {
    const d = a[i]! - b[i]! - borrow;
    borrow = d < 0 ? 1 : 0;
    out[offset + i] = d & 0xff;
  }
}

/**
 * Writes `(a + b) mod 2^256` into `out` at `offset`.
 * @example addInto(centre, levelHalfSpan(2), scratch, 0) // outer edge of level 2, clockwise
 */
export function addInto(a: Key, b: Key, out: Uint8Array, offset: number): void {
  let carry = 0;
  for (let i = KEY_BYTES - 1; i >= 0; i--) {
    const s = a[i]! + b[i]! + carry;
    carry = s > 0xff ? 1 : 0;
    out[offset + i] = s & 0xff;
  }
}

/**
 * Writes the ring distance between `a` and `b` (the shorter way round) into `out` at `offset`.
 * @example ringDistanceInto(a, b, scratch, 0)
 */
export function ringDistanceInto(a: Key, b: Key, out: Uint8Array, offset: number): void {
  subtractInto(a, b, out, offset);
  if (out[offset]! < 0x80) return;
  // Above half the ring (or exactly half): the other way round is no longer, negate in place.
  let borrow = 0;
  for (let i = KEY_BYTES - 1; i >= 0; i--) {
    const d = -out[offset + i]! - borrow;
    borrow = d < 0 ? 1 : 0;
    out[offset + i] = d & 0xff;
  }
}

function bigToBytes(value: bigint): Uint8Array {
  const out = new Uint8Array(KEY_BYTES);
  let v = value;
  for (let i = KEY_BYTES - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/**
 * Half-span of each cache level as a bigint: level `i` covers the keys within
 * `floor(2^256 / (2·10^i))` of its centre (level 0: half the ring, i.e. all of it).
 * @example LEVEL_HALF_SPANS_BIG[1] // 2^256 / 20
 */
export const LEVEL_HALF_SPANS_BIG: readonly bigint[] = Array.from(
  { length: LEVEL_INDEX_LIMIT + 2 },
  (_, i) => RING_SIZE / (2n * 10n ** BigInt(i)),
);

/** The same half-spans as 32-byte keys, for allocation-free comparisons. */
const LEVEL_HALF_SPANS: readonly Uint8Array[] = LEVEL_HALF_SPANS_BIG.map(bigToBytes);

/**
 * Half-span of level `level` as a 32-byte key (shared: do not modify).
 * @example compareKeyAt(offset, 0, levelHalfSpan(1), 0) <= 0 // within level 1's span
 */
export function levelHalfSpan(level: number): Key {
  const span = LEVEL_HALF_SPANS[level];
  if (span === undefined) throw new RangeError(`no cache level ${level}`);
  return span;
}

/**
 * The deepest level (at most `maxLevel`) whose half-span contains a ring distance held at
 * `offset` of `distance`: the largest `i <= maxLevel` with `distance <= floor(2^256 / (2·10^i))`.
 * @example naturalLevel(scratch, 0, depth - 1)
 */
export function naturalLevel(distance: Uint8Array, offset: number, maxLevel: number): number {
  let level = 0;
  while (level < maxLevel && compareKeyAt(distance, offset, LEVEL_HALF_SPANS[level + 1]!, 0) <= 0) {
    level++;
  }
  return level;
}
