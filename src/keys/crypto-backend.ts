/**
 * @module keys/crypto-backend
 * The synchronous crypto seam of docs/design.md §2: SHA-1, SHA-256 and Ed25519 (RFC 8032). The default
 * {@link nobleCrypto} uses @noble/hashes and @noble/curves; `pnrp/node` offers a node:crypto
 * backend. {@link memoizeVerify} wraps any backend so that verifying the same signed bytes twice
 * costs one hash instead of a second signature check.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';

/** Hashes and signatures the core needs, all synchronous. */
export interface CryptoBackend {
  /** Short name for reports, e.g. `'noble'` or `'node'`. */
  readonly name: string;
  /** SHA-1 of `data` (20 bytes): peer-name authorities and the CPA's name hash. */
  sha1(data: Uint8Array): Uint8Array;
  /** SHA-256 of `data` (32 bytes): PNRP IDs and classifier hashes. */
  sha256(data: Uint8Array): Uint8Array;
  /** The 32-byte Ed25519 public key of a 32-byte secret key. */
  ed25519PublicKey(secretKey: Uint8Array): Uint8Array;
  /** A 64-byte Ed25519 signature of `message`. */
  ed25519Sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array;
  /** True when `signature` is a valid Ed25519 signature of `message` by `publicKey`; never throws. */
  ed25519Verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
}

/**
 * The pure-JavaScript default backend.
 * @example nobleCrypto.sha1(new Uint8Array(0)).length // 20
 */
export const nobleCrypto: CryptoBackend = {
  name: 'noble',
  sha1: (data) => sha1(data),
  sha256: (data) => sha256(data),
  ed25519PublicKey: (secretKey) => ed25519.getPublicKey(secretKey),
  ed25519Sign: (message, secretKey) => ed25519.sign(message, secretKey),
  ed25519Verify: (signature, message, publicKey) => {
    if (signature.length !== 64 || publicKey.length !== 32) return false;
    try {
      return ed25519.verify(signature, message, publicKey);
    } catch {
      return false;
    }
  },
};

/** Options of {@link memoizeVerify}. */
export interface MemoizeVerifyOptions {
  /**
   * Verdicts kept; the oldest is dropped past this.
   * @default 4096
   */
  readonly entriesMax?: number;
}

/** A backend whose verify verdicts are remembered; `verifyHits` counts answers from memory. */
export interface MemoizedCryptoBackend extends CryptoBackend {
  readonly verifyHits: number;
  readonly verifyMisses: number;
}

/**
 * Wraps a backend so repeated verification of identical (signature, message, key) triples is
 * answered from a bounded memo keyed by SHA-256 of the three.
 * @example const crypto = memoizeVerify(nobleCrypto, { entriesMax: 1024 });
 */
export function memoizeVerify(
  backend: CryptoBackend,
  options: MemoizeVerifyOptions = {},
): MemoizedCryptoBackend {
  const entriesMax = options.entriesMax ?? 4096;
  if (!Number.isSafeInteger(entriesMax) || entriesMax < 1) {
    throw new RangeError(`memoizeVerify: entriesMax must be a positive integer, got ${entriesMax}`);
  }
  const verdicts = new Map<string, boolean>();
  let hits = 0;
  let misses = 0;
  return {
    name: `${backend.name}+memo`,
    sha1: backend.sha1,
    sha256: backend.sha256,
    ed25519PublicKey: backend.ed25519PublicKey,
    ed25519Sign: backend.ed25519Sign,
    ed25519Verify(signature, message, publicKey) {
      const h = backend.sha256(frame(signature, message, publicKey));
      let key = '';
      for (let i = 0; i < 16; i++) key += String.fromCharCode(h[i]! | (h[i + 16]! << 8));
      const known = verdicts.get(key);
      if (known !== undefined) {
        hits++;
        return known;
      }
      misses++;
      const verdict = backend.ed25519Verify(signature, message, publicKey);
      if (verdicts.size >= entriesMax) {
        const oldest = verdicts.keys().next().value;
        if (oldest !== undefined) verdicts.delete(oldest);
      }
      verdicts.set(key, verdict);
      return verdict;
    },
    get verifyHits() {
      return hits;
    },
    get verifyMisses() {
      return misses;
    },
  };
}

/** Length-prefixes each part so different splits of the same bytes never collide. */
function frame(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + signature.length + message.length + publicKey.length);
  const v = new DataView(out.buffer);
  let o = 0;
  for (const part of [signature, message, publicKey]) {
    v.setUint32(o, part.length);
    out.set(part, o + 4);
    o += 4 + part.length;
  }
  return out;
}
