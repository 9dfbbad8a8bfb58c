/**
 * @module cli/sim-command
 * `pnrp sim [--nodes N] [--seed S] [--scenario stable|churn] [--searches K] [--malicious F
 * --attack KIND] [--secured] [--json]`: builds a simulated DRT cloud through real joins, runs the
 * scenario (docs/design.md §7: the Windows 7 DRT team's stable and churn simulations, which they also
 * ran with nodes behaving maliciously) and prints a readable summary with the traceroute of one
 * resolve, or one JSON object with `--json`. With `--malicious`, that share of the members are
 * colluding attackers (`sim/adversaries`), honest while the cloud is built and armed before the
 * scenario; the figures are those of searches started by honest nodes for honest nodes' keys,
 * and traffic is split between honest nodes and attackers. `npm start` runs it with 2,000 nodes.
 * The JSON carries the hop histogram and a time series (success and hops per `--interval` of
 * virtual time, `sim/search-series`); `--plot FILE.svg` draws them (`cli/plot-specs`, rendered
 * by the lazily loaded vega in `cli/plot-render`). Progress goes to stderr when it is a terminal
 * (`cli/progress`), through the cloud's `progress` callback: the simulator reads no clock.
 */
import { accessSync, constants } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { nodeCrypto } from '../adapters/node/node-crypto.js';
import { memoizeVerify } from '../keys/crypto-backend.js';
import { formatTrace } from '../pnrp/trace-format.js';
import { drtAttack } from '../sim/attack-setup.js';
import { DrtCloud, type DrtCloudOptions, type SearchReport } from '../sim/drt-cloud.js';
import { hopHistogram, intervalSeries } from '../sim/search-series.js';
import { signedKeyCloud } from '../sim/signed-key-provider.js';
import { toHex } from '../util/bytes.js';
import { loadSvgRenderer, type SvgRenderer } from './plot-render.js';
import { runSpec } from './plot-specs.js';
import { ProgressLine, simProgress } from './progress.js';
import { runSimBaseline } from './sim-baseline.js';
import { runSimDht } from './sim-dht.js';
import { runSimGroup } from './sim-group.js';
import { parseSimArgs, type SimArgs } from './sim-options.js';

export { SIM_USAGE } from './sim-options.js';

