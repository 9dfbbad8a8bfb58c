/**
 * The figures of issue 13 (Build 5), drawn from our own runs into bench/results/*.svg: the ones
 * the Windows 7 DRT team published for their simulations (DESIGN.md §7), success and hops over
 * time under churn and the hop histogram, plus hops against N beside the idealized log10(N)
 * model, and messages per lookup (PNRP; Kademlia bars appear once the baseline's rows are
 * passed to `messagesVsKadSpec`). Real joins at modest sizes, seed 1: the same run draws the
 * same SVG. The numbers behind the figures go to bench/results/figures.json.
 *
 * Run: `npm run plots` (= `nice -n 10 tsx bench/plots.ts`); sizes with
 * BENCH_PLOTS_SIZES=250,500,1000,2000 (the churn run uses the largest), searches per size with
 * BENCH_PLOTS_SEARCHES (default 1000). Progress on stderr when it is a terminal.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadSvgRenderer } from '../src/cli/plot-render.js';
import {
  type HopsAtSize,
  hopHistogramSpec,
  hopsVsNSpec,
  type MessagesAtSize,
  messagesVsKadSpec,
  seriesSpec,
} from '../src/cli/plot-specs.js';
import { DrtCloud } from '../src/sim/drt-cloud.js';
import { hopHistogram, intervalSeries } from '../src/sim/search-series.js';
import { benchProgress } from './progress.js';

const SEED = 1;
const sizes = (process.env.BENCH_PLOTS_SIZES ?? '250,500,1000,2000')
  .split(',')
  .map(Number)
  .sort((a, b) => a - b);
const searches = Number(process.env.BENCH_PLOTS_SEARCHES ?? 1000);
const CHURN = { searches: 3000, failFraction: 0.2, leaveFraction: 0.1, joinFraction: 0.1 };
const INTERVAL_MS = 10_000;
const OUT = 'bench/results';

const render = await loadSvgRenderer();
const hops: HopsAtSize[] = [];
const messages: MessagesAtSize[] = [];
const runs: Record<string, unknown>[] = [];
let largest: DrtCloud | undefined;
let stableHops: readonly number[] = [];

for (const n of sizes) {
  const progress = benchProgress(`plots: stable ${n}`, n, searches);
  const started = performance.now();
  const cloud = new DrtCloud({ seed: SEED, ...progress.options });
  cloud.build(n);
  const report = cloud.runSearches(searches);
  progress.end();
  hops.push({ n, avgHops: report.avgHops, p95Hops: report.p95Hops });
  messages.push({ n, pnrp: report.messagesPerResolve });
  runs.push({
    scenario: 'stable',
    nodes: n,
    resolves: report.resolves,
    successRate: report.successRate,
    avgHops: report.avgHops,
    p95Hops: report.p95Hops,
    maxHops: report.maxHops,
    messagesPerResolve: report.messagesPerResolve,
    hopHistogram: hopHistogram(report.hopSamples),
    traceHash: cloud.sim.traceHash,
  });
  console.log(
    `stable ${n}: ${(report.successRate * 100).toFixed(2)}% in ${report.avgHops.toFixed(2)} hops, ${report.messagesPerResolve.toFixed(2)} messages/resolve (${Math.round((performance.now() - started) / 1000)} s)`,
  );
  largest = cloud;
  stableHops = report.hopSamples;
}

const top = sizes[sizes.length - 1]!;
// Churn on the largest cloud, once its stable searches are done (DESIGN.md §7's scenario).
const churnProgress = benchProgress(`plots: churn ${top}`, top, searches + CHURN.searches);
const churnCloud = largest!;
const churn = churnCloud.runChurn(CHURN);
churnProgress.end();
const points = intervalSeries(churn.batches ?? [], INTERVAL_MS);
runs.push({
  scenario: 'churn (20% fail, 10% leave, 10% join)',
  nodes: top,
  resolves: churn.resolves,
  successRate: churn.successRate,
  avgHops: churn.avgHops,
  p95Hops: churn.p95Hops,
  maxHops: churn.maxHops,
  messagesPerResolve: churn.messagesPerResolve,
  churn: churn.churn,
  hopHistogram: hopHistogram(churn.hopSamples),
  series: { intervalSeconds: INTERVAL_MS / 1000, points },
  traceHash: churnCloud.sim.traceHash,
});
console.log(
  `churn ${top}: ${(churn.successRate * 100).toFixed(2)}% in ${churn.avgHops.toFixed(2)} hops`,
);

const figures: [string, Record<string, unknown>][] = [
  [
    'churn-over-time',
    seriesSpec(
      points,
      `Under churn: ${top} nodes, 20% vanish, 10% leave, 10% join while ${CHURN.searches} resolves run (per ${INTERVAL_MS / 1000} s)`,
    ),
  ],
  [
    'hop-histogram',
    hopHistogramSpec(
      hopHistogram(stableHops),
      `Hops per resolve, stable cloud of ${top} nodes (${searches} resolves)`,
    ),
  ],
  [
    'hops-vs-n',
    hopsVsNSpec(hops, `Hops against N (stable, real joins, ${searches} resolves per size)`),
  ],
  [
    'messages-per-lookup',
    messagesVsKadSpec(
      messages,
      messages.some((m) => m.kad !== undefined)
        ? 'Messages (requests + answers) per lookup: PNRP and Kademlia'
        : 'Messages (requests + answers) per lookup: PNRP (Kademlia baseline not measured yet)',
    ),
  ],
];
mkdirSync(OUT, { recursive: true });
for (const [name, spec] of figures) {
  writeFileSync(`${OUT}/${name}.svg`, await render(spec));
  console.log(`wrote ${OUT}/${name}.svg`);
}
writeFileSync(
  `${OUT}/figures.json`,
  `${JSON.stringify({ seed: SEED, sizes, searches, churn: CHURN, runs }, null, 2)}\n`,
);
console.log(`wrote ${OUT}/figures.json`);
