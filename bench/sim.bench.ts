/**
 * Simulator throughput and footprint (issue "DRT node", item 6): events/s of the bare event
 * queue in the hold model (pop one, push one later) at 1,000 and 100,000 pending events;
 * datagrams/s delivered through the whole simulator (network model, trace hash, drain loop)
 * between trivial echo nodes at 1,000 and 100,000 nodes; heap bytes per idle simulated node.
 * Run: `npx tsx bench/run.ts sim`. Measures only; never asserts.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Endpoint } from '../src/keys/endpoint.js';
import type { Output, SansIoNode } from '../src/sans-io.js';
import { EventQueue } from '../src/sim/event-queue.js';
import { Simulation, simEndpoint } from '../src/sim/index.js';
import { seededRng } from '../src/util/rng.js';
import { median, printTable } from './table.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const NO_TIMER: Output<never> = { type: 'timeout', atMs: Number.POSITIVE_INFINITY };

/** Answers every datagram with the same bytes; one pending output at most. */
class EchoNode implements SansIoNode<never> {
  private to: Endpoint | undefined;
  private payload: Uint8Array | undefined;

  handleDatagram(_nowMs: number, from: Endpoint, payload: Uint8Array): void {
    this.to = from;
    this.payload = payload;
  }

  handleTimeout(): void {}

  kick(to: Endpoint, payload: Uint8Array): void {
    this.to = to;
    this.payload = payload;
  }

  poll(): Output<never> {
    const to = this.to;
    if (to === undefined) return NO_TIMER;
    this.to = undefined;
    return { type: 'transmit', to, payload: this.payload! };
  }
}

/** Does nothing at all: the simulator's own per-node cost. */
class IdleNode implements SansIoNode<never> {
  handleDatagram(): void {}
  handleTimeout(): void {}
  poll(): Output<never> {
    return NO_TIMER;
  }
}

function queueEventsPerSecond(pending: number, events: number): number {
  const rng = seededRng('bench-queue');
  const steps = new Float64Array(1 << 16);
  for (let i = 0; i < steps.length; i++) steps[i] = rng.nextFloat() * 100;
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const q = new EventQueue(pending + 1);
    for (let i = 0; i < pending; i++) q.push(steps[i & 0xffff]!, 1, i, 0, undefined);
    const start = performance.now();
    for (let i = 0; i < events; i++) {
      q.pop();
      q.push(q.time + steps[i & 0xffff]!, 1, q.a, 0, undefined);
    }
    runs.push((events * 1000) / (performance.now() - start));
  }
  return median(runs);
}

function echoDeliveriesPerSecond(
  nodes: number,
  deliveries: number,
): { rate: number; setupMs: number } {
  const setupStart = performance.now();
  const sim = new Simulation({ seed: 1, nodesMax: nodes, network: { lossProbability: 0 } });
  const handles = Array.from({ length: nodes }, () => sim.addNode(() => new EchoNode()));
  const payload = new Uint8Array(32).fill(7);
  for (const h of handles) {
    sim.call(h, (node) => node.kick(simEndpoint((h.index + 1) % nodes), payload));
  }
  const setupMs = performance.now() - setupStart;
  const runs: number[] = [];
  for (let r = 0; r < 3; r++) {
    const before = sim.stats.datagramsDelivered;
    const start = performance.now();
    sim.runUntil(() => false, { maxEvents: deliveries });
    const delivered = sim.stats.datagramsDelivered - before;
    runs.push((delivered * 1000) / (performance.now() - start));
  }
  return { rate: median(runs), setupMs };
}

function heapBytesPerIdleNode(nodes: number): number {
  gc();
  const before = process.memoryUsage().heapUsed;
  const sim = new Simulation({ seed: 1, nodesMax: nodes });
  for (let i = 0; i < nodes; i++) sim.addNode(() => new IdleNode());
  gc();
  const after = process.memoryUsage().heapUsed;
  if (sim.nodeCount !== nodes) throw new Error('unreachable');
  return (after - before) / nodes;
}

const queueRows: (string | number)[][] = [];
for (const pending of [1_000, 100_000]) {
  queueRows.push([
    'event queue, hold model',
    pending,
    Math.round(queueEventsPerSecond(pending, 2_000_000)),
  ]);
}
printTable('sim: event queue (events/s)', ['case', 'pending events', 'events/s'], queueRows);

const echoRows: (string | number)[][] = [];
for (const nodes of [1_000, 100_000]) {
  const { rate, setupMs } = echoDeliveriesPerSecond(nodes, 1_000_000);
  echoRows.push(['echo nodes, 32-byte datagrams', nodes, Math.round(rate), Math.round(setupMs)]);
}
printTable(
  'sim: delivered datagrams per second',
  ['case', 'nodes', 'datagrams/s', 'setup ms'],
  echoRows,
);

const idle = heapBytesPerIdleNode(100_000);
printTable(
  'sim: heap per idle node',
  ['nodes', 'heap bytes per node'],
  [[100_000, Math.round(idle)]],
);
