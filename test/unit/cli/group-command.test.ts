/**
 * pnrp group: usage errors exit 2 before any file is written; create and invite write 0600 files;
 * a creator run with join --group serves records that records (with a bearer invitation) prints,
 * as text and JSON; unreadable files and a group that is not there exit 1 with the code.
 */
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CliProcess, pnrp, pnrpAsync, startPnrp } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'pnrp-group-'));
const running: CliProcess[] = [];
afterAll(() => {
  for (const p of running) p.kill();
  rmSync(dir, { recursive: true, force: true });
});

describe('pnrp group usage errors', () => {
  it('exits 2 on each usage error, before writing anything (run side by side)', async () => {
    const cases: [string[], RegExp][] = [
      [['group'], /expected a subcommand/],
      [['group', 'frobnicate'], /unknown subcommand "frobnicate"/],
      [['group', 'create'], /--out FILE is required/],
      [['group', 'create', '--out', join(dir, 'x.json'), '--classifier', 'a b'], /--classifier/],
      [['group', 'invite', '--out', join(dir, 'i')], /--group FILE is required/],
      [
        ['group', 'invite', '--group', 'g', '--out', join(dir, 'i'), '--for', 'zz'],
        /--for must be/,
      ],
      [['group', 'invite', '--group', 'g', '--out', join(dir, 'i'), '--role', 'king'], /--role/],
      [['group', 'join'], /either an invitation file or --group FILE/],
      [['group', 'join', 'a.invite', '--group', 'g'], /not both/],
      [['group', 'records', 'a.invite', '--graph', 'nowhere'], /bad --graph "nowhere"/],
      [['group', 'records', 'a.invite', '--timeout', '0'], /--timeout must be an integer/],
    ];
    const runs = await Promise.all(cases.map(([args]) => pnrpAsync(...args)));
    runs.forEach((r, i) => {
      expect(r.code, cases[i]![0].join(' ')).toBe(2);
      expect(r.stderr).toMatch(cases[i]![1]);
    });
    expect(existsSync(join(dir, 'x.json'))).toBe(false);
    expect(existsSync(join(dir, 'i'))).toBe(false);
  }, 120_000);

  it('prints its help without loading x509 parts', () => {
    const r = pnrp('group', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('pnrp group create --out FILE');
  });
});

describe('pnrp group create, invite, join and records', () => {
  const groupFile = join(dir, 'team.group.json');
  const inviteFile = join(dir, 'bob.invite');

  it('create and invite write 0600 files and refuse to overwrite', () => {
    const created = pnrp('group', 'create', '--out', groupFile, '--classifier', 'team', '--json');
    expect(created.code).toBe(0);
    const { peerName } = JSON.parse(created.stdout);
    expect(peerName).toMatch(/^[0-9a-f]{40}\.team$/);
    expect(statSync(groupFile).mode & 0o777).toBe(0o600);
    expect(pnrp('group', 'create', '--out', groupFile).code).toBe(1);
    const invited = pnrp('group', 'invite', '--group', groupFile, '--out', inviteFile, '--json');
    expect(invited.code).toBe(0);
    expect(JSON.parse(invited.stdout)).toMatchObject({ group: peerName, bearer: true });
    expect(statSync(inviteFile).mode & 0o777).toBe(0o600);
  });

  it('a member prints the records the running creator published', async () => {
    const host = startPnrp('group', 'join', '--group', groupFile, '--add', 'first post');
    running.push(host);
    const joined = await host.waitForLine((l) => l.startsWith('joined '), 30_000);
    await host.waitForLine((l) => l.includes('first post'), 30_000);
    const graph = /graph on (\S+) \(TCP\)/.exec(joined)![1]!;
    const text = await pnrpAsync('group', 'records', inviteFile, '--graph', graph);
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^[0-9a-f]{32} [0-9a-f]{8} by [0-9a-f]{8} v1: first post\n$/);
    const json = await pnrpAsync('group', 'records', inviteFile, '--graph', graph, '--json');
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(doc.records.map((r: { payload: string }) => r.payload)).toEqual(['first post']);
    const other = await pnrpAsync('group', 'records', inviteFile, '--graph', graph, '--type', 'x');
    expect(other).toMatchObject({ code: 0, stdout: '' });
    await host.waitForLine((l) => l.startsWith('member joined'), 30_000);
    host.child.kill('SIGINT');
    expect(await host.exited()).toBe(0);
    expect(host.lines).toContain('stopped');
  }, 90_000);

  it('exits 1 with the code when nobody is there, or a file is not ours', async () => {
    const none = await pnrpAsync('group', 'records', inviteFile, '--graph', '127.0.0.1:9');
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('(GROUP_NOT_FOUND)');
    const junk = join(dir, 'junk');
    writeFileSync(junk, '{"type":"something-else","version":1}');
    const bad = pnrp('group', 'records', junk);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('not a pnrp invitation file');
    expect(pnrp('group', 'invite', '--group', junk, '--out', join(dir, 'j.invite')).code).toBe(1);
  });
});
