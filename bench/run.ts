/**
 * `npm run bench [name ...]`: runs every benchmark in bench/ (or the named ones) and prints their
 * tables. Benchmarks measure; they never assert. Results are also written to bench/results/.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
for (const file of files) {
  console.log(`\n## ${file}`);
  await import(join(here, file));
}
