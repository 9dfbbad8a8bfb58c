/**
 * @module sim/search-report
 * Statistics of many searches in a simulated cloud, and how churn scenarios are described:
 * success rate, hops (nodes asked to route), contacts (hops plus the owner's INQUIRE), messages,
 * and the per-batch samples the time series of `sim/search-series` are made from.
 */
import type { BatchSample } from './search-series.js';

/** Statistics of many searches. */
export interface SearchReport {
  readonly resolves: number;
  readonly successes: number;
  readonly successRate: number;
  readonly avgHops: number;
  readonly p50Hops: number;
  readonly p95Hops: number;
  readonly maxHops: number;
  /** Mean distinct nodes contacted per successful resolve, INQUIRE included. */
  readonly avgContacts: number;
  /** Hops of every successful resolve (for merging reports). */
  readonly hopSamples: readonly number[];
  readonly messagesPerResolve: number;
  readonly failures: Readonly<Record<string, number>>;
  /** One sample per batch of searches, in order (see `intervalSeries`). */
  readonly batches?: readonly BatchSample[];
}

/** How a churn scenario runs. */
export interface ChurnScenarioOptions {
  readonly searches: number;
  /** Searches started together. @default 50 */
  readonly batch?: number;
  /** Share of the starting population that vanishes without notice. @default 0 */
  readonly failFraction?: number;
  /** Share that leaves gracefully (unregistering). @default 0 */
  readonly leaveFraction?: number;
  /** Share of new nodes that join. @default 0 */
  readonly joinFraction?: number;
  /** Virtual ms between batches. @default 2000 */
  readonly pauseMs?: number;
}

/** What churn did. */
export interface ChurnTally {
  readonly failed: number;
  readonly left: number;
  readonly joined: number;
}

export function mergeReports(reports: readonly SearchReport[]): SearchReport {
  const resolves = reports.reduce((a, r) => a + r.resolves, 0);
  const successes = reports.reduce((a, r) => a + r.successes, 0);
  const failures: Record<string, number> = {};
  for (const r of reports)
    for (const [k, v] of Object.entries(r.failures)) failures[k] = (failures[k] ?? 0) + v;
  const weighted = (pick: (r: SearchReport) => number, by: (r: SearchReport) => number): number => {
    const total = reports.reduce((a, r) => a + by(r), 0);
    return total ? reports.reduce((a, r) => a + pick(r) * by(r), 0) / total : 0;
  };
  const hops = reports.flatMap((r) => r.hopSamples);
  return {
    ...summarize(
      resolves,
      successes,
      hops,
      weighted(
        (r) => r.messagesPerResolve,
        (r) => r.resolves,
      ) * resolves,
      failures,
    ),
    avgContacts: weighted(
      (r) => r.avgContacts,
      (r) => r.successes,
    ),
    batches: reports.flatMap((r) => r.batches ?? []),
  };
}

/**
 * The report of a run from its raw tallies: success rate, hop statistics, messages per resolve.
 * @example summarize(tally.resolves, tally.successes, tally.hops, tally.messages, tally.failures)
 */
export function summarize(
  resolves: number,
  successes: number,
  hops: number[],
  messages: number,
  failures: Record<string, number>,
): Omit<SearchReport, 'avgContacts'> {
  const hopSamples = hops;
  const sorted = [...hops].sort((a, b) => a - b);
  const at = (q: number): number =>
    sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : 0;
  return {
    resolves,
    successes,
    successRate: resolves ? successes / resolves : 0,
    avgHops: sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : 0,
    p50Hops: at(0.5),
    p95Hops: at(0.95),
    maxHops: sorted.length ? sorted[sorted.length - 1]! : 0,
    messagesPerResolve: resolves ? messages / resolves : 0,
    failures,
    hopSamples,
  };
}
