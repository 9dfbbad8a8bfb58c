/**
 * @module pnrp/stats
 * PNRP's counters: the five Windows performance counters of a cloud ("PNRP Cloud" object: bytes
 * received per second, bytes sent per second, IDs registered, resolves, stale cache entry hits),
 * drops by reason and the CPA provider's signature work. Byte rates are taken over a sliding
 * window of `nowMs` (docs/design.md §2: the node never reads a clock), sampled at most once a second.
 */
import type { DrtStats } from '../drt/stats.js';

/**
 * The five PNRP performance counters.
 * @example const { bytesReceivedPerSecond, idsRegistered } = node.stats(now);
 */
export interface PnrpPerformanceCounters {
  readonly bytesReceivedPerSecond: number;
  readonly bytesSentPerSecond: number;
  readonly idsRegistered: number;
  readonly resolves: number;
  readonly staleCacheEntryHits: number;
}

/**
 * Counters of one cloud.
 * @example node.stats(now).clouds.Global_?.cpaRejected.expired
 */
export interface PnrpCloudStats extends PnrpPerformanceCounters {
  readonly cloud: string;
  readonly resolvesSucceeded: number;
  readonly resolvesFailed: number;
  /** Datagrams dropped by this cloud's DRT, by reason. */
  readonly dropped: Readonly<Record<string, number>>;
  /** Proofs refused by reason (`bad-signature`, `nonce-mismatch`, `expired`, ...). */
  readonly cpaRejected: Readonly<Record<string, number>>;
  readonly cpasSigned: number;
  /** Ed25519 verifications actually computed (memo misses). */
  readonly signatureVerifications: number;
  /** Verifications answered from the memo. */
  readonly signatureVerifyHits: number;
  /** The cloud's DRT counters (live object; do not modify). */
  readonly drt: DrtStats;
}

/**
 * Counters of a node: the sums over its clouds, and each cloud.
 * @example node.stats(now).dropped['no-cloud']
 */
export interface PnrpStats extends PnrpPerformanceCounters {
  /** Drops of the node (datagrams no cloud claimed) and of all clouds, by reason. */
  readonly dropped: Readonly<Record<string, number>>;
  readonly clouds: Readonly<Record<string, PnrpCloudStats>>;
}

interface Sample {
  readonly atMs: number;
  readonly received: number;
  readonly sent: number;
}

/**
 * Byte rates over a sliding window, from cumulative byte counts sampled with `nowMs`.
 * @example
 * const meter = new RateMeter(10_000);
 * meter.sample(now, stats.bytesReceived, stats.bytesSent);
 * meter.rates(now, stats.bytesReceived, stats.bytesSent); // { received, sent } bytes per second
 */
export class RateMeter {
  private readonly windowMs: number;
  private readonly samples: Sample[] = [];

  constructor(windowMs: number) {
    if (!Number.isFinite(windowMs) || windowMs < 1000) {
      throw new RangeError(`rate window must be at least 1000 ms, got ${windowMs}`);
    }
    this.windowMs = windowMs;
  }

  /** Records the counts at `nowMs` (at most one sample per second is kept). */
  sample(nowMs: number, received: number, sent: number): void {
    const last = this.samples[this.samples.length - 1];
    if (last && nowMs - last.atMs < 1000) return;
    this.samples.push({ atMs: nowMs, received, sent });
    // Keep one sample at or before the window's start, so the window is always covered.
    while (this.samples.length > 1 && this.samples[1]!.atMs <= nowMs - this.windowMs) {
      this.samples.shift();
    }
  }

  /** Bytes per second over the window ending at `nowMs`. */
  rates(nowMs: number, received: number, sent: number): { received: number; sent: number } {
    let first = this.samples[0];
    for (const s of this.samples) if (s.atMs <= nowMs - this.windowMs) first = s;
    if (!first || nowMs <= first.atMs) return { received: 0, sent: 0 };
    const seconds = (nowMs - first.atMs) / 1000;
    return {
      received: (received - first.received) / seconds,
      sent: (sent - first.sent) / seconds,
    };
  }
}

/**
 * Adds by-reason counts into `into`.
 * @example mergeCounts(total, cloud.dropped)
 */
export function mergeCounts(
  into: Record<string, number>,
  from: Readonly<Record<string, number>>,
): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}
