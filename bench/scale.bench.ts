/**
 * Scale of the simulated DRT cloud (issue 13): real joins (or a labelled warm start), then
 * background traffic of the stable cloud, resolves, and optionally the churn scenario of
 * docs/design.md §7. Reports CPU seconds (the machine is shared: never wall time), datagrams, live
 * heap per node and peak RSS. Measures only; never asserts.
 *
 * Environment:
 * - `SCALE_N`: comma-separated cloud sizes. @default '1000'
 * - `SCALE_GROWTH`: `waves` (default), `sequential` (one join per 20 virtual ms, the old build)
 *   or `warm` (idealized caches without join traffic: labelled "warm" in the table).
 * - `SCALE_RESOLVES`: resolves after the build. @default 1000
 * - `SCALE_BACKGROUND_S`: virtual seconds of idle stable cloud measured for background traffic.
 *   @default 120
 * - `SCALE_CHURN`: `1` also runs the churn scenario (20% fail, 10% leave, 10% join over 1,000
 *   resolves) on a fresh cloud of the same size.
 * - `SCALE_SEED`: @default 1
 * - `SCALE_BREAKDOWN`: `1` also prints where the datagrams of the build (per join) and of the
 *   background period (per node per second) went: every datagram attributed to its cause (join
 *   walk, admission check, maintenance, gap fill, flood, join sync) and message type, answers to
 *   the request they answer (bench/send-breakdown.ts). The live heap then includes the tally.
 * - `SCALE_LOG`: seconds of wall time between plain progress lines on stderr (phase, nodes joined,
 *   virtual time, datagrams, CPU, heap, RSS), for long runs whose stderr is not a terminal; they
 *   observe only (the same events run). @default 0 (none)
 *
 * Run: `nice -n 10 npx tsx bench/scale.bench.ts` (or `npm run bench -- scale`).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type CloudProgress, DrtCloud } from '../src/sim/drt-cloud.js';
import { SendTally } from './send-breakdown.js';
import { printTable } from './table.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const sizes = (process.env.SCALE_N ?? '1000').split(',').map((s) => Number(s.trim()));
const growth = (process.env.SCALE_GROWTH ?? 'waves') as 'waves' | 'sequential' | 'warm';
const resolves = Number(process.env.SCALE_RESOLVES ?? 1000);
const backgroundS = Number(process.env.SCALE_BACKGROUND_S ?? 120);
const churn = process.env.SCALE_CHURN === '1';
const seed = Number(process.env.SCALE_SEED ?? 1);
const logEveryS = Number(process.env.SCALE_LOG ?? 0);
const breakdown = process.env.SCALE_BREAKDOWN === '1';

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function sent(cloud: DrtCloud): number {
  return cloud.sim.stats.datagramsSent;
}

function newCloud(tally?: SendTally): DrtCloud {
  const cloud: DrtCloud = new DrtCloud({
    seed,
    ...(tally ? { node: { sendObserver: tally.observe } } : {}),
    ...(growth === 'warm' ? {} : { growth }),
    ...(logEveryS > 0 ? { progress: progressLog(() => cloud) } : {}),
  });
  return cloud;
}

/** A progress callback printing a plain line at most every `SCALE_LOG` wall seconds. */
function progressLog(cloudOf: () => DrtCloud): (p: CloudProgress) => void {
  const cpu0 = cpuSeconds();
  let lastMs = 0;
  return (p) => {
    const now = performance.now();
    if (now - lastMs < logEveryS * 1000) return;
    lastMs = now;
    const m = process.memoryUsage();
    console.error(
      `progress: ${p.phase} joined ${p.joined} virtual ${(p.virtualMs / 1000).toFixed(0)} s, ` +
        `${(sent(cloudOf()) / 1e6).toFixed(2)} M datagrams, CPU ${(cpuSeconds() - cpu0).toFixed(0)} s, ` +
        `heap ${(m.heapUsed / 2 ** 20).toFixed(0)} MB, RSS ${(m.rss / 2 ** 20).toFixed(0)} MB`,
    );
  };
}

function build(cloud: DrtCloud, n: number): void {
  if (growth === 'warm') {
    cloud.buildWarm(n);
    cloud.sim.runFor(30_000);
  } else cloud.build(n);
}

