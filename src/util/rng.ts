/**
 * @module util/rng
 * Injected randomness (docs/design.md §2-§3). The core never draws randomness of its own: it takes an
 * {@link Rng}. {@link seededRng} is a deterministic xoshiro128** generator whose `fork(label)`
 * derives an independent stream from the seed and the label alone, so forking one stream per
 * simulated node never perturbs any other stream. The CSPRNG-backed default for real use is
 * `systemRng()` in `runtime.ts` (the adapter layer may touch platform randomness).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8Encode } from './bytes.js';

/** A source of randomness. Implementations must be synchronous. */
export interface Rng {
  /** A uniform 32-bit unsigned integer. */
  nextU32(): number;
  /** A uniform float in [0, 1). */
  nextFloat(): number;
  /** A uniform integer in [0, maxExclusive); `maxExclusive` must be a positive safe integer. */
  nextInt(maxExclusive: number): number;
  /** `n` random bytes. */
  bytes(n: number): Uint8Array;
  /** An independent stream derived from this stream's seed and `label` (not from its state). */
  fork(label: string): Rng;
}

/** Shared helpers built on `nextU32`, so every Rng behaves alike. */
export abstract class RngBase implements Rng {
  abstract nextU32(): number;
  abstract fork(label: string): Rng;

  nextFloat(): number {
    return this.nextU32() / 0x1_0000_0000;
  }

  nextInt(maxExclusive: number): number {
    if (!Number.isSafeInteger(maxExclusive) || maxExclusive <= 0) {
      throw new RangeError(`nextInt: maxExclusive must be a positive integer, got ${maxExclusive}`);
    }
    if (maxExclusive <= 0x1_0000_0000) {
      // Rejection sampling keeps the result exactly uniform.
      const limit = 0x1_0000_0000 - (0x1_0000_0000 % maxExclusive);
      let v = this.nextU32();
      while (v >= limit) v = this.nextU32();
      return v % maxExclusive;
    }
    return Math.floor(this.nextFloat() * maxExclusive);
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      let v = this.nextU32();
      for (let j = i; j < Math.min(n, i + 4); j++) {
        out[j] = v & 0xff;
        v >>>= 8;
      }
    }
    return out;
  }
}

/**
 * Deterministic xoshiro128** seeded from 16 bytes of key material. State and key are eight int32
 * fields (small integers, stored unboxed in the object): a Uint32Array of eight cost a typed
 * array, an ArrayBuffer and its backing store, ~280 bytes per stream against ~90 here (issue 13;
 * a simulated node holds two streams). Same bits, same streams.
 */
class SeededRng extends RngBase {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** The seed key, for fork. */
  private readonly k0: number;
  private readonly k1: number;
  private readonly k2: number;
  private readonly k3: number;

  constructor(key: Uint8Array) {
    super();
    const v = new DataView(key.buffer, key.byteOffset, 16);
    this.k0 = v.getInt32(0, true);
    this.k1 = v.getInt32(4, true);
    this.k2 = v.getInt32(8, true);
    this.k3 = v.getInt32(12, true);
    this.s0 = (this.k0 | this.k1 | this.k2 | this.k3) === 0 ? 1 : this.k0;
    this.s1 = this.k1;
    this.s2 = this.k2;
    this.s3 = this.k3;
  }

  nextU32(): number {
    const s0 = this.s0;
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    const s2 = this.s2 ^ s0;
    const s3 = this.s3 ^ s1;
    this.s1 = s1 ^ s2;
    this.s0 = s0 ^ s3;
    this.s2 = s2 ^ t;
    this.s3 = rotl(s3, 11);
    return result;
  }

  fork(label: string): Rng {
    const labelBytes = utf8Encode(label);
    const input = new Uint8Array(17 + labelBytes.length);
    const v = new DataView(input.buffer);
    v.setInt32(0, this.k0, true);
    v.setInt32(4, this.k1, true);
    v.setInt32(8, this.k2, true);
    v.setInt32(12, this.k3, true);
    input[16] = 0x2f; // '/': separates parent key from label
    input.set(labelBytes, 17);
    return new SeededRng(sha256(input));
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * A deterministic generator: the same seed always yields the same stream, and
 * `fork(label)` depends only on (seed, label).
 * @example const rng = seededRng(42); rng.nextU32(); const nodeRng = rng.fork('node-7');
 */
export function seededRng(seed: number | bigint | string): Rng {
  if (typeof seed === 'number' && !Number.isSafeInteger(seed)) {
    throw new RangeError(`seededRng: seed must be a safe integer, got ${seed}`);
  }
  if (typeof seed !== 'number' && typeof seed !== 'bigint' && typeof seed !== 'string') {
    throw new TypeError('seededRng: seed must be a number, bigint or string');
  }
  return new SeededRng(sha256(utf8Encode(`pnrp-rng:${String(seed)}`)).subarray(0, 16));
}
