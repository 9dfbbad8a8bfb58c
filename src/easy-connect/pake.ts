/**
 * @module easy-connect/pake
 * The password-authenticated key exchange of Easy Connect: CPace-shaped (draft-irtf-cfrg-cpace)
 * over ristretto255 (RFC 9496, @noble/curves), so neither a party nor an eavesdropper can test
 * password guesses offline: each handshake tests exactly one guess, and the offer bounds the
 * handshakes it runs (easy-connect/offer.ts).
 *
 * - Password secret: scrypt (RFC 7914) of the NFC password, salt ASCII "pnrp easy-connect v1 "
 *   ‖ the 12-symbol code, N = 2^logN (default 2^15), r = 8, p = 1, 32 bytes. Computed once per
 *   offer or accept, outside the state machines ({@link easyConnectSecret}).
 * - Generator: g = hash_to_ristretto255(secret ‖ code, DST "pnrp-easy-connect-v1-cpace") (RFC
 *   9380). Each side draws a scalar y (64 random bytes reduced mod the group order) and sends
 *   Y = y·g; a share that does not decode or is the identity is refused.
 * - Shared secret K = y·Y'. ISK = SHA-512 over length-prefixed ("pnrp-easy-connect-v1-isk",
 *   session id, K, Y_accepter, Y_offerer). HKDF-SHA-256 (no salt) of ISK gives three 32-byte keys:
 *   "offerer confirm", "accepter confirm", "session".
 * - Key confirmation: each side sends HMAC-SHA-256(its confirm key, session ‖ Y_a ‖ Y_o), compared
 *   in constant time; the offerer's final DONE carries HMAC(offerer key, "done" ‖ transcript).
 * - Confirmation text: 8 symbols of the code alphabet from SHA-256("confirmation" ‖ session key),
 *   which both people may compare.
 *
 * Not checked against the CPace draft's test vectors (its generator string and ISK framing
 * differ); the security argument is CPace's.
 */
import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { scrypt, scryptAsync } from '@noble/hashes/scrypt.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8Encode } from '../util/bytes.js';
import type { Rng } from '../util/rng.js';
import { EASY_CONNECT_ALPHABET, parseEasyConnectCode } from './code.js';

/** Bytes of a share (a ristretto255 element), a tag and a key. */
export const SHARE_BYTES = 32;
/** Default scrypt cost of the password secret: log2 N. */
export const EASY_CONNECT_KDF_LOG_N = 15;
/** Longest password, in UTF-16 code units. */
export const PASSWORD_UNITS_MAX = 1024;

const Point = ristretto255.Point;
type RistrettoPoint = InstanceType<typeof Point>;
const DST = 'pnrp-easy-connect-v1-cpace';
const ISK_DSI = utf8Encode('pnrp-easy-connect-v1-isk');
const SALT_PREFIX = utf8Encode('pnrp easy-connect v1 ');

/** Options of {@link easyConnectSecret}. */
export interface EasyConnectSecretOptions {
  /** log2 of the scrypt cost N, 10..20; both sides must use the same. @default 15 */
  readonly logN?: number;
}

function kdfInputs(password: string, code: string, options: EasyConnectSecretOptions) {
  if (typeof password !== 'string') throw new TypeError('password must be a string');
  const pw = password.normalize('NFC');
  if (pw.length === 0) throw new RangeError('the password must not be empty');
  if (pw.length > PASSWORD_UNITS_MAX)
    throw new RangeError(`the password is longer than ${PASSWORD_UNITS_MAX} characters`);
  const parsed = parseEasyConnectCode(code);
  if (!parsed.ok) throw new RangeError(parsed.error.detail);
  const logN = options.logN ?? EASY_CONNECT_KDF_LOG_N;
  if (!Number.isInteger(logN) || logN < 10 || logN > 20)
    throw new RangeError(`logN must be an integer in 10..20, got ${logN}`);
  return {
    password: utf8Encode(pw),
    salt: concatBytes(SALT_PREFIX, utf8Encode(parsed.value)),
    opts: { N: 2 ** logN, r: 8, p: 1, dkLen: 32 },
  };
}

/**
 * The password secret of an offer (synchronous: blocks for one scrypt run, about 0.7 s at the
 * default cost). Throws RangeError for an empty password or a malformed code.
 * @example const secret = easyConnectSecret('correct horse', 'K7QX-3MNP-A9RT');
 */
