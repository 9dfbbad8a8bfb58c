/**
 * @module sim/kad-baseline
 * PNRP/DRT and Kademlia side by side (issue 13, Build 4): one scenario run twice from one seed,
 * once as a `DrtCloud` and once as a `KadCloud`, which share the node set (IDs, endpoints),
 * the network model, bootstrap seeds, search pairs and churn victims (see sim/kad-cloud).
 * Reported per protocol: success, hops, requests + answers per lookup (the lookup's own
 * messages), and all datagrams per lookup (every datagram any node sent while the searches ran,
 * maintenance, refreshes and pings included, divided by the lookups), the background rate of an
 * idle cloud afterwards, and what the build cost.
 *
 * Kademlia's requests + answers count the answers that arrived before the lookup ended; answers
 * to requests still in flight when the k closest had answered arrive later and appear only in
 * the all-datagrams figure. So the Kademlia column errs low, never high.
 */

import { DrtCloud } from './drt-cloud.js';
import { KadCloud } from './kad-cloud.js';
import type { NetworkOptions } from './network.js';
import type { SearchReport } from './search-report.js';

/** What to run. */
export interface BaselineOptions {
  readonly nodes: number;
  readonly seed: number | string;
  /** Lookups measured. @default 1000 */
  readonly searches?: number;
  /** 'stable', or 'churn': 20% vanish, 10% leave, 10% join while searching. @default 'stable' */
  readonly scenario?: 'stable' | 'churn';
  readonly network?: NetworkOptions;
  /**
   * Start from warm clouds (`buildWarm`: idealized tables, no join traffic) instead of real
   * joins; reports carry `start: 'warm'`. @default false
   */
  readonly warm?: boolean;
  /** Which protocols to run. @default ['pnrp', 'kad'] */
  readonly protocols?: readonly BaselineProtocol[];
  /**
   * Virtual ms the cloud then runs without lookups, to measure background traffic (maintenance,
   * refresh, pings). Kademlia refreshes hourly, so a short window sees none of it. @default 30000
   */
  readonly idleMs?: number;
  /** Called when a phase starts, and with 'done' at the end (progress output, wall times). */
  readonly onPhase?: (
    protocol: BaselineProtocol,
    phase: 'build' | 'searches' | 'idle' | 'done',
  ) => void;
}

/** The two protocols compared. */
export type BaselineProtocol = 'pnrp' | 'kad';

/** One protocol's figures. */
export interface BaselineColumn {
  readonly protocol: BaselineProtocol;
  readonly lookups: number;
  readonly successRate: number;
  readonly avgHops: number;
  readonly p95Hops: number;
  readonly maxHops: number;
  /** Distinct nodes contacted per successful lookup. */
  readonly avgContacts: number;
  /** Requests sent (retransmissions included) + answers received, per lookup. */
  readonly messagesPerLookup: number;
  /** Every datagram sent while the lookups ran, divided by the lookups. */
  readonly datagramsPerLookup: number;
  /** Datagrams per live node per second while no lookup ran (the `idleMs` window). */
  readonly backgroundPerNodePerSecond: number;
  readonly buildDatagrams: number;
  readonly datagramsPerJoin: number;
  readonly failures: Readonly<Record<string, number>>;
  readonly traceHash: string;
}

/** Both columns of one scenario. */
export interface BaselineComparison {
  readonly nodes: number;
  readonly seed: number | string;
  readonly scenario: 'stable' | 'churn';
  /** How the clouds were built: real joins, or warm-started tables (no join traffic). */
  readonly start: 'joins' | 'warm';
  readonly pnrp: BaselineColumn | undefined;
  readonly kad: BaselineColumn | undefined;
}

interface Cloud {
  readonly sim: {
    readonly stats: { readonly datagramsSent: number };
    readonly traceHash: string;
    runFor(ms: number): unknown;
  };
  build(count: number): void;
  buildWarm(count: number): void;
  live(): readonly unknown[];
  runSearches(count: number): SearchReport;
  runChurn(options: Parameters<DrtCloud['runChurn']>[0]): SearchReport;
}

/**
 * Runs the scenario on PNRP/DRT and on Kademlia over the same node set.
 * @example const c = runBaseline({ nodes: 1000, seed: 1 }); baselineRows(c)
 */
