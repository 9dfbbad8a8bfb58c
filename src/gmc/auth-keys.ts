/**
 * @module gmc/auth-keys
 * The key schedule of mutual authentication (gmc/auth.ts). [MS-PPSEC] §3.1.5 runs Group Connect
 * inside TLS, which gives it a session key and binds the peer's certificate to the channel; we
 * run without TLS, so this module supplies what TLS did: an ephemeral X25519 agreement (RFC 7748,
 * @noble/curves), a transcript hash over every handshake message as sent, and HKDF-SHA-256 (RFC
 * 5869, @noble/hashes) with the transcript hash as salt, so every key depends on both ephemeral
 * keys, both nonces, both chains and both signatures. Labels carry the role that uses a key, so
 * nothing keyed for one direction or role verifies in the other. Pure functions; no randomness.
 */
import { x25519 } from '@noble/curves/ed25519.js';
import { expand, extract } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8Encode } from '../util/bytes.js';

/** Bytes of a nonce, an X25519 public key and a MAC in the handshake. */
export const AUTH_SIZES = { nonce: 32, keyShare: 32, mac: 32, key: 32 } as const;

const PROTOCOL = utf8Encode('pnrp-gmc-auth/v2');

/** The two sides of a session. */
export type AuthRole = 'joiner' | 'member';

/**
 * SHA-256 over the protocol label and each message, each preceded by its length (u32 BE), so no
 * two different message sequences hash alike.
 * @example const th = transcriptHash([hello, challenge]);
 */
export function transcriptHash(messages: readonly Uint8Array[]): Uint8Array {
  const h = sha256.create().update(PROTOCOL);
  const len = new Uint8Array(4);
  for (const m of messages) {
    new DataView(len.buffer).setUint32(0, m.length);
    h.update(len).update(m);
  }
  return h.digest();
}

/**
 * What a side signs: a role label, then the transcript hash up to and including its own PRESENT
 * without the signature. The label makes a joiner's signature useless as a member's.
 * @example signedInput('joiner', transcriptHash([hello, challenge, presentUnsigned]))
 */
export function signedInput(role: AuthRole, th: Uint8Array): Uint8Array {
  return concatBytes(utf8Encode(`pnrp-gmc-auth/v2 ${role} signature`), th);
}

/**
 * The X25519 shared secret, or undefined when the peer's key share is invalid or low-order
 * (an all-zero result, RFC 7748 §6.1).
 * @example const dh = sharedSecret(mySecret, peerShare);
 */
export function sharedSecret(secret: Uint8Array, peerShare: Uint8Array): Uint8Array | undefined {
  try {
    const s = x25519.getSharedSecret(secret, peerShare);
    return s.some((b) => b !== 0) ? s : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The X25519 public key share of a 32-byte secret.
 * @example const share = keyShareOf(rng.bytes(32));
 */
export function keyShareOf(secret: Uint8Array): Uint8Array {
  return x25519.getPublicKey(secret);
}

/**
 * Keys of an authenticated session, as seen from one side. Hand `sendKey`/`receiveKey` to an AEAD
 * (one key per direction, so a message cannot be reflected back to its sender), or derive more
 * with {@link SessionKeys.exportKey}.
 */
export interface SessionKeys {
  /** 32 bytes both sides hold; the root of the others. */
  readonly sessionKey: Uint8Array;
  /** Key for what this side sends. */
  readonly sendKey: Uint8Array;
  /** Key for what this side receives (the peer's `sendKey`). */
  readonly receiveKey: Uint8Array;
  /** Transcript hash of the whole handshake: a channel binding for proofs made inside it. */
  readonly channelBinding: Uint8Array;
  /** `length` bytes of key material for `label` (an exporter, as RFC 5705); same on both sides. */
  exportKey(label: string, length: number): Uint8Array;
}

/** Internal: the schedule both the session keys and the handshake MACs come from. */
export interface KeySchedule {
  readonly prk: Uint8Array;
  readonly channelBinding: Uint8Array;
}

/**
 * HKDF-Extract of the shared secret with the transcript hash of HELLO, CHALLENGE and both
 * PRESENT messages as salt.
 * @example const ks = keySchedule(dh, transcriptHash(all4));
 */
export function keySchedule(dh: Uint8Array, channelBinding: Uint8Array): KeySchedule {
  return { prk: extract(sha256, dh, channelBinding), channelBinding };
}

function derive(ks: KeySchedule, label: string, length: number = AUTH_SIZES.key): Uint8Array {
  return expand(sha256, ks.prk, utf8Encode(`pnrp-gmc-auth/v2 ${label}`), length);
}

/**
 * The session keys for `role`.
 * @example const keys = sessionKeys(ks, 'joiner'); keys.sendKey // = member's receiveKey
 */
export function sessionKeys(ks: KeySchedule, role: AuthRole): SessionKeys {
  const joinerToMember = derive(ks, 'joiner to member');
  const memberToJoiner = derive(ks, 'member to joiner');
  return {
    sessionKey: derive(ks, 'session'),
    sendKey: role === 'joiner' ? joinerToMember : memberToJoiner,
    receiveKey: role === 'joiner' ? memberToJoiner : joinerToMember,
    channelBinding: ks.channelBinding,
    exportKey(label: string, length: number): Uint8Array {
      if (typeof label !== 'string' || label.length === 0)
        throw new TypeError('exportKey: label must be a non-empty string');
      if (!Number.isSafeInteger(length) || length < 1 || length > 255 * 32)
        throw new RangeError('exportKey: length must be 1..8160');
      return derive(ks, `exporter ${label}`, length);
    },
  };
}

/**
 * A MAC by `role` for `purpose` ('finished' or 'refuse') over `data`, under a key of the schedule.
 * @example const mac = handshakeMac(ks, 'joiner', 'finished', ks.channelBinding);
 */
export function handshakeMac(
  ks: KeySchedule,
  role: AuthRole,
  purpose: 'finished' | 'refuse',
  data: Uint8Array,
): Uint8Array {
  return hmac(sha256, derive(ks, `${role} ${purpose}`), concatBytes(ks.channelBinding, data));
}

/**
 * Compares two byte strings in time independent of where they differ.
 * @example macEqual(received, expected)
 */
export function macEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
