/**
 * The `pnrp` command as a whole, run as a user runs it: `--version`; every usage error of every
 * command in our words (never parseArgs's), exit 2, found before any side effect (a port held
 * by the test shows no socket was bound); files that cannot be read or written exit 1; `--json`
 * on every command; peer names NFC-normalized and an empty classifier refused.
 */
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pnrpAsync, startPnrp } from './run-cli.js';

const VERSION = JSON.parse(readFileSync(join(import.meta.dirname, '../../../package.json'), 'utf8'))
  .version as string;
/** parseArgs's own wording, which must never reach the user. */
const RAW =
  /argument is ambiguous|argument missing|Unknown option '|does not take an argument|'-- "|Did you forget/;

const dir = mkdtempSync(join(tmpdir(), 'pnrp-usage-'));
let held: Socket;
let heldPort = 0;
beforeAll(async () => {
  // A UDP port the test holds: a command that bound it before validating would fail "in use".
  held = createSocket('udp4');
  await new Promise<void>((r) => held.bind(0, '127.0.0.1', () => r()));
  heldPort = held.address().port;
});
afterAll(() => {
  held.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('pnrp --version', () => {
  it('prints the package version, as text or JSON, exit 0', async () => {
    const [long, short, word, json] = await Promise.all([
      pnrpAsync('--version'),
      pnrpAsync('-V'),
      pnrpAsync('version'),
      pnrpAsync('version', '--json'),
    ]);
    for (const r of [long, short, word]) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(`pnrp ${VERSION}\n`);
    }
    expect(JSON.parse(json.stdout)).toEqual({ name: 'pnrp', version: VERSION });
  });
});

describe('usage errors: our words, exit 2', () => {
  // In three groups so each stays well under the test timeout on a loaded machine.
  const groups: [string, [string[], RegExp][]][] = [
    [
      'id and identity',
      [
        [['id', '0.x', '--frob'], /unknown option --frob/],
        [['id', '0.x', '--service-location'], /--service-location needs a value/],
        [['id', '0.x', '--jsn'], /unknown option --jsn \(did you mean --json\?\)/],
        [['identity', 'new', '--out'], /--out needs a value/],
        [['identity', 'new', '--out', 'x', '--force=1'], /--force takes no value/],
      ],
    ],
    [
      'node, resolve and trace',
      [
        [
          ['node', '--cloud', '-x'],
          /--cloud needs a value, but "-x" looks like an option; .* --cloud=-x/,
        ],
        [['node', '-p'], /-p \(--port\) needs a value/],
        [['node', '--stun', 'nowhere'], /bad --stun "nowhere": expected HOST:PORT/],
        [
          ['node', ...['1', '2', '3', '4', '5'].flatMap((n) => ['--stun', `10.0.0.${n}:3478`])],
          /--stun takes at most 4 servers/,
        ],
        [['resolve', '0.x', '--sim', '--seed', '1', '--seed', '2'], /--seed given more than once/],
        [['resolve', '0.x', '--sim', '--timeout', '-5'], /--timeout needs a value, but "-5"/],
        [
          ['trace', '0.x', '--sim', '--clod', 'c'],
          /unknown option --clod \(did you mean --cloud\?\)/,
        ],
      ],
    ],
    [
      'sim and version',
      [
        [['sim', '--nodes'], /--nodes needs a value/],
        [['sim', '--frob'], /unknown option --frob/],
        [['version', '--frob'], /unknown option --frob/],
      ],
    ],
  ];
  for (const [title, misuses] of groups) {
    it(`${title}: an unknown option, a missing value, an option-like value, in our words`, async () => {
      const runs = await Promise.all(misuses.map(([args]) => pnrpAsync(...args)));
      runs.forEach((r, i) => {
        const [args, message] = misuses[i]!;
        const what = args.join(' ');
        expect(r.code, what).toBe(2);
        expect(r.stderr, what).toMatch(new RegExp(`^pnrp ${args[0]}: `));
        expect(r.stderr, what).toMatch(message);
        expect(r.stderr, what).not.toMatch(RAW);
        expect(r.stdout, what).toBe('');
      });
    });
  }

  it('no command, an unknown command or an option before the command: exit 2 with the usage', async () => {
    const runs = await Promise.all([pnrpAsync(), pnrpAsync('frobnicate'), pnrpAsync('--frob')]);
    for (const r of runs) {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/usage: pnrp <command>/);
    }
    expect(runs[2]!.stderr).toMatch(/^pnrp: unknown option --frob before the command/);
  });

  it('--cloud "" is refused before any socket is bound (the held port is not reported in use)', async () => {
    const [node, resolve] = await Promise.all([
      pnrpAsync('node', '--host', '127.0.0.1', '--port', String(heldPort), '--cloud', ''),
      pnrpAsync('resolve', '0.x', '--bootstrap', `127.0.0.1:${heldPort}`, '--cloud', ''),
    ]);
    for (const r of [node, resolve]) {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/--cloud needs a cloud name such as Global_, got ""/);
      expect(r.stderr).not.toMatch(/in use/);
    }
  });

  it('an empty classifier is refused with exit 2 wherever a peer name is read', async () => {
    const runs = await Promise.all([
      pnrpAsync('id', '0.'),
      pnrpAsync('resolve', '0.', '--sim'),
      pnrpAsync('node', '--port', '0', '--register', '0.'),
    ]);
    for (const r of runs) {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/peer name "0\." has an empty classifier/);
    }
  });
});

