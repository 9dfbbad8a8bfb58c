import { describe, expect, it } from 'vitest';
import { parseEndpoint } from '../../../src/keys/endpoint.js';
import { type SimTraceRecord, Simulation, type SimulationOptions } from '../../../src/sim/index.js';
import { seededRng } from '../../../src/util/rng.js';
import { type PingEvent, type PingNode, pingNode } from './ping-node.js';

const SEED = Number(process.env.PNRP_SEED ?? 1);

function pair(options: Partial<SimulationOptions> = {}) {
  const trace: SimTraceRecord[] = [];
  const sim = new Simulation<PingEvent>({ seed: SEED, trace: (r) => trace.push(r), ...options });
  const a = sim.addNode(pingNode);
  const b = sim.addNode(pingNode);
  b.node.echo = false;
  const burst = (n: number): void =>
    sim.call(a, (node) => {
      for (let i = 0; i < n; i++) node.ping(b.endpoint, [i & 0xff, i >> 8]);
    });
  return { sim, a, b, trace, burst };
}

describe(`Simulation: network faults (seed ${SEED})`, () => {
  it('delivers every datagram within [delayMinMs, delayMaxMs] after it was sent', () => {
    const { sim, b, trace, burst } = pair({
      network: { delayMinMs: 30, delayMeanMs: 60, jitterMeanMs: 20, delayMaxMs: 90 },
    });
    sim.runFor(100);
    burst(2_000);
    sim.runFor(1_000);
    expect(b.node.received).toHaveLength(2_000);
    const delays = b.node.received.map((r) => r.nowMs - 100);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(30);
    expect(Math.max(...delays)).toBeLessThanOrEqual(90);
    // Jitter reorders: arrival order is not send order.
    const order = b.node.received.map((r) => r.payload[1]! + (r.payload[2]! << 8));
    expect(order).not.toEqual([...order].sort((x, y) => x - y));
    expect(trace.every((r) => r.type === 'deliver' && r.toIndex === 1)).toBe(true);
  });

  it('loses about lossProbability of the datagrams, the same ones for the same seed', () => {
    const run = () => {
      const { sim, b, trace, burst } = pair({ seed: 7, network: { lossProbability: 0.2 } });
      burst(10_000);
      sim.runFor(1_000);
      return { sim, received: b.node.received.length, trace };
    };
    const { sim, received, trace } = run();
    expect(received).toBe(7_957); // fixed by seed 7
    expect(received / 10_000).toBeGreaterThan(0.78);
    expect(received / 10_000).toBeLessThan(0.82);
    expect(sim.stats.datagramsDropped.loss).toBe(10_000 - received);
    expect(trace.filter((r) => r.type === 'drop' && r.reason === 'loss')).toHaveLength(
      10_000 - received,
    );
    expect(run().received).toBe(received);
    sim.setLoss(0);
    const before = sim.stats.datagramsDelivered;
    sim.call(sim.handle(0), (node) => (node as PingNode).ping(sim.handle(1).endpoint));
    sim.runFor(1_000);
    expect(sim.stats.datagramsDelivered).toBe(before + 1);
  });

  it('duplicates about duplicateProbability of the datagrams and counts the copies', () => {
    const { sim, b, burst } = pair({ seed: 7, network: { duplicateProbability: 0.1 } });
    burst(5_000);
    sim.runFor(1_000);
    const s = sim.stats;
    expect(b.node.received.length).toBe(5_000 + s.datagramsDuplicated);
    expect(s.datagramsDuplicated).toBe(507); // fixed by seed 7
    expect(s.datagramsDuplicated / 5_000).toBeGreaterThan(0.08);
    expect(s.datagramsDuplicated / 5_000).toBeLessThan(0.12);
    expect(s.bytesDelivered).toBe(3 * s.datagramsDelivered);
  });

  it('drops datagrams between partition groups, also those in flight, until heal()', () => {
    const sim = new Simulation<PingEvent>({ seed: SEED });
    const [a, b, c, d] = [0, 1, 2, 3].map(() => sim.addNode(pingNode)) as [
      ...ReturnType<typeof sim.addNode<PingNode>>[],
    ];
    sim.call(a!, (node) => node.ping(b!.endpoint)); // in flight when the partition starts
    sim.partition([[a!], [b!, c!]]);
    expect(b!.node.received).toHaveLength(0);
    sim.call(b!, (node) => node.ping(c!.endpoint)); // same group: answered
    sim.call(c!, (node) => node.ping(a!.endpoint)); // across: dropped at send
    sim.call(d!, (node) => node.ping(b!.endpoint)); // unlisted nodes form their own group
    sim.runFor(1_000);
    expect(a!.node.received).toHaveLength(0);
    expect(b!.node.received).toHaveLength(1);
    expect(c!.node.received).toHaveLength(1);
    expect(sim.stats.datagramsDropped.partition).toBe(3);
    sim.heal();
    sim.call(a!, (node) => node.ping(b!.endpoint));
    sim.runFor(1_000);
    expect(a!.node.received).toHaveLength(1);
    expect(() => sim.partition([[a!], [a!]])).toThrow(RangeError);
  });

  it('crash() silences a node and drops its timer; restart() brings a fresh instance', () => {
    const { sim, a, b } = pair();
    sim.call(b, (node) => node.setTimer(500, 'never'));
    const first = b.node;
    sim.crash(b);
    expect([b.alive, b.status, sim.liveCount]).toEqual([false, 'crashed', 1]);
    sim.call(a, (node) => node.ping(b.endpoint));
    sim.runFor(1_000);
    expect(first.received).toHaveLength(0);
    expect(first.timeoutCalls).toEqual([]);
    expect(sim.stats.datagramsDropped['node-down']).toBe(1);
    expect(() => sim.call(b, () => {})).toThrow(/crashed/);
    sim.restart(b, pingNode);
    expect(b.node).not.toBe(first);
    expect([b.alive, b.incarnation, b.node.ctx.incarnation]).toEqual([true, 1, 1]);
    const fresh = b.node.ctx.rng.nextU32();
    expect(fresh).toBe(seededRng(SEED).fork('node:1:restart:1').nextU32());
    expect(fresh).not.toBe(first.ctx.rng.nextU32());
    sim.call(a, (node) => node.ping(b.endpoint));
    sim.runFor(1_000);
    expect(b.node.received).toHaveLength(1);
    expect(a.node.received).toHaveLength(1); // the fresh instance echoes
    expect(first.received).toHaveLength(0);
    sim.remove(b);
    expect(b.status).toBe('removed');
    expect(() => sim.restart(b, pingNode)).toThrow(/removed/);
  });

  it('drops datagrams to unknown endpoints and beyond inFlightMax, and counts them', () => {
    const { sim, a, b, trace, burst } = pair({ inFlightMax: 10 });
    sim.call(a, (node) => node.ping(parseEndpoint('[2001:db8::63]:3540')));
    burst(15);
    sim.runFor(1_000);
    const s = sim.stats;
    expect(s.datagramsDropped['unknown-endpoint']).toBe(1);
    expect(s.datagramsDropped['in-flight-max']).toBe(5);
    expect([s.inFlightPeak, s.inFlight]).toEqual([10, 0]);
    expect(b.node.received).toHaveLength(10);
    expect(a.datagramsSent).toBe(16);
    expect(b.datagramsReceived).toBe(10);
    const unknown = trace.find((r) => r.type === 'drop' && r.reason === 'unknown-endpoint');
    expect(unknown?.toIndex).toBe(-1);
  });
});
