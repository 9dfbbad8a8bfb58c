/**
 * @module keys/identity
 * Identities: Ed25519 key pairs (RFC 8032, docs/design.md §5 crypto profile) and the secured authority
 * they own, the lowercase hex of SHA-1 of the raw 32-byte public key.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { toHex } from '../util/bytes.js';
import { type CryptoBackend, nobleCrypto } from './crypto-backend.js';

/** A key pair and the authority it may publish secured names under. */
export interface Identity {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
  /** 40 lowercase hex digits: SHA-1 of `publicKey`. */
  readonly authority: string;
}

/**
 * The secured authority of a public key.
 * @example authorityOf(identity.publicKey) // '3f0c...' (40 hex digits)
 */
export function authorityOf(publicKey: Uint8Array, crypto: CryptoBackend = nobleCrypto): string {
  if (!(publicKey instanceof Uint8Array)) throw new TypeError('publicKey must be a Uint8Array');
  if (publicKey.length !== 32)
    throw new RangeError(`Ed25519 public key must be 32 bytes, got ${publicKey.length}`);
  return toHex(crypto.sha1(publicKey));
}

/**
 * A new identity. With a 32-byte `seed` the key pair is deterministic (tests, simulations);
 * without one the secret key comes from the platform CSPRNG through @noble/curves.
 * @example const alice = createIdentity(); const name = `${alice.authority}.chat`;
 */
export function createIdentity(seed?: Uint8Array, crypto: CryptoBackend = nobleCrypto): Identity {
  let secretKey: Uint8Array;
  if (seed === undefined) {
    secretKey = ed25519.utils.randomSecretKey();
  } else {
    if (!(seed instanceof Uint8Array)) throw new TypeError('identity seed must be a Uint8Array');
    if (seed.length !== 32)
      throw new RangeError(`identity seed must be 32 bytes, got ${seed.length}`);
    secretKey = seed.slice();
  }
  const publicKey = crypto.ed25519PublicKey(secretKey);
  return { publicKey, secretKey, authority: authorityOf(publicKey, crypto) };
}
