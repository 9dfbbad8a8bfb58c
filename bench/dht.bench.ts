/**
 * PNRP-DHT against the Kademlia DHT baseline (issue 15, Targets: "2,000 nodes, 10,000 values,
 * the seed's churn (20% vanish, 10% leave, 10% join) for an hour of virtual time", then 10,000
 * nodes; messages per put and per get at most half of Kademlia's): both DHTs over the same node
 * set, network model, values, writers, churn and readers (sim/dht-baseline.ts). Both start from
 * warm tables (labelled so), joins during the churn are real. Mutable records are signed and
 * checked with node:crypto behind a shared verdict memo (the same for both; it only saves CPU).
 * Prints the side-by-side table and writes it to bench/results/. Measures; never asserts.
 * Runs: BENCH_DHT=2000:10000,10000:10000 (nodes:values, default 2000:10000); BENCH_DHT_SEED
 * (default 1); BENCH_DHT_MINUTES of churn (default 60); BENCH_DHT_PROTOCOLS=pnrp,kad.
 */
import { nodeCrypto } from '../src/adapters/node/node-crypto.js';
import { memoizeVerify } from '../src/keys/crypto-backend.js';
import { dhtBaselineRows, runDhtBaseline } from '../src/sim/dht-baseline.js';
import { printTable } from './table.js';

const runs = (process.env.BENCH_DHT ?? '2000:10000')
  .split(',')
  .map((s) => s.split(':').map(Number));
const seed = Number(process.env.BENCH_DHT_SEED ?? 1);
const minutes = Number(process.env.BENCH_DHT_MINUTES ?? 60);
const protocols = (process.env.BENCH_DHT_PROTOCOLS ?? 'pnrp,kad').split(',') as ('pnrp' | 'kad')[];
const crypto = memoizeVerify(nodeCrypto, { entriesMax: 65_536 });

for (const [nodes, values] of runs) {
  const startedMs: Record<string, number> = {};
  const wallMs: Record<string, number> = {};
  const c = runDhtBaseline({
    nodes: nodes!,
    values: values!,
    seed,
    durationMs: minutes * 60_000,
    crypto,
    protocols,
    onPhase: (p, phase) => {
      if (phase === 'build') startedMs[p] = performance.now();
      if (phase === 'done') wallMs[p] = performance.now() - startedMs[p]!;
      console.log(`  ${nodes} nodes: ${p} ${phase} (${Math.round(performance.now() / 1000)} s)`);
    },
    onStep: (p, step, steps, gets) =>
      console.log(
        `  ${nodes} nodes: ${p} ${step ? `churn step ${step}/${steps}` : 'puts done'} (${Math.round(performance.now() / 1000)} s)` +
          (gets.total
            ? `; gets so far ${gets.ok}/${gets.total} ok, ${gets.staleReads} stale, ${(gets.messages / gets.total).toFixed(2)} messages per get`
            : ''),
      ),
  });
  const fmt = (v: number | undefined): string | number => (v === undefined ? '-' : v);
  const rows = dhtBaselineRows(c).map((r) => [
    r.metric,
    fmt(r.pnrp),
    fmt(r.kad),
    fmt(r.pnrp !== undefined && r.kad ? r.pnrp / r.kad : undefined),
  ]);
  for (const col of [c.pnrp, c.kad])
    if (col !== undefined)
      rows.push([
        `${col === c.pnrp ? 'pnrp' : 'kad'}: wall s, trace hash`,
        `${Math.round((wallMs[col === c.pnrp ? 'pnrp' : 'kad'] ?? 0) / 1000)} s`,
        col.traceHash,
        '',
      ]);
  printTable(
    `dht: PNRP-DHT vs Kademlia DHT, ${nodes} nodes, ${values} values, ${minutes} min churn 20-10-10 (warm start), seed ${seed} (${protocols.join('+')})`,
    ['metric', 'PNRP-DHT (factor 5)', 'Kademlia (k 20, alpha 3)', 'PNRP / Kademlia'],
    rows,
  );
}
