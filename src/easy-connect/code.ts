/**
 * @module easy-connect/code
 * Easy Connect codes (issue 16 Build 4): Windows 7 Remote Assistance reads a PNRP peer name to
 * another person as "12 easy to read characters"; this is our form of it.
 *
 * - Alphabet: 32 symbols, `23456789ABCDEFGHJKLMNPQRSTUVWXYZ`: no `0`/`O`, no `1`/`I`, and only
 *   upper case is printed (so no `l`). Input is case-insensitive; spaces and dashes are ignored.
 * - A code is 12 symbols (60 bits), printed 4-4-4 (`ABCD-EFGH-JKMN`) for reading aloud: the first
 *   60 bits of SHA-256(ASCII "pnrp easy-connect v1" ‖ the offerer's 32-byte Ed25519 public key),
 *   most significant bit first, 5 bits per symbol.
 * - The offerer publishes the unsecured peer name `0.EasyConnect-<12 symbols>` signed with that
 *   key; an accepter resolves it and keeps only instances whose CPA public key hashes back to the
 *   code ({@link codeMatchesKey}), so publishing under someone's code needs a key found by
 *   grinding about 2^60 candidates.
 *
 * The code is an address, not a secret: every node that stores or forwards the CPA can compute it
 * from the public key. The password protects the handshake (easy-connect/pake.ts).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8Encode } from '../util/bytes.js';
import { err, ok, type Result } from '../util/result.js';

/** The 32 symbols of a code, in value order. */
export const EASY_CONNECT_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
/** Symbols in a code. */
export const EASY_CONNECT_CODE_LENGTH = 12;
/** Classifier prefix of the peer name an offer is published under. */
export const EASY_CONNECT_CLASSIFIER_PREFIX = 'EasyConnect-';

const CODE_DOMAIN = utf8Encode('pnrp easy-connect v1');

/**
 * The code of an offerer's public key: 12 symbols, no dashes.
 * @example easyConnectCodeOf(identity.publicKey) // 'K7QX3MNPA9RT'
 */
export function easyConnectCodeOf(publicKey: Uint8Array): string {
  if (!(publicKey instanceof Uint8Array)) throw new TypeError('publicKey must be a Uint8Array');
  if (publicKey.length !== 32)
    throw new RangeError(`Ed25519 public key must be 32 bytes, got ${publicKey.length}`);
  const digest = sha256(concatBytes(CODE_DOMAIN, publicKey));
  let out = '';
  for (let i = 0; i < EASY_CONNECT_CODE_LENGTH; i++) {
    const bit = i * 5;
    const byte = bit >> 3;
    const word = (digest[byte]! << 8) | digest[byte + 1]!;
    out += EASY_CONNECT_ALPHABET[(word >> (11 - (bit & 7))) & 31];
  }
  return out;
}

/**
 * A code grouped 4-4-4 for reading aloud.
 * @example formatEasyConnectCode('K7QX3MNPA9RT') // 'K7QX-3MNP-A9RT'
 */
export function formatEasyConnectCode(code: string): string {
  const parsed = parseEasyConnectCode(code);
  if (!parsed.ok) throw new RangeError(parsed.error.detail);
  const c = parsed.value;
  return `${c.slice(0, 4)}-${c.slice(4, 8)}-${c.slice(8, 12)}`;
}

/** Look-alikes typed for symbols the alphabet leaves out, named in the refusal. */
const LOOK_ALIKES: Readonly<Record<string, string>> = {
  '0': 'zero',
  O: 'the letter O',
  '1': 'one',
  I: 'the letter I',
};

/**
 * Reads a code typed by a person: case-insensitive, spaces and dashes ignored. Never throws on
 * text; returns the 12 canonical symbols, or why the text is not a code.
 * @example parseEasyConnectCode('k7qx 3mnp-a9rt') // { ok: true, value: 'K7QX3MNPA9RT' }
 */
export function parseEasyConnectCode(text: string): Result<string> {
  if (typeof text !== 'string') return err('not-text', 'a code is text');
  if (text.length > 64) return err('length', `a code has ${EASY_CONNECT_CODE_LENGTH} symbols`);
  const bare = text.replace(/[\s-]/g, '').toUpperCase();
  for (const ch of bare) {
    if (EASY_CONNECT_ALPHABET.includes(ch)) continue;
    const alike = LOOK_ALIKES[ch];
    return err(
      'symbol',
      alike
        ? `a code never contains ${alike} ("${ch}"); check the character read out`
        : `"${ch}" is not a code symbol (${EASY_CONNECT_ALPHABET})`,
    );
  }
  if (bare.length !== EASY_CONNECT_CODE_LENGTH)
    return err(
      'length',
      `a code has ${EASY_CONNECT_CODE_LENGTH} symbols, got ${bare.length} (e.g. ABCD-EFGH-JKMN)`,
    );
  return ok(bare);
}

/**
 * The peer name an offer with this code is published under (unsecured, `0.EasyConnect-<code>`).
 * @example easyConnectPeerName('K7QX-3MNP-A9RT') // '0.EasyConnect-K7QX3MNPA9RT'
 */
export function easyConnectPeerName(code: string): string {
  const parsed = parseEasyConnectCode(code);
  if (!parsed.ok) throw new RangeError(parsed.error.detail);
  return `0.${EASY_CONNECT_CLASSIFIER_PREFIX}${parsed.value}`;
}

/**
 * True when `publicKey` (a resolved CPA's) hashes to `code`: the accepter's check that the
 * instance it found is the offer the code names, not a squatter on the peer name.
 * @example results.filter((r) => codeMatchesKey(code, r.cpa.publicKey))
 */
export function codeMatchesKey(code: string, publicKey: Uint8Array): boolean {
  const parsed = parseEasyConnectCode(code);
  if (!parsed.ok || !(publicKey instanceof Uint8Array) || publicKey.length !== 32) return false;
  return easyConnectCodeOf(publicKey) === parsed.value;
}
