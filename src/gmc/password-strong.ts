/**
 * @module gmc/password-strong
 * The strong password mode, the default for groups that need not interoperate with Windows. The
 * [MS-PPSEC] §2.2.1.2 scheme (gmc/password.ts) is one SHA-1 over the password and a constant
 * salt, so one captured proof lets an attacker test about 257,000 passwords per second per core,
 * the same guesses work against every group, and the proof carries no nonce or group. Here:
 * - the group secret is scrypt (RFC 7914, @noble/hashes) of the password with a per-group random
 *   salt and the group peer name: N = 2^16, r = 8, p = 1 by default (64 MiB, about 0.4 s here per
 *   guess or per join; see bench/password.bench.ts), never below 2^15 nor above 2^18 when read
 *   from an invitation, so a tampered one can neither weaken the cost nor exhaust the joiner;
 * - a joiner's proof is HMAC-SHA-256 under a key derived from that secret (HKDF, RFC 5869) over
 *   the group peer name, the joiner's peer name, the member's and the joiner's 32-byte nonces and
 *   an optional channel binding (`SessionKeys.channelBinding` of gmc/auth): no replay, no reuse
 *   for another group or channel;
 * - invitations are MACed under another derived key (gmc/invitation.ts), so a joiner knowing the
 *   password can tell a tampered invitation before it sends anything.
 * Members keep the {@link PasswordSecret} (as [MS-PPSEC] members keep the hash string): whoever
 * holds it can verify and make proofs and invitations, but it costs a full scrypt per guess to
 * turn it (or a captured proof) back into the password. A PAKE would also resist a member that
 * collects proofs; it is out of scope here.
 */
import { expand } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { scrypt, scryptAsync } from '@noble/hashes/scrypt.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8Encode } from '../util/bytes.js';
import type { Rng } from '../util/rng.js';
import { macEqual } from './auth-keys.js';

/** scrypt parameters of a group; `salt` is the group's own. */
export interface PasswordKdfParams {
  readonly algorithm: 'scrypt';
  /** log2 of the scrypt cost N. */
  readonly logN: number;
  /** Block size (fixed at 8). */
  readonly r: 8;
  /** Parallelism (fixed at 1). */
  readonly p: 1;
  readonly salt: Uint8Array;
}

/**
 * Bounds on the KDF parameters: what a group may choose and what a joiner accepts.
 * @example params.logN >= PASSWORD_KDF_LIMITS.logNMin
 */
export const PASSWORD_KDF_LIMITS: {
  readonly logNDefault: number;
  readonly logNMin: number;
  readonly logNMax: number;
  readonly saltBytesMin: number;
  readonly saltBytesMax: number;
} = { logNDefault: 16, logNMin: 15, logNMax: 18, saltBytesMin: 16, saltBytesMax: 64 };

/** What a member keeps of the group password: the parameters, the group and the scrypt output. */
export interface PasswordSecret {
  readonly params: PasswordKdfParams;
  readonly groupPeerName: string;
  /** 32 bytes: scrypt(password, salt ‖ group peer name). Secret. */
  readonly key: Uint8Array;
}

const CONTEXT = 'pnrp-gmc-password/v1';
const SALT_BYTES = 32;

/**
 * The parameters' text form in invitations.
 * @example formatKdfParams(params) // 'scrypt;ln=16;r=8;p=1'
 */
export function formatKdfParams(params: PasswordKdfParams): string {
  return `scrypt;ln=${params.logN};r=${params.r};p=${params.p}`;
}

/**
 * Reads and bounds-checks KDF parameters from remote text; undefined when refused.
 * @example parseKdfParams('scrypt;ln=16;r=8;p=1', salt)
 */
export function parseKdfParams(text: string, salt: Uint8Array): PasswordKdfParams | undefined {
  const m = /^scrypt;ln=(\d{1,2});r=8;p=1$/.exec(text);
  if (!m) return undefined;
  const logN = Number(m[1]);
  if (logN < PASSWORD_KDF_LIMITS.logNMin || logN > PASSWORD_KDF_LIMITS.logNMax) return undefined;
  if (
    salt.length < PASSWORD_KDF_LIMITS.saltBytesMin ||
    salt.length > PASSWORD_KDF_LIMITS.saltBytesMax
  )
    return undefined;
  return { algorithm: 'scrypt', logN, r: 8, p: 1, salt };
}

/**
 * Fresh parameters for a new group: a 32-byte salt from the injected `Rng` (use a CSPRNG-backed
 * one, `systemRng()`, outside tests).
 * @example const params = createKdfParams(systemRng());
 */
export function createKdfParams(
  rng: Rng,
  options: {
    /** @default 16 */
    readonly logN?: number;
  } = {},
): PasswordKdfParams {
  const logN = options.logN ?? PASSWORD_KDF_LIMITS.logNDefault;
  if (
    !Number.isInteger(logN) ||
    logN < PASSWORD_KDF_LIMITS.logNMin ||
    logN > PASSWORD_KDF_LIMITS.logNMax
  ) {
    throw new RangeError(
      `logN must be ${PASSWORD_KDF_LIMITS.logNMin}..${PASSWORD_KDF_LIMITS.logNMax}`,
    );
  }
  return { algorithm: 'scrypt', logN, r: 8, p: 1, salt: rng.bytes(SALT_BYTES) };
}

