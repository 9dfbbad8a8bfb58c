/**
 * @module cli/plot-specs
 * Vega-Lite specifications of the figures the Windows 7 DRT team published for their
 * simulations (docs/design.md §7), drawn from our own runs (issue 13, Build 5): success rate and hops
 * over time under churn, the hop histogram, hops against N beside the idealized log10(N) model
 * of [MS-PNRP] (cache levels of 1/10 of the previous span), and PNRP against Kademlia in
 * messages per lookup. Plain data in, plain JSON specifications out: no Vega import here, so
 * building a specification costs nothing; `cli/plot-render` turns one into SVG.
 */
import type { HopBin, IntervalPoint } from '../sim/search-series.js';

/** A Vega-Lite specification (plain JSON). */
export type VegaLiteSpec = Record<string, unknown>;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const WIDTH = 420;
const HEIGHT = 180;

/**
 * Success rate, hops (mean, and max dashed) and live nodes per interval of virtual time, one
 * panel above the other.
 * @example seriesSpec(points, 'churn, 2,000 nodes')
 */
export function seriesSpec(points: readonly IntervalPoint[], title: string): VegaLiteSpec {
  const values = points.map((p) => ({
    t: p.startS,
    success: p.successRate * 100,
    hops: p.avgHops,
    maxHops: p.maxHops,
    live: p.live,
  }));
  const x = { field: 't', type: 'quantitative', title: 'virtual time (s)' };
  // The success axis starts at 95% unless a point lies lower, as in the DRT team's figures.
  const successFloor = Math.min(95, ...values.map((v) => Math.floor(v.success)));
  return {
    $schema: SCHEMA,
    title,
    data: { values },
    vconcat: [
      {
        width: WIDTH,
        height: HEIGHT,
        mark: { type: 'line', point: true },
        encoding: {
          x,
          y: {
            field: 'success',
            type: 'quantitative',
            title: 'resolves succeeded (%)',
            scale: { domain: [successFloor, 100] },
            axis: { format: '.1f' },
          },
        },
      },
      {
        width: WIDTH,
        height: HEIGHT,
        layer: [
          {
            mark: { type: 'line', point: true },
            encoding: {
              x,
              y: { field: 'hops', type: 'quantitative', title: 'hops (mean; max dashed)' },
            },
          },
          {
            mark: { type: 'line', strokeDash: [4, 3], color: '#999' },
            encoding: { x, y: { field: 'maxHops', type: 'quantitative' } },
          },
        ],
      },
      {
        width: WIDTH,
        height: HEIGHT / 2,
        mark: { type: 'line', interpolate: 'step-after', color: '#999' },
        encoding: {
          x,
          y: { field: 'live', type: 'quantitative', title: 'live nodes', scale: { zero: false } },
        },
      },
    ],
  };
}

/**
 * Bars: resolves per hop count.
 * @example hopHistogramSpec(hopHistogram(report.hopSamples), 'stable, 2,000 nodes')
 */
export function hopHistogramSpec(bins: readonly HopBin[], title: string): VegaLiteSpec {
  return {
    $schema: SCHEMA,
    title,
    width: WIDTH,
    height: HEIGHT,
    data: { values: bins.map((b) => ({ hops: b.hops, count: b.count })) },
    mark: 'bar',
    encoding: {
      x: {
        field: 'hops',
        type: 'ordinal',
        title: 'hops (nodes asked to route)',
        axis: { labelAngle: 0 },
      },
      y: { field: 'count', type: 'quantitative', title: 'successful resolves' },
    },
  };
}

/** Measured hops at one cloud size. */
export interface HopsAtSize {
  readonly n: number;
  readonly avgHops: number;
  readonly p95Hops: number;
}

/**
 * Measured mean and p95 hops against N (log scale) beside log10(N), the hop count the
 * idealized MS-PNRP cache predicts.
 * @example hopsVsNSpec([{ n: 500, avgHops: 1.4, p95Hops: 2 }], 'stable cloud')
 */
