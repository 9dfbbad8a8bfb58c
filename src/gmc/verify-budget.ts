/**
 * @module gmc/verify-budget
 * Token buckets on the injected monotonic clock that bound how many *cold* chain verifications
 * (a credential not in the verdict memo: parsing and signature checks) membership mode spends, per
 * source endpoint and for the node as a whole (issue 11, item 1). A known member's credential is a
 * memo hit and never touches the budget, so a flood of fresh hostile credentials delays only the
 * first message of a member the node has never met; a throttled message is dropped unanswered
 * (counted `membership-throttled`) and the sender's retransmission gets through once the bucket
 * refills. Source buckets are bounded (least recently used out first); a spoofer cycling sources
 * still meets the node-wide bucket.
 */

/** Budget settings; every value optional. */
export interface VerifyBudgetOptions {
  /** Cold verifications one source may make at once. @default 4 */
  readonly perSourceBurst?: number;
  /** Cold verifications per second a source earns. @default 2 */
  readonly perSourcePerSecond?: number;
  /** Cold verifications the node makes at once. @default 128 */
  readonly globalBurst?: number;
  /** Cold verifications per second for the node. @default 64 */
  readonly globalPerSecond?: number;
  /** Sources tracked. @default 1024 */
  readonly sourcesMax?: number;
}

interface Bucket {
  tokens: number;
  atMs: number;
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}

/**
 * Per-source and node-wide token buckets for cold chain verifications.
 * @example if (!budget.take(sourceKey, nowMs)) return 'membership-throttled';
 */
export class VerifyBudget {
  /** Verifications refused, by scope. */
  readonly refused = { source: 0, global: 0 };
  private readonly perSourceBurst: number;
  private readonly perSourcePerMs: number;
  private readonly globalBurst: number;
  private readonly globalPerMs: number;
  private readonly sourcesMax: number;
  private readonly sources = new Map<string, Bucket>();
  private readonly global: Bucket;

  constructor(options: VerifyBudgetOptions = {}) {
    this.perSourceBurst = positive('perSourceBurst', options.perSourceBurst ?? 4);
    this.perSourcePerMs = positive('perSourcePerSecond', options.perSourcePerSecond ?? 2) / 1000;
    this.globalBurst = positive('globalBurst', options.globalBurst ?? 128);
    this.globalPerMs = positive('globalPerSecond', options.globalPerSecond ?? 64) / 1000;
    const sourcesMax = options.sourcesMax ?? 1024;
    if (!Number.isSafeInteger(sourcesMax) || sourcesMax < 1)
      throw new RangeError(`sourcesMax must be a positive integer, got ${sourcesMax}`);
    this.sourcesMax = sourcesMax;
    this.global = { tokens: this.globalBurst, atMs: Number.NEGATIVE_INFINITY };
  }

  /** Takes one token from `source`'s bucket and the node's; false (nothing taken) when either is empty. */
  take(source: string, nowMs: number): boolean {
    if (!Number.isFinite(nowMs)) return false;
    let bucket = this.sources.get(source);
    if (bucket === undefined) {
      if (this.sources.size >= this.sourcesMax) {
        const oldest = this.sources.keys().next().value;
        if (oldest !== undefined) this.sources.delete(oldest);
      }
      bucket = { tokens: this.perSourceBurst, atMs: nowMs };
    } else {
      this.sources.delete(source);
    }
    this.sources.set(source, bucket);
    refill(bucket, nowMs, this.perSourcePerMs, this.perSourceBurst);
    refill(this.global, nowMs, this.globalPerMs, this.globalBurst);
    if (bucket.tokens < 1) {
      this.refused.source++;
      return false;
    }
    if (this.global.tokens < 1) {
      this.refused.global++;
      return false;
    }
    bucket.tokens--;
    this.global.tokens--;
    return true;
  }
}

function refill(b: Bucket, nowMs: number, perMs: number, burst: number): void {
  if (nowMs > b.atMs) {
    b.tokens = Number.isFinite(b.atMs)
      ? Math.min(burst, b.tokens + (nowMs - b.atMs) * perMs)
      : burst;
    b.atMs = nowMs;
  }
}
