/**
 * `npm run bench [name ...]`: runs every benchmark in bench/ (or the named ones) and prints their
 * tables. Benchmarks measure; they never assert. Results are also written to bench/results/.
 * Progress goes to stderr when it is a terminal; `npm run plots` draws the figures (bench/plots.ts).
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatSeconds, ProgressLine } from '../src/cli/progress.js';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();
if (files.length === 0) {
  console.error(`no benchmark matches ${wanted.join(', ')}`);
  process.exit(1);
}
const line = new ProgressLine(process.stderr);
const started = performance.now();
for (const [i, file] of files.entries()) {
  // Progress on stderr when it is a terminal (the runs inside draw their own line over it).
  line.note(
    `bench ${i + 1}/${files.length}: ${file} (${formatSeconds((performance.now() - started) / 1000)} elapsed)`,
  );
  console.log(`\n## ${file}`);
  await import(join(here, file));
}
