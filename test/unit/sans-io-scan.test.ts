/**
 * docs/design.md §2 and §8: no clocks, timers, randomness or node: imports in the sans-I/O core. Only
 * the adapter layer may touch them: runtime.ts (the real-world defaults: real timers, the system
 * wall clock and RNG), adapters/, cli/, and gmc certificate issuance. The async facades (peer.ts,
 * peer/) may also be asynchronous, but take their clocks and randomness from runtime.ts. This test
 * reads every file under src/ and fails on a forbidden construct elsewhere.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '../../src');
/** Where clocks, timers, platform randomness and node: imports are allowed. */
const ADAPTER_LAYER = [/^runtime\.ts$/, /^adapters\//, /^cli\//, /^gmc\//];
/** Where `async`/`await` is allowed besides: the async facades. */
const ASYNC_FACADES = [/^peer\.ts$/, /^peer\//];
const ASYNC = 'is asynchronous';
const FORBIDDEN: readonly [RegExp, string][] = [
  [/\bDate\.now\b|\bnew Date\b/, 'reads the wall clock'],
  [/\bMath\.random\b/, 'draws its own randomness'],
  [/\bsetTimeout\b|\bsetInterval\b|\bsetImmediate\b/, 'sets a timer'],
  [/\bperformance\.now\b/, 'reads a clock'],
  [/\bgetRandomValues\b|\brandomBytes\b/, 'draws platform randomness'],
  [/\basync\s+(function|\(|[a-zA-Z_$][\w$]*\s*\()|\bawait\b/, ASYNC],
  [/from\s+['"]node:/, 'imports a node: module'],
];

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}

describe('sans-I/O core', () => {
  it('has no clock, timer, randomness, async or node: import outside the adapter layer', () => {
    const offences: string[] = [];
    for (const path of filesUnder(SRC)) {
      const rel = relative(SRC, path).replaceAll('\\', '/');
      if (ADAPTER_LAYER.some((re) => re.test(rel))) continue;
      const facade = ASYNC_FACADES.some((re) => re.test(rel));
      const code = stripComments(readFileSync(path, 'utf8'));
      for (const [re, what] of FORBIDDEN) {
        if (facade && what === ASYNC) continue;
        if (re.test(code)) offences.push(`${rel} ${what}`);
      }
    }
    expect(offences).toEqual([]);
  });

  it('the scan itself catches a forbidden construct', () => {
    const sample = stripComments('const t = Date.now(); // fine in a comment: Math.random()');
    expect(FORBIDDEN.some(([re]) => re.test(sample))).toBe(true);
    expect(/\bMath\.random\b/.test(sample)).toBe(false);
  });
});
