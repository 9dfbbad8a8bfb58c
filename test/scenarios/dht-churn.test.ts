/**
 * dht: values survive the seed's churn (issue 15). A warm cloud of DhtNodes stores values (a
 * fifth of them mutable), then 20% of the nodes vanish without notice, 10% leave and 10% join
 * while mutable values are updated with compare-and-swap and values are read back from random
 * nodes. Nothing may be lost, gets must succeed at 99.9% or better, and no read may return an
 * older mutable version than one acknowledged before it started. Counts are pinned for the seed.
 */
import { describe, expect, it } from 'vitest';
import { DhtCloud } from '../../src/sim/dht-cloud.js';

const SEED = Number(process.env.PNRP_SEED ?? 15);
const NODES = 150;
const VALUES = 600;

describe(`dht: put/get under churn 20/10/10 (seed ${SEED})`, () => {
  it('loses nothing, gets succeed >= 99.9%, mutable values never roll back', () => {
    const cloud = new DhtCloud({ seed: SEED, node: { ttlMs: 20 * 60_000 } });
    cloud.buildWarm(NODES);
    const report = cloud.runScenario({
      values: VALUES,
      gets: VALUES,
      durationMs: 600_000,
      steps: 10,
    });
    console.log(`seed ${SEED} trace ${cloud.sim.traceHash}`, JSON.stringify(report));
    expect(report.churn).toEqual({ failed: 30, left: 15, joined: 15 });
    expect(report.puts.ok).toBe(VALUES);
    expect(report.lost).toBe(0);
    expect(report.rolledBack).toBe(0);
    expect(report.staleReads).toBe(0);
    expect(report.getSuccess).toBeGreaterThanOrEqual(0.999);
    // Pinned for the seed (trace 80431e1bc9983c88 at the time of writing): a change of the DHT's
    // behaviour shows here first.
    expect(report.gets).toEqual({ ok: 600, total: 600, failed: {} });
    expect(report.messagesPerPut).toBeLessThan(20);
    expect(report.replicationMessagesPerPut).toBeLessThanOrEqual(
      2 * (report.replicationFactor - 1),
    );
    expect(report.messagesPerGet).toBeLessThan(14);
    expect(report.holdersAvg).toBeGreaterThanOrEqual(5);
    expect(report.republishes).toBeGreaterThan(0);
    expect(report.handoverReplicates).toBeGreaterThan(0);
  });
});
