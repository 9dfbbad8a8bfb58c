import { createHash, scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { passwordHashString, passwordProof } from '../../../src/gmc/password.js';
import {
  createKdfParams,
  derivePasswordSecret,
  derivePasswordSecretAsync,
  parseKdfParams,
  strongPasswordProof,
  verifyStrongPasswordProof,
} from '../../../src/gmc/password-strong.js';
import { seededRng } from '../../../src/util/rng.js';

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

describe('strong password mode', () => {
  const group = `${'c'.repeat(40)}.chat`;
  const params = createKdfParams(seededRng(Number(process.env.PNRP_SEED ?? 5)), { logN: 15 });
  const secret = derivePasswordSecret('correct horse', group, params);
  const nonce = (b: number) => new Uint8Array(32).fill(b);
  const ctx = {
    joinerPeerName: `${'a'.repeat(40)}.alice`,
    nonceMember: nonce(1),
    nonceJoiner: nonce(2),
    channelBinding: nonce(3),
  };

  it('derives scrypt(password, label ‖ salt ‖ group peer name), checked against node:crypto', () => {
    const prefixed = (b: Uint8Array) =>
      Buffer.concat([Buffer.from([b.length >> 8, b.length & 255]), b]);
    const salt = Buffer.concat([
      Buffer.from('pnrp-gmc-password/v1 salt'),
      prefixed(params.salt),
      prefixed(Buffer.from(group)),
    ]);
    const expected = scryptSync(Buffer.from('correct horse'), salt, 32, {
      N: 2 ** 15,
      r: 8,
      p: 1,
      maxmem: 2 ** 30,
    });
    expect(Buffer.from(secret.key).equals(expected)).toBe(true);
    expect(params.salt).toHaveLength(32);
    expect(createKdfParams(seededRng(1)).logN).toBe(16);
  });

  it('the async derivation gives the same secret', async () => {
    const again = await derivePasswordSecretAsync('correct horse', group, params);
    expect(again.key).toEqual(secret.key);
  }, 20_000);

  it('the secret depends on the password, the salt and the group', () => {
    const other = createKdfParams(seededRng(99), { logN: 15 });
    for (const s of [
      derivePasswordSecret('correct horsf', group, params),
      derivePasswordSecret('correct horse', `${'d'.repeat(40)}.chat`, params),
      derivePasswordSecret('correct horse', group, other),
    ])
      expect(s.key).not.toEqual(secret.key);
  }, 20_000);

  it('a proof verifies only for the same group, joiner, nonces and channel', () => {
    const proof = strongPasswordProof(secret, ctx);
    expect(verifyStrongPasswordProof(secret, ctx, proof)).toBe(true);
    for (const changed of [
      { ...ctx, joinerPeerName: `${'b'.repeat(40)}.bob` },
      { ...ctx, nonceMember: nonce(9) },
      { ...ctx, nonceJoiner: nonce(9) },
      { ...ctx, channelBinding: nonce(9) },
      {
        joinerPeerName: ctx.joinerPeerName,
        nonceMember: ctx.nonceMember,
        nonceJoiner: ctx.nonceJoiner,
      },
    ])
      expect(verifyStrongPasswordProof(secret, changed, proof)).toBe(false);
    const otherGroup = { ...secret, groupPeerName: `${'d'.repeat(40)}.chat` };
    expect(verifyStrongPasswordProof(otherGroup, ctx, proof)).toBe(false);
    expect(verifyStrongPasswordProof(secret, ctx, proof.subarray(1))).toBe(false);
    expect(() =>
      strongPasswordProof(secret, { ...ctx, nonceMember: nonce(1).subarray(4) }),
    ).toThrow(RangeError);
  });

  it('parameters out of bounds are refused: from a peer (undefined) and locally (RangeError)', () => {
    const salt = nonce(4);
    expect(parseKdfParams('scrypt;ln=16;r=8;p=1', salt)?.logN).toBe(16);
    for (const text of [
      'scrypt;ln=14;r=8;p=1',
      'scrypt;ln=19;r=8;p=1',
      'scrypt;ln=16;r=1;p=1',
      'argon2id',
    ])
      expect(parseKdfParams(text, salt)).toBeUndefined();
    expect(parseKdfParams('scrypt;ln=16;r=8;p=1', salt.subarray(0, 8))).toBeUndefined();
    expect(() => createKdfParams(seededRng(1), { logN: 12 })).toThrow(RangeError);
    expect(() => derivePasswordSecret('x', group, { ...params, logN: 10 })).toThrow(RangeError);
  });
});
