import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { passwordHashString, passwordProof } from '../../../src/gmc/password.js';

/** An independent oracle: node:crypto SHA-1 over the bytes spelled out as [MS-PPSEC] §2.2.1.2 does. */
function oracle(password: string): string {
  const utf16 = (s: string) => Buffer.from(`${s}\0`, 'utf16le');
  const digest = createHash('sha1')
    .update(Buffer.concat([utf16(password), utf16('MS P2P Grouping')]))
    .digest();
  return [...digest]
    .map((b) => String.fromCharCode(97 + (b >> 4)) + String.fromCharCode(97 + (b & 15)))
    .join('');
}

describe('password hash string', () => {
  it('matches SHA-1 of "password\\0MS P2P Grouping\\0" in UTF-16LE, one letter per nibble', () => {
    expect(passwordHashString('password')).toBe(oracle('password'));
    expect(passwordHashString('pässwörd 🔑')).toBe(oracle('pässwörd 🔑'));
    expect(passwordHashString('password')).toMatch(/^[a-p]{40}$/);
  });

  it('encodes nibbles high first, as the example 0x01234567 -> "abcdefgh"', () => {
    const h = passwordHashString('');
    const digest = createHash('sha1')
      .update(Buffer.from('\0MS P2P Grouping\0', 'utf16le'))
      .digest();
    expect(h.charCodeAt(0) - 97).toBe(digest[0]! >> 4);
    expect(h.charCodeAt(1) - 97).toBe(digest[0]! & 15);
  });

  it('passwordProof() binds the hash string to the requestor peer name', () => {
    const h = passwordHashString('secret');
    const a = passwordProof(h, `${'a'.repeat(40)}.alice`);
    const expected = createHash('sha1')
      .update(
        Buffer.concat([
          Buffer.from(`${h}\0`, 'utf16le'),
          Buffer.from(`${'a'.repeat(40)}.alice\0`, 'utf16le'),
        ]),
      )
      .digest();
    expect(Buffer.from(a).equals(expected)).toBe(true);
    expect(passwordProof(h, `${'b'.repeat(40)}.bob`)).not.toEqual(a);
    expect(() => passwordProof('not-a-hash', 'x')).toThrow(RangeError);
  });
});
