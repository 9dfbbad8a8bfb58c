/**
 * @module util/token-bucket
 * A token bucket on injected time (sans-I/O: the caller passes `nowMs`, no clock is read). Used to
 * bound rates the network could otherwise drive: probes triggered by unsolicited route entries,
 * signatures per source, and the like. Starts full. Time going backwards refills nothing.
 */

/** Options of a {@link TokenBucket}. */
export interface TokenBucketOptions {
  /** Tokens added per second (> 0, finite). */
  readonly ratePerSecond: number;
  /** Most tokens held at once, also the initial fill (>= 1, finite). */
  readonly burst: number;
}

/** A token bucket refilled continuously from the `nowMs` each call passes in. */
export class TokenBucket {
  readonly ratePerSecond: number;
  readonly burst: number;
  private tokens: number;
  private lastMs: number | undefined;

  constructor(options: TokenBucketOptions) {
    const { ratePerSecond, burst } = options;
    if (!Number.isFinite(ratePerSecond) || ratePerSecond <= 0)
      throw new RangeError(`ratePerSecond must be a positive finite number, got ${ratePerSecond}`);
    if (!Number.isFinite(burst) || burst < 1)
      throw new RangeError(`burst must be a finite number >= 1, got ${burst}`);
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
    this.tokens = burst;
  }

  private refill(nowMs: number): void {
    if (this.lastMs !== undefined && nowMs > this.lastMs)
      this.tokens = Math.min(
        this.burst,
        this.tokens + ((nowMs - this.lastMs) * this.ratePerSecond) / 1000,
      );
    if (this.lastMs === undefined || nowMs > this.lastMs) this.lastMs = nowMs;
  }

  /** Takes `n` tokens if the bucket holds them at `nowMs`; false (and takes none) otherwise. */
  take(nowMs: number, n = 1): boolean {
    this.refill(nowMs);
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }

  /** Tokens available at `nowMs` (refills as a side effect). */
  available(nowMs: number): number {
    this.refill(nowMs);
    return this.tokens;
  }

  /**
   * True when the bucket would be full at `nowMs`, i.e. in the same state as a new one: a table
   * of buckets may then drop it and make a new one later without changing any answer. Reads
   * without refilling (a refill at an extra time would round differently later).
   */
  fullAt(nowMs: number): boolean {
    const last = this.lastMs;
    if (last === undefined || nowMs === last) return this.tokens >= this.burst;
    // Time going backwards refills nothing and keeps `lastMs`: not the state of a new bucket.
    if (!(nowMs > last)) return false;
    const refilled = this.tokens + ((nowMs - last) * this.ratePerSecond) / 1000;
    return Math.min(this.burst, refilled) >= this.burst;
  }

  /**
   * About when the bucket will be full again, for scheduling a `fullAt` check (rounding may put
   * it a little early or late; `fullAt` is the exact test).
   */
  fullAtMs(): number {
    if (this.lastMs === undefined) return Number.NEGATIVE_INFINITY;
    return this.lastMs + ((this.burst - this.tokens) * 1000) / this.ratePerSecond;
  }

  /** Gives back `n` tokens taken in vain (capped at the burst). */
  refund(n = 1): void {
    this.tokens = Math.min(this.burst, this.tokens + n);
  }
}
