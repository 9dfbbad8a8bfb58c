/**
 * @module sim/dht-baseline
 * PNRP-DHT and the Kademlia DHT side by side (issue 15, Targets): the DHT scenario
 * (sim/dht-scenario.ts) run twice from one seed, once on a `DhtCloud` (replication factor 5:
 * the owner and its 4 nearest) and once on a `KadDhtCloud` (k = 20, alpha = 3: STORE at the
 * 20 closest), over the same node set, network model, values, writers, churn schedule and
 * readers. Both clouds start warm (idealized DRT caches, converged k-buckets; no join traffic
 * before the scenario) and churn through real joins.
 *
 * Counted per put: the put's own requests and answers (PNRP: the owner search's LOOKUP/INQUIRE
 * and answers, the STORE and its STORE_ACK, plus the owner's REPLICATEs and their acks to its 4
 * replicas; Kademlia: the FIND_NODE lookup's requests and answers, the 20 STOREs and STOREDs),
 * retransmissions included. Per get: the get's requests and answers (PNRP: owner search,
 * FIND_VALUE, COOKIE round trips, VALUE/NOT_FOUND; Kademlia: FIND_VALUEs and the answers that
 * arrived before the get ended). Background: every datagram of the churn phase that no put or
 * get counted, per live node per second.
 */
import type { CryptoBackend } from '../keys/crypto-backend.js';
import { DhtCloud } from './dht-cloud.js';
import type { DhtReport, DhtStepProgress } from './dht-report.js';
import type { BaselineRow } from './kad-baseline.js';
import { KadDhtCloud } from './kad-dht-cloud.js';
import type { NetworkOptions } from './network.js';

/** What to run. */
export interface DhtBaselineOptions {
  readonly nodes: number;
  readonly values: number;
  readonly seed: number | string;
  /** Gets over the churn phase. @default values */
  readonly gets?: number;
  /** Virtual ms of the churn phase. @default 3600000 (one hour) */
  readonly durationMs?: number;
  /** Steps of the churn phase. @default 30 */
  readonly steps?: number;
  /** Record lifetime (both DHTs; writers republish at half of it). @default 3600000 */
  readonly ttlMs?: number;
  /** Crypto of every node (e.g. a memoized node:crypto backend for large runs). @default noble */
  readonly crypto?: CryptoBackend;
  readonly network?: NetworkOptions;
  /** Which DHTs to run. @default ['pnrp', 'kad'] */
  readonly protocols?: readonly ('pnrp' | 'kad')[];
  /** Called when a protocol's run starts and ends (progress, wall times). */
  readonly onPhase?: (protocol: 'pnrp' | 'kad', phase: 'build' | 'scenario' | 'done') => void;
  /** Called after the puts (step 0) and after each churn step: progress of long runs. */
  readonly onStep?: (
    protocol: 'pnrp' | 'kad',
    step: number,
    steps: number,
    gets: DhtStepProgress,
  ) => void;
}

/** One DHT's report and its run's trace hash. */
export type DhtBaselineColumn = DhtReport & { readonly traceHash: string };

/** Both columns of one run. */
export interface DhtBaselineComparison {
  readonly nodes: number;
  readonly values: number;
  readonly seed: number | string;
  readonly durationMs: number;
  /** Both clouds start from warm tables (labelled so in every report). */
  readonly start: 'warm';
  readonly pnrp: DhtBaselineColumn | undefined;
  readonly kad: DhtBaselineColumn | undefined;
}

/**
 * Runs the DHT scenario on PNRP-DHT and on the Kademlia DHT over the same node set.
 * @example const c = runDhtBaseline({ nodes: 150, values: 600, seed: 15 }); dhtBaselineRows(c)
 */
export function runDhtBaseline(o: DhtBaselineOptions): DhtBaselineComparison {
  const protocols = o.protocols ?? ['pnrp', 'kad'];
  const durationMs = o.durationMs ?? 3_600_000;
  const node = {
    ttlMs: o.ttlMs ?? 3_600_000,
    ...(o.crypto ? { crypto: o.crypto } : {}),
  };
  const shared = { seed: o.seed, ...(o.network ? { network: o.network } : {}) };
  const run = (protocol: 'pnrp' | 'kad'): DhtBaselineColumn | undefined => {
    if (!protocols.includes(protocol)) return undefined;
    o.onPhase?.(protocol, 'build');
    const cloud =
      protocol === 'pnrp'
        ? new DhtCloud({ ...shared, node })
        : new KadDhtCloud({ ...shared, node });
    cloud.buildWarm(o.nodes);
    o.onPhase?.(protocol, 'scenario');
    const report = cloud.runScenario({
      values: o.values,
      gets: o.gets ?? o.values,
      durationMs,
      ...(o.steps !== undefined ? { steps: o.steps } : {}),
      ...(o.onStep
        ? {
            onStep: (step: number, steps: number, gets: DhtStepProgress) =>
              o.onStep?.(protocol, step, steps, gets),
          }
        : {}),
    });
    o.onPhase?.(protocol, 'done');
    return { ...report, traceHash: cloud.sim.traceHash };
  };
  return {
    nodes: o.nodes,
    values: o.values,
    seed: o.seed,
    durationMs,
    start: 'warm',
    pnrp: run('pnrp'),
    kad: run('kad'),
  };
}

/**
 * The side-by-side rows of a DHT comparison (kadOverPnrp: Kademlia's figure over ours).
 * @example for (const r of dhtBaselineRows(c)) console.log(r.metric, r.pnrp, r.kad)
 */
export function dhtBaselineRows(c: DhtBaselineComparison): BaselineRow[] {
  const metrics: [string, (r: DhtBaselineColumn) => number][] = [
    ['replication factor (copies per value)', (r) => r.replicationFactor],
    ['puts acknowledged', (r) => r.puts.ok],
    ['values lost', (r) => r.lost],
    ['mutable values rolled back', (r) => r.rolledBack],
    ['values expired (writer gone)', (r) => r.expired],
    ['live holders per value at the end', (r) => r.holdersAvg],
    ['gets', (r) => r.gets.total],
    ['get success', (r) => r.getSuccess],
    ['stale reads', (r) => r.staleReads],
    ['messages per put (requests + answers)', (r) => r.messagesPerPut],
    ['  of which replication', (r) => r.replicationMessagesPerPut],
    ['messages per get (requests + answers)', (r) => r.messagesPerGet],
    ['all datagrams per node per second (churn phase)', (r) => r.datagramsPerNodePerSecond],
    ['background datagrams per node per second', (r) => r.backgroundPerNodePerSecond],
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
