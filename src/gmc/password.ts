/**
 * @module gmc/password
 * Password hashing of group security 1.1 ([MS-PPSEC] §2.2.1.2, Group Connect password path).
 * The password hash string is SHA-1 over the UTF-16LE password with its NUL terminator followed
 * by UTF-16LE "MS P2P Grouping" with its NUL, written one character per nibble (high nibble first)
 * as 'a' + nibble. A joiner proves the password by SHA-1 over the hash string and its own peer
 * name, each UTF-16LE with a NUL ([MS-PPSEC] Password message; the character encoding of that
 * input is our reading [inferred]). Hashes come from the `CryptoBackend`.
 *
 * Kept for interoperability only: it is weak. The salt is a constant, so one dictionary serves
 * every group; a guess costs two SHA-1 runs, so a captured proof (or an invitation's group and a
 * joiner's peer name) lets an attacker test hundreds of thousands of passwords per second per
 * core; the proof carries no nonce and names no group, so it can be replayed to the group and a
 * fake group can collect it. Groups that need not interoperate use gmc/password-strong.ts.
 */
import { type CryptoBackend, nobleCrypto } from '../keys/crypto-backend.js';
import { concatBytes, utf16leEncode } from '../util/bytes.js';

const NUL = new Uint8Array(2);
const GROUPING = utf16leEncode('MS P2P Grouping');

/**
 * The password hash string of a group password: 40 characters 'a'..'p'.
 * @example passwordHashString('password').length // 40
 */
export function passwordHashString(password: string, crypto: CryptoBackend = nobleCrypto): string {
  if (typeof password !== 'string') throw new TypeError('password must be a string');
  if (password.includes('\0')) throw new RangeError('password must not contain NUL');
  const digest = crypto.sha1(concatBytes(utf16leEncode(password), NUL, GROUPING, NUL));
  let out = '';
  for (const b of digest) out += String.fromCharCode(97 + (b >> 4), 97 + (b & 15));
  return out;
}

/**
 * What a joiner sends to prove it knows the password: SHA-1(hash string ‖ NUL ‖ its peer name ‖ NUL).
 * @example const proof = passwordProof(passwordHashString('secret'), joinerPeerName);
 */
export function passwordProof(
  hashString: string,
  requestorPeerName: string,
  crypto: CryptoBackend = nobleCrypto,
): Uint8Array {
  if (!/^[a-p]{40}$/.test(hashString)) throw new RangeError('not a password hash string');
  return crypto.sha1(
    concatBytes(utf16leEncode(hashString), NUL, utf16leEncode(requestorPeerName), NUL),
  );
}
