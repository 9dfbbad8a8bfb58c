import { describe, expect, it } from 'vitest';
import { type ChurnCounts, Simulation, scheduleChurn } from '../../../src/sim/index.js';
import { type PingEvent, type PingNode, pingNode } from './ping-node.js';

const SEED = Number(process.env.PNRP_SEED ?? 1);

function churnRun(seed: number) {
  const sim = new Simulation<PingEvent>({ seed });
  for (let i = 0; i < 200; i++) sim.addNode(pingNode);
  const left: number[] = [];
  const counts = scheduleChurn<PingEvent, PingNode>(sim, {
    startMs: 10_000,
    endMs: 110_000,
    joinsPerSecond: 0.5,
    leavesPerSecond: 0.2,
    failuresPerSecond: 0.3,
    join: () => sim.addNode(pingNode),
    leave: (node, nowMs) => {
      left.push(node.ctx.index);
      node.ping(sim.handle(0).endpoint, [nowMs & 0xff]);
    },
    eligible: (h) => h.index !== 0,
  });
  return { sim, counts, left };
}

describe('scheduleChurn()', () => {
  it('fires the expected joins, leaves and failures for a fixed seed', () => {
    const { sim, counts, left } = churnRun(11);
    expect(counts).toEqual<ChurnCounts>({ joins: 0, leaves: 0, failures: 0, skipped: 0 });
    sim.runFor(9_999);
    expect(counts.joins + counts.leaves + counts.failures).toBe(0);
    sim.runFor(200_000);
    expect(counts).toEqual<ChurnCounts>({ joins: 53, leaves: 26, failures: 29, skipped: 0 });
    // Poisson counts over 100 s: means 50, 20 and 30.
    expect(counts.joins).toBeGreaterThan(30);
    expect(counts.joins).toBeLessThan(70);
    expect(counts.leaves).toBeGreaterThan(8);
    expect(counts.leaves).toBeLessThan(35);
    expect(counts.failures).toBeGreaterThan(15);
    expect(counts.failures).toBeLessThan(48);
    expect(sim.nodeCount).toBe(200 + counts.joins);
    expect(sim.liveCount).toBe(sim.nodeCount - counts.leaves - counts.failures);
    expect(left).toHaveLength(counts.leaves);
    expect(sim.handle(0).alive).toBe(true); // never eligible
    const statuses = Array.from({ length: sim.nodeCount }, (_, i) => sim.handle(i).status);
    expect(statuses.filter((s) => s === 'removed')).toHaveLength(counts.leaves);
    expect(statuses.filter((s) => s === 'crashed')).toHaveLength(counts.failures);
    // Each leaving node's goodbye reached node 0 before it was removed.
    expect(sim.handle(0).datagramsReceived).toBe(counts.leaves);
  });

  it('is a pure function of the seed', () => {
    const a = churnRun(SEED);
    const b = churnRun(SEED);
    a.sim.runFor(120_000);
    b.sim.runFor(120_000);
    expect(b.counts).toEqual(a.counts);
    expect(b.left).toEqual(a.left);
    expect(b.sim.traceHash).toBe(a.sim.traceHash);
  });

  it('skips a leave or failure when no live node is eligible', () => {
    const sim = new Simulation<PingEvent>({ seed: SEED });
    sim.addNode(pingNode);
    const counts = scheduleChurn(sim, {
      endMs: 10_000,
      failuresPerSecond: 2,
      eligible: () => false,
    });
    sim.runFor(10_000);
    expect(counts.failures).toBe(0);
    expect(counts.skipped).toBeGreaterThan(5);
  });

  it('validates its options', () => {
    const sim = new Simulation<PingEvent>({ seed: SEED });
    expect(() => scheduleChurn(sim, { endMs: Number.NaN })).toThrow(RangeError);
    expect(() => scheduleChurn(sim, { startMs: 5, endMs: 1 })).toThrow(RangeError);
    expect(() => scheduleChurn(sim, { endMs: 10, failuresPerSecond: -1 })).toThrow(RangeError);
    expect(() => scheduleChurn(sim, { endMs: 10, joinsPerSecond: 1 })).toThrow(TypeError);
  });
});
