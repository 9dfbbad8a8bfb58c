/**
 * DRT behaviour under the faults the simulator injects: registration and its events,
 * unregistration with a flooded revoke, a publisher crashing mid-lookup, partition and heal,
 * and 10% datagram loss. Counts, not times; each run is fixed by its seed.
 */
import { describe, expect, it } from 'vitest';
import type { NodeEvent } from '../../src/drt/events.js';
import { ADDRESS_FLAGS } from '../../src/resolve/path.js';
import { DrtCloud } from '../../src/sim/drt-cloud.js';
import { toHex } from '../../src/util/bytes.js';

const SEED = Number(process.env.PNRP_SEED ?? 5);

describe(`DRT under faults (seed ${SEED})`, () => {
  it('registration: a joining node reports active, fills its leaf set, becomes resolvable and is found', () => {
    const cloud = new DrtCloud({ seed: SEED });
    cloud.build(120);
    const events: NodeEvent[] = [];
    const member = cloud.join();
    cloud.sim.onEvent((h, e) => {
      if (h.index === member.handle.index) events.push(e);
    });
    cloud.sim.runFor(20_000);
    const types = events.map((e) => e.type);
    expect(types).toContain('status-changed');
    expect(member.handle.node.status).toBe('active');
    const state = events.find((e) => e.type === 'registration-state-changed');
    expect(state).toMatchObject({ state: 'resolvable' });
    const added = events.filter((e) => e.type === 'leafset-key-changed' && e.change === 'added');
    expect(added.length).toBeGreaterThanOrEqual(10);
    const leaf = member.handle.node.cache.leafSet(member.key);
    expect(leaf.below).toHaveLength(5);
    expect(leaf.above).toHaveLength(5);
    // Its neighbours learned it too.
    for (const n of [...leaf.below, ...leaf.above]) {
      const neighbour = cloud.members.find((m) => toHex(m.key) === toHex(n.id))!;
      expect(neighbour.handle.node.cache.has(member.key)).toBe(true);
    }
    let found = 0;
    for (let i = 0; i < 20; i++) {
      const out = cloud.searchOnce(cloud.pick(), member.key);
      if (out.results.some((r) => toHex(r.key) === toHex(member.key))) found++;
    }
    expect(found).toBe(20);
  });

  it('unregistration: the revoke floods the leaf set, neighbours drop the key and searches stop finding it', () => {
    const cloud = new DrtCloud({ seed: SEED });
    cloud.build(120);
    const member = cloud.pick();
    const leaf = member.handle.node.cache.leafSet(member.key);
    const neighbours = [...leaf.below, ...leaf.above].map(
      (e) => cloud.members.find((m) => toHex(m.key) === toHex(e.id))!,
    );
    expect(neighbours.every((n) => n.handle.node.cache.has(member.key))).toBe(true);
    const revokesBefore = cloud.members.reduce(
      (a, m) => a + m.handle.node.stats.revokesReceived,
      0,
    );
    cloud.sim.call(member.handle, (node, now) => node.unregisterKey(now, member.key));
    cloud.sim.runFor(5_000);
    const revokes =
      cloud.members.reduce((a, m) => a + m.handle.node.stats.revokesReceived, 0) - revokesBefore;
    expect(revokes).toBeGreaterThanOrEqual(neighbours.length);
    expect(neighbours.filter((n) => n.handle.node.cache.has(member.key))).toEqual([]);
    const out = cloud.searchOnce(cloud.pick(), member.key);
    expect(out.results).toEqual([]);
    expect(out.failure).toBe('not-found');
    // The node itself still routes: it can search for others.
    const other = cloud.searchOnce(member, cloud.pick().key);
    expect(other.results).toHaveLength(1);
  });

  it('resolve: publisher crashes mid-lookup (the INQUIRE goes unanswered, no result, stale entry evicted)', () => {
    const cloud = new DrtCloud({ seed: SEED });
    cloud.build(120);
    const from = cloud.pick();
    let to = cloud.pick();
    while (to === from) to = cloud.pick();
    const token = cloud.startSearch(from, to.key);
    cloud.fail(to);
    let out = cloud.outcome(token);
    cloud.sim.runUntil(
      () => {
        out ??= cloud.outcome(token);
        return out !== undefined;
      },
      { maxTimeMs: 60_000 },
    );
    expect(out).toBeDefined();
    expect(out!.results).toEqual([]);
    expect(out!.failure).toBe('not-found');
    expect(out!.path.some((h) => (h.flags & ADDRESS_FLAGS.unreachable) !== 0)).toBe(true);
    expect(from.handle.node.cache.has(to.key)).toBe(false);
  });

  it('resolve: backtracks around hops that crashed without notice (30% gone at once, no time to heal)', () => {
    const cloud = new DrtCloud({ seed: SEED });
    cloud.build(200);
    const victims = new Set<number>();
    while (victims.size < 60) {
      const m = cloud.pick();
      victims.add(m.handle.index);
      cloud.fail(m);
    }
    const report = cloud.runSearches(300);
    expect(report.successRate).toBeGreaterThanOrEqual(0.97);
    expect(report.resolves).toBe(300);
  });

  it('partition and heal: half the cloud is unreachable while split, and everything resolves again after healing', () => {
    const cloud = new DrtCloud({ seed: SEED });
    cloud.build(200);
    const even = cloud.members.filter((m) => m.handle.index % 2 === 0).map((m) => m.handle);
    const odd = cloud.members.filter((m) => m.handle.index % 2 === 1).map((m) => m.handle);
    cloud.sim.partition([even, odd]);
    cloud.sim.runFor(60_000);
    const split = cloud.runSearches(300);
    expect(split.successRate).toBeGreaterThan(0.3);
    expect(split.successRate).toBeLessThan(0.75);
    cloud.sim.heal();
    cloud.sim.runFor(90_000);
    // Issue 13: with adaptive maintenance and fewer floods, the merge takes a little longer:
    // 99.3-99.7% after 90 s (seeds 7-9), all after another minute.
    const healed = cloud.runSearches(300);
    expect(healed.successRate).toBeGreaterThanOrEqual(0.99);
    cloud.sim.runFor(60_000);
    expect(cloud.runSearches(300).successRate).toBe(1);
  });

  it('10% loss: retransmissions keep at least 99% of resolves succeeding', () => {
    // One 200-node cloud and 500 searches carry about ±0.6% of binomial noise, as much as the
    // margin: the claim is held over four clouds (1,000 searches), starting at this run's seed.
    let succeeded = 0;
    let searches = 0;
    for (let i = 0; i < 4; i++) {
      const cloud = new DrtCloud({ seed: SEED + i, network: { lossProbability: 0.1 } });
      cloud.build(200);
      const report = cloud.runSearches(250);
      succeeded += Math.round(report.successRate * 250);
      searches += 250;
      const retransmits = cloud.members.reduce((a, m) => a + m.handle.node.stats.retransmits, 0);
      expect(retransmits).toBeGreaterThan(0);
      expect(cloud.sim.stats.datagramsDropped.loss).toBeGreaterThan(0);
    }
    expect(succeeded / searches).toBeGreaterThanOrEqual(0.99);
  });
});
