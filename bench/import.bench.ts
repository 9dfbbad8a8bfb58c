/**
 * Cold import cost of each package entry (issue 12, "Package"): a fresh `node` process per run
 * imports the built entry (`dist/`, run `npm run build` first) and reports how long the `import()`
 * took; the table gives the median of the runs. Also whether @peculiar/x509 was loaded (it must not
 * be, except by `pnrp/gmc`). Run: `npx tsx bench/run.ts import` (`PNRP_IMPORT_RUNS`, default 9).
 * Measures; never asserts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { median, printTable } from './table.js';

const root = join(import.meta.dirname, '..');
const runs = Number(process.env.PNRP_IMPORT_RUNS ?? 9);
const entries: readonly [string, string][] = [
  ['pnrp', 'dist/index.js'],
  ['pnrp/sim', 'dist/sim/index.js'],
  ['pnrp/node', 'dist/adapters/node/index.js'],
  ['pnrp/webrtc', 'dist/adapters/webrtc/index.js'],
  ['pnrp/gmc', 'dist/gmc/index.js'],
];

// The child measures its own import() and lists the loaded module URLs it can see (ESM graph via
// a loader-free check: @peculiar/x509 is CommonJS, so require.cache shows it).
const probe = `
const { createRequire } = await import('node:module');
const start = performance.now();
await import(process.argv[1]);
const ms = performance.now() - start;
const require = createRequire(process.argv[1]);
const x509 = Object.keys(require.cache).some((k) => k.includes('@peculiar'));
console.log(JSON.stringify({ ms, x509 }));
`;

if (!existsSync(join(root, 'dist/index.js'))) {
  console.log('dist/ is missing: run `npm run build` first');
} else {
  const rows = entries.map(([name, file]) => {
    const samples: number[] = [];
    let x509 = false;
    for (let i = 0; i < runs; i++) {
      const out = execFileSync(
        process.execPath,
        ['--input-type=module', '-e', probe, join(root, file)],
        {
          cwd: root,
          encoding: 'utf8',
        },
      );
      const result = JSON.parse(out.trim()) as { ms: number; x509: boolean };
      samples.push(result.ms);
      x509 ||= result.x509;
    }
    return [name, median(samples), Math.min(...samples), x509 ? 'yes' : 'no'] as const;
  });
  printTable(
    `cold import() of each entry (median of ${runs} fresh processes)`,
    ['entry', 'median ms', 'min ms', '@peculiar/x509 loaded'],
    rows,
  );
}
