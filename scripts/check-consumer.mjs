#!/usr/bin/env node
/**
 * The package as a user gets it (issue 12, "Package"); run after `npm run build` (part of
 * `npm run check:package`). Packs the tarball once (without re-running `prepack`), then:
 *
 * 1. `attw <tarball> --profile esm-only` (what `attw --pack . --profile esm-only` checks, without a
 *    second build);
 * 2. installs the tarball into a fresh temporary project from the npm registry, and checks that
 *    @peculiar/x509 is NOT installed, that `pnrp`, `pnrp/sim`, `pnrp/node` and `pnrp/webrtc`
 *    import and work (a peer name hashes to a P2P ID), that the `pnrp` bin runs, and that
 *    `pnrp/gmc` fails naming the install command;
 * 3. installs @peculiar/x509 (the version our tests use) beside it and checks that `pnrp/gmc`
 *    then imports.
 *
 * Needs the registry (about 15-30 s). Exits 1 on the first failure; the temporary project is
 * removed either way (`PNRP_KEEP_CONSUMER=1` keeps it and prints its path).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const dir = mkdtempSync(join(tmpdir(), 'pnrp-consumer-'));
const started = performance.now();

function run(command, args, cwd, env = process.env) {
  return execFileSync(command, args, {
    cwd,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function step(name, fn) {
  try {
    const detail = fn();
    console.log(`check-consumer: ${name}${detail ? `: ${detail}` : ''}`);
  } catch (e) {
    const out = [e.stdout, e.stderr].filter(Boolean).join('\n').trim();
    console.error(
      `check-consumer: FAILED ${name}: ${e.message.split('\n')[0]}${out ? `\n${out}` : ''}`,
    );
    if (!process.env.PNRP_KEEP_CONSUMER) rmSync(dir, { recursive: true, force: true });
    process.exit(1);
  }
}

if (!existsSync(join(root, 'dist/index.js'))) {
  console.error('check-consumer: dist/ is missing; run `npm run build` first');
  process.exit(1);
}

let tarball = '';
step('npm pack', () => {
  const name = run(npm, ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], root)
    .trim()
    .split('\n')
    .at(-1);
  tarball = join(dir, name);
  return name;
});

step('attw --profile esm-only', () => {
  run(
    process.execPath,
    [
      join(root, 'node_modules/@arethetypeswrong/cli/dist/index.js'),
      tarball,
      '--profile',
      'esm-only',
    ],
    root,
  );
  return 'no problems';
});

const app = join(dir, 'app');
step('install the tarball into a fresh project', () => {
  run('mkdir', ['-p', app], dir);
  writeFileSync(
    join(app, 'package.json'),
    `${JSON.stringify({ name: 'pnrp-consumer', private: true, type: 'module' }, null, 2)}\n`,
  );
  run(npm, ['install', '--no-audit', '--no-fund', '--ignore-scripts', tarball], app);
  const installed = JSON.parse(readFileSync(join(app, 'node_modules/pnrp/package.json'), 'utf8'));
  return `pnrp ${installed.version}`;
});

step('@peculiar/x509 is not installed', () => {
  const tree = run(npm, ['ls', '--all', '--parseable'], app).split('\n');
  const peculiar = tree.filter((p) => p.includes(`${join('node_modules', '@peculiar')}`));
  if (peculiar.length > 0) throw new Error(`installed: ${peculiar.join(', ')}`);
  return `${tree.filter(Boolean).length - 1} packages installed in all`;
});

const probe = `
const { keyToHex, pnrpIdOf } = await import('pnrp');
const id = keyToHex(pnrpIdOf('0.MyApplication', new Uint8Array(16)));
await import('pnrp/sim');
await import('pnrp/node');
await import('pnrp/webrtc');
let gmc;
try {
  await import('pnrp/gmc');
  gmc = 'imported';
} catch (e) {
  gmc = e.message;
}
console.log(JSON.stringify({ id, gmc }));
`;

step("import('pnrp') and the other core entries", () => {
  const out = JSON.parse(run(process.execPath, ['--input-type=module', '-e', probe], app));
  if (!/^[0-9a-f]{64}$/.test(out.id)) throw new Error(`unexpected PNRP ID ${out.id}`);
  if (!out.gmc.includes('npm install @peculiar/x509')) {
    throw new Error(`pnrp/gmc without x509 should name the install command, got: ${out.gmc}`);
  }
  return `PNRP ID of 0.MyApplication ${out.id.slice(0, 8)}...; pnrp/gmc says "${out.gmc.slice(0, 60)}..."`;
});

step('the pnrp bin', () => {
  const version = run(join(app, 'node_modules/.bin/pnrp'), ['--version'], app).trim();
  if (!version.includes(pkg.version)) throw new Error(`--version printed ${version}`);
  return version;
});

step('pnrp/gmc with @peculiar/x509 installed', () => {
  const wanted = pkg.devDependencies['@peculiar/x509'];
  run(
    npm,
    ['install', '--no-audit', '--no-fund', '--ignore-scripts', `@peculiar/x509@${wanted}`],
    app,
  );
  const out = JSON.parse(run(process.execPath, ['--input-type=module', '-e', probe], app));
  if (out.gmc !== 'imported') throw new Error(out.gmc);
  return `@peculiar/x509@${wanted}`;
});

if (process.env.PNRP_KEEP_CONSUMER) console.log(`check-consumer: kept ${dir}`);
else rmSync(dir, { recursive: true, force: true });
console.log(`check-consumer: ok in ${((performance.now() - started) / 1000).toFixed(1)} s`);
