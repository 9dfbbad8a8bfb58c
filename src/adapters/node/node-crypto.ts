/**
 * @module adapters/node/node-crypto
 * A {@link CryptoBackend} on `node:crypto` (OpenSSL): SHA-1, SHA-256 and Ed25519 (RFC 8032),
 * all synchronous, about 14 times faster than the pure-JavaScript default at verifying (docs/design.md
 * §2, §7). Raw 32-byte keys are wrapped as `KeyObject`s through their DER forms (SPKI for public
 * keys, PKCS #8 for secret keys). Verification is the hot path, so public `KeyObject`s are kept in
 * a bounded cache (the oldest dropped first); secret `KeyObject`s are remembered per secret-key
 * array in a `WeakMap`, so no secret is ever turned into a map key string.
 */

import { Buffer } from 'node:buffer';
import {
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  hash as nodeHash,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';
import type { CryptoBackend } from '../../keys/crypto-backend.js';

/** DER SubjectPublicKeyInfo of an Ed25519 key (OID 1.3.101.112) up to the 32 raw key bytes. */
const SPKI_PREFIX = Buffer.from([
  0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
]);
/** DER PKCS #8 PrivateKeyInfo of an Ed25519 key up to the 32-byte seed. */
const PKCS8_PREFIX = Buffer.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);

/** Options of {@link createNodeCrypto}. */
export interface NodeCryptoOptions {
  /**
   * Public-key `KeyObject`s kept for verification; the oldest is dropped past this.
   * @default 1024
   */
  readonly publicKeysMax?: number;
}

/** A node:crypto backend and its cache counters. */
export interface NodeCryptoBackend extends CryptoBackend {
  /** Verifications whose public `KeyObject` came from the cache. */
  readonly keyCacheHits: number;
  /** Verifications that had to import their public key. */
  readonly keyCacheMisses: number;
}

/**
 * A node:crypto backend with its own public-key cache.
 * @example
 * const crypto = createNodeCrypto({ publicKeysMax: 4096 });
 * const node = new DrtNode({ rng: systemRng(), localEndpoints, crypto });
 */
export function createNodeCrypto(options: NodeCryptoOptions = {}): NodeCryptoBackend {
  const publicKeysMax = options.publicKeysMax ?? 1024;
  if (!Number.isSafeInteger(publicKeysMax) || publicKeysMax < 1) {
    throw new RangeError(
      `createNodeCrypto: publicKeysMax must be a positive integer, got ${publicKeysMax}`,
    );
  }
  const publicKeys = new Map<string, KeyObject>();
  const secretKeys = new WeakMap<Uint8Array, { copy: Uint8Array; key: KeyObject }>();
  let hits = 0;
  let misses = 0;

  const publicKeyObject = (publicKey: Uint8Array): KeyObject => {
    const id = latin1(publicKey);
    let key = publicKeys.get(id);
    if (key) {
      hits++;
      return key;
    }
    misses++;
    key = createPublicKey({ key: der(SPKI_PREFIX, publicKey), format: 'der', type: 'spki' });
    if (publicKeys.size >= publicKeysMax) {
      const oldest = publicKeys.keys().next().value;
      if (oldest !== undefined) publicKeys.delete(oldest);
    }
    publicKeys.set(id, key);
    return key;
  };

  const secretKeyObject = (secretKey: Uint8Array): KeyObject => {
    if (!(secretKey instanceof Uint8Array)) throw new TypeError('secretKey must be a Uint8Array');
    if (secretKey.length !== 32)
      throw new RangeError(`Ed25519 secret key must be 32 bytes, got ${secretKey.length}`);
    const known = secretKeys.get(secretKey);
    if (known && sameBytes(known.copy, secretKey)) return known.key;
    const key = createPrivateKey({
      key: der(PKCS8_PREFIX, secretKey),
      format: 'der',
      type: 'pkcs8',
    });
    secretKeys.set(secretKey, { copy: secretKey.slice(), key });
    return key;
  };

  return {
    name: 'node',
    sha1: (data) => bytesOf(nodeHash('sha1', data, 'buffer')),
    sha256: (data) => bytesOf(nodeHash('sha256', data, 'buffer')),
    ed25519PublicKey(secretKey) {
      const spki = createPublicKey(secretKeyObject(secretKey)).export({
        format: 'der',
        type: 'spki',
      });
      return bytesOf(spki.subarray(SPKI_PREFIX.length));
    },
    ed25519Sign(message, secretKey) {
      if (!(message instanceof Uint8Array)) throw new TypeError('message must be a Uint8Array');
      return bytesOf(nodeSign(null, message, secretKeyObject(secretKey)));
    },
    ed25519Verify(signature, message, publicKey) {
      if (
        !(signature instanceof Uint8Array) ||
        !(message instanceof Uint8Array) ||
        !(publicKey instanceof Uint8Array) ||
        signature.length !== 64 ||
        publicKey.length !== 32
      )
        return false;
      try {
        return nodeVerify(null, message, publicKeyObject(publicKey), signature);
      } catch {
        return false;
      }
    },
    get keyCacheHits() {
      return hits;
    },
    get keyCacheMisses() {
      return misses;
    },
  };
}

/**
 * The shared node:crypto backend (public-key cache of 1,024 entries).
 * @example
 * import { nodeCrypto } from 'pnrp/node';
 * const node = new DrtNode({ rng: systemRng(), localEndpoints, crypto: nodeCrypto });
 */
export const nodeCrypto: NodeCryptoBackend = createNodeCrypto();

function der(prefix: Uint8Array, raw: Uint8Array): Buffer {
  return Buffer.concat([prefix, raw]);
}

/** A plain Uint8Array copy (a Buffer's `slice` is a view, which core code does not expect). */
function bytesOf(buffer: Uint8Array): Uint8Array {
  return new Uint8Array(buffer);
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
