/**
 * SimConnections through the minimal ConnectionSimulation: toy EchoNodes in virtual time. With
 * a fixed delay (no jitter, no pair spread) every time is exact; with loss and jitter the bytes
 * still arrive whole and in order, and one seed gives one trace.
 */
import { describe, expect, it } from 'vitest';
import {
  ConnectionSimulation,
  type ConnectionTraceRecord,
  type ConnectionSimulation as Sim,
} from '../../../src/sim/connection-sim.js';
import type { NetworkOptions } from '../../../src/sim/network.js';
import { seededRng } from '../../../src/util/rng.js';
import { type EchoEvent, EchoNode, joinChunks } from './echo-node.js';

const SEED = Number(process.env.PNRP_SEED ?? 5);
/** One way is exactly 10 ms: delayMin = delayMean, no jitter. */
const FIXED: NetworkOptions = { delayMinMs: 10, delayMeanMs: 10, jitterMeanMs: 0 };

function simOf(network: NetworkOptions = FIXED, extra: object = {}) {
  const trace: ConnectionTraceRecord[] = [];
  const events: [number, EchoEvent, number][] = [];
  const sim: Sim<EchoNode> = new ConnectionSimulation<EchoNode>({
    seed: SEED,
    network,
    trace: (r) => trace.push(r),
    ...extra,
  });
  sim.onEvent((i, e, now) => events.push([i, e as EchoEvent, now]));
  const nodes = [0, 1, 2].map(() => sim.addNode(() => new EchoNode()));
  return { sim, trace, events, nodes };
}

const line = (r: ConnectionTraceRecord) =>
  `${r.nowMs} ${r.index} ${r.type} ${r.conn}${r.type === 'received' ? ` ${r.bytes.length}` : ''}${r.type === 'closed' ? ` ${r.end}` : ''}`;

