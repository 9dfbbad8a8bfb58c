/**
 * Shared benchmark helpers: run a function for a while, take the median of several runs, and
 * print a Markdown table. Times vary on shared machines: report medians, never assert on them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';

/** Operations per second of `fn`, median over `runs` runs of about `runMs` each. */
export function opsPerSecond(fn: () => void, runMs = 300, runs = 5): number {
  for (let i = 0; i < 10; i++) fn(); // warm up
  const results: number[] = [];
  for (let r = 0; r < runs; r++) {
    let count = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < runMs) {
      for (let i = 0; i < 10; i++) fn();
      count += 10;
      elapsed = performance.now() - start;
    }
    results.push((count * 1000) / elapsed);
  }
  return median(results);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The `q` quantile (0..1, nearest rank) of `values`; 0 for none.
 * @example quantile(latencies, 0.95)
 */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Prints rows as a Markdown table and saves them as JSON under bench/results/. */
export function printTable(
  name: string,
  headers: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): void {
  const fmt = (v: string | number): string =>
    typeof v === 'number' ? (Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(2)) : v;
  const lines = [
    `| ${headers.join(' | ')} |`,
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(fmt).join(' | ')} |`),
  ];
  console.log(`\n### ${name}\n\n${lines.join('\n')}\n`);
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(
    `bench/results/${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.json`,
    `${JSON.stringify({ name, headers, rows, node: process.version }, null, 2)}\n`,
  );
}