/** Messages sent cloud-wide by type, as shares of all. */
function byType(cloud: DrtCloud): string {
  const totals: Record<string, number> = {};
  let all = 0;
  for (const m of cloud.members) {
    for (const [type, count] of Object.entries(m.handle.node.stats.sent)) {
      totals[type] = (totals[type] ?? 0) + count;
      all += count;
    }
  }
  return Object.entries(totals)
    .sort((a, b) => b[1] - a[1])
    .map(([t, c]) => `${t} ${((100 * c) / all).toFixed(0)}%`)
    .join(', ');
}

const rows: (string | number)[][] = [];
const churnRows: (string | number)[][] = [];
const label = growth === 'warm' ? 'warm start (no joins)' : `real joins (${growth})`;
for (const n of sizes) {
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const tally = breakdown ? new SendTally() : undefined;
  const cloud = newCloud(tally);
  const cpu0 = cpuSeconds();
  build(cloud, n);
  const buildCpu = cpuSeconds() - cpu0;
  const buildDatagrams = sent(cloud);
  const buildMix = byType(cloud);
  gc();
  const heapPerNode = (process.memoryUsage().heapUsed - heapBefore) / n;
  if (tally) {
    const t = tally.rows(n);
    printTable(`scale: datagrams per join by cause, ${n} nodes, seed ${seed}`, t.header, t.rows);
    console.log(`attributed ${tally.datagrams} of ${buildDatagrams} build datagrams`);
    tally.reset();
  }
  const bg0 = sent(cloud);
  cloud.sim.runFor(backgroundS * 1000);
  const background = (sent(cloud) - bg0) / cloud.live().length / backgroundS;
  if (tally) {
    const t = tally.rows(cloud.live().length * backgroundS, 4);
    printTable(
      `scale: background datagrams per node per second by cause, ${n} nodes, seed ${seed}`,
      t.header,
      t.rows,
    );
    console.log(`attributed ${tally.datagrams} of ${sent(cloud) - bg0} background datagrams`);
  }
  const cpu1 = cpuSeconds();
  const d0 = sent(cloud);
  const report = cloud.runSearches(resolves);
  const resolveCpu = cpuSeconds() - cpu1;
  const perResolve = (sent(cloud) - d0) / resolves;
  rows.push([
    n,
    label,
    buildCpu.toFixed(1),
    (buildDatagrams / 1e6).toFixed(2),
    growth === 'warm' ? '-' : Math.round(buildDatagrams / n),
    background.toFixed(3),
    (heapPerNode / 1024).toFixed(1),
    ((process.resourceUsage().maxRSS * 1024) / 2 ** 20).toFixed(0),
    `${report.avgHops.toFixed(2)} / ${report.p95Hops} / ${report.maxHops}`,
    `${(report.successRate * 100).toFixed(2)}%`,
    perResolve.toFixed(1),
    resolveCpu.toFixed(1),
    cloud.sim.traceHash,
  ]);
  console.error(`n=${n}: build mix ${buildMix}`);
  if (churn) {
    const c = newCloud();
    build(c, n);
    const t0 = c.sim.nowMs;
    const s0 = sent(c);
    const population = c.live().length;
    const r = c.runChurn({
      searches: 1000,
      batch: 50,
      failFraction: 0.2,
      leaveFraction: 0.1,
      joinFraction: 0.1,
    });
    const seconds = (c.sim.nowMs - t0) / 1000;
    churnRows.push([
      n,
      label,
      `${(r.successRate * 100).toFixed(2)}%`,
      `${r.avgHops.toFixed(2)} / ${r.p95Hops} / ${r.maxHops}`,
      ((sent(c) - s0) / population / seconds).toFixed(3),
      JSON.stringify(r.failures),
    ]);
  }
}

printTable(
  `scale: DRT cloud, seed ${seed}`,
  [
    'nodes',
    'start',
    'build CPU s',
    'datagrams (M)',
    'datagrams per join',
    'background dgrams/node/s',
    'live heap KB/node',
    'peak RSS MB',
    'hops avg / p95 / max',
    'success',
    'dgrams per resolve (all)',
    'resolve CPU s',
    'trace hash',
  ],
  rows,
);
if (churn) {
  printTable(
    'scale: churn (20% fail, 10% leave, 10% join over 1,000 resolves)',
    ['nodes', 'start', 'success', 'hops avg / p95 / max', 'all dgrams/node/s', 'failures'],
    churnRows,
  );
}
