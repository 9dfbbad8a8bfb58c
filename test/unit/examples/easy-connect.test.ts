/**
 * The Easy Connect example, run for real on loopback UDP: a bootstrap `pnrp node`, the example's
 * offer printing its code, an accept with the wrong password (exit 1, WRONG_PASSWORD) and one
 * with the right password (exit 0); both sides print the same confirmation.
 */
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { type CliProcess, startPnrp } from '../cli/run-cli.js';

const EXAMPLE = 'examples/easy-connect/easy-connect.ts';
const started: { kill(): void }[] = [];
afterAll(() => {
  for (const p of started) p.kill();
});

function example(...args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', EXAMPLE, ...args]);
  started.push({ kill: () => child.kill('SIGKILL') });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  const exited = new Promise<number | null>((r) => child.on('close', r));
  return { out: () => out, err: () => err, exited };
}

async function until(check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('gave up waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('examples/easy-connect', () => {
  it('offers a code; a wrong password is refused, the right one connects both', async () => {
    const node: CliProcess = startPnrp(
      'node',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--no-discover',
      '--json',
    );
    started.push(node);
    const listening = JSON.parse(await node.waitForLine((l) => l.includes('"listening"'), 60_000));
    const bootstrap = `127.0.0.1:${listening.port as number}`;

    const offer = example('offer', '--password', 'blue tulip', '--bootstrap', bootstrap);
    await until(() => /read this out: \S+/.test(offer.out()), 60_000);
    const code = /read this out: (\S+)/.exec(offer.out())![1]!;

    const wrong = example('accept', code, '--password', 'red tulip', '--bootstrap', bootstrap);
    expect(await wrong.exited).toBe(1);
    expect(wrong.err()).toContain('WRONG_PASSWORD');

    const right = example('accept', code, '--password', 'blue tulip', '--bootstrap', bootstrap);
    expect(await right.exited, right.err()).toBe(0);
    expect(await offer.exited, offer.err()).toBe(0);
    const confirmation = (text: string) => /confirmation (\S+)/.exec(text)?.[1];
    expect(confirmation(right.out())).toMatch(/^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
    expect(confirmation(offer.out())).toBe(confirmation(right.out()));
    expect(offer.out()).toContain('refused a handshake: wrong-password');
  });
});
