/**
 * The README's first example, run for real (issue 12): the README shows
 * `examples/first-peer/first-peer.ts` verbatim (with the package's import paths), and that file
 * runs against a bootstrap-only `pnrp node` process on loopback UDP: createPeer -> register ->
 * resolve, no whenActive. Also checks that `DEBUG=pnrp:*` makes the node print what it does.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';

const children: ChildProcessWithoutNullStreams[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

const EXAMPLE = 'examples/first-peer/first-peer.ts';

/** The example as the README shows it: imports from the package instead of `src/`. */
function asPublished(source: string): string {
  return source
    .replace("'../../src/index.js'", "'pnrp'")
    .replace("'../../src/adapters/node/index.js'", "'pnrp/node'");
}

function run(
  args: string[],
  env: Record<string, string> = {},
): { proc: ChildProcessWithoutNullStreams; out: () => string; err: () => string } {
  // Node itself with tsx's loader (no tsx wrapper process): signals reach the program directly.
  const proc = spawn(process.execPath, ['--import', 'tsx', ...args], {
    stdio: 'pipe',
    env: { ...process.env, ...env },
  });
  children.push(proc);
  let out = '';
  let err = '';
  proc.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  proc.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  return { proc, out: () => out, err: () => err };
}

async function until(check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('gave up waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

function exitOf(proc: ChildProcessWithoutNullStreams): Promise<number | null> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null) resolve(proc.exitCode);
    else proc.on('exit', (code) => resolve(code));
  });
}

describe('the README first example', () => {
  it('is in the README verbatim, with the package import paths', () => {
    const readme = readFileSync('README.md', 'utf8');
    const block = /<!-- first-example -->\n```ts\n([\s\S]*?)```/.exec(readme);
    expect(block).not.toBeNull();
    expect(block![1]).toBe(asPublished(readFileSync(EXAMPLE, 'utf8')));
  });

  it('registers and resolves through a bootstrap-only pnrp node on loopback UDP (also by host name from the CLI); DEBUG=pnrp:* shows the node at work', async () => {
    const seed = run(['src/cli/main.ts', 'node', '--port', '0', '--json'], {
      DEBUG: 'pnrp:*',
      DEBUG_COLORS: '0',
    });
    await until(() => seed.out().includes('"listening"'), 60_000);
    const { port } = JSON.parse(seed.out().split('\n')[0]!) as { port: number };
    const example = run([EXAMPLE], { PNRP_BOOTSTRAP: `127.0.0.1:${port}` });
    const code = await exitOf(example.proc);
    expect(example.err()).toBe('');
    expect(code).toBe(0);
    expect(example.out()).toMatch(/^found 0\.alice-chat at 127\.0\.0\.1:\d+/m);
    // The CLI reaches the seed by host name (node:dns), and finds the seed's own ID.
    const byName = run([
      'src/cli/main.ts',
      'resolve',
      '0.pnrp-seed',
      '--bootstrap',
      `localhost:${port}`,
    ]);
    expect(await exitOf(byName.proc)).toBe(0);
    expect(byName.out()).toContain('0.pnrp-seed');
    seed.proc.kill('SIGTERM');
    expect(await exitOf(seed.proc)).toBe(0);
    // The seed published its ID, answered both joiners and logged through debug's namespaces.
    expect(seed.err()).toMatch(/pnrp:node Global_: status active/);
    expect(seed.err()).toMatch(/pnrp:udp <- 127\.0\.0\.1:\d+ \d+ bytes/);
    expect(seed.err()).toMatch(/pnrp:udp -> 127\.0\.0\.1:\d+ \d+ bytes/);
  }, 120_000);

  it('without DEBUG the node prints nothing on stderr', async () => {
    const env = { ...process.env };
    delete env.DEBUG;
    const seed = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'node', '--port', '0'],
      {
        stdio: 'pipe',
        env,
      },
    );
    children.push(seed);
    let out = '';
    let err = '';
    seed.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    seed.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    await until(() => out.includes('listening'), 60_000);
    seed.kill('SIGTERM');
    expect(await exitOf(seed)).toBe(0);
    expect(err).toBe('');
  }, 120_000);
});
