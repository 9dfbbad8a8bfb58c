/**
 * PNRP resolves on a simulated cloud (issue 4, Benchmark): resolve success rate, hops, messages
 * per resolve and Ed25519 signature verifications per resolve for secured names, with the noble
 * backend (the core's default). Nodes: `PNRP_BENCH_NODES` (default 2000); resolves:
 * `PNRP_BENCH_RESOLVES` (default 1000); seed `PNRP_SEED`. Verifications and signatures are
 * cloud-wide during the resolve phase (memo misses: real work), divided by the resolves.
 * Run: `npx tsx bench/run.ts pnrp`. Measures only; never asserts.
 */
import { PnrpCloud } from '../src/sim/index.js';
import { printTable } from './table.js';

const nodes = Number(process.env.PNRP_BENCH_NODES ?? 2000);
const resolves = Number(process.env.PNRP_BENCH_RESOLVES ?? 1000);
const seed = Number(process.env.PNRP_SEED ?? 1);

const t0 = performance.now();
const cloud = new PnrpCloud({ seed, securedFraction: 1 });
cloud.build(nodes);
const buildS = (performance.now() - t0) / 1000;
const t1 = performance.now();
const report = cloud.runResolves(resolves);
const resolveS = (performance.now() - t1) / 1000;

printTable(
  'pnrp',
  [
    'nodes',
    'resolves',
    'success %',
    'avg hops',
    'p95 hops',
    'messages/resolve',
    'verifications/resolve',
    'signatures/resolve',
    'build s',
    'resolve s',
  ],
  [
    [
      nodes,
      resolves,
      (report.successRate * 100).toFixed(2),
      report.avgHops,
      report.p95Hops,
      report.messagesPerResolve,
      report.verificationsPerResolve,
      report.signaturesPerResolve,
      buildS,
      resolveS,
    ],
  ],
);
if (Object.keys(report.failures).length > 0) console.log('failures:', report.failures);