export function runBaseline(options: BaselineOptions): BaselineComparison {
  const scenario = options.scenario ?? 'stable';
  const protocols = options.protocols ?? ['pnrp', 'kad'];
  const run = (protocol: BaselineProtocol): BaselineColumn | undefined => {
    if (!protocols.includes(protocol)) return undefined;
    const shared = {
      seed: options.seed,
      ...(options.network ? { network: options.network } : {}),
    };
    const cloud: Cloud = protocol === 'pnrp' ? new DrtCloud(shared) : new KadCloud(shared);
    return measure(protocol, cloud, options, scenario);
  };
  return {
    nodes: options.nodes,
    seed: options.seed,
    scenario,
    start: options.warm ? 'warm' : 'joins',
    pnrp: run('pnrp'),
    kad: run('kad'),
  };
}

function measure(
  protocol: BaselineProtocol,
  cloud: Cloud,
  options: BaselineOptions,
  scenario: 'stable' | 'churn',
): BaselineColumn {
  const searches = options.searches ?? 1000;
  options.onPhase?.(protocol, 'build');
  if (options.warm) cloud.buildWarm(options.nodes);
  else cloud.build(options.nodes);
  const buildDatagrams = cloud.sim.stats.datagramsSent;
  const sent0 = buildDatagrams;
  options.onPhase?.(protocol, 'searches');
  const report =
    scenario === 'churn'
      ? cloud.runChurn({ searches, failFraction: 0.2, leaveFraction: 0.1, joinFraction: 0.1 })
      : cloud.runSearches(searches);
  const sent = cloud.sim.stats.datagramsSent - sent0;
  const idleMs = options.idleMs ?? 30_000;
  options.onPhase?.(protocol, 'idle');
  const idle0 = cloud.sim.stats.datagramsSent;
  cloud.sim.runFor(idleMs);
  const idleSent = cloud.sim.stats.datagramsSent - idle0;
  const live = cloud.live().length;
  options.onPhase?.(protocol, 'done');
  return {
    protocol,
    lookups: report.resolves,
    successRate: report.successRate,
    avgHops: report.avgHops,
    p95Hops: report.p95Hops,
    maxHops: report.maxHops,
    avgContacts: report.avgContacts,
    messagesPerLookup: report.messagesPerResolve,
    datagramsPerLookup: report.resolves ? sent / report.resolves : 0,
    backgroundPerNodePerSecond: idleMs > 0 && live > 0 ? idleSent / live / (idleMs / 1000) : 0,
    buildDatagrams,
    datagramsPerJoin: buildDatagrams / options.nodes,
    failures: report.failures,
    traceHash: cloud.sim.traceHash,
  };
}

/** One row of the side-by-side table: a metric, both values and Kademlia / PNRP. */
export interface BaselineRow {
  readonly metric: string;
  readonly pnrp: number | undefined;
  readonly kad: number | undefined;
  /** kad / pnrp (how many times PNRP's figure Kademlia's is), when both are there. */
  readonly kadOverPnrp: number | undefined;
}

/**
 * The side-by-side rows of a comparison, for tables and plots.
 * @example for (const r of baselineRows(c)) console.log(r.metric, r.pnrp, r.kad)
 */
export function baselineRows(c: BaselineComparison): BaselineRow[] {
  const metrics: [string, (col: BaselineColumn) => number][] = [
    ['success rate', (x) => x.successRate],
    ['hops avg', (x) => x.avgHops],
    ['hops p95', (x) => x.p95Hops],
    ['hops max', (x) => x.maxHops],
    ['nodes contacted per lookup', (x) => x.avgContacts],
    ['requests + answers per lookup', (x) => x.messagesPerLookup],
    ['all datagrams per lookup', (x) => x.datagramsPerLookup],
    ['background datagrams per node per second', (x) => x.backgroundPerNodePerSecond],
    ['datagrams per join (build)', (x) => x.datagramsPerJoin],
  ];
  return metrics.map(([metric, get]) => {
    const pnrp = c.pnrp ? get(c.pnrp) : undefined;
    const kad = c.kad ? get(c.kad) : undefined;
    return {
      metric,
      pnrp,
      kad,
      kadOverPnrp: pnrp !== undefined && kad !== undefined && pnrp !== 0 ? kad / pnrp : undefined,
    };
  });
}
