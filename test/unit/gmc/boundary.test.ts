/**
 * DESIGN.md §1: src/gmc/ is the only code that imports @peculiar/x509, and the core entry never
 * reaches gmc (the browser bundle must not pull in x509 or the Reflect shim).
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

function importsOf(path: string): string[] {
  const code = readFileSync(path, 'utf8');
  return [...code.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]!);
}

describe('gmc boundary', () => {
  it('only src/gmc imports @peculiar/x509', () => {
    const offenders = filesUnder(SRC)
      .filter((p) => !relative(SRC, p).startsWith('gmc'))
      .filter((p) => importsOf(p).some((spec) => spec.startsWith('@peculiar/')));
    expect(offenders).toEqual([]);
  });

  it('nothing reachable from src/index.ts imports src/gmc', () => {
    const seen = new Set<string>();
    const stack = [join(SRC, 'index.ts')];
    while (stack.length > 0) {
      const file = stack.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const spec of importsOf(file)) {
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
    expect(seen.size).toBeGreaterThan(5);
    expect([...seen].filter((f) => relative(SRC, f).startsWith('gmc'))).toEqual([]);
  });
});
