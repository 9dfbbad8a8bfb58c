/**
 * The figures of issue 13 (Build 5), drawn from our own runs into bench/results/*.svg: the ones
 * the Windows 7 DRT team published for their simulations (docs/design.md §7), success and hops over
 * time under churn and the hop histogram, plus hops against N beside the idealized log10(N)
 * model, and messages per lookup of PNRP beside the Kademlia baseline (`runBaseline` with the
 * same seed: the same node set, network, bootstrap seeds and search pairs). Real joins at modest
 * sizes, seed 1: the same run draws the same SVG. The numbers behind the figures go to
 * bench/results/figures.json.
 *
 * Run: `npm run plots` (= `nice -n 10 tsx bench/plots.ts`); sizes with
 * BENCH_PLOTS_SIZES=250,500,1000,2000 (the churn run uses the largest), searches per size with
 * BENCH_PLOTS_SEARCHES (default 1000), churn searches with BENCH_PLOTS_CHURN_SEARCHES (default
 * 3000), the folder with BENCH_PLOTS_OUT. Progress on stderr when it is a terminal.
 * `npm run plots -- --render` only redraws the SVGs from bench/results/figures.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadSvgRenderer } from '../src/cli/plot-render.js';
import {
  hopHistogramSpec,
  hopsVsNSpec,
  messagesVsKadSpec,
  seriesSpec,
} from '../src/cli/plot-specs.js';
import { DrtCloud } from '../src/sim/drt-cloud.js';
import { runBaseline } from '../src/sim/kad-baseline.js';
import {
  type HopBin,
  hopHistogram,
  type IntervalPoint,
  intervalSeries,
} from '../src/sim/search-series.js';
import { benchProgress } from './progress.js';

const SEED = 1;
const sizes = (process.env.BENCH_PLOTS_SIZES ?? '250,500,1000,2000')
  .split(',')
  .map(Number)
  .sort((a, b) => a - b);
const searches = Number(process.env.BENCH_PLOTS_SEARCHES ?? 1000);
const CHURN = {
  searches: Number(process.env.BENCH_PLOTS_CHURN_SEARCHES ?? 3000),
  failFraction: 0.2,
  leaveFraction: 0.1,
  joinFraction: 0.1,
};
const INTERVAL_MS = 10_000;
const OUT = process.env.BENCH_PLOTS_OUT ?? 'bench/results';

/** One measured run, as written to figures.json. */
interface RunRecord {
  readonly scenario: string;
  readonly nodes: number;
  readonly resolves: number;
  readonly successRate: number;
  readonly avgHops: number;
  readonly p95Hops: number;
  readonly maxHops: number;
  readonly messagesPerResolve: number;
  /** The Kademlia baseline's requests + answers per lookup, same seed and size (stable runs). */
  readonly kadMessagesPerLookup?: number;
  /** The Kademlia baseline's success rate and trace hash (stable runs). */
  readonly kadSuccessRate?: number;
  readonly kadTraceHash?: string;
  readonly hopHistogram: readonly HopBin[];
  readonly churn?: unknown;
  readonly series?: { readonly intervalSeconds: number; readonly points: readonly IntervalPoint[] };
  readonly traceHash: string;
}

/** Everything the figures are drawn from. */
interface Figures {
  readonly seed: number;
  readonly sizes: readonly number[];
  readonly searches: number;
  readonly churn: typeof CHURN;
  readonly runs: readonly RunRecord[];
}

