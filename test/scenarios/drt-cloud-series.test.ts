/**
 * Issue 13, Build 5: the figures' data from a churn scenario, the hop histogram and the series
 * per interval of virtual time, are consistent with the report, deterministic under a seed, and
 * the progress callback (Build 6) observes the run without changing it (same trace hash).
 */
import { describe, expect, it } from 'vitest';
import { type CloudProgress, DrtCloud } from '../../src/sim/drt-cloud.js';
import { hopHistogram, intervalSeries } from '../../src/sim/search-series.js';

const SEED = Number(process.env.PNRP_SEED ?? 5);
const NODES = 80;

function churnRun(progress?: (p: CloudProgress) => void) {
  const cloud = new DrtCloud({ seed: SEED, ...(progress ? { progress } : {}) });
  cloud.build(NODES);
  const report = cloud.runChurn({
    searches: 400,
    batch: 50,
    failFraction: 0.2,
    leaveFraction: 0.1,
    joinFraction: 0.1,
  });
  return { report, hash: cloud.sim.traceHash, nowMs: cloud.sim.nowMs };
}

describe(`churn scenario series (seed ${SEED}, ${NODES} nodes)`, () => {
  it('gives one batch sample per batch, a histogram and a series that add up to the report', () => {
    const seen: CloudProgress[] = [];
    const run = churnRun((p) => seen.push(p));
    const { report } = run;
    const batches = report.batches ?? [];
    expect(batches).toHaveLength(8);
    expect(batches.reduce((a, b) => a + b.resolves, 0)).toBe(400);
    expect(batches.reduce((a, b) => a + b.successes, 0)).toBe(report.successes);
    // Batches start later and later; churn removes 20% + 10% and adds 10%: fewer live nodes.
    for (let i = 1; i < batches.length; i++) {
      expect(batches[i]!.atMs).toBeGreaterThan(batches[i - 1]!.atMs);
    }
    expect(batches[0]!.live).toBeLessThan(NODES);
    expect(batches[batches.length - 1]!.live).toBe(NODES - 16 - 8 + 8);

    const histogram = hopHistogram(report.hopSamples);
    expect(histogram.reduce((a, b) => a + b.count, 0)).toBe(report.successes);
    expect(histogram.length - 1).toBe(report.maxHops);
    const mean = histogram.reduce((a, b) => a + b.hops * b.count, 0) / report.successes;
    expect(mean).toBeCloseTo(report.avgHops, 10);

    const points = intervalSeries(batches, 10_000);
    expect(points.length).toBeGreaterThanOrEqual(2);
    expect(points.reduce((a, p) => a + p.resolves, 0)).toBe(400);
    expect(points.reduce((a, p) => a + p.successes, 0)).toBe(report.successes);
    for (const p of points) {
      expect(p.successRate).toBeGreaterThanOrEqual(0.98);
      expect(p.avgHops).toBeGreaterThan(0);
      expect(p.maxHops).toBeLessThanOrEqual(report.maxHops);
    }

    // Progress: every join, each settled virtual second, then every batch, in that order.
    const phases = seen.map((p) => p.phase);
    expect(phases.filter((p) => p === 'settle')).toHaveLength(30);
    expect(phases.indexOf('settle')).toBe(NODES);
    expect(phases.slice(0, NODES).every((p) => p === 'build')).toBe(true);
    expect(seen.slice(0, NODES).map((p) => p.joined)).toEqual(
      Array.from({ length: NODES }, (_, i) => i + 1),
    );
    const searches = seen.filter((p) => p.phase === 'search');
    expect(searches.map((p) => p.resolved)).toEqual([50, 100, 150, 200, 250, 300, 350, 400]);
    expect(searches[searches.length - 1]!.joined).toBe(NODES + 8);
  });

  it('is deterministic, and watching progress changes nothing', () => {
    const quiet = churnRun();
    const watched = churnRun(() => {});
    expect(watched.hash).toBe(quiet.hash);
    expect(watched.nowMs).toBe(quiet.nowMs);
    expect(watched.report).toEqual(quiet.report);
  });
});
