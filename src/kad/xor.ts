/**
 * @module kad/xor
 * The XOR metric of Kademlia (paper §2.1): d(x, y) = x XOR y read as an unsigned 256-bit
 * integer. Compared byte by byte, most significant first, so no BigInt is built per comparison.
 */
import { KAD_ID_BITS } from './constants.js';

/** Bytes of an ID, as a local constant: hot loops read it on every iteration. */
const ID_BYTES = 32;

/**
 * Which of `a` and `b` is closer to `target` by XOR: negative if `a`, positive if `b`, 0 when
 * they are the same ID (XOR distances to one target are all distinct).
 * @example ids.sort((a, b) => compareXor(target, a, b))
 */
export function compareXor(target: Uint8Array, a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < ID_BYTES; i++) {
    const t = target[i]!;
    const da = a[i]! ^ t;
    const db = b[i]! ^ t;
    if (da !== db) return da - db;
  }
  return 0;
}

/**
 * Leading bits `a` and `b` share (0..256). The bucket of `id` in the table of `own` is
 * `sharedPrefixBits(own, id)`: bucket 0 holds the far half of the ID space.
 * @example sharedPrefixBits(own, own) // 256
 */
export function sharedPrefixBits(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < ID_BYTES; i++) {
    const x = a[i]! ^ b[i]!;
    if (x !== 0) return i * 8 + Math.clz32(x) - 24;
  }
  return KAD_ID_BITS;
}

/**
 * A uniformly random ID that shares exactly `bits` leading bits with `own` (so it falls in
 * bucket `bits`), drawn from `random` (32 random bytes). Used to refresh a bucket.
 * @example idInBucket(own, 3, rng.bytes(32))
 */
export function idInBucket(own: Uint8Array, bits: number, random: Uint8Array): Uint8Array {
  if (!Number.isInteger(bits) || bits < 0 || bits >= KAD_ID_BITS) {
    throw new RangeError(`bucket must be 0..${KAD_ID_BITS - 1}, got ${bits}`);
  }
  const out = random.slice(0, ID_BYTES);
  const whole = bits >> 3;
  for (let i = 0; i < whole; i++) out[i] = own[i]!;
  const rest = bits & 7;
  // Bits [0, rest) of byte `whole` from own, bit `rest` flipped, the rest random.
  const keep = (0xff00 >> rest) & 0xff;
  const flip = 0x80 >> rest;
  const o = own[whole]!;
  out[whole] = (o & keep) | (~o & flip) | (out[whole]! & ~(keep | flip) & 0xff);
  return out;
}
