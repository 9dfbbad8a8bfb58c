/**
 * @module gmc/auth-codec
 * The wire form of mutual authentication (gmc/auth.ts, version 2): type (u8) | version (u8) = 2 |
 * body. HELLO 1 / CHALLENGE 2: nonce (32) | X25519 key share (32). PRESENT 3: certificate count
 * (u8, 1..25) + count x (u16 BE length + DER, each <= 4096) | Ed25519 signature (64). REFUSE 4:
 * reason length (u8) + UTF-8 reason [+ HMAC (32) once keys exist]. FINISHED 5: HMAC (32).
 * Decoding is remote input: use inside `decodeWith`; it fails with a code, never throws out.
 */
import { ByteReader, fail } from '../util/byte-reader.js';
import { concatBytes, utf8Decode } from '../util/bytes.js';
import { AUTH_SIZES } from './auth-keys.js';
import { GMC_LIMITS } from './constants.js';

/** Version byte of every message. */
export const AUTH_VERSION = 2;

/**
 * Message type bytes.
 * @example payload[0] === AUTH_MSG.present
 */
export const AUTH_MSG = { hello: 1, challenge: 2, present: 3, refuse: 4, finished: 5 } as const;

/**
 * Bounds on what a session accepts.
 * @example payload.length <= AUTH_LIMITS.messageBytesMax
 */
export const AUTH_LIMITS: {
  readonly certificateBytesMax: number;
  readonly messageBytesMax: number;
} = {
  /** A certificate in PRESENT, in bytes (the certificate cache keys DER up to this size). */
  certificateBytesMax: 4096,
  /** Any message, in bytes: a full 25-certificate PRESENT of 2 KB certificates. */
  messageBytesMax: 3 + GMC_LIMITS.chainCertificatesMax * (2 + 2048) + 64,
};

/** A decoded message; PRESENT keeps its bytes up to the signature (`unsigned`). */
export type DecodedAuthMessage =
  | { type: 1 | 2; nonce: Uint8Array; share: Uint8Array }
  | { type: 3; chain: Uint8Array[]; unsigned: Uint8Array; signature: Uint8Array }
  | { type: 4; reasonBytes: Uint8Array; reason: string; mac: Uint8Array | undefined }
  | { type: 5; mac: Uint8Array };

/**
 * A message: its type, the version and the body parts.
 * @example frame(AUTH_MSG.finished, mac)
 */
export function frame(type: number, ...body: Uint8Array[]): Uint8Array {
  return concatBytes(new Uint8Array([type, AUTH_VERSION]), ...body);
}

/**
 * Decodes one message; use inside `decodeWith` (codes: version, limit, unknown-type,
 * trailing-bytes, truncated).
 * @example const r = decodeWith(() => decodeAuthMessage(payload));
 */
export function decodeAuthMessage(payload: Uint8Array): DecodedAuthMessage {
  const r = new ByteReader(payload);
  const type = r.u8();
  if (r.u8() !== AUTH_VERSION) fail('version', 'unsupported version');
  let out: DecodedAuthMessage;
  if (type === AUTH_MSG.hello || type === AUTH_MSG.challenge) {
    out = { type, nonce: r.bytes(AUTH_SIZES.nonce), share: r.bytes(AUTH_SIZES.keyShare) };
  } else if (type === AUTH_MSG.present) {
    const count = r.u8();
    if (count === 0 || count > GMC_LIMITS.chainCertificatesMax)
      fail('limit', `${count} certificates`);
    const chain: Uint8Array[] = [];
    for (let i = 0; i < count; i++) {
      const length = r.u16be();
      if (length > AUTH_LIMITS.certificateBytesMax) fail('limit', `certificate of ${length}`);
      chain.push(r.bytes(length));
    }
    const unsigned = payload.subarray(0, r.offset);
    out = { type, chain, unsigned, signature: r.bytes(64) };
  } else if (type === AUTH_MSG.refuse) {
    const reasonBytes = r.bytes(r.u8());
    const reason = utf8Decode(reasonBytes) ?? 'unreadable reason';
    const mac = r.remaining === AUTH_SIZES.mac ? r.bytes(AUTH_SIZES.mac) : undefined;
    out = { type, reasonBytes, reason, mac };
  } else if (type === AUTH_MSG.finished) {
    out = { type, mac: r.bytes(AUTH_SIZES.mac) };
  } else {
    return fail('unknown-type', `message type ${type}`);
  }
  if (r.remaining !== 0) fail('trailing-bytes', `${r.remaining} bytes after the message`);
  return out;
}
