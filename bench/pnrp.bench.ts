/**
 * PNRP resolves on a simulated cloud (issue 4, Benchmark): resolve success rate, hops, messages
 * per resolve and Ed25519 signature verifications per resolve for secured names, with the noble
 * backend (the core's default). Nodes: `PNRP_BENCH_NODES` (default 2000); resolves:
 * `PNRP_BENCH_RESOLVES` (default 1000); seed `PNRP_SEED`. Verifications and signatures are
 * cloud-wide during the resolve phase (memo misses: real work), divided by the resolves.
 * Run: `npx tsx bench/run.ts pnrp`. Measures only; never asserts.
 *
 * On the shared 2-core machine (2026-11-21, seed 1): 2,000 nodes, 1,000 resolves: 100.00%
 * success, 1.95 hops (p95 3), 5.89 messages, 2.29 verifications and 2.30 signatures per resolve;
 * building the cloud took 613 s (noble signs a CPA for every INQUIRE and verifies it), the
 * resolves 30 s. 500 nodes: 100.00%, 1.34 hops, 4.69 messages, 1.17 verifications; 67 s build.
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
