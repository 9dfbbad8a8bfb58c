/**
 * docs/design.md §1: src/gmc/ is the only code that imports @peculiar/x509 (an optional peer dependency
 * of `pnrp/gmc`), and no other entry (pnrp, pnrp/sim, pnrp/node, pnrp/webrtc, the CLI) reaches gmc:
 * users of the core never need x509, and the browser bundle must not pull in x509 or the Reflect
 * shim. `scripts/check-pack.mjs` checks the same on the built files in the tarball.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '../../../src');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Static (`from`, side-effect) and, unless `staticOnly`, dynamic (`import()`) specifiers. */
function importsOf(path: string, staticOnly = false): string[] {
  const code = readFileSync(path, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
  const patterns = [
    /(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g,
    /^\s*import\s+['"]([^'"]+)['"]/gm,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  ].slice(0, staticOnly ? 2 : 3);
  return patterns.flatMap((re) => [...code.matchAll(re)].map((m) => m[1]!));
}

/**
 * Every src file reachable from `entry` through relative imports; with `staticOnly`, through
 * static imports only (what loads before the first line runs).
 */
function reachableFrom(entry: string, staticOnly = false): Set<string> {
  const seen = new Set<string>();
  const stack = [join(SRC, entry)];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of importsOf(file, staticOnly)) {
      if (!spec.startsWith('.')) continue;
      const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
      try {
        statSync(target);
        stack.push(target);
      } catch {
        // a directory import or a missing file: not followed
      }
    }
  }
  return seen;
}

/** The entries users import without `pnrp/gmc`. */
const X509_FREE_ENTRIES = [
  'index.ts',
  'sim/index.ts',
  'graph/index.ts',
  'dht/index.ts',
  'adapters/node/index.ts',
  'adapters/webrtc/index.ts',
];

describe('gmc boundary', () => {
  it('only src/gmc imports @peculiar/x509', () => {
    const offenders = filesUnder(SRC)
      .filter((p) => !relative(SRC, p).startsWith('gmc'))
      .filter((p) => importsOf(p).some((spec) => spec.startsWith('@peculiar/')));
    expect(offenders).toEqual([]);
  });

  it.each(X509_FREE_ENTRIES)(
    'nothing reachable from src/%s imports src/gmc or @peculiar/*',
    (entry) => {
      const seen = reachableFrom(entry);
      expect(seen.size).toBeGreaterThan(2);
      expect([...seen].filter((f) => relative(SRC, f).startsWith('gmc'))).toEqual([]);
      const bare = [...seen].flatMap((f) => importsOf(f).filter((s) => s.startsWith('@peculiar/')));
      expect(bare).toEqual([]);
    },
  );

  it('the CLI loads src/gmc only through the import() of `pnrp group`', () => {
    const seen = reachableFrom('cli/main.ts', true);
    expect(seen.size).toBeGreaterThan(2);
    expect([...seen].filter((f) => relative(SRC, f).startsWith('gmc'))).toEqual([]);
    const lazy = importsOf(join(SRC, 'cli/main.ts')).filter(
      (s) => !importsOf(join(SRC, 'cli/main.ts'), true).includes(s),
    );
    expect(lazy).toEqual(['./group-command.js']);
    const all = [...reachableFrom('cli/main.ts')].map((f) => relative(SRC, f));
    expect(all).toContain(join('gmc', 'x509.ts'));
  });

  it('the graph walk sees src/gmc when it is reachable (the check can fail)', () => {
    const seen = reachableFrom('gmc/index.ts');
    expect([...seen].map((f) => relative(SRC, f))).toContain(join('gmc', 'x509.ts'));
    expect(importsOf(join(SRC, 'gmc/x509.ts'))).toContain('@peculiar/x509');
  });
});
