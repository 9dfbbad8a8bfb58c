/**
 * The two scenarios of docs/design.md §7 (Windows 7 DRT team: stable, and churn with 20% of nodes
 * vanishing without notice) at a size CI affords, asserted on counts, not times. Same seed, same
 * numbers: the figures below are exact for the seed and would move if the protocol changed.
 */
import { describe, expect, it } from 'vitest';
import { DrtCloud } from '../../src/sim/drt-cloud.js';

const SEED = Number(process.env.PNRP_SEED ?? 7);
const NODES = 300;

describe(`DRT cloud scenarios (seed ${SEED}, ${NODES} nodes)`, () => {
  it('stable: at least 99.99% of 2,000 resolves succeed in at most 2.5 hops on average', () => {
    const cloud = new DrtCloud({ seed: SEED });
    cloud.build(NODES);
    expect(cloud.members.every((m) => m.handle.node.status === 'active')).toBe(true);
    // Cloud-size estimate ([MS-PNRP] §3.2.5.11.1) from each node's leaf set: median near N.
    const estimates = cloud.members
      .map((m) => m.handle.node.cache.estimateCloudSize() ?? 0)
      .sort((a, b) => a - b);
    const median = estimates[estimates.length >> 1]!;
    expect(median).toBeGreaterThan(NODES * 0.7);
    expect(median).toBeLessThan(NODES * 1.4);
    const report = cloud.runSearches(2000);
    expect(report.resolves).toBe(2000);
    expect(report.successRate).toBeGreaterThanOrEqual(0.9999);
    expect(report.avgHops).toBeLessThanOrEqual(2.5);
    expect(report.p95Hops).toBeLessThanOrEqual(3);
    // Every success costs a LOOKUP per hop and an INQUIRE, each answered.
    expect(report.messagesPerResolve).toBeGreaterThanOrEqual(2 * (report.avgHops + 1) - 0.01);
  });

  it('churn: with 20% vanishing, 10% leaving and 10% joining, at least 99.5% succeed in at most 4 hops', () => {
    const cloud = new DrtCloud({ seed: SEED });
    cloud.build(NODES);
    const report = cloud.runChurn({
      searches: 1000,
      batch: 50,
      failFraction: 0.2,
      leaveFraction: 0.1,
      joinFraction: 0.1,
    });
    expect(report.churn).toEqual({ failed: 60, left: 30, joined: 30 });
    expect(report.successRate).toBeGreaterThanOrEqual(0.995);
    expect(report.avgHops).toBeLessThanOrEqual(4);
  });

  it('is deterministic: the same seed gives the same trace hash and the same report', () => {
    const run = () => {
      const cloud = new DrtCloud({ seed: SEED });
      cloud.build(60);
      const report = cloud.runSearches(200);
      return { hash: cloud.sim.traceHash, report, delivered: cloud.sim.stats.datagramsDelivered };
    };
    const a = run();
    const b = run();
    expect(b).toEqual(a);
    const other = new DrtCloud({ seed: SEED + 1 });
    other.build(60);
    other.runSearches(200);
    expect(other.sim.traceHash).not.toBe(a.hash);
  });
});