export function hopsVsNSpec(rows: readonly HopsAtSize[], title: string): VegaLiteSpec {
  const measured = rows.flatMap((r) => [
    { n: r.n, hops: r.avgHops, series: 'measured mean' },
    { n: r.n, hops: r.p95Hops, series: 'measured p95' },
  ]);
  const ns = rows.map((r) => r.n);
  const lo = Math.min(...ns);
  const hi = Math.max(...ns);
  const model: { n: number; hops: number; series: string }[] = [];
  for (let i = 0; i <= 20; i++) {
    const n = lo * (hi / lo) ** (i / 20);
    model.push({ n, hops: Math.log10(n), series: 'log10(N) model' });
  }
  return {
    $schema: SCHEMA,
    title,
    width: WIDTH,
    height: HEIGHT,
    data: { values: [...measured, ...model] },
    layer: [
      {
        transform: [{ filter: "datum.series !== 'log10(N) model'" }],
        mark: { type: 'line', point: true },
        encoding: encodingHopsVsN(),
      },
      {
        transform: [{ filter: "datum.series === 'log10(N) model'" }],
        mark: { type: 'line', strokeDash: [6, 4] },
        encoding: encodingHopsVsN(),
      },
    ],
  };
}

function encodingHopsVsN(): VegaLiteSpec {
  return {
    x: {
      field: 'n',
      type: 'quantitative',
      title: 'nodes (N)',
      scale: { type: 'log', nice: false },
    },
    y: { field: 'hops', type: 'quantitative', title: 'hops' },
    color: {
      field: 'series',
      type: 'nominal',
      title: null,
      scale: { domain: ['measured mean', 'measured p95', 'log10(N) model'] },
    },
  };
}

/**
 * Messages (requests + answers) per lookup of PNRP and of the Kademlia baseline at one cloud
 * size, same node set; `kad` absent where no Kademlia run exists (no bar is drawn for it).
 */
export interface MessagesAtSize {
  readonly n: number;
  readonly pnrp: number;
  readonly kad?: number;
}

/**
 * Grouped bars: messages (requests + answers) per lookup, PNRP beside Kademlia, per N.
 * @example messagesVsKadSpec([{ n: 1000, pnrp: 6.1, kad: 24.3 }], 'messages per lookup')
 */
export function messagesVsKadSpec(rows: readonly MessagesAtSize[], title: string): VegaLiteSpec {
  const values = rows.flatMap((r) => [
    { n: r.n, protocol: 'PNRP', messages: r.pnrp },
    ...(r.kad === undefined ? [] : [{ n: r.n, protocol: 'Kademlia', messages: r.kad }]),
  ]);
  return {
    $schema: SCHEMA,
    title,
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    mark: 'bar',
    encoding: {
      x: { field: 'n', type: 'ordinal', title: 'nodes (N)', axis: { labelAngle: 0 } },
      xOffset: { field: 'protocol' },
      y: { field: 'messages', type: 'quantitative', title: 'messages per lookup' },
      color: {
        field: 'protocol',
        type: 'nominal',
        title: null,
        scale: { domain: ['PNRP', 'Kademlia'] },
      },
    },
  };
}

/**
 * The figure of one `pnrp sim` run: its time series beside its hop histogram.
 * @example runSpec(points, bins, 'pnrp sim: churn, 2,000 nodes, seed 1')
 */
export function runSpec(
  points: readonly IntervalPoint[],
  bins: readonly HopBin[],
  title: string,
): VegaLiteSpec {
  const { $schema: _s, title: _t, ...series } = seriesSpec(points, 'over time');
  const { $schema: _h, title: _u, ...histogram } = hopHistogramSpec(bins, 'hop histogram');
  return {
    $schema: SCHEMA,
    title,
    hconcat: [
      { title: 'per interval of virtual time', ...series },
      { title: 'hop histogram', ...histogram },
    ],
  };
}
