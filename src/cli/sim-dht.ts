/**
 * @module cli/sim-dht
 * `pnrp sim --scenario dht [--nodes N] [--values V] [--seed S] [--baseline kad] [--json]`: the
 * DHT scenario of issue 15 (sim/dht-scenario.ts): a warm cloud of DhtNodes stores V values (a
 * fifth of them mutable) and reads them back while 20% of the nodes vanish, 10% leave and 10%
 * join over an hour of virtual time; with `--baseline kad`, the same run on the Kademlia DHT
 * (k = 20, alpha = 3) beside it (sim/dht-baseline.ts). Prints a table, or one JSON object with
 * `--json`. Signatures are checked with node:crypto behind a verdict memo (CPU only).
 */
import { nodeCrypto } from '../adapters/node/node-crypto.js';
import { memoizeVerify } from '../keys/crypto-backend.js';
import { dhtBaselineRows, runDhtBaseline } from '../sim/dht-baseline.js';
import { ProgressLine } from './progress.js';
import type { SimArgs } from './sim-options.js';

/** Runs the DHT scenario (and the Kademlia DHT with `--baseline kad`) and prints it. */
export function runSimDht(opts: SimArgs): number {
  const line = new ProgressLine(process.stderr);
  const started = performance.now();
  const c = runDhtBaseline({
    nodes: opts.nodes,
    values: opts.values,
    seed: opts.seed,
    crypto: memoizeVerify(nodeCrypto, { entriesMax: 65_536 }),
    protocols: opts.baseline === 'kad' ? ['pnrp', 'kad'] : ['pnrp'],
    onPhase: (p, phase) =>
      line.show(
        `pnrp sim --scenario dht: ${p === 'pnrp' ? 'PNRP-DHT' : 'Kademlia DHT'} ${phase}...`,
        true,
      ),
  });
  line.end();
  const rows = dhtBaselineRows(c);
  const wallSeconds = Math.round((performance.now() - started) / 100) / 10;
  if (opts.json) {
    const json = {
      scenario: 'dht',
      nodes: c.nodes,
      values: c.values,
      seed: c.seed,
      start: c.start,
      churnMinutes: c.durationMs / 60_000,
      ...(opts.baseline ? { baseline: opts.baseline } : {}),
      pnrp: c.pnrp,
      ...(c.kad ? { kad: c.kad, rows } : {}),
      wallSeconds,
    };
    process.stdout.write(`${JSON.stringify(json)}\n`);
    return 0;
  }
  const width = Math.max(...rows.map((r) => r.metric.length));
  const cell = (v: number | undefined): string => (v === undefined ? '-' : String(round(v)));
  const both = c.kad !== undefined;
  const head = both
    ? `  ${'metric'.padEnd(width)}  ${'PNRP-DHT'.padStart(10)}  ${'Kademlia'.padStart(10)}  ${'pnrp/kad'.padStart(8)}`
    : `  ${'metric'.padEnd(width)}  ${'PNRP-DHT'.padStart(10)}`;
  const lines = rows.map((r) =>
    both
      ? `  ${r.metric.padEnd(width)}  ${cell(r.pnrp).padStart(10)}  ${cell(r.kad).padStart(10)}  ${cell(r.pnrp !== undefined && r.kad ? r.pnrp / r.kad : undefined).padStart(8)}`
      : `  ${r.metric.padEnd(width)}  ${cell(r.pnrp).padStart(10)}`,
  );
  const hashes = [
    c.pnrp ? `PNRP-DHT ${c.pnrp.traceHash}` : '',
    c.kad ? `Kademlia ${c.kad.traceHash}` : '',
  ].filter(Boolean);
  process.stdout.write(
    [
      `Simulated DHT: ${c.nodes} nodes (warm start), ${c.values} values, ${c.durationMs / 60_000} min of churn (20% vanish, 10% leave, 10% join), seed ${c.seed}`,
      both
        ? '  replication: PNRP-DHT 5 copies (owner + 4 nearest), Kademlia k = 20 (alpha = 3); messages = requests + answers'
        : '  replication: 5 copies (owner + 4 nearest); messages = requests + answers',
      head,
      ...lines,
      `  trace hashes: ${hashes.join(', ')}; wall time ${wallSeconds} s`,
      '',
    ].join('\n'),
  );
  return 0;
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
