/**
 * A [MS-PPGRH] group of 1,000 real graph nodes under the seed's churn model (20% vanish without
 * notice, 10% leave, 10% join) while live members publish 200 records: time until 99% and 100%
 * of the members hold each record, messages and bytes per record (all graph traffic, and the
 * application's FLOODs alone), duplicates per member per record; then the sync bytes of a joiner
 * of a 1,000-record group and of two rejoins after 1% changed. The anchor to compare with:
 * libp2p gossipsub at mesh degree 6 delivers with roughly 6 copies per member. Virtual time, one
 * seed (`PNRP_SEED`, default 1); wall time grows several-fold on a loaded machine.
 * Run: `npx tsx bench/run.ts graph-cloud`. Measures only; never asserts.
 */
import { GraphCloud } from '../src/sim/graph-cloud.js';
import { GROUP_CHURN, runGroupScenario, runSyncScenario } from '../src/sim/graph-scenarios.js';
import { groupRows, syncRows } from '../src/sim/graph-table.js';
import { printTable } from './table.js';

const SEED = Number(process.env.PNRP_SEED ?? 1);
const MEMBERS = Number(process.env.GRAPH_BENCH_MEMBERS ?? 1000);
const RECORDS = Number(process.env.GRAPH_BENCH_RECORDS ?? 200);

const started = performance.now();
const cloud = new GraphCloud({ seed: SEED });
cloud.build(MEMBERS);
const builtS = (performance.now() - started) / 1000;
const report = runGroupScenario(cloud, { records: RECORDS, ...GROUP_CHURN });
const wallS = (performance.now() - started) / 1000;
printTable(
  `graph group: ${MEMBERS} members, ${RECORDS} records under churn (seed ${SEED})`,
  ['figure', 'value'],
  [
    ...groupRows(report),
    ['need-node events answered', `${report.needNodes}`],
    ['wall time (build, total)', `${builtS.toFixed(1)} s, ${wallS.toFixed(1)} s`],
  ],
);
printTable(
  'messages sent during the scenario, by type',
  ['type', 'messages', 'bytes'],
  Object.entries(report.traffic.byType).map(([k, v]) => [k, v.messages, v.bytes]),
);

const syncCloud = new GraphCloud({ seed: SEED });
syncCloud.build(8, 500, 30_000);
const sync = runSyncScenario(syncCloud, { records: 1000, changedFraction: 0.01 });
printTable(
  'sync bytes: a group of 8 members holding 1,000 records',
  ['figure', 'value'],
  syncRows(sync),
);
