import { describe, expect, it } from 'vitest';
import { Simulation, simEndpoint } from '../../../src/sim/index.js';
import { seededRng } from '../../../src/util/rng.js';
import { GossipNode, type PingEvent, type PingNode, pingNode } from './ping-node.js';

const SEED = Number(process.env.PNRP_SEED ?? 1);

/** 30 gossiping nodes over a lossy, duplicating, reordering network with a crash and a partition. */
function gossipRun(seed: number | string) {
  const sim = new Simulation<PingEvent>({
    seed,
    network: { lossProbability: 0.05, duplicateProbability: 0.02, reorderProbability: 0.1 },
  });
  const n = 30;
  const handles = Array.from({ length: n }, () =>
    sim.addNode((ctx) => new GossipNode(ctx, n, simEndpoint)),
  );
  sim.schedule(1_000, (s) => s.crash(handles[3]!));
  sim.schedule(1_500, (s) => s.partition([handles.slice(0, 10), handles.slice(10)]));
  sim.schedule(2_500, (s) => s.heal());
  sim.schedule(3_000, (s) => s.restart(handles[3]!, (ctx) => new GossipNode(ctx, n, simEndpoint)));
  sim.runFor(5_000);
  return { hash: sim.traceHash, stats: sim.stats, nowMs: sim.nowMs };
}

describe('Simulation: determinism', () => {
  it(`the same seed twice gives the same trace hash and stats (seed ${SEED})`, () => {
    const first = gossipRun(SEED);
    const second = gossipRun(SEED);
    expect(second).toEqual(first);
    expect(first.stats.datagramsDelivered).toBeGreaterThan(1_000);
    expect(first.stats.datagramsDropped.loss).toBeGreaterThan(0);
    expect(first.stats.datagramsDropped.partition).toBeGreaterThan(0);
    expect(first.stats.datagramsDropped['node-down']).toBeGreaterThan(0);
    expect(first.stats.datagramsDuplicated).toBeGreaterThan(0);
    expect(first.hash).toMatch(/^[0-9a-f]{16}$/);
  });

  it('a different seed gives a different trace hash', () => {
    expect(gossipRun(SEED + 1).hash).not.toBe(gossipRun(SEED).hash);
  });

  it('a fixed seed gives a fixed trace hash across machines and versions', () => {
    // Update only for an intended change of the network model or of the hashed fields: recorded
    // seeds from earlier runs stop replaying the same way when this changes.
    expect(gossipRun('golden').hash).toBe('2ace953f7eb302f3');
  });

  it("adding a node does not change another node's Rng stream", () => {
    const draws = (extraFirst: number) => {
      const sim = new Simulation<PingEvent>({ seed: SEED });
      for (let i = 0; i < extraFirst; i++) sim.addNode(pingNode);
      const nodes: PingNode[] = [];
      for (let i = 0; i < 3; i++) nodes.push(sim.addNode(pingNode).node);
      sim.addNode(pingNode); // added after: must not matter either
      return nodes.map((node) => [node.ctx.index, node.ctx.rng.nextU32(), node.ctx.rng.nextU32()]);
    };
    const few = draws(0);
    const many = draws(2);
    // Node 2 exists in both runs: same index, same stream.
    expect(many[0]).toEqual(few[2]);
    const expected = seededRng(SEED).fork('node:2');
    expect(few[2]!.slice(1)).toEqual([expected.nextU32(), expected.nextU32()]);
    expect(few[0]![1]).not.toBe(few[1]![1]);
  });

  it('forkRng() gives the caller streams apart from the nodes and the network', () => {
    const sim = new Simulation({ seed: SEED });
    const a = sim.forkRng('x').nextU32();
    expect(sim.forkRng('x').nextU32()).toBe(a);
    expect(sim.forkRng('y').nextU32()).not.toBe(a);
    expect(seededRng(SEED).fork('user:x').nextU32()).toBe(a);
  });
});