function kdfInputs(password: string, groupPeerName: string, params: PasswordKdfParams) {
  if (typeof password !== 'string') throw new TypeError('password must be a string');
  if (typeof groupPeerName !== 'string' || groupPeerName.length === 0)
    throw new TypeError('groupPeerName must be a non-empty string');
  if (
    params.algorithm !== 'scrypt' ||
    !(params.salt instanceof Uint8Array) ||
    !parseKdfParams(formatKdfParams(params), params.salt)
  )
    throw new RangeError('KDF parameters out of bounds');
  const salt = concatBytes(
    utf8Encode(`${CONTEXT} salt`),
    lengthPrefixed(params.salt),
    lengthPrefixed(utf8Encode(groupPeerName)),
  );
  return {
    password: utf8Encode(password.normalize('NFC')),
    salt,
    opts: { N: 2 ** params.logN, r: params.r, p: params.p, dkLen: 32, maxmem: 2 ** 30 },
  };
}

/**
 * The group secret for `password` (synchronous: blocks for the scrypt run, about 0.4 s at the
 * default cost). The creator calls it once; a joiner once per invitation.
 * @example const secret = derivePasswordSecret('hunter2', group.properties.peerName, params);
 */
export function derivePasswordSecret(
  password: string,
  groupPeerName: string,
  params: PasswordKdfParams,
): PasswordSecret {
  const i = kdfInputs(password, groupPeerName, params);
  return { params, groupPeerName, key: scrypt(i.password, i.salt, i.opts) };
}

/**
 * {@link derivePasswordSecret} without blocking the event loop (same result).
 * @example const secret = await derivePasswordSecretAsync(pw, name, params);
 */
export async function derivePasswordSecretAsync(
  password: string,
  groupPeerName: string,
  params: PasswordKdfParams,
): Promise<PasswordSecret> {
  const i = kdfInputs(password, groupPeerName, params);
  return { params, groupPeerName, key: await scryptAsync(i.password, i.salt, i.opts) };
}

/**
 * A subkey of the group secret for one purpose.
 * @example passwordSubkey(secret, 'invitation')
 */
export function passwordSubkey(
  secret: PasswordSecret,
  purpose: 'proof' | 'invitation',
): Uint8Array {
  return expand(sha256, secret.key, utf8Encode(`${CONTEXT} ${purpose}`), 32);
}

/**
 * Length-prefixed (u16 BE) bytes, so concatenated fields cannot be re-split.
 * @example concatBytes(lengthPrefixed(a), lengthPrefixed(b))
 */
export function lengthPrefixed(bytes: Uint8Array): Uint8Array {
  if (bytes.length > 0xffff) throw new RangeError('field over 65535 bytes');
  return concatBytes(new Uint8Array([bytes.length >> 8, bytes.length & 255]), bytes);
}

/** What a strong proof is bound to. */
export interface StrongProofContext {
  /** The joiner's peer name (its identity), as in [MS-PPSEC]'s proof. */
  readonly joinerPeerName: string;
  /** 32 random bytes the member sent for this join. */
  readonly nonceMember: Uint8Array;
  /** 32 random bytes the joiner chose for this join. */
  readonly nonceJoiner: Uint8Array;
  /** The authenticated channel's binding (`SessionKeys.channelBinding`). @default empty */
  readonly channelBinding?: Uint8Array;
}

function proofInput(secret: PasswordSecret, ctx: StrongProofContext): Uint8Array {
  for (const [name, nonce] of [
    ['nonceMember', ctx.nonceMember],
    ['nonceJoiner', ctx.nonceJoiner],
  ] as const) {
    if (!(nonce instanceof Uint8Array) || nonce.length !== 32)
      throw new RangeError(`${name} must be 32 bytes`);
  }
  return concatBytes(
    utf8Encode(`${CONTEXT} proof`),
    lengthPrefixed(utf8Encode(secret.groupPeerName)),
    lengthPrefixed(utf8Encode(ctx.joinerPeerName)),
    ctx.nonceMember,
    ctx.nonceJoiner,
    lengthPrefixed(ctx.channelBinding ?? new Uint8Array(0)),
  );
}

/**
 * The joiner's proof of the password: 32 bytes.
 * @example const proof = strongPasswordProof(secret, { joinerPeerName, nonceMember, nonceJoiner });
 */
export function strongPasswordProof(secret: PasswordSecret, ctx: StrongProofContext): Uint8Array {
  return hmac(sha256, passwordSubkey(secret, 'proof'), proofInput(secret, ctx));
}

/**
 * A member's check of a joiner's proof (constant-time compare); never throws on a bad proof.
 * @example if (!verifyStrongPasswordProof(secret, ctx, proof)) refuse();
 */
export function verifyStrongPasswordProof(
  secret: PasswordSecret,
  ctx: StrongProofContext,
  proof: Uint8Array,
): boolean {
  return proof instanceof Uint8Array && macEqual(proof, strongPasswordProof(secret, ctx));
}
