/**
 * The UDP chat example, run for real: two `tsx examples/udp-chat/chat.ts` processes on loopback;
 * bob bootstraps from alice, resolves `0.chat-alice` by peer name and sends a line that alice
 * prints. Processes are killed even when the test fails.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { afterAll, describe, expect, it } from 'vitest';

const children: ChildProcessWithoutNullStreams[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

/** A UDP port that is free now (and its +1000 neighbour, which the chat socket uses). */
async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve) => {
      const s = createSocket('udp4');
      s.bind(0, '127.0.0.1', () => {
        const p = s.address().port;
        s.close(() => resolve(p));
      });
    });
    if (port + 1000 <= 0xffff) return port;
  }
}

function chat(
  name: string,
  port: number,
  bootstrap?: number,
): { proc: ChildProcessWithoutNullStreams; out: () => string } {
  const args = ['tsx', 'examples/udp-chat/chat.ts', '--name', name, '--port', String(port)];
  if (bootstrap !== undefined) args.push('--bootstrap', `127.0.0.1:${bootstrap}`);
  const proc = spawn('npx', args, { stdio: 'pipe' });
  children.push(proc);
  let text = '';
  proc.stdout.on('data', (d: Buffer) => {
    text += d.toString();
  });
  proc.stderr.on('data', (d: Buffer) => {
    text += d.toString();
  });
  return { proc, out: () => text };
}

async function waitFor(out: () => string, needle: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!out().includes(needle)) {
    if (Date.now() > end) throw new Error(`"${needle}" not seen; output:\n${out()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('examples/udp-chat', () => {
  it('bob finds alice by peer name and his line reaches her', async () => {
    const alicePort = await freePort();
    const bobPort = await freePort();
    const alice = chat('alice', alicePort);
    await waitFor(alice.out, 'published 0.chat-alice');
    const bob = chat('bob', bobPort, alicePort);
    await waitFor(bob.out, 'published 0.chat-bob (resolvable)');
    bob.proc.stdin.write('@alice hello there\n');
    await waitFor(bob.out, '(sent to alice at 127.0.0.1:');
    await waitFor(alice.out, 'bob: hello there');
    bob.proc.stdin.write('@nobody hi\n');
    await waitFor(bob.out, 'nobody: NOT_FOUND');
    expect(alice.out()).not.toContain('Error');
  }, 90_000);
});