describe('simulated connections', () => {
  it('takes one way to accept, a round trip to connect, and closes behind the data', () => {
    const { sim, trace } = simOf(FIXED, { connections: { segmentBytes: 4 } });
    sim.command(0, (n, now) => {
      const c = n.dial(now, sim.endpoint(1));
      n.write(c, new Uint8Array([1, 2, 3, 4, 5, 6]));
      n.closeAtTime(c, 45);
    });
    sim.runFor(1_000);
    expect(trace.map(line)).toEqual([
      '10 1 accepted -1',
      '10 1 received -1 4', // bytes sent before `connected` follow the SYN, cut into segments
      '10 1 received -1 2',
      '20 0 connected 1',
      '20 0 received 1 4', // the echo
      '20 0 received 1 2',
      '55 1 closed -1 closed', // node 0's timer closed it at 45; no report to node 0
    ]);
    expect(sim.stats.connections).toMatchObject({
      connectsStarted: 1,
      accepted: 1,
      established: 1,
      bytesSent: 12,
      bytesDelivered: 12,
      segmentsSent: 7,
    });
    expect(sim.stats.connections.ended).toEqual({
      closed: 1,
      reset: 0,
      refused: 0,
      unreachable: 0,
      error: 0,
    });
  });

  it('refuses connects to nobody and to a crashed node; a restarted node numbers from -1 again', () => {
    const { sim, trace } = simOf();
    sim.crash(2);
    sim.command(0, (n, now) => {
      n.dial(now, { address: new Uint8Array(16), port: 3540 });
      n.dial(now, sim.endpoint(2));
      n.dial(now, sim.endpoint(1));
    });
    sim.runFor(100);
    sim.restart(1);
    sim.command(0, (n, now) => n.dial(now, sim.endpoint(1)));
    sim.runFor(100);
    expect(trace.map(line)).toEqual([
      '10 1 accepted -1',
      '20 0 closed 1 refused',
      '20 0 closed 2 refused',
      '20 0 connected 3',
      '110 1 accepted -1',
      '120 0 connected 4',
    ]);
    sim.runFor(30_000);
    // The keepalive bound: node 0 never sent on 3 again, so it learns of the crash at 100 + 30 s.
    expect(trace.map(line).at(-1)).toBe('30100 0 closed 3 reset');
    expect(sim.stats.connections.ended.refused).toBe(2);
  });

  it('a crashed peer is found out one round trip after the next send', () => {
    const { sim, trace } = simOf();
    const c = sim.command(0, (n, now) => n.dial(now, sim.endpoint(1)));
    sim.runFor(50);
    sim.crash(1);
    sim.runFor(50);
    sim.command(0, (n) => n.write(c, new Uint8Array(3)));
    sim.runFor(100);
    expect(trace.map(line).slice(2)).toEqual(['120 0 closed 1 reset']);
    expect(sim.stats.connections.ended.reset).toBe(1);
    sim.runFor(60_000);
    expect(trace).toHaveLength(3); // the keepalive finds the handle already dead
  });

  it('a partition resets the connections across it at once; connects across it time out', () => {
    const { sim, trace } = simOf(FIXED, { connections: { connectTimeoutMs: 3_000 } });
    sim.command(0, (n, now) => {
      n.dial(now, sim.endpoint(1));
      n.dial(now, sim.endpoint(2));
    });
    sim.runFor(100);
    sim.partition([[0, 1], [2]]);
    sim.runFor(1);
    expect(trace.map(line).slice(4)).toEqual(['100 0 closed 2 reset', '100 2 closed -1 reset']);
    sim.command(2, (n, now) => n.dial(now, sim.endpoint(0)));
    sim.runFor(5_000);
    expect(trace.map(line).at(-1)).toBe('3101 2 closed 1 unreachable');
    sim.heal();
    sim.command(2, (n, now) => n.dial(now, sim.endpoint(0)));
    sim.runFor(100);
    expect(trace.map(line).at(-1)).toBe('5121 2 connected 2');
    expect(sim.stats.connections.ended).toMatchObject({ reset: 2, unreachable: 1 });
  });

  it('aborts a connection whose bytes in flight exceed the bound: error here, reset there', () => {
    const { sim, trace } = simOf(FIXED, { connections: { sendBufferMaxBytes: 100 } });
    const c = sim.command(0, (n, now) => n.dial(now, sim.endpoint(1)));
    sim.runFor(30);
    sim.command(0, (n) => {
      n.write(c, new Uint8Array(60));
      n.write(c, new Uint8Array(41));
    });
    sim.runFor(100);
    expect(trace.map(line).slice(2)).toEqual(['30 0 closed 1 error', '40 1 closed -1 reset']);
    expect(sim.stats.connections).toMatchObject({ overflows: 1, segmentsDropped: 1 });
  });

  it('delivers every byte in order through loss, jitter and reordering', () => {
    const network: NetworkOptions = { lossProbability: 0.2, reorderProbability: 0.3 };
    const { sim, events } = simOf(network, { connections: { segmentBytes: 97 } });
    const rng = seededRng(`${SEED}/chunks`);
    const sent: Uint8Array[] = [];
    const c = sim.command(0, (n, now) => n.dial(now, sim.endpoint(1)));
    for (let k = 0; k < 100; k++) {
      const chunk = rng.bytes(1 + rng.nextInt(700));
      sent.push(chunk);
      sim.command(0, (n) => n.write(c, chunk));
      sim.runFor(rng.nextInt(30));
    }
    sim.runFor(120_000);
    const echoed = events.flatMap(([i, e]) => (i === 0 && e.type === 'received' ? [e.bytes] : []));
    expect(joinChunks(echoed)).toEqual(joinChunks(sent));
    const s = sim.stats.connections;
    expect(s.retransmissions).toBeGreaterThan(0);
    expect(s.bytesDelivered).toBe(2 * joinChunks(sent).length);
    expect(s.ended).toMatchObject({ reset: 0, unreachable: 0 });
  });

  it('replays: same seed, same trace; another seed, another trace', () => {
    const run = (seed: number) => {
      const sim = new ConnectionSimulation<EchoNode>({
        seed,
        network: { lossProbability: 0.1 },
      });
      const n = [0, 1, 2].map(() => sim.addNode(() => new EchoNode()));
      const rng = seededRng(`${seed}/plan`);
      for (const [a, b] of [
        [0, 1],
        [0, 2],
        [1, 2],
      ] as const) {
        const c = sim.command(n[a]!, (node, now) => node.dial(now, sim.endpoint(n[b]!)));
        sim.command(n[a]!, (node) => node.write(c, rng.bytes(5_000)));
      }
      sim.schedule(300, (s) => s.crash(2));
      sim.runFor(60_000);
      return { hash: sim.traceHex(), stats: sim.stats };
    };
    const first = run(SEED);
    expect(run(SEED)).toEqual(first);
    expect(run(SEED + 1).hash).not.toBe(first.hash);
    expect(first.stats.connections.ended.reset).toBeGreaterThan(0);
  });
});
