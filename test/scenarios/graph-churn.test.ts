/**
 * [MS-PPGRH] under churn: 100 GraphNodes (Max Presence Records 10) join one by one, then 20% vanish without a word (crash),
 * 10% close (DISCONNECT leaving), 10% new nodes join, spread over five minutes, while live members
 * keep publishing. The test plays the application's part of long-term repair: a node that reports
 * `need-node` and has no neighbour is handed a random live node (as PNRP would find one). After
 * things settle, every record published by a member still alive must be on every live member, and
 * every live member's database digest must be the same. One seed, virtual time, deterministic.
 */
import { describe, expect, it } from 'vitest';
import { guidKey } from '../../src/graph/core.js';
import type { GraphRecord } from '../../src/graph/model.js';
import { digestHex, endpointOf, GraphNet, type SimNode } from '../unit/graph/node/harness.js';

const SEED = Number(process.env.PNRP_SEED ?? 2026);
const APP_TYPE = Uint8Array.from([0xc0, ...new Array(15).fill(8)]);
const HOUR = 3_600_000;

describe('graph: 100 nodes with churn (20% vanish, 10% leave, 10% join)', () => {
  it(`every record published by a live member reaches every live member (PNRP_SEED=${SEED})`, () => {
    const net = new GraphNet(SEED, 10, false);
    let state = SEED;
    const random = (n: number): number => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state % n;
    };
    const live = (): SimNode[] =>
      net.nodes.filter((s) => s.alive && s.node.status !== 'disconnected');
    const join = (): SimNode => {
      const pool = live();
      const sim = net.add();
      net.command(sim, (n, t) => n.open(t));
      net.command(sim, (n, t) => n.connect(t, endpointOf(pool[random(pool.length)]!)));
      return sim;
    };
    const seen = new Map<SimNode, number>();
    /** The application's answer to `need-node`: a random live node with neighbours. */
    const answerNeedNode = (): void => {
      for (const sim of net.nodes) {
        if (!sim.alive) continue;
        const from = seen.get(sim) ?? 0;
        seen.set(sim, sim.events.length);
        const asked = sim.events.slice(from).some((e) => e.type === 'need-node');
        if (!asked || sim.node.neighbours().some((n) => !n.direct)) continue;
        const pool = live().filter((s) => s !== sim && s.node.neighbours().length > 0);
        if (pool.length > 0)
          net.command(sim, (n, t) => n.connect(t, endpointOf(pool[random(pool.length)]!)));
      }
    };
    const run = (ms: number): void => {
      for (let t = 0; t < ms; t += 10_000) {
        net.runFor(10_000);
        answerNeedNode();
      }
    };
    const published: { by: SimNode; record: GraphRecord }[] = [];
    const publish = (sim: SimNode, tag: number): void => {
      const r = net.command(sim, (n, t) =>
        n.addRecord(t, {
          type: APP_TYPE,
          payload: Uint8Array.of(tag & 0xff),
          lifetimeMs: 4 * HOUR,
        }),
      );
      if (r.ok) published.push({ by: sim, record: r.record });
    };

    const first = net.add();
    net.command(first, (n, t) => n.create(t, { maxPresenceRecords: 10 }));
    for (let i = 1; i < 100; i++) {
      net.runFor(1_000);
      join();
    }
    run(5 * 60_000);
    for (let i = 0; i < 20; i++) publish(net.nodes[random(100)]!, i);

    // Churn, one event every 5 s: 20 crashes, 10 departures, 10 joins, interleaved.
    const plan = [
      ...Array(20).fill('crash'),
      ...Array(10).fill('leave'),
      ...Array(10).fill('join'),
    ];
    for (let i = plan.length - 1; i > 0; i--) {
      const j = random(i + 1);
      [plan[i], plan[j]] = [plan[j], plan[i]];
    }
    let tag = 100;
    for (const what of plan) {
      const pool = live().filter((s) => s !== first);
      if (what === 'join') join();
      else {
        const victim = pool[random(pool.length)]!;
        if (what === 'crash') net.crash(victim);
        else net.command(victim, (n, t) => n.close(t));
      }
      if (random(2) === 0) publish(pool[random(pool.length)]!, tag++);
      run(5_000);
    }
    run(10 * 60_000);

    const members = net.nodes.filter((s) => s.alive && s.node.status === 'connected');
    const alive = net.nodes.filter((s) => s.alive && s.node.status !== 'disconnected');
    expect(alive.length).toBe(80);
    expect(members.length).toBe(alive.length);
    const fromLive = published.filter((p) => p.by.alive && p.by.node.status !== 'disconnected');
    expect(fromLive.length).toBeGreaterThan(20);
    for (const { record } of fromLive) {
      const missing = members.filter((s) => !s.node.getRecord(record.id));
      expect(
        missing.map((s) => s.index),
        guidKey(record.id),
      ).toEqual([]);
    }
    const digest = digestHex(members[0]!);
    expect(members.filter((s) => digestHex(s) !== digest).map((s) => s.index)).toEqual([]);
    // Presence maintenance (Max Presence Records 10) keeps a few presence records, never above 20.
    const presence = members[0]!.node.presenceCount;
    expect(presence).toBeGreaterThan(0);
    expect(presence).toBeLessThanOrEqual(20);
    expect(members.every((s) => s.node.presenceCount === presence)).toBe(true);
    const counts = members.map((s) => s.node.neighbours().filter((n) => !n.direct).length);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...counts)).toBeLessThanOrEqual(7);
  });
});