function measure(): Figures {
  const runs: RunRecord[] = [];
  let largest: DrtCloud | undefined;
  for (const n of sizes) {
    const progress = benchProgress(`plots: stable ${n}`, n, searches);
    const started = performance.now();
    const cloud = new DrtCloud({ seed: SEED, ...progress.options });
    cloud.build(n);
    const report = cloud.runSearches(searches);
    progress.end();
    const kadProgress = benchProgress(`plots: Kademlia ${n}`, n, searches);
    const kad = runBaseline({ nodes: n, seed: SEED, searches, protocols: ['kad'], idleMs: 0 }).kad!;
    kadProgress.end();
    runs.push({
      scenario: 'stable',
      nodes: n,
      resolves: report.resolves,
      successRate: report.successRate,
      avgHops: report.avgHops,
      p95Hops: report.p95Hops,
      maxHops: report.maxHops,
      messagesPerResolve: report.messagesPerResolve,
      kadMessagesPerLookup: kad.messagesPerLookup,
      kadSuccessRate: kad.successRate,
      kadTraceHash: kad.traceHash,
      hopHistogram: hopHistogram(report.hopSamples),
      traceHash: cloud.sim.traceHash,
    });
    console.log(
      `stable ${n}: ${(report.successRate * 100).toFixed(2)}% in ${report.avgHops.toFixed(2)} hops, ${report.messagesPerResolve.toFixed(2)} messages/resolve; Kademlia ${(kad.successRate * 100).toFixed(2)}%, ${kad.messagesPerLookup.toFixed(2)} messages/lookup (${Math.round((performance.now() - started) / 1000)} s)`,
    );
    largest = cloud;
  }
  const top = sizes[sizes.length - 1]!;
  // Churn on the largest cloud, once its stable searches are done (docs/design.md §7's scenario).
  const churnProgress = benchProgress(`plots: churn ${top}`, top, searches + CHURN.searches);
  const cloud = largest!;
  const churn = cloud.runChurn(CHURN);
  churnProgress.end();
  runs.push({
    scenario: 'churn',
    nodes: top,
    resolves: churn.resolves,
    successRate: churn.successRate,
    avgHops: churn.avgHops,
    p95Hops: churn.p95Hops,
    maxHops: churn.maxHops,
    messagesPerResolve: churn.messagesPerResolve,
    churn: churn.churn,
    hopHistogram: hopHistogram(churn.hopSamples),
    series: {
      intervalSeconds: INTERVAL_MS / 1000,
      points: intervalSeries(churn.batches ?? [], INTERVAL_MS),
    },
    traceHash: cloud.sim.traceHash,
  });
  console.log(
    `churn ${top}: ${(churn.successRate * 100).toFixed(2)}% in ${churn.avgHops.toFixed(2)} hops`,
  );
  return { seed: SEED, sizes, searches, churn: CHURN, runs };
}

async function draw(data: Figures): Promise<void> {
  const render = await loadSvgRenderer();
  const stable = data.runs.filter((r) => r.scenario === 'stable');
  const top = stable[stable.length - 1]!;
  const churn = data.runs.find((r) => r.scenario.startsWith('churn'));
  const figures: [string, Record<string, unknown>][] = [
    [
      'hop-histogram',
      hopHistogramSpec(
        top.hopHistogram,
        `Hops per resolve, stable cloud of ${top.nodes} nodes (${top.resolves} resolves)`,
      ),
    ],
    [
      'hops-vs-n',
      hopsVsNSpec(
        stable.map((r) => ({ n: r.nodes, avgHops: r.avgHops, p95Hops: r.p95Hops })),
        `Hops against N (stable, real joins, ${data.searches} resolves per size)`,
      ),
    ],
    [
      'messages-per-lookup',
      messagesVsKadSpec(
        stable.map((r) => ({
          n: r.nodes,
          pnrp: r.messagesPerResolve,
          ...(r.kadMessagesPerLookup === undefined ? {} : { kad: r.kadMessagesPerLookup }),
        })),
        `Messages (requests + answers) per lookup, real joins, ${data.searches} lookups per size: PNRP and Kademlia (k = 20, alpha = 3)`,
      ),
    ],
  ];
  if (churn?.series) {
    figures.unshift([
      'churn-over-time',
      seriesSpec(
        churn.series.points,
        `Under churn: ${churn.nodes} nodes, 20% vanish, 10% leave, 10% join during ${churn.resolves} resolves (per ${churn.series.intervalSeconds} s)`,
      ),
    ]);
  }
  mkdirSync(OUT, { recursive: true });
  for (const [name, spec] of figures) {
    writeFileSync(`${OUT}/${name}.svg`, await render(spec));
    console.log(`wrote ${OUT}/${name}.svg`);
  }
}

const JSON_FILE = `${OUT}/figures.json`;
if (process.argv.includes('--render')) {
  await draw(JSON.parse(readFileSync(JSON_FILE, 'utf8')) as Figures);
} else {
  const data = measure();
  mkdirSync(OUT, { recursive: true });
  writeFileSync(JSON_FILE, `${JSON.stringify(data, null, 2)}\n`);
  console.log(`wrote ${JSON_FILE}`);
  await draw(data);
}
