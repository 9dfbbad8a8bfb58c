/**
 * @module cli/sim-baseline
 * `pnrp sim --baseline kad`: the scenario run on PNRP/DRT and on Kademlia over the same node set
 * (sim/kad-baseline), printed as two columns, or as one JSON object with `--json`.
 */
import { baselineRows, runBaseline } from '../sim/kad-baseline.js';
import type { SimArgs } from './sim-options.js';

/** Runs both protocols and prints them side by side. */
export function runSimBaseline(opts: SimArgs): number {
  const c = runBaseline({
    nodes: opts.nodes,
    seed: opts.seed,
    searches: opts.searches,
    scenario: opts.scenario,
  });
  const rows = baselineRows(c);
  if (opts.json) {
    process.stdout.write(
      `${JSON.stringify({
        nodes: c.nodes,
        seed: c.seed,
        scenario: c.scenario,
        start: c.start,
        baseline: 'kad',
        pnrp: c.pnrp,
        kad: c.kad,
        rows,
      })}\n`,
    );
    return 0;
  }
  const width = Math.max(...rows.map((r) => r.metric.length));
  const cell = (v: number | undefined): string => (v === undefined ? '-' : String(round(v)));
  const lines = rows.map(
    (r) =>
      `  ${r.metric.padEnd(width)}  ${cell(r.pnrp).padStart(10)}  ${cell(r.kad).padStart(10)}  ${cell(r.kadOverPnrp).padStart(8)}`,
  );
  process.stdout.write(
    [
      `PNRP/DRT against Kademlia (k = 20, alpha = 3): ${c.nodes} nodes, scenario ${c.scenario}, seed ${c.seed}, same node set`,
      `  ${'metric'.padEnd(width)}  ${'PNRP/DRT'.padStart(10)}  ${'Kademlia'.padStart(10)}  ${'kad/pnrp'.padStart(8)}`,
      ...lines,
      `  trace hashes: PNRP ${c.pnrp?.traceHash}, Kademlia ${c.kad?.traceHash}`,
      '',
    ].join('\n'),
  );
  return 0;
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
