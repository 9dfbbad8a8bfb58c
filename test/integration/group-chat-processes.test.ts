/**
 * The group chat example, run for real on loopback: a `pnrp node` bootstrap (UDP), alice creating
 * the group and writing invitations, bob and carol joining through PNRP (`<group>.participant`)
 * over TCP graph connections. Carol sees the whole history when she joins; after bob is killed
 * (SIGKILL, no goodbye), alice and carol still reach each other. Every wait is on a line of
 * output with a generous timeout; every process is killed even when the test fails.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'pnrp-group-chat-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

interface Proc {
  readonly child: ChildProcess;
  out(): string;
  say(line: string): void;
  waitFor(needle: string | RegExp, ms?: number): Promise<string>;
}

function start(name: string, args: string[]): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: ROOT,
    stdio: 'pipe',
  });
  children.push(child);
  let text = '';
  const waiters = new Set<() => void>();
  const collect = (d: Buffer): void => {
    text += d.toString();
    for (const w of [...waiters]) w();
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  child.on('close', () => {
    for (const w of [...waiters]) w();
  });
  return {
    child,
    out: () => text,
    say: (line) => child.stdin!.write(`${line}\n`),
    waitFor(needle, ms = 45_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const m =
            typeof needle === 'string'
              ? text.includes(needle)
                ? needle
                : null
              : needle.exec(text)?.[0];
          if (m) {
            done();
            resolve(m);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            done();
            reject(new Error(`${name} exited before "${String(needle)}":\n${text}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${name}: "${String(needle)}" not seen in ${ms} ms:\n${text}`));
        }, ms);
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
}

const CHAT = 'examples/group-chat/chat.ts';

describe('examples/group-chat in real processes', () => {
  it('a joiner sees the history, and killing a member does not stop the others', async () => {
    const seed = start('seed', ['src/cli/main.ts', 'node', '--port', '0', '--host', '127.0.0.1']);
    const port = /UDP port (\d+)/.exec(await seed.waitFor(/UDP port \d+/))![1]!;
    const bootstrap = ['--bootstrap', `127.0.0.1:${port}`];

    const alice = start('alice', [
      CHAT,
      '--name',
      'alice',
      '--create',
      join(dir, 'team.json'),
      ...bootstrap,
    ]);
    await alice.waitFor('ready: alice');
    alice.say('hello from alice');
    alice.say(`/invite ${join(dir, 'bob.invite')}`);
    alice.say(`/invite ${join(dir, 'carol.invite')}`);
    await alice.waitFor(`wrote invitation ${join(dir, 'carol.invite')}`);

    const bob = start('bob', [
      CHAT,
      '--name',
      'bob',
      '--invite',
      join(dir, 'bob.invite'),
      ...bootstrap,
    ]);
    await bob.waitFor('ready: bob');
    await bob.waitFor('alice: hello from alice');
    bob.say('hi from bob');
    await alice.waitFor('bob: hi from bob');

    const carol = start('carol', [
      CHAT,
      '--name',
      'carol',
      '--invite',
      join(dir, 'carol.invite'),
      ...bootstrap,
    ]);
    await carol.waitFor('ready: carol');
    await carol.waitFor('alice: hello from alice');
    await carol.waitFor('bob: hi from bob');

    bob.child.kill('SIGKILL');
    alice.say('still here');
    await carol.waitFor('alice: still here');
    carol.say('me too');
    await alice.waitFor('carol: me too');
    expect(alice.out()).not.toMatch(/Error|cannot join/);
    expect(carol.out()).not.toMatch(/Error|cannot join/);
  }, 120_000);
});
