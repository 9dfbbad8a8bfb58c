/**
 * pnrp put / pnrp get with --sim (a seeded simulated DHT cloud in the process): a value stored
 * through one node reads back through another; a mutable value signed with an identity file;
 * a missing key exits 1 with VALUE_NOT_FOUND; the same bytes for the same seed; and usage errors
 * (exit 2) found before anything runs, for put, get and pnrp node's DHT options. (Over real UDP:
 * test/integration/dht-processes.test.ts.)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseGetArgs, parsePutArgs } from '../../../src/cli/dht-options.js';
import { identityFileText } from '../../../src/cli/identity-file.js';
import { parseNodeDhtArgs } from '../../../src/cli/node-dht.js';
import { UsageError } from '../../../src/cli/usage-error.js';
import { nobleCrypto } from '../../../src/keys/crypto-backend.js';
import { createIdentity } from '../../../src/keys/identity.js';
import { toHex, utf8Encode } from '../../../src/util/bytes.js';
import { pnrpAsync } from './run-cli.js';

const SEED = process.env.PNRP_SEED ?? '2';
const SIM = ['--sim', '--nodes', '20', '--seed', SEED];
const dir = mkdtempSync(join(tmpdir(), 'pnrp-dht-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe(`pnrp put/get --sim (seed ${SEED})`, () => {
  it('stores and reads back immutable and mutable values; a missing key exits 1', async () => {
    const identity = createIdentity(new Uint8Array(32).fill(5));
    const idFile = join(dir, 'writer.json');
    writeFileSync(idFile, identityFileText(identity));
    const valueFile = join(dir, 'value.bin');
    writeFileSync(valueFile, Uint8Array.of(0, 1, 2, 255));
    const [put, again, text, mutable, got, binary, missing] = await Promise.all([
      pnrpAsync('put', 'hello dht', ...SIM, '--json'),
      pnrpAsync('put', 'hello dht', ...SIM, '--json'),
      pnrpAsync('put', 'hello dht', ...SIM),
      pnrpAsync(
        'put',
        'v7',
        '--mutable',
        '--identity',
        idFile,
        '--salt',
        's',
        '--seq',
        '7',
        ...SIM,
        '--json',
      ),
      pnrpAsync('get', '--put', 'round trip', ...SIM, '--json'),
      pnrpAsync('put', '--file', valueFile, ...SIM, '--json'),
      pnrpAsync('get', 'ab'.repeat(32), ...SIM, '--json'),
    ]);
    expect(put.code, put.stderr).toBe(0);
    const doc = JSON.parse(put.stdout);
    expect(doc).toMatchObject({ seq: 0, mutable: false, bytes: 9 });
    expect(doc.key).toBe(toHex(nobleCrypto.sha256(utf8Encode('hello dht'))));
    expect(doc.messages).toBeGreaterThan(0);
    expect(again.stdout).toBe(put.stdout);
    expect(text.stdout).toBe(`stored ${doc.key} (immutable, 9 bytes, ${doc.messages} messages)\n`);
    expect(mutable.code, mutable.stderr).toBe(0);
    expect(JSON.parse(mutable.stdout)).toMatchObject({
      seq: 7,
      mutable: true,
      publicKey: toHex(identity.publicKey),
    });
    expect(got.code, got.stderr).toBe(0);
    expect(JSON.parse(got.stdout)).toMatchObject({ value: 'round trip', seq: 0, mutable: false });
    expect(binary.code, binary.stderr).toBe(0);
    expect(JSON.parse(binary.stdout)).toMatchObject({ bytes: 4 });
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout)).toMatchObject({ error: 'VALUE_NOT_FOUND' });
  }, 120_000);

  it('refuses bad command lines as usage errors before running anything (exit 2)', async () => {
    const cases: [string[], RegExp][] = [
      [['put', 'x'], /say where: --bootstrap HOST:PORT/],
      [['put', 'x', '--sim', '--bootstrap', '127.0.0.1:3541'], /exclude each other/],
      [['put', '--sim'], /either as VALUE or as --file F/],
      [['put', 'x', '--file', 'f', '--sim'], /either as VALUE or as --file F/],
      [['put', 'x', '--seq', '3', '--sim'], /--seq needs --mutable/],
      [['put', 'x', '--mutable', '--sim'], /--mutable needs --identity FILE/],
      [['put', 'x'.repeat(1001), '--sim'], /VALUE is 1001 bytes; at most 1000/],
      [['put', 'x', '--nodes', '9', '--bootstrap', '127.0.0.1:3541'], /--nodes needs --sim/],
      [['get', 'beef', '--sim'], /KEY must be 64 hex digits/],
      [['get', '--sim'], /expected KEY/],
      [
        ['get', 'ab'.repeat(32), '--put', 'x', '--bootstrap', '127.0.0.1:3541'],
        /--put needs --sim/,
      ],
    ];
    for (const [[command, ...args], message] of cases) {
      const parse = command === 'put' ? parsePutArgs : parseGetArgs;
      expect(() => parse(args), args.join(' ')).toThrow(UsageError);
      expect(() => parse(args)).toThrow(message);
    }
    expect(() => parseNodeDhtArgs({ 'dht-port': '4000' }, 3540)).toThrow(/--dht-port needs --dht/);
    expect(() => parseNodeDhtArgs({ dht: true, 'dht-port': '4000' }, 4000)).toThrow(
      /not the PNRP port/,
    );
    expect(parseNodeDhtArgs({ dht: true }, 3540)).toMatchObject({ port: 3541, bootstrap: [] });
    const [put, node] = await Promise.all([
      pnrpAsync('put', 'x', '--seq', '3', '--sim'),
      pnrpAsync('node', '--dht-store', 'f.json'),
    ]);
    expect([put.code, node.code]).toEqual([2, 2]);
    expect(put.stderr).toMatch(/--seq needs --mutable/);
    expect(node.stderr).toMatch(/--dht-store needs --dht/);
  }, 60_000);
});
