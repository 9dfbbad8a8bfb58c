import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { nobleCrypto } from '../../../src/keys/crypto-backend.js';
import { SHA256_SHORT_MAX, sha256Short } from '../../../src/keys/sha256-short.js';
import { seededRng } from '../../../src/util/rng.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('sha256Short', () => {
  it('matches the FIPS 180-4 examples', () => {
    expect(hex(sha256Short(new Uint8Array(0)))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(hex(sha256Short(new TextEncoder().encode('abc')))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    const two = new TextEncoder().encode(
      'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
    );
    expect(hex(sha256Short(two))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('matches noble for every length up to the limit, on random and all-ones bytes', () => {
    const rng = seededRng(7);
    for (let n = 0; n <= SHA256_SHORT_MAX; n++) {
      const data = rng.bytes(n);
      expect(hex(sha256Short(data)), `length ${n}`).toBe(hex(sha256(data)));
      data.fill(0xff);
      expect(hex(sha256Short(data)), `ones ${n}`).toBe(hex(sha256(data)));
    }
  });

  it('returns a fresh result each call and leaves its input alone', () => {
    const data = new Uint8Array([1, 2, 3]);
    const a = sha256Short(data);
    const b = sha256Short(new Uint8Array([9]));
    expect(hex(a)).toBe(hex(sha256(new Uint8Array([1, 2, 3]))));
    expect(a).not.toBe(b);
    expect([...data]).toEqual([1, 2, 3]);
  });

  it('refuses longer input; the backend hashes any length', () => {
    expect(() => sha256Short(new Uint8Array(SHA256_SHORT_MAX + 1))).toThrow(RangeError);
    for (const n of [0, 54, 55, 56, 64, 119, 120, 200, 1000]) {
      const data = new Uint8Array(n).map((_, i) => (i * 31 + n) & 0xff);
      expect(hex(nobleCrypto.sha256(data)), `length ${n}`).toBe(hex(sha256(data)));
    }
  });
});
