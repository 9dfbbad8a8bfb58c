/**
 * pnrp identity new/show and the identity file reader: a written file loads back to the same key
 * pair (mode 0600), overwriting needs --force, and a damaged or hostile file is refused with one
 * readable IdentityFileError, never anything else.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  IDENTITY_FILE_MAX_BYTES,
  IdentityFileError,
  identityFileText,
  loadIdentity,
  parseIdentityFile,
  saveNewIdentity,
} from '../../../src/cli/identity-file.js';
import { authorityOf, createIdentity } from '../../../src/keys/identity.js';
import { toHex } from '../../../src/util/bytes.js';
import { pnrp, pnrpAsync } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'pnrp-identity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(IdentityFileError);
    return (e as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('pnrp identity new', () => {
  it('writes a 0600 key file that loads back to the printed authority, and show agrees', () => {
    const file = join(dir, 'alice.json');
    const r = pnrp('identity', 'new', '--out', file);
    expect(r.code).toBe(0);
    const authority = /authority: ([0-9a-f]{40})/.exec(r.stdout)?.[1];
    expect(authority).toBeDefined();
    expect(r.stdout).toContain(`${authority}.<classifier>`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const identity = loadIdentity(file);
    expect(identity.authority).toBe(authority);
    expect(authorityOf(identity.publicKey)).toBe(authority);
    expect(createIdentity(identity.secretKey).authority).toBe(authority);
    const shown = pnrp('identity', 'show', file, '--json');
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toEqual({
      file,
      authority,
      publicKey: toHex(identity.publicKey),
    });
  });

  it('refuses to overwrite without --force, and replaces the key with it', () => {
    const file = join(dir, 'bob.json');
    const first = JSON.parse(pnrp('identity', 'new', '--out', file, '--json').stdout);
    const before = readFileSync(file, 'utf8');
    const again = pnrp('identity', 'new', '--out', file);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists; pass --force/);
    expect(readFileSync(file, 'utf8')).toBe(before);
    const forced = pnrp('identity', 'new', '--out', file, '--force', '--json');
    expect(forced.code).toBe(0);
    const second = JSON.parse(forced.stdout);
    expect(second.authority).not.toBe(first.authority);
    expect(loadIdentity(file).authority).toBe(second.authority);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('usage errors exit 2 with one line; --help exits 0', async () => {
    const misuses = [
      ['identity'],
      ['identity', 'rotate'],
      ['identity', 'new'],
      ['identity', 'new', '--out'],
      ['identity', 'new', '--out', join(dir, 'x.json'), 'extra'],
      ['identity', 'show'],
      ['identity', 'new', '--out', ''],
    ];
    const runs = await Promise.all(misuses.map((args) => pnrpAsync(...args)));
    runs.forEach((r, i) => {
      expect(r.code, misuses[i]!.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^pnrp identity: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
    // A file that cannot be read is a failure (1), like a file that cannot be written.
    const missing = await pnrpAsync('identity', 'show', join(dir, 'missing.json'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^pnrp identity: cannot read identity file .*: no such file\n$/);
    const commands = ['identity', 'node', 'resolve', 'trace', 'id', 'sim'];
    const helps = await Promise.all(commands.map((c) => pnrpAsync(c, '--help')));
    helps.forEach((r, i) => {
      expect(r.code, commands[i]).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^usage: pnrp ${commands[i]}`));
    });
  });
});

describe('loadIdentity', () => {
  const good = createIdentity(new Uint8Array(32).fill(7));
  const doc = JSON.parse(identityFileText(good)) as Record<string, unknown>;
  const variant = (patch: Record<string, unknown>): string => JSON.stringify({ ...doc, ...patch });

  it('round-trips saveNewIdentity and identityFileText', () => {
    const file = join(dir, 'seeded.json');
    const saved = saveNewIdentity(file, { seed: new Uint8Array(32).fill(7) });
    expect(saved.authority).toBe(good.authority);
    const loaded = loadIdentity(file);
    expect(loaded.authority).toBe(good.authority);
    expect(toHex(loaded.secretKey)).toBe(toHex(good.secretKey));
    expect(parseIdentityFile(identityFileText(good)).authority).toBe(good.authority);
  });

  it('refuses damaged and hostile files with a readable reason', () => {
    const cases: [string, RegExp][] = [
      ['', /not JSON/],
      ['{', /not JSON/],
      ['[]', /expected a JSON object/],
      ['null', /expected a JSON object/],
      ['"x"', /expected a JSON object/],
      [variant({ type: 'ssh-key' }), /type must be "pnrp-identity"/],
      [variant({ version: 2 }), /unsupported version/],
      [variant({ algorithm: 'RSA' }), /unsupported algorithm/],
      [variant({ secretKey: 'zz' }), /secretKey must be 64 hex digits/],
      [variant({ secretKey: 12 }), /secretKey must be 64 hex digits/],
      [variant({ publicKey: undefined }), /publicKey must be 64 hex digits/],
      [variant({ authority: 'ab'.repeat(21) }), /authority must be 40 hex digits/],
      [variant({ publicKey: toHex(createIdentity().publicKey) }), /does not belong to secretKey/],
      [variant({ authority: '0'.repeat(40) }), /authority is not the SHA-1/],
      ['{"__proto__":{"type":"pnrp-identity","version":1}}', /type must be/],
    ];
    for (const [text, why] of cases) {
      expect(
        refusal(() => parseIdentityFile(text, 'f.json')),
        text.slice(0, 40),
      ).toMatch(why);
    }
  });

  it('refuses missing, oversized, binary and non-regular files', () => {
    expect(refusal(() => loadIdentity(join(dir, 'nope.json')))).toMatch(/no such file/);
    const big = join(dir, 'big.json');
    writeFileSync(big, ' '.repeat(IDENTITY_FILE_MAX_BYTES + 1));
    expect(refusal(() => loadIdentity(big))).toMatch(/too large/);
    const binary = join(dir, 'binary.json');
    writeFileSync(binary, new Uint8Array([0xff, 0xfe, 0x00, 0x81]));
    expect(refusal(() => loadIdentity(binary))).toMatch(/not UTF-8|not JSON/);
    const sub = join(dir, 'a-directory');
    mkdirSync(sub);
    expect(refusal(() => loadIdentity(sub))).toMatch(/not a regular file|is a directory/);
  });

  it('never throws anything but IdentityFileError on arbitrary text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc
            .record({
              type: fc.constant('pnrp-identity'),
              version: fc.constant(1),
              secretKey: fc.oneof(fc.string(), fc.stringMatching(/^[0-9a-f]{64}$/)),
              publicKey: fc.oneof(fc.string(), fc.stringMatching(/^[0-9a-f]{64}$/)),
              authority: fc.oneof(fc.string(), fc.stringMatching(/^[0-9a-f]{40}$/)),
            })
            .map((o) => JSON.stringify(o)),
        ),
        (text) => {
          try {
            parseIdentityFile(text);
          } catch (e) {
            expect(e).toBeInstanceOf(IdentityFileError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
