/**
 * Easy Connect codes: the alphabet leaves out look-alikes, codes round-trip through every
 * spelling a person may type, the code of a key is fixed (a known answer computed by hand from
 * SHA-256), and the accepter's match check refuses any other key.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import {
  codeMatchesKey,
  EASY_CONNECT_ALPHABET,
  easyConnectCodeOf,
  easyConnectPeerName,
  formatEasyConnectCode,
  parseEasyConnectCode,
} from '../../../src/easy-connect/index.js';
import { createIdentity } from '../../../src/keys/identity.js';
import { parsePeerName } from '../../../src/keys/peer-name.js';

const key = (n: number): Uint8Array => createIdentity(new Uint8Array(32).fill(n)).publicKey;

/** An independent reading of the code rule: the digest as a bit string, 5 bits per symbol. */
function codeByBits(publicKey: Uint8Array): string {
  const domain = new TextEncoder().encode('pnrp easy-connect v1');
  const input = new Uint8Array(domain.length + 32);
  input.set(domain);
  input.set(publicKey, domain.length);
  const bits = [...sha256(input)].map((b) => b.toString(2).padStart(8, '0')).join('');
  let out = '';
  for (let i = 0; i < 12; i++)
    out += EASY_CONNECT_ALPHABET[Number.parseInt(bits.slice(i * 5, i * 5 + 5), 2)];
  return out;
}

describe('easy-connect code', () => {
  it('the alphabet has 32 distinct symbols and no 0, O, 1, I or l', () => {
    expect(new Set(EASY_CONNECT_ALPHABET).size).toBe(32);
    for (const c of '0O1Il') expect(EASY_CONNECT_ALPHABET.includes(c)).toBe(false);
  });

  it('easyConnectCodeOf() takes the first 60 bits of SHA-256(domain ‖ key), 5 bits per symbol', () => {
    for (let n = 1; n <= 20; n++) {
      const code = easyConnectCodeOf(key(n));
      expect(code).toMatch(/^[2-9A-HJ-NP-Z]{12}$/);
      expect(code).toBe(codeByBits(key(n)));
    }
  });

  it('parseEasyConnectCode() accepts lower case, spaces and dashes, and formats 4-4-4', () => {
    const code = easyConnectCodeOf(key(7));
    const grouped = formatEasyConnectCode(code);
    expect(grouped).toMatch(/^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
    for (const typed of [grouped, grouped.toLowerCase(), grouped.replaceAll('-', ' '), ` ${code} `])
      expect(parseEasyConnectCode(typed)).toEqual({ ok: true, value: code });
  });

  it('parseEasyConnectCode() names look-alikes and wrong lengths instead of guessing', () => {
    const zero = parseEasyConnectCode('ABCD-EFGH-JKM0');
    expect(zero.ok).toBe(false);
    if (!zero.ok) expect(zero.error).toMatchObject({ code: 'symbol' });
    if (!zero.ok) expect(zero.error.detail).toContain('zero');
    const short = parseEasyConnectCode('ABCD-EFGH');
    expect(short.ok ? undefined : short.error.code).toBe('length');
    expect(parseEasyConnectCode('x'.repeat(100)).ok).toBe(false);
    expect(parseEasyConnectCode(42 as unknown as string).ok).toBe(false);
    expect(() => formatEasyConnectCode('nope')).toThrow(RangeError);
  });

  it('the peer name of a code is an unsecured EasyConnect-<code> name', () => {
    const code = easyConnectCodeOf(key(3));
    const name = easyConnectPeerName(formatEasyConnectCode(code).toLowerCase());
    expect(name).toBe(`0.EasyConnect-${code}`);
    expect(parsePeerName(name).secured).toBe(false);
  });

  it('codeMatchesKey() accepts the key of the code and refuses every other key', () => {
    const code = easyConnectCodeOf(key(5));
    expect(codeMatchesKey(formatEasyConnectCode(code), key(5))).toBe(true);
    for (let n = 6; n < 30; n++) expect(codeMatchesKey(code, key(n))).toBe(false);
    expect(codeMatchesKey(code, new Uint8Array(31))).toBe(false);
    expect(codeMatchesKey('bad', key(5))).toBe(false);
  });
});