export function easyConnectSecret(
  password: string,
  code: string,
  options: EasyConnectSecretOptions = {},
): Uint8Array {
  const i = kdfInputs(password, code, options);
  return scrypt(i.password, i.salt, i.opts);
}

/**
 * {@link easyConnectSecret} without blocking the event loop.
 * @example const secret = await easyConnectSecretAsync(password, code);
 */
export function easyConnectSecretAsync(
  password: string,
  code: string,
  options: EasyConnectSecretOptions = {},
): Promise<Uint8Array> {
  const i = kdfInputs(password, code, options);
  return scryptAsync(i.password, i.salt, i.opts);
}

/** One side's ephemeral key: its scalar and share over the password's generator. */
export interface PakeKeyPair {
  readonly scalar: bigint;
  readonly share: Uint8Array;
}

/** The generator of a password secret and code. */
function generatorOf(secret: Uint8Array, code: string): RistrettoPoint {
  return ristretto255_hasher.hashToCurve(concatBytes(secret, utf8Encode(code)), { DST });
}

/**
 * Draws an ephemeral scalar and its share for `secret` (32 bytes) and `code` (canonical).
 * @example const mine = pakeKeyPair(secret, code, rng);
 */
export function pakeKeyPair(secret: Uint8Array, code: string, rng: Rng): PakeKeyPair {
  const g = generatorOf(secret, code);
  let scalar = 0n;
  while (scalar === 0n) {
    let n = 0n;
    for (const b of rng.bytes(64)) n = (n << 8n) | BigInt(b);
    scalar = Point.Fn.create(n);
  }
  return { scalar, share: g.multiply(scalar).toBytes() };
}

/** The keys a completed exchange yields. */
export interface PakeKeys {
  readonly offererConfirm: Uint8Array;
  readonly accepterConfirm: Uint8Array;
  readonly session: Uint8Array;
}

function lv(bytes: Uint8Array): Uint8Array {
  return concatBytes(new Uint8Array([bytes.length >> 8, bytes.length & 0xff]), bytes);
}

/**
 * The keys of an exchange, or undefined when `peerShare` is not a valid non-identity element
 * (remote bytes never throw).
 * @example const keys = pakeKeys(mine.scalar, reply.share, session, helloShare, reply.share);
 */
export function pakeKeys(
  scalar: bigint,
  peerShare: Uint8Array,
  session: Uint8Array,
  accepterShare: Uint8Array,
  offererShare: Uint8Array,
): PakeKeys | undefined {
  let peer: RistrettoPoint;
  try {
    peer = Point.fromBytes(peerShare);
  } catch {
    return undefined;
  }
  if (peer.is0()) return undefined;
  const k = peer.multiply(scalar).toBytes();
  const isk = sha512(
    concatBytes(lv(ISK_DSI), lv(session), lv(k), lv(accepterShare), lv(offererShare)),
  );
  const derive = (label: string): Uint8Array =>
    hkdf(sha256, isk, undefined, utf8Encode(`pnrp easy-connect v1 ${label}`), 32);
  return {
    offererConfirm: derive('offerer confirm'),
    accepterConfirm: derive('accepter confirm'),
    session: derive('session'),
  };
}

/**
 * A confirmation tag over the transcript (and an optional label, e.g. "done").
 * @example const tag = confirmTag(keys.offererConfirm, session, helloShare, replyShare);
 */
export function confirmTag(
  key: Uint8Array,
  session: Uint8Array,
  accepterShare: Uint8Array,
  offererShare: Uint8Array,
  label = '',
): Uint8Array {
  return hmac(sha256, key, concatBytes(utf8Encode(label), session, accepterShare, offererShare));
}

/**
 * Compares two byte strings in time that depends only on their lengths.
 * @example if (!equalConstantTime(tag, expected)) refuse();
 */
export function equalConstantTime(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/**
 * The confirmation text of a session key: 8 symbols, `XXXX-XXXX`, equal on both sides.
 * @example confirmationOf(keys.session) // 'Q4ZD-7HMC'
 */
export function confirmationOf(sessionKey: Uint8Array): string {
  const d = sha256(concatBytes(utf8Encode('confirmation'), sessionKey));
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === 4) out += '-';
    out += EASY_CONNECT_ALPHABET[d[i]! & 31];
  }
  return out;
}
