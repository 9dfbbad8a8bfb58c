import { describe, expect, it } from 'vitest';
import {
  authorityOf,
  createIdentity,
  memoizeVerify,
  nobleCrypto,
} from '../../../src/keys/index.js';
import { fromHex, toHex, utf8Encode } from '../../../src/util/bytes.js';

describe('identities', () => {
  it('createIdentity(seed) is deterministic and matches RFC 8032 test 1', () => {
    const seed = fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
    const id = createIdentity(seed);
    expect(toHex(id.publicKey)).toBe(
      'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    );
    expect(id.authority).toBe(authorityOf(id.publicKey));
    expect(id.authority).toMatch(/^[0-9a-f]{40}$/);
  });

  it('createIdentity() without a seed gives distinct keys', () => {
    expect(toHex(createIdentity().publicKey)).not.toBe(toHex(createIdentity().publicKey));
  });

  it('rejects seeds of the wrong type or length', () => {
    expect(() => createIdentity(new Uint8Array(31))).toThrow(RangeError);
    expect(() => createIdentity('x' as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => authorityOf(new Uint8Array(33))).toThrow(RangeError);
  });
});

describe('crypto backend', () => {
  const id = createIdentity(new Uint8Array(32).fill(1));
  const msg = utf8Encode('hello');
  const sig = nobleCrypto.ed25519Sign(msg, id.secretKey);

  it('verifies its own signatures and refuses tampered ones without throwing', () => {
    expect(nobleCrypto.ed25519Verify(sig, msg, id.publicKey)).toBe(true);
    const bad = sig.slice();
    bad[0]! ^= 1;
    expect(nobleCrypto.ed25519Verify(bad, msg, id.publicKey)).toBe(false);
    expect(nobleCrypto.ed25519Verify(sig.subarray(0, 10), msg, id.publicKey)).toBe(false);
    expect(nobleCrypto.ed25519Verify(sig, msg, new Uint8Array(32).fill(0xff))).toBe(false);
  });

  it('memoizeVerify() answers repeats from memory and keeps verdicts distinct', () => {
    const memo = memoizeVerify(nobleCrypto, { entriesMax: 2 });
    expect(memo.ed25519Verify(sig, msg, id.publicKey)).toBe(true);
    expect(memo.ed25519Verify(sig, msg, id.publicKey)).toBe(true);
    expect(memo.verifyHits).toBe(1);
    const bad = sig.slice();
    bad[5]! ^= 1;
    expect(memo.ed25519Verify(bad, msg, id.publicKey)).toBe(false);
    expect(memo.ed25519Verify(bad, msg, id.publicKey)).toBe(false);
    expect(memo.verifyHits).toBe(2);
    expect(memo.verifyMisses).toBe(2);
    expect(() => memoizeVerify(nobleCrypto, { entriesMax: 0 })).toThrow(RangeError);
  });
});
