/**
 * DRT cloud benchmarks (issue: the DRT node). Stable and churn scenarios at 2,000 nodes built
 * through real joins, and stable clouds of 10,000 (real joins) and 100,000 nodes (warm-started
 * caches: leaf sets plus a random sample, no join traffic) measured for hops, success, wall time,
 * peak memory and the simulator's delivered datagrams per second. Measures; never asserts.
 * Select sizes with BENCH_DRT=2000,churn,10000,100000 (default: all).
 */
import { DrtCloud, type SearchReport } from '../src/sim/drt-cloud.js';
import { benchProgress } from './progress.js';
import { printTable } from './table.js';

const wanted = (process.env.BENCH_DRT ?? '2000,churn,10000,100000').split(',');
const rows: (string | number)[][] = [];

function measure(
  name: string,
  nodes: number,
  run: (cloud: DrtCloud) => SearchReport,
  build: (cloud: DrtCloud) => void,
): void {
  const progress = benchProgress(`drt: ${name} ${nodes}`, nodes);
  const cloud = new DrtCloud({ seed: 1, ...progress.options });
  let peak = 0;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage().rss);
  };
  const t0 = performance.now();
  build(cloud);
  sample();
  const t1 = performance.now();
  const d0 = cloud.sim.stats.datagramsDelivered;
  const report = run(cloud);
  progress.end();
  sample();
  const t2 = performance.now();
  const delivered = cloud.sim.stats.datagramsDelivered;
  rows.push([
    name,
    nodes,
    report.resolves,
    `${(report.successRate * 100).toFixed(2)}%`,
    Number(report.avgHops.toFixed(2)),
    report.p95Hops,
    Number(report.avgContacts.toFixed(2)),
    Number(report.messagesPerResolve.toFixed(2)),
    Math.round((t1 - t0) / 1000),
    Math.round((t2 - t1) / 1000),
    Math.round(peak / 2 ** 20),
    Math.round(delivered / ((t2 - t0) / 1000)),
    Math.round((delivered - d0) / Math.max(1, report.resolves)),
  ]);
  console.log(`  done: ${name} ${nodes}`);
}

if (wanted.includes('2000')) {
  measure(
    'stable (joins)',
    2000,
    (c) => c.runSearches(5000),
    (c) => c.build(2000),
  );
}
if (wanted.includes('churn')) {
  measure(
    'churn 20% fail (joins)',
    2000,
    (c) => c.runChurn({ searches: 5000, failFraction: 0.2, leaveFraction: 0.1, joinFraction: 0.1 }),
    (c) => c.build(2000),
  );
}
if (wanted.includes('10000')) {
  measure(
    'stable (joins)',
    10_000,
    (c) => c.runSearches(5000),
    (c) => c.build(10_000),
  );
}
if (wanted.includes('100000')) {
  measure(
    'stable (warm start)',
    100_000,
    (c) => c.runSearches(1000),
    (c) => c.buildWarm(100_000),
  );
}

printTable(
  'DRT clouds in the simulator',
  [
    'scenario',
    'nodes',
    'resolves',
    'success',
    'avg hops',
    'p95 hops',
    'avg contacts',
    'msgs/resolve',
    'build s',
    'run s',
    'peak RSS MB',
    'delivered dgrams/s',
    'dgrams during run / resolve',
  ],
  rows,
);