/** Runs the `sim` subcommand. */
export async function runSimCommand(args: string[]): Promise<number> {
  const opts = parseSimArgs(args);
  if (opts.group) return runSimGroup(opts);
  if (opts.dht) return runSimDht(opts);
  if (opts.baseline !== undefined) return runSimBaseline(opts);
  // A plot is checked before the run: the packages are there and the folder is writable.
  const render: SvgRenderer | undefined =
    opts.plot === undefined ? undefined : await loadSvgRenderer();
  if (opts.plot !== undefined) writableFolder(opts.plot);
  const started = performance.now();
  const line = new ProgressLine(process.stderr);
  line.show(
    `pnrp sim: building ${opts.nodes} nodes through real joins (seed ${opts.seed}, ${opts.scenario})...`,
    true,
  );
  const settleMs = 30_000;
  const attack =
    opts.malicious > 0 ? drtAttack({ kind: opts.attack, fraction: opts.malicious }) : undefined;
  const options: DrtCloudOptions = {
    seed: opts.seed,
    ...(opts.secured
      ? signedKeyCloud({
          seed: opts.seed,
          crypto: memoizeVerify(nodeCrypto, { entriesMax: 65_536 }),
        })
      : {}),
    ...(attack ? attack.options : {}),
    settleMs,
    ...(line.enabled
      ? { progress: simProgress(line, { nodes: opts.nodes, searches: opts.searches, settleMs }) }
      : {}),
  };
  const cloud = new DrtCloud(options);
  if (attack?.from === 'build') attack.arm(cloud.sim);
  cloud.build(opts.nodes);
  const builtMs = performance.now() - started;
  if (attack?.from === 'scenario') attack.arm(cloud.sim);
  const sentBefore = cloud.datagramsSentByRole();
  const report: SearchReport =
    opts.scenario === 'churn'
      ? cloud.runChurn({
          searches: opts.searches,
          failFraction: 0.2,
          leaveFraction: 0.1,
          joinFraction: 0.1,
        })
      : cloud.runSearches(opts.searches);
  const sentAfter = cloud.datagramsSentByRole();
  const from = cloud.pickHonest();
  let to = cloud.pickHonest();
  while (to === from && cloud.members.length > 1) to = cloud.pickHonest();
  const sample = cloud.searchOnce(from, to.key);
  const wallMs = performance.now() - started;
  line.end();
  const histogram = hopHistogram(report.hopSamples);
  const points = intervalSeries(report.batches ?? [], opts.intervalS * 1000);
  const summary = {
    nodes: opts.nodes,
    seed: opts.seed,
    scenario: opts.scenario,
    provider: opts.secured ? 'signed-key' : 'null',
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
    ...('churn' in report ? { churn: report.churn } : {}),
    /** Successful resolves by hop count, from 0 hops up. */
    hopHistogram: histogram,
    /** Per interval of virtual time from the scenario's start: success rate and hops. */
    series: { intervalSeconds: opts.intervalS, points },
    ...(attack
      ? {
          attack: {
            kind: opts.attack,
            malicious: opts.malicious,
            armedFrom: attack.from,
            attackers: cloud.members.filter((m) => m.adversary).length,
            honest: cloud.members.filter((m) => !m.adversary).length,
            /** Datagrams sent during the scenario, by honest nodes and by attackers. */
            datagramsSent: {
              honest: sentAfter.honest - sentBefore.honest,
              attackers: sentAfter.adversary - sentBefore.adversary,
            },
            actions: { ...attack.colluders.counters },
          },
        }
      : {}),
    virtualSeconds: round(cloud.sim.nowMs / 1000),
    wallSeconds: round(wallMs / 1000),
    traceHash: cloud.sim.traceHash,
  };
  if (opts.plot !== undefined && render !== undefined) {
    const title = `pnrp sim: ${opts.scenario}, ${opts.nodes} nodes, seed ${opts.seed}${opts.secured ? ', signed keys' : ''}${attack ? `, ${opts.attack} ${round(opts.malicious * 100)}%` : ''}`;
    await writeFile(opts.plot, await render(runSpec(points, histogram, title)));
  }
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return 0;
  }
  const pct = (report.successRate * 100).toFixed(3);
  const who = attack ? 'honest ' : '';
  process.stdout.write(
    [
      `Simulated DRT cloud: ${opts.nodes} nodes, scenario ${opts.scenario}, seed ${opts.seed}${opts.secured ? ', signed-key provider' : ''}`,
      ...attackLines(opts, summary.attack),
      `  built through real joins in ${round(builtMs / 1000)} s wall time`,
      `  ${who}resolves: ${report.resolves}, succeeded ${pct}%${failureText(report.failures)}`,
      `  hops (nodes asked to route): avg ${round(report.avgHops)}, p50 ${report.p50Hops}, p95 ${report.p95Hops}, max ${report.maxHops}`,
      `  hop histogram (hops: resolves): ${histogram.map((b) => `${b.hops}: ${b.count}`).join(', ')}`,
      `  nodes contacted incl. the owner's proof: avg ${round(report.avgContacts)}`,
      `  messages per ${who}resolve: ${round(report.messagesPerResolve)}; datagrams delivered in all: ${summary.messages}`,
      `  virtual time ${summary.virtualSeconds} s, wall time ${summary.wallSeconds} s, trace hash ${summary.traceHash}`,
      ...(opts.plot !== undefined ? [`  plot written to ${opts.plot}`] : []),
      '',
      `Traceroute of one resolve: node ${from.handle.index} -> key ${toHex(to.key).slice(0, 16)}...`,
      formatTrace(sample.path),
      '',
    ].join('\n'),
  );
  return 0;
}

function attackLines(
  opts: SimArgs,
  attack:
    | {
        attackers: number;
        honest: number;
        armedFrom: string;
        datagramsSent: { honest: number; attackers: number };
        actions: Record<string, number>;
      }
    | undefined,
): string[] {
  if (!attack) return [];
  const actions = Object.entries(attack.actions)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return [
    `  attack ${opts.attack}: ${attack.attackers} colluding attackers (${round(opts.malicious * 100)}%), ${attack.honest} honest nodes; armed from the ${attack.armedFrom === 'build' ? 'first join' : 'end of the build'}`,
    `  datagrams sent during the scenario: honest nodes ${attack.datagramsSent.honest}, attackers ${attack.datagramsSent.attackers}`,
    `  attackers' actions: ${actions || 'none'}`,
  ];
}

/** Throws (exit 1) unless the folder `file` goes into exists and may be written. */
function writableFolder(file: string): void {
  const folder = dirname(resolve(file));
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw new Error(`cannot write the plot ${file}: folder ${folder} is missing or not writable`);
  }
}

function failureText(failures: Readonly<Record<string, number>>): string {
  const parts = Object.entries(failures).map(([k, v]) => `${k} ${v}`);
  return parts.length ? ` (failed: ${parts.join(', ')})` : '';
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
