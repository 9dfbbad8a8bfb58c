/**
 * Linear builds and the cheaper protocol of issue 13, asserted on counts: a cloud grown in waves
 * is as good as one grown one node at a time, deterministically; a snapshot starts another cloud
 * warm (and says so); the live-member set follows leaves, failures and members marked by hand;
 * a stable cloud's background traffic falls as maintenance backs off, and churn brings it back.
 */
import { describe, expect, it } from 'vitest';
import { DrtCloud } from '../../src/sim/drt-cloud.js';
import { PnrpCloud } from '../../src/sim/pnrp-cloud.js';

const SEED = Number(process.env.PNRP_SEED ?? 7);

function sentBy(cloud: DrtCloud): number {
  return cloud.sim.stats.datagramsSent;
}

/** INQUIREs sent by all members so far: maintenance probes, admission checks, owner checks. */
function inquiresBy(cloud: DrtCloud): number {
  let n = 0;
  for (const m of cloud.members) n += m.handle.node.stats.sent.inquire ?? 0;
  return n;
}

describe(`DrtCloud growth (seed ${SEED})`, { timeout: 600_000 }, () => {
  it('waves: 150 nodes join in waves, all active, and 300 searches succeed in few hops', () => {
    const cloud = new DrtCloud({ seed: SEED, growth: 'waves' });
    cloud.build(150);
    expect(cloud.members).toHaveLength(150);
    expect(cloud.warmStart).toBe(false);
    expect(cloud.members.every((m) => m.handle.node.status === 'active')).toBe(true);
    const report = cloud.runSearches(300);
    expect(report.successRate).toBe(1);
    expect(report.avgHops).toBeLessThanOrEqual(2.5);
    // Waves of half the live cloud: 1, 1, 1, 2, 2, 3, 5, 7, 11, 16, 24, 37, 40 joins: 13 waves
    // of 4 s, plus the 30 s settling.
    expect(cloud.sim.nowMs).toBeLessThan(100_000);
  });

  it('waves are deterministic: same seed, same trace hash and report', () => {
    const run = () => {
      const cloud = new DrtCloud({ seed: SEED, growth: 'waves' });
      cloud.build(80);
      const report = cloud.runSearches(100);
      return { hash: cloud.sim.traceHash, report };
    };
    expect(run()).toEqual(run());
  });

  it('a snapshot of a built cloud starts another one warm, labelled as such', () => {
    const built = new DrtCloud({ seed: SEED, growth: 'waves' });
    built.build(120);
    const snapshot = built.snapshot();
    expect(snapshot.nodes).toHaveLength(120);
    const warm = new DrtCloud({ seed: SEED });
    warm.restore(snapshot);
    expect(warm.warmStart).toBe(true);
    expect(warm.members.map((m) => m.key)).toEqual(built.members.map((m) => m.key));
    const sizes = warm.members.map((m) => m.handle.node.cache.size);
    expect(sizes).toEqual(built.members.map((m) => m.handle.node.cache.size));
    const report = warm.runSearches(300);
    expect(report.successRate).toBe(1);
    expect(sentBy(warm)).toBeLessThan(sentBy(built) / 10); // no join traffic
  });

  it('the live set follows leaves, failures and members marked by hand', () => {
    const cloud = new DrtCloud({ seed: SEED, growth: 'waves' });
    cloud.build(30);
    const [a, b, c] = cloud.members;
    cloud.fail(a!);
    cloud.leave(b!);
    c!.live = false;
    const live = cloud.live();
    expect(live).toHaveLength(27);
    expect(live).not.toContain(a);
    expect(live).not.toContain(b);
    expect(live).not.toContain(c);
    for (let i = 0; i < 200; i++) expect([a, b, c]).not.toContain(cloud.pick());
    cloud.sim.crash(cloud.members[3]!.handle); // behind the cloud's back
    expect(cloud.live()).toHaveLength(26);
    expect(cloud.honest()).toHaveLength(26);
  });

  it('PnrpCloud grows in waves too, and its members resolve each other', () => {
    const cloud = new PnrpCloud({ seed: SEED, growth: 'waves', securedFraction: 0.5 });
    cloud.build(40);
    expect(cloud.live()).toHaveLength(40);
    expect(cloud.runResolves(60).successRate).toBe(1);
  });

  it('a stable cloud backs maintenance off; churn brings probing back', {
    timeout: 600_000,
  }, () => {
    const cloud = new DrtCloud({ seed: SEED, growth: 'waves' });
    cloud.build(150);
    cloud.sim.runFor(240_000); // every node reaches the longest period
    const before = sentBy(cloud);
    const inquiresBefore = inquiresBy(cloud);
    cloud.sim.runFor(240_000);
    const stable = (sentBy(cloud) - before) / 150 / 240;
    const stableProbes = (inquiresBy(cloud) - inquiresBefore) / 150 / 240;
    // Measured 0.359 for this seed (issue 13's target is 0.3: not reached yet).
    expect(stable).toBeLessThanOrEqual(0.4);
    // The fixed spec period costs several times more.
    const fixed = new DrtCloud({
      seed: SEED,
      growth: 'waves',
      node: { maintenanceIntervalMaxMs: 15_000 },
    });
    fixed.build(150);
    fixed.sim.runFor(240_000);
    const fixedBefore = sentBy(fixed);
    fixed.sim.runFor(240_000);
    const fixedRate = (sentBy(fixed) - fixedBefore) / 150 / 240;
    expect(fixedRate).toBeGreaterThan(3 * stable);
    // 20% vanish: the nodes that find them dead go back to the 15 s period and purge them.
    for (let i = 0; i < 30; i++) cloud.fail(cloud.pick());
    // Probes, not all datagrams: gap fills that stop at the first ID in the gap cost about as
    // much as the AUTHORITY answers the dead no longer send (measured 0.128 INQUIREs/node/s
    // against 0.072 stable; all datagrams 0.343 against 0.359).
    const churnBefore = inquiresBy(cloud);
    cloud.sim.runFor(60_000);
    expect((inquiresBy(cloud) - churnBefore) / 120 / 60).toBeGreaterThan(1.5 * stableProbes);
    const report = cloud.runSearches(300);
    expect(report.successRate).toBeGreaterThanOrEqual(0.995);
  });
});
