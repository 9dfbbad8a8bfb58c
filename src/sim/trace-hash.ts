/**
 * @module sim/trace-hash
 * An incremental FNV-1a 64-bit hash, used as the simulator's determinism fingerprint (docs/design.md
 * §3): every delivered datagram is folded in as (delivery time as IEEE-754 float64 bits,
 * sender index, receiver index, payload length, a fixed-size sample of the payload: `sample`). Two runs with the same seed
 * must end with the same hex digest. FNV-1a is not cryptographic; it only has to be cheap and
 * sensitive to any change. The 64-bit state is kept as two 32-bit halves: multiplying by the
 * FNV prime 2^40 + 0x1b3 is `lo * 0x1b3` (exact in a double, < 2^41) plus a shift of `lo` into
 * the high word.
 */

/** FNV-1a 64 offset basis 0xcbf29ce484222325, high and low words. */
const OFFSET_HI = 0xcbf29ce4;
const OFFSET_LO = 0x84222325;
const TWO_32 = 0x1_0000_0000;

/** Payloads up to this long are hashed whole by {@link TraceHash.sample}; longer ones sampled. */
export const TRACE_SAMPLE_BYTES = 40;

const f64 = new Float64Array(1);
const f64Words = new Uint32Array(f64.buffer);

/**
 * Running FNV-1a 64 over bytes and little-endian integer fields.
 * @example
 * const h = new TraceHash();
 * h.u32(7); h.bytes(new Uint8Array([1, 2]));
 * h.hex(); // 16 lowercase hex digits
 */
export class TraceHash {
  private hi = OFFSET_HI;
  private lo = OFFSET_LO;

  /**
   * Folds in one byte.
   * @example h.byte(0xff)
   */
  byte(value: number): void {
    const lo = (this.lo ^ (value & 0xff)) >>> 0;
    const product = lo * 0x1b3;
    const newLo = product >>> 0;
    this.hi = (Math.imul(this.hi, 0x1b3) + ((lo << 8) >>> 0) + (product - newLo) / TWO_32) >>> 0;
    this.lo = newLo;
  }

  /**
   * Folds in the 4 little-endian bytes of an unsigned 32-bit integer.
   * @example h.u32(nodeIndex)
   */
  u32(value: number): void {
    this.byte(value);
    this.byte(value >>> 8);
    this.byte(value >>> 16);
    this.byte(value >>> 24);
  }

  /**
   * Folds in the 8 bytes of a float64 (little-endian platforms, i.e. every supported one).
   * @example h.f64(nowMs)
   */
  f64(value: number): void {
    f64[0] = value;
    this.u32(f64Words[0]!);
    this.u32(f64Words[1]!);
  }

  /**
   * Folds in every byte of `data`, in order.
   * @example h.bytes(payload)
   */
  bytes(data: Uint8Array): void {
    this.range(data, 0, data.length);
  }

  /** Folds in `data[start..end)` in order: `bytes` of a subarray without allocating the view. */
  private range(data: Uint8Array, start: number, end: number): void {
    let hi = this.hi;
    let lo = this.lo;
    for (let i = start; i < end; i++) {
      lo = (lo ^ data[i]!) >>> 0;
      const product = lo * 0x1b3;
      const newLo = product >>> 0;
      hi = (Math.imul(hi, 0x1b3) + ((lo << 8) >>> 0) + (product - newLo) / TWO_32) >>> 0;
      lo = newLo;
    }
    this.hi = hi;
    this.lo = lo;
  }

  /**
   * Folds in a fixed-size digest of `data`: every byte of a payload up to
   * `TRACE_SAMPLE_BYTES` long (the same as {@link bytes}), else its first 16, middle 8 and
   * last 16 bytes. The simulator folds each datagram in this way (issue 13 Build 3: FNV over every
   * payload byte was a visible share of CPU per datagram); with the length, delivery time and
   * endpoints beside it, and random message IDs in every header, any change of behaviour still
   * changes the hash.
   * @example h.sample(payload)
   */
  sample(data: Uint8Array): void {
    const n = data.length;
    if (n <= TRACE_SAMPLE_BYTES) {
      this.range(data, 0, n);
      return;
    }
    const mid = (n >>> 1) - 4;
    this.range(data, 0, 16);
    this.range(data, mid, mid + 8);
    this.range(data, n - 16, n);
  }

  /**
   * The current digest as 16 lowercase hex digits (the state is not consumed).
   * @example new TraceHash().hex() // 'cbf29ce484222325'
   */
  hex(): string {
    return this.hi.toString(16).padStart(8, '0') + this.lo.toString(16).padStart(8, '0');
  }
}
