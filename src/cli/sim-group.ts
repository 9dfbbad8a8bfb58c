/**
 * @module cli/sim-group
 * `pnrp sim --scenario group [--nodes N] [--records R] [--churn] [--seed S] [--json]`: builds a
 * simulated [MS-PPGRH] group of real graph nodes through real joins (`sim/graph-cloud`),
 * publishes R records from live members (with `--churn`, under the DRT churn scenario's shares:
 * 20% vanish, 10% leave, 10% join), and prints delivery times, traffic per record, duplicates
 * and whether every database ends identical; then the sync bytes of a joiner of a 1,000-record
 * group and of two rejoins after 1% changed. `--json` prints one object instead.
 */
import { GraphCloud } from '../sim/graph-cloud.js';
import { GROUP_CHURN, runGroupScenario, runSyncScenario } from '../sim/graph-scenarios.js';
import { groupRows, syncRows } from '../sim/graph-table.js';
import { ProgressLine } from './progress.js';
import type { SimArgs } from './sim-options.js';

/** Members of the group the sync figures are measured on. */
const SYNC_MEMBERS = 8;

/** Runs `pnrp sim --scenario group`; returns the exit code. */
export function runSimGroup(opts: SimArgs): number {
  const started = performance.now();
  const line = new ProgressLine(process.stderr);
  line.show(`pnrp sim: building a group of ${opts.nodes} graph nodes (seed ${opts.seed})...`, true);
  const cloud = new GraphCloud({ seed: opts.seed });
  cloud.build(opts.nodes);
  line.show(
    `pnrp sim: publishing ${opts.records} records${opts.churn ? ' under churn' : ''}...`,
    true,
  );
  const report = runGroupScenario(cloud, {
    records: opts.records,
    ...(opts.churn ? GROUP_CHURN : {}),
  });
  line.show('pnrp sim: measuring sync bytes...', true);
  const syncCloud = new GraphCloud({ seed: opts.seed });
  syncCloud.build(SYNC_MEMBERS, 500, 30_000);
  const sync = runSyncScenario(syncCloud, { records: 1000, changedFraction: 0.01 });
  line.end();
  const wallSeconds = Math.round((performance.now() - started) / 10) / 100;
  const { traffic, ...figures } = report;
  if (opts.json) {
    const summary = {
      scenario: 'group',
      nodes: opts.nodes,
      records: opts.records,
      seed: opts.seed,
      ...figures,
      churnModel: opts.churn,
      messagesByType: traffic.byType,
      sync,
      virtualSeconds: cloud.nowMs / 1000,
      wallSeconds,
      traceHash: cloud.sim.traceHex(),
    };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return 0;
  }
  const lines = [
    `Simulated graph group: ${opts.nodes} members, ${opts.records} records${opts.churn ? ', churn (20% vanish, 10% leave, 10% join)' : ''}, seed ${opts.seed}`,
    ...groupRows(report).map(([k, v]) => `  ${k}: ${v}`),
    `  virtual time ${cloud.nowMs / 1000} s, wall time ${wallSeconds} s, trace hash ${cloud.sim.traceHex()}`,
    '',
    `Sync bytes (a group of ${SYNC_MEMBERS} members, seed ${opts.seed})`,
    ...syncRows(sync).map(([k, v]) => `  ${k}: ${v}`),
    '',
  ];
  process.stdout.write(lines.join('\n'));
  return 0;
}
