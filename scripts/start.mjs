#!/usr/bin/env node
/**
 * `npm start [-- sim options]`: builds (tsc, incremental) and runs `pnrp sim` (issue 13, Build 6:
 * progress within 2 s). The build alone takes 10-50 s on a busy 2-core machine, so when stderr is
 * a terminal this prints a first line at once and a ticking status while tsc runs, then hands the
 * terminal to `pnrp sim`, whose own progress line follows. The build is `tsc -b`, which skips
 * compiling when every output in dist/ is newer than every source (about 0.5 s of CPU to load
 * TypeScript and check), and rebuilds otherwise; when the build info file of the last `tsc -b`
 * is newer than every source, TypeScript is not even loaded. Silent apart from the simulation's output when stderr is not a terminal.
 */
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';

const started = performance.now();
const tty = process.stderr.isTTY === true;
const CLEAR = '\r\u001b[2K';

/** Runs `node args` with stdio inherited (or piped stdout/stderr for tsc); resolves the exit code. */
function run(args, stdio) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio });
    let output = '';
    child.stdout?.on('data', (d) => {
      output += d;
    });
    child.stderr?.on('data', (d) => {
      output += d;
    });
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
  });
}

/**
 * True when the last `tsc -b` (its build info file) is newer than every source and config file
 * and dist/ has the entry point: then even loading TypeScript (about 0.5 s of CPU) is skipped.
 */
function upToDate() {
  const info = mtime('tsconfig.build.tsbuildinfo');
  if (info === undefined || mtime('dist/cli/main.js') === undefined) return false;
  const inputs = ['tsconfig.json', 'tsconfig.build.json', 'package.json'];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else inputs.push(path);
    }
  };
  walk('src');
  return inputs.every((f) => (mtime(f) ?? Number.POSITIVE_INFINITY) <= info);
}

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
const status = (text) => {
  if (tty) process.stderr.write(`${CLEAR}${text}`);
};

status('pnrp start: building (tsc -b, skipped when dist/ is up to date)...');
const ticker = tty
  ? setInterval(
      () =>
        status(`pnrp start: building (tsc -b, skipped when dist/ is up to date)... ${seconds()} s`),
      250,
    )
  : undefined;
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const build = upToDate()
  ? { code: 0, output: '' }
  : await run([tsc, '-b', 'tsconfig.build.json'], ['ignore', 'pipe', 'pipe']);
if (ticker) clearInterval(ticker);
if (build.code !== 0) {
  status('');
  process.stderr.write(`pnrp start: the build failed\n${build.output}`);
  process.exit(build.code);
}
status(`pnrp start: built in ${seconds()} s; starting pnrp sim...`);
const sim = await run(['dist/cli/main.js', 'sim', ...process.argv.slice(2)], 'inherit');
process.exit(sim.code);
