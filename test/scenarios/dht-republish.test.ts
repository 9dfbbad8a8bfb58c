/**
 * dht: a writer's republish renews the lifetime on every replica, not only on the owner. Before,
 * the owner skipped replicas it knew as holders, so their copies expired one lifetime after the
 * first write and only the owner kept the value (found by the one-hour PNRP/Kademlia bench:
 * 32 of 2,000 values lost at 400 nodes, 2.9 holders per value instead of 5).
 */
import { describe, expect, it } from 'vitest';
import { DhtCloud } from '../../src/sim/dht-cloud.js';

describe('dht: republish reaches the replicas', () => {
  it('keeps five holders for three lifetimes of a value', () => {
    const ttlMs = 60_000;
    const cloud = new DhtCloud({ seed: 7, node: { ttlMs } });
    cloud.buildWarm(24);
    const writer = cloud.members[3]!;
    let key: Uint8Array | undefined;
    const token = cloud.start(writer, (node, now) => {
      const r = node.put(now, new TextEncoder().encode('renewed'));
      key = r.key;
      return r.opId;
    });
    expect(cloud.awaitAll([token])[0]).toMatchObject({ failure: undefined });
    const holders = (): number =>
      cloud.live().filter((m) => m.node.held(key!) !== undefined).length;
    // The put ends when the owner took the STORE; its REPLICATEs to the rest of the replica set
    // follow (one may first meet a cookie challenge): give them a hop timeout to land.
    cloud.sim.runFor(2_000);
    expect(holders()).toBe(5);
    for (let lifetime = 1; lifetime <= 3; lifetime++) {
      cloud.sim.runFor(ttlMs);
      expect(holders(), `after ${lifetime} lifetimes`).toBeGreaterThanOrEqual(5);
    }
    expect(writer.node.stats.republishes).toBeGreaterThanOrEqual(5);
  }, 120_000);
});
