/**
 * Per-node memory and per-datagram CPU of a real DRT cloud (issue 13, Build 3 "lean per-datagram
 * work and per-node memory"): builds a cloud through real joins (`DrtCloud.build`), then reports
 * the live heap per node after a full GC and the CPU microseconds (user + system) per simulated
 * datagram spent by the build. Medians over runs. Measures only; never asserts.
 * Run: `nice -n 10 npx tsx bench/run.ts memory`; sizes and runs from `MEMORY_BENCH_NODES`
 * (default `1000`, e.g. `1000,10000`) and `MEMORY_BENCH_RUNS` (default 3; one run above 2,000).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DrtCloud } from '../src/sim/drt-cloud.js';
import { median, printTable } from './table.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

interface Run {
  readonly heapPerNode: number;
  readonly cpuUsPerDatagram: number;
  readonly datagrams: number;
  readonly cpuS: number;
  readonly traceHash: string;
}

function once(nodes: number, seed: number): Run {
  gc();
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const cpuBefore = process.cpuUsage();
  const cloud = new DrtCloud({ seed });
  cloud.build(nodes);
  const cpu = process.cpuUsage(cpuBefore);
  const datagrams = cloud.sim.stats.datagramsSent;
  gc();
  gc();
  const heapAfter = process.memoryUsage().heapUsed;
  const cpuUs = cpu.user + cpu.system;
  return {
    heapPerNode: (heapAfter - heapBefore) / cloud.members.length,
    cpuUsPerDatagram: cpuUs / datagrams,
    datagrams,
    cpuS: cpuUs / 1e6,
    traceHash: cloud.sim.traceHash,
  };
}

const sizes = (process.env.MEMORY_BENCH_NODES ?? '1000').split(',').map(Number);
const runsWanted = Number(process.env.MEMORY_BENCH_RUNS ?? 3);
const rows: (string | number)[][] = [];
for (const nodes of sizes) {
  const runs: Run[] = [];
  const count = nodes > 2_000 ? 1 : runsWanted;
  for (let r = 0; r < count; r++) {
    const run = once(nodes, 1);
    runs.push(run);
    console.error(`memory bench: ${nodes} nodes, run ${r + 1}/${count}: ${JSON.stringify(run)}`);
  }
  rows.push([
    nodes,
    runs.length,
    Math.round(median(runs.map((r) => r.heapPerNode))),
    median(runs.map((r) => r.cpuUsPerDatagram)),
    runs[0]!.datagrams,
    median(runs.map((r) => r.cpuS)),
    runs[0]!.traceHash,
  ]);
}
printTable(
  'memory: live heap per node and CPU per datagram, real joins',
  [
    'nodes',
    'runs',
    'live heap bytes per node',
    'CPU us per datagram',
    'datagrams',
    'build CPU s',
    'trace hash',
  ],
  rows,
);
