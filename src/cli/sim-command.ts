/**
 * @module cli/sim-command
 * `pnrp sim [--nodes N] [--seed S] [--scenario stable|churn] [--searches K] [--json]`: builds a
 * simulated DRT cloud through real joins, runs the scenario (DESIGN.md §7: the Windows 7 DRT
 * team's stable and churn simulations) and prints a readable summary with the traceroute of one
 * resolve, or one JSON object with `--json`. `npm start` runs it with 2,000 nodes.
 */
import { parseArgs } from 'node:util';
import { formatTrace } from '../pnrp/trace-format.js';
import { DrtCloud, type SearchReport } from '../sim/drt-cloud.js';
import { toHex } from '../util/bytes.js';
import { UsageError } from './usage-error.js';

/** Help text of `pnrp sim`. */
export const SIM_USAGE: string = `usage: pnrp sim [--nodes N] [--seed S] [--scenario stable|churn] [--searches K] [--json]

Builds a simulated DRT cloud through real joins (virtual time), runs the scenario and prints a
summary with the traceroute of one resolve.
  --nodes N        nodes (default 2000)
  --seed S         seed (default 1); same seed, same run
  --scenario       stable (default), or churn: 20% vanish, 10% leave, 10% join while searching
  --searches K     searches to measure (default 5000)
  --json           print one JSON object
`;

/** Runs the `sim` subcommand. */
export function runSimCommand(args: string[]): number {
  const opts = parse(args);
  const started = performance.now();
  const cloud = new DrtCloud({ seed: opts.seed });
  cloud.build(opts.nodes);
  const builtMs = performance.now() - started;
  const report: SearchReport =
    opts.scenario === 'churn'
      ? cloud.runChurn({
          searches: opts.searches,
          failFraction: 0.2,
          leaveFraction: 0.1,
          joinFraction: 0.1,
        })
      : cloud.runSearches(opts.searches);
  const from = cloud.pick();
  let to = cloud.pick();
  while (to === from && cloud.members.length > 1) to = cloud.pick();
  const sample = cloud.searchOnce(from, to.key);
  const wallMs = performance.now() - started;
  const summary = {
    nodes: opts.nodes,
    seed: opts.seed,
    scenario: opts.scenario,
    resolves: report.resolves,
    successRate: report.successRate,
    avgHops: round(report.avgHops),
    p50Hops: report.p50Hops,
    p95Hops: report.p95Hops,
    maxHops: report.maxHops,
    avgContacts: round(report.avgContacts),
    messagesPerResolve: round(report.messagesPerResolve),
    messages: cloud.sim.stats.datagramsDelivered,
    failures: report.failures,
    virtualSeconds: round(cloud.sim.nowMs / 1000),
    wallSeconds: round(wallMs / 1000),
    traceHash: cloud.sim.traceHash,
  };
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return 0;
  }
  const pct = (report.successRate * 100).toFixed(3);
  process.stdout.write(
    [
      `Simulated DRT cloud: ${opts.nodes} nodes, scenario ${opts.scenario}, seed ${opts.seed}`,
      `  built through real joins in ${round(builtMs / 1000)} s wall time`,
      `  resolves: ${report.resolves}, succeeded ${pct}%`,
      `  hops (nodes asked to route): avg ${round(report.avgHops)}, p50 ${report.p50Hops}, p95 ${report.p95Hops}, max ${report.maxHops}`,
      `  nodes contacted incl. the owner's proof: avg ${round(report.avgContacts)}`,
      `  messages per resolve: ${round(report.messagesPerResolve)}; datagrams delivered in all: ${summary.messages}`,
      `  virtual time ${summary.virtualSeconds} s, wall time ${summary.wallSeconds} s, trace hash ${summary.traceHash}`,
      '',
      `Traceroute of one resolve: node ${from.handle.index} -> key ${toHex(to.key).slice(0, 16)}...`,
      formatTrace(sample.path),
      '',
    ].join('\n'),
  );
  return 0;
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}

interface SimArgs {
  nodes: number;
  seed: number;
  scenario: 'stable' | 'churn';
  searches: number;
  json: boolean;
}

function parse(args: string[]): SimArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args,
      strict: true,
      options: {
        nodes: { type: 'string' },
        seed: { type: 'string' },
        scenario: { type: 'string' },
        searches: { type: 'string' },
        json: { type: 'boolean' },
      },
    }).values;
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const int = (name: string, dflt: number, min: number, max: number): number => {
    const raw = values[name];
    const v = raw === undefined ? dflt : Number(raw);
    if (!Number.isInteger(v) || v < min || v > max) {
      throw new UsageError(`--${name} must be an integer in ${min}..${max}`);
    }
    return v;
  };
  const scenario = (values.scenario as string | undefined) ?? 'stable';
  if (scenario !== 'stable' && scenario !== 'churn') {
    throw new UsageError('--scenario must be stable or churn');
  }
  return {
    nodes: int('nodes', 2000, 2, 200_000),
    seed: int('seed', 1, 0, Number.MAX_SAFE_INTEGER),
    scenario,
    searches: int('searches', 5000, 1, 10_000_000),
    json: values.json === true,
  };
}
