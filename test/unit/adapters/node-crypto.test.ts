/**
 * The node:crypto backend against the pure-JavaScript one: signatures cross-verify both ways, the
 * hashes agree, RFC 8032 test 1 holds, and hostile inputs give `false`, never an exception.
 */
import { describe, expect, it } from 'vitest';
import { createNodeCrypto, nodeCrypto } from '../../../src/adapters/node/index.js';
import { nobleCrypto } from '../../../src/keys/index.js';
import { fromHex, toHex, utf8Encode } from '../../../src/util/bytes.js';
import { seededRng } from '../../../src/util/rng.js';

const SEED = Number(process.env.PNRP_SEED ?? 5);
const rng = seededRng(SEED);

describe(`nodeCrypto (seed ${SEED})`, () => {
  it('derives the RFC 8032 test 1 public key and signature', () => {
    const secret = fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
    expect(toHex(nodeCrypto.ed25519PublicKey(secret))).toBe(
      'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    );
    expect(toHex(nodeCrypto.ed25519Sign(new Uint8Array(0), secret))).toBe(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    );
  });

  it('produces signatures noble verifies, and verifies noble signatures', () => {
    for (let i = 0; i < 20; i++) {
      const secret = rng.bytes(32);
      const message = rng.bytes(rng.nextInt(300));
      const publicKey = nobleCrypto.ed25519PublicKey(secret);
      expect(toHex(nodeCrypto.ed25519PublicKey(secret))).toBe(toHex(publicKey));
      const nodeSig = nodeCrypto.ed25519Sign(message, secret);
      const nobleSig = nobleCrypto.ed25519Sign(message, secret);
      expect(toHex(nodeSig)).toBe(toHex(nobleSig)); // Ed25519 is deterministic
      expect(nobleCrypto.ed25519Verify(nodeSig, message, publicKey)).toBe(true);
      expect(nodeCrypto.ed25519Verify(nobleSig, message, publicKey)).toBe(true);
    }
  });

  it('rejects a signature of other bytes or by another key', () => {
    const secret = rng.bytes(32);
    const message = utf8Encode('hello');
    const signature = nobleCrypto.ed25519Sign(message, secret);
    const publicKey = nobleCrypto.ed25519PublicKey(secret);
    expect(nodeCrypto.ed25519Verify(signature, utf8Encode('hellp'), publicKey)).toBe(false);
    const other = nobleCrypto.ed25519PublicKey(rng.bytes(32));
    expect(nodeCrypto.ed25519Verify(signature, message, other)).toBe(false);
    const flipped = signature.slice();
    flipped[10]! ^= 1;
    expect(nodeCrypto.ed25519Verify(flipped, message, publicKey)).toBe(false);
  });

  it('returns false, never throws, for malformed signatures, keys and arguments', () => {
    const message = utf8Encode('x');
    const good = nobleCrypto.ed25519PublicKey(rng.bytes(32));
    const sig = new Uint8Array(64);
    const cases: [unknown, unknown, unknown][] = [
      [new Uint8Array(63), message, good],
      [new Uint8Array(65), message, good],
      [sig, message, new Uint8Array(31)],
      [sig, message, new Uint8Array(0)],
      [sig, message, new Uint8Array(32).fill(0xff)], // not a curve point
      [new Uint8Array(64).fill(0xff), message, good], // s out of range
      ['sig', message, good],
      [sig, 'message', good],
      [sig, message, null],
    ];
    for (const [s, m, k] of cases) {
      expect(nodeCrypto.ed25519Verify(s as Uint8Array, m as Uint8Array, k as Uint8Array)).toBe(
        false,
      );
    }
    for (let i = 0; i < 200; i++) {
      expect(nodeCrypto.ed25519Verify(rng.bytes(64), rng.bytes(8), rng.bytes(32))).toBe(false);
    }
  });

  it('throws RangeError/TypeError for a bad secret key (local misuse)', () => {
    expect(() => nodeCrypto.ed25519Sign(new Uint8Array(1), new Uint8Array(31))).toThrow(RangeError);
    expect(() => nodeCrypto.ed25519PublicKey('x' as unknown as Uint8Array)).toThrow(TypeError);
  });

  it('hashes like noble and returns plain Uint8Arrays', () => {
    for (const len of [0, 1, 55, 56, 64, 1000]) {
      const data = rng.bytes(len);
      expect(toHex(nodeCrypto.sha1(data))).toBe(toHex(nobleCrypto.sha1(data)));
      expect(toHex(nodeCrypto.sha256(data))).toBe(toHex(nobleCrypto.sha256(data)));
    }
    const digest = nodeCrypto.sha256(new Uint8Array(0));
    expect(Object.getPrototypeOf(digest)).toBe(Uint8Array.prototype);
  });

  it('keeps at most publicKeysMax public keys and still verifies after eviction', () => {
    const crypto = createNodeCrypto({ publicKeysMax: 2 });
    const signers = [0, 1, 2].map(() => rng.bytes(32));
    const message = utf8Encode('m');
    const check = (secret: Uint8Array) =>
      crypto.ed25519Verify(
        nobleCrypto.ed25519Sign(message, secret),
        message,
        nobleCrypto.ed25519PublicKey(secret),
      );
    for (const s of [...signers, ...signers]) expect(check(s)).toBe(true);
    expect(crypto.keyCacheMisses).toBe(6); // 3 keys cycling through 2 slots: always evicted
    expect(check(signers[2]!)).toBe(true);
    expect(crypto.keyCacheHits).toBe(1);
    expect(() => createNodeCrypto({ publicKeysMax: 0 })).toThrow(RangeError);
  });
});
