/**
 * PNRP/DRT against the Kademlia baseline (issue 13, Build 4 and the target "requests + answers
 * per lookup vs Kademlia, same node set, 10,000 nodes: PNRP <= 1/3 of Kademlia's"): for each
 * size, one seed, both protocols built through real joins on the same node set and network
 * model, then 1,000 lookups and a 30 s idle window. Prints the side-by-side table of
 * `baselineRows` and writes it to bench/results/. Measures; never asserts.
 * Sizes: BENCH_KAD=1000,10000 (default 1000); protocols: BENCH_KAD_PROTOCOLS=pnrp,kad
 * (default both); lookups: BENCH_KAD_SEARCHES (default 1000); BENCH_KAD_WARM=1 starts both from
 * warm tables (`buildWarm`, no join traffic; labelled so in the table's title);
 * BENCH_KAD_IDLE_MS: the idle window for the background rate (default 30000).
 */
import { type BaselineProtocol, baselineRows, runBaseline } from '../src/sim/kad-baseline.js';
import { printTable } from './table.js';

const sizes = (process.env.BENCH_KAD ?? '1000').split(',').map(Number);
const protocols = (process.env.BENCH_KAD_PROTOCOLS ?? 'pnrp,kad').split(',') as BaselineProtocol[];
const searches = Number(process.env.BENCH_KAD_SEARCHES ?? 1000);
const warm = process.env.BENCH_KAD_WARM === '1';
const idleMs = Number(process.env.BENCH_KAD_IDLE_MS ?? 30_000);
const seed = 1;

for (const nodes of sizes) {
  const startedMs: Record<string, number> = {};
  const wallMs: Record<string, number> = {};
  const c = runBaseline({
    nodes,
    seed,
    searches,
    protocols,
    warm,
    idleMs,
    onPhase: (p, phase) => {
      if (phase === 'build') startedMs[p] = performance.now();
      if (phase === 'done') wallMs[p] = performance.now() - startedMs[p]!;
      console.log(`  ${nodes} nodes: ${p} ${phase} (${Math.round(performance.now() / 1000)} s)`);
    },
  });
  const fmt = (v: number | undefined): string | number => (v === undefined ? '-' : v);
  const rows = baselineRows(c).map((r) => [r.metric, fmt(r.pnrp), fmt(r.kad), fmt(r.kadOverPnrp)]);
  for (const col of [c.pnrp, c.kad]) {
    if (col === undefined) continue;
    rows.push([
      `${col.protocol}: wall s (build + lookups), trace hash`,
      `${Math.round((wallMs[col.protocol] ?? 0) / 1000)} s`,
      col.traceHash,
      '',
    ]);
  }
  printTable(
    `kad: PNRP vs Kademlia, ${nodes} nodes (${warm ? 'warm start' : 'real joins'}), seed ${seed}, ${searches} lookups (${protocols.join('+')})`,
    ['metric', 'PNRP/DRT', 'Kademlia', 'Kademlia / PNRP'],
    rows,
  );
}