describe('files: cannot read or write is a failure, exit 1', () => {
  it('a missing --identity file exits 1 naming it, before the node binds its port', async () => {
    const missing = join(dir, 'missing.json');
    const r = await pnrpAsync(
      'node',
      '--host',
      '127.0.0.1',
      '--port',
      String(heldPort),
      '--identity',
      missing,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `pnrp node: --identity: cannot read identity file ${missing}: no such file\n`,
    );
  });

  it('identity new into a missing directory exits 1; an empty --out is a usage error', async () => {
    const [unwritable, empty] = await Promise.all([
      pnrpAsync('identity', 'new', '--out', join(dir, 'no-such-dir', 'me.json')),
      pnrpAsync('identity', 'new', '--out', ''),
    ]);
    expect(unwritable.code).toBe(1);
    expect(unwritable.stderr).toMatch(/^pnrp identity: cannot write .*: no such file\n$/);
    expect(empty.code).toBe(2);
  });
});

describe('--json on every command', () => {
  it('id, identity new/show and version print one JSON object on one line', async () => {
    const file = join(dir, 'me.json');
    const created = await pnrpAsync('identity', 'new', '--out', file, '--json');
    const [id, show] = await Promise.all([
      pnrpAsync('id', '0.test', '--json'),
      pnrpAsync('identity', 'show', file, '--json'),
    ]);
    for (const r of [created, id, show]) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trimEnd().split('\n')).toHaveLength(1);
    }
    expect(Object.keys(JSON.parse(id.stdout))).toEqual([
      'peerName',
      'secured',
      'p2pId',
      'serviceLocation',
      'pnrpId',
      'resolveTarget',
    ]);
    const me = JSON.parse(created.stdout);
    expect(JSON.parse(show.stdout)).toEqual({
      file,
      authority: me.authority,
      publicKey: me.publicKey,
    });
  });

  it('node --json prints JSON lines', async () => {
    const node = startPnrp('node', '--host', '127.0.0.1', '--port', '0', '--json');
    try {
      const line = await node.waitForLine((l) => l.startsWith('{'), 20_000);
      expect(JSON.parse(line)).toMatchObject({ event: 'listening', cloud: 'Global_' });
    } finally {
      node.kill();
    }
  });
});

describe('peer names are NFC-normalized', () => {
  it('pnrp id gives the same IDs for "café" in NFC and NFD, and prints the NFC name', async () => {
    const [nfc, nfd] = await Promise.all([
      pnrpAsync('id', '0.caf\u00e9', '--json'),
      pnrpAsync('id', '0.cafe\u0301', '--json'),
    ]);
    expect(nfd.code, nfd.stderr).toBe(0);
    expect(nfd.stdout).toBe(nfc.stdout);
    expect(JSON.parse(nfd.stdout).peerName).toBe('0.caf\u00e9');
  });
});
