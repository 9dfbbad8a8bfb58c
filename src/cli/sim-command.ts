/**
 * @module cli/sim-command
 * `pnrp sim [--nodes N] [--seed S] [--scenario stable|churn] [--searches K] [--malicious F
 * --attack KIND] [--secured] [--json]`: builds a simulated DRT cloud through real joins, runs the
 * scenario (DESIGN.md §7: the Windows 7 DRT team's stable and churn simulations, which they also
 * ran with nodes behaving maliciously) and prints a readable summary with the traceroute of one
 * resolve, or one JSON object with `--json`. With `--malicious`, that share of the members are
 * colluding attackers (`sim/adversaries`), honest while the cloud is built and armed before the
 * scenario; the figures are those of searches started by honest nodes for honest nodes' keys,
 * and traffic is split between honest nodes and attackers. `npm start` runs it with 2,000 nodes.
 */
import { nodeCrypto } from '../adapters/node/node-crypto.js';
import { memoizeVerify } from '../keys/crypto-backend.js';
import { formatTrace } from '../pnrp/trace-format.js';
import { drtAttack } from '../sim/attack-setup.js';
import { DrtCloud, type DrtCloudOptions, type SearchReport } from '../sim/drt-cloud.js';
import { signedKeyCloud } from '../sim/signed-key-provider.js';
import { toHex } from '../util/bytes.js';
import { runSimBaseline } from './sim-baseline.js';
import { parseSimArgs, type SimArgs } from './sim-options.js';

export { SIM_USAGE } from './sim-options.js';

/** Runs the `sim` subcommand. */
export function runSimCommand(args: string[]): number {
  const opts = parseSimArgs(args);
  if (opts.baseline !== undefined) return runSimBaseline(opts);
  const started = performance.now();
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
      `  nodes contacted incl. the owner's proof: avg ${round(report.avgContacts)}`,
      `  messages per ${who}resolve: ${round(report.messagesPerResolve)}; datagrams delivered in all: ${summary.messages}`,
      `  virtual time ${summary.virtualSeconds} s, wall time ${summary.wallSeconds} s, trace hash ${summary.traceHash}`,
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

function failureText(failures: Readonly<Record<string, number>>): string {
  const parts = Object.entries(failures).map(([k, v]) => `${k} ${v}`);
  return parts.length ? ` (failed: ${parts.join(', ')})` : '';
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
