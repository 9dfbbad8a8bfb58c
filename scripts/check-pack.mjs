#!/usr/bin/env node
/**
 * What `npm pack` would publish, checked against issue 12 ("Package"); run after `npm run build`
 * (part of `npm run check:package`). Exits 1 with one line per problem:
 *
 * - the tarball holds LICENSE, CHANGELOG.md, README.md, docs/design.md and every `exports`/`bin`
 *   target, and nothing from test/, bench/, scripts/ or examples/;
 * - every source map's `sources` resolve to files in the tarball (no dangling maps);
 * - the built module graph of `pnrp`, `pnrp/sim`, `pnrp/node` and `pnrp/webrtc` never reaches
 *   dist/gmc/ or @peculiar/x509 (an optional peer dependency only `pnrp/gmc` needs); the CLI's
 *   reaches them only through `import()` (`pnrp group`), never through a static import;
 * - every bare specifier a built file imports is a `node:` built-in, a dependency, or (from
 *   dist/gmc/ only) a peer dependency.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

const root = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const problems = [];

if (!existsSync(join(root, 'dist/index.js'))) {
  console.error('check-pack: dist/ is missing; run `npm run build` first');
  process.exit(1);
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const [report] = JSON.parse(
  execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }),
);
const files = new Set(report.files.map((f) => normalize(f.path)));

// 1. What must and must not be in the tarball.
const targets = Object.values(pkg.exports).flatMap((e) =>
  typeof e === 'string' ? [e] : Object.values(e),
);
const required = ['LICENSE', 'CHANGELOG.md', 'README.md', 'docs/design.md', 'package.json'];
for (const path of [...required, ...targets, ...Object.values(pkg.bin ?? {})]) {
  if (!files.has(normalize(path))) problems.push(`missing from the tarball: ${path}`);
}
for (const path of files) {
  if (/^(test|bench|scripts|examples|node_modules)\//.test(path.replaceAll('\\', '/'))) {
    problems.push(`should not ship: ${path}`);
  }
}

// 2. Source maps resolve inside the tarball.
let maps = 0;
for (const path of files) {
  if (!path.endsWith('.map')) continue;
  maps++;
  const map = JSON.parse(readFileSync(join(root, path), 'utf8'));
  for (const source of map.sources ?? []) {
    const target = normalize(join(dirname(path), map.sourceRoot ?? '', source));
    if (!files.has(target)) problems.push(`${path}: source ${source} is not in the tarball`);
  }
}

// 3. The built module graph.
const importPatterns = [
  /(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]/g,
  /^\s*import\s*['"]([^'"]+)['"]/gm,
  /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
];
function importsOf(file, staticOnly = false) {
  const code = readFileSync(join(root, file), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
  const patterns = staticOnly ? importPatterns.slice(0, 2) : importPatterns;
  return patterns.flatMap((re) => [...code.matchAll(re)].map((m) => m[1]));
}
function graphOf(entry, staticOnly = false) {
  const seen = new Set();
  const bare = new Set();
  const stack = [normalize(entry)];
  while (stack.length > 0) {
    const file = stack.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of importsOf(file, staticOnly)) {
      if (spec.startsWith('.')) stack.push(normalize(join(dirname(file), spec)));
      else bare.add(spec);
    }
  }
  return { seen, bare };
}
const packageOf = (spec) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');
const deps = new Set(Object.keys(pkg.dependencies ?? {}));
const peers = new Set(Object.keys(pkg.peerDependencies ?? {}));
const entries = {
  ...Object.fromEntries(
    Object.entries(pkg.exports).flatMap(([k, e]) => (e.default ? [[k, e.default]] : [])),
  ),
  ...Object.fromEntries(Object.entries(pkg.bin ?? {}).map(([k, v]) => [`bin ${k}`, v])),
};
for (const [name, file] of Object.entries(entries)) {
  const { seen, bare } = graphOf(file);
  for (const f of seen) {
    if (!files.has(f)) problems.push(`${name}: imports ${f}, which is not in the tarball`);
  }
  if (name === './gmc') {
    if (!bare.has('@peculiar/x509')) problems.push('./gmc: no longer imports @peculiar/x509?');
  } else {
    // The CLI loads pnrp group (and so dist/gmc/) with import() only: check its static graph.
    const cli = name.startsWith('bin ');
    const statics = cli ? graphOf(file, true) : { seen, bare };
    const gmc = [...statics.seen].filter((f) => f.replaceAll('\\', '/').startsWith('dist/gmc/'));
    if (gmc.length > 0) problems.push(`${name}: reaches ${gmc.join(', ')}`);
    if ([...statics.bare].some((s) => s.startsWith('@peculiar/'))) {
      problems.push(`${name}: imports @peculiar/* (only pnrp/gmc may)`);
    }
  }
  for (const spec of bare) {
    const name2 = packageOf(spec);
    // Optional peers: x509 for pnrp/gmc and the CLI's pnrp group; vega and vega-lite for the
    // CLI's --plot (loaded with import() only then, failing with the install command when missing).
    const optionalPeer =
      ((name === './gmc' || name.startsWith('bin ')) && name2 === '@peculiar/x509') ||
      (name.startsWith('bin ') && (name2 === 'vega' || name2 === 'vega-lite'));
    const allowed =
      spec.startsWith('node:') || deps.has(name2) || (peers.has(name2) && optionalPeer);
    if (!allowed) problems.push(`${name}: imports ${spec}, which is not a dependency`);
  }
}

if (problems.length > 0) {
  for (const p of problems) console.error(`check-pack: ${p}`);
  process.exit(1);
}
console.log(
  `check-pack: ${files.size} files (${(report.size / 1024).toFixed(0)} kB packed, ` +
    `${(report.unpackedSize / 1024).toFixed(0)} kB unpacked), ${maps} source maps resolve, ` +
    `${Object.keys(entries).length} entries checked; ok`,
);
