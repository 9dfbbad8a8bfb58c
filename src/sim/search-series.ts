/**
 * @module sim/search-series
 * What the figures of the Windows 7 DRT team's simulations show (docs/design.md §7: success rate and
 * hop count over time under churn, and the hop distribution), computed from a run's searches:
 * one {@link BatchSample} per batch of searches (taken by `DrtCloud.runSearches` at the batch's
 * start in virtual time), grouped into intervals of virtual time by {@link intervalSeries}, and
 * the hop histogram by {@link hopHistogram}. Pure functions of the samples: same seed, same
 * series.
 */

/** One batch of searches started together at `atMs` (virtual time). */
export interface BatchSample {
  /** Virtual time at which the batch started. */
  readonly atMs: number;
  readonly resolves: number;
  readonly successes: number;
  /** Sum of the hops of the batch's successful resolves. */
  readonly hopSum: number;
  /** Most hops of a successful resolve of the batch (0 when none succeeded). */
  readonly hopMax: number;
  /** Live nodes of the simulation when the batch started. */
  readonly live: number;
}

/** The searches started in one interval of virtual time. */
export interface IntervalPoint {
  /** Start of the interval in seconds since the series' origin. */
  readonly startS: number;
  readonly resolves: number;
  readonly successes: number;
  readonly successRate: number;
  /** Mean hops of the interval's successful resolves (0 when none succeeded). */
  readonly avgHops: number;
  readonly maxHops: number;
  /** Live nodes when the interval's last batch started. */
  readonly live: number;
}

/** Resolves that succeeded in `hops` hops. */
export interface HopBin {
  readonly hops: number;
  readonly count: number;
}

/**
 * Groups batches by the interval of virtual time their start falls into, counted from
 * `originMs` (default: the first batch's start). Intervals in which no batch started are left out.
 * @example intervalSeries(report.batches ?? [], 60_000) // one point per virtual minute
 */
export function intervalSeries(
  batches: readonly BatchSample[],
  intervalMs: number,
  originMs: number = batches[0]?.atMs ?? 0,
): IntervalPoint[] {
  if (!(intervalMs > 0) || !Number.isFinite(intervalMs)) {
    throw new RangeError(`intervalMs must be a positive number, got ${intervalMs}`);
  }
  const bins = new Map<
    number,
    { resolves: number; successes: number; hopSum: number; hopMax: number; live: number }
  >();
  for (const b of batches) {
    const slot = Math.max(0, Math.floor((b.atMs - originMs) / intervalMs));
    const bin = bins.get(slot) ?? { resolves: 0, successes: 0, hopSum: 0, hopMax: 0, live: 0 };
    bin.resolves += b.resolves;
    bin.successes += b.successes;
    bin.hopSum += b.hopSum;
    bin.hopMax = Math.max(bin.hopMax, b.hopMax);
    bin.live = b.live;
    bins.set(slot, bin);
  }
  return [...bins.entries()]
    .sort(([a], [b]) => a - b)
    .map(([slot, bin]) => ({
      startS: (slot * intervalMs) / 1000,
      resolves: bin.resolves,
      successes: bin.successes,
      successRate: bin.resolves ? bin.successes / bin.resolves : 0,
      avgHops: bin.successes ? bin.hopSum / bin.successes : 0,
      maxHops: bin.hopMax,
      live: bin.live,
    }));
}

/**
 * How many successful resolves took each hop count, from 0 to the most seen (zero counts kept,
 * so the bins are contiguous).
 * @example hopHistogram([1, 2, 2, 4]) // [{hops:0,count:0},{hops:1,count:1},{hops:2,count:2},{hops:3,count:0},{hops:4,count:1}]
 */
export function hopHistogram(hops: readonly number[]): HopBin[] {
  let max = -1;
  for (const h of hops) if (h > max) max = h;
  const counts = new Array<number>(max + 1).fill(0);
  for (const h of hops) counts[h]!++;
  return counts.map((count, i) => ({ hops: i, count }));
}

/**
 * The sample of one batch: `hops` holds the hops of every successful resolve so far, the batch's
 * being those from index `hopsFrom` on.
 * @example batchSample(sim.nowMs, 50, 49, hops, before, sim.liveCount)
 */
export function batchSample(
  atMs: number,
  resolves: number,
  successes: number,
  hops: readonly number[],
  hopsFrom: number,
  live: number,
): BatchSample {
  let hopSum = 0;
  let hopMax = 0;
  for (let i = hopsFrom; i < hops.length; i++) {
    hopSum += hops[i]!;
    if (hops[i]! > hopMax) hopMax = hops[i]!;
  }
  return { atMs, resolves, successes, hopSum, hopMax, live };
}
