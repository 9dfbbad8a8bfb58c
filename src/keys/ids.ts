/**
 * @module keys/ids
 * P2P IDs, service locations, PNRP IDs and resolve targets ([MS-PNRP] §1.3.1.2, §3.1.4.4), with
 * the byte-level choices of docs/design.md §5:
 * - classifier bytes: UTF-16LE code units of the NFC-normalized classifier, no terminator;
 *   ClassifierHash = SHA-1 of them (NFC: a decision recorded in keys/peer-name.ts);
 * - BinaryAuthority: 20 zero bytes for `0`, else the 40 hex digits decoded in order;
 * - P2P ID: first 16 bytes of SHA-1(ClassifierHash ‖ BinaryAuthority ‖ ClassifierHash ‖ "PNRP");
 * - PNRP ID: P2P ID ‖ service location (64-bit prefix ‖ 64-bit random suffix);
 * - resolve target: P2P ID ‖ resolver prefix (zero if none) ‖ 0x8000000000000000.
 */
import { concatBytes, fromHex, utf16leEncode } from '../util/bytes.js';
import type { Rng } from '../util/rng.js';
import { type CryptoBackend, nobleCrypto } from './crypto-backend.js';
import type { Key } from './key256.js';
import { type PeerName, parsePeerName } from './peer-name.js';

/** Bytes in a P2P ID. */
export const P2P_ID_BYTES = 16;
/** Bytes in a service location. */
export const SERVICE_LOCATION_BYTES = 16;
/** Bytes in a BinaryAuthority and a ClassifierHash (SHA-1). */
export const AUTHORITY_BYTES = 20;
/** ASCII "PNRP", the constant the spec calls "Goo" (0x504e5250). */
const GOO = new Uint8Array([0x50, 0x4e, 0x52, 0x50]);
/** Suffix of a resolve target: the midpoint of the 64-bit suffix space ([MS-PNRP] §3.1.4.4). */
export const RESOLVE_SUFFIX: Uint8Array = new Uint8Array([0x80, 0, 0, 0, 0, 0, 0, 0]);

function asPeerName(name: string | PeerName): PeerName {
  return typeof name === 'string' ? parsePeerName(name) : name;
}

/**
 * The 20-byte BinaryAuthority of a peer name: zeros for `0`, else the decoded hex.
 * @example binaryAuthorityOf('0.chat') // 20 zero bytes
 */
export function binaryAuthorityOf(name: string | PeerName): Uint8Array {
  const { authority } = asPeerName(name);
  return authority === '0' ? new Uint8Array(AUTHORITY_BYTES) : fromHex(authority);
}

/**
 * SHA-1 of the classifier's UTF-16LE code units (no terminator), after NFC normalization as
 * `parsePeerName` does, so `classifierHashOf('cafe\u0301')` equals `classifierHashOf('caf\u00e9')`.
 * The empty classifier hashes to SHA-1 of no bytes (a CPA without a ClassifierHash).
 * @example classifierHashOf('chat')
 */
export function classifierHashOf(
  classifier: string,
  crypto: CryptoBackend = nobleCrypto,
): Uint8Array {
  if (typeof classifier !== 'string') throw new TypeError('classifier must be a string');
  return crypto.sha1(utf16leEncode(classifier.normalize('NFC')));
}

/**
 * The P2P ID from its two inputs, as a CPA carries them (BinaryAuthority, ClassifierHash).
 * @example p2pIdFromHashes(binaryAuthorityOf(name), classifierHashOf('chat'))
 */
export function p2pIdFromHashes(
  binaryAuthority: Uint8Array,
  classifierHash: Uint8Array,
  crypto: CryptoBackend = nobleCrypto,
): Uint8Array {
  if (binaryAuthority.length !== AUTHORITY_BYTES || classifierHash.length !== AUTHORITY_BYTES) {
    throw new RangeError('binaryAuthority and classifierHash must be 20 bytes each');
  }
  const digest = crypto.sha1(concatBytes(classifierHash, binaryAuthority, classifierHash, GOO));
  return digest.slice(0, P2P_ID_BYTES);
}

/**
 * The 128-bit P2P ID of a peer name.
 * @example p2pIdOf('0.MyApplication') // Uint8Array(16)
 */
export function p2pIdOf(name: string | PeerName, crypto: CryptoBackend = nobleCrypto): Uint8Array {
  const parsed = asPeerName(name);
  return p2pIdFromHashes(
    binaryAuthorityOf(parsed),
    classifierHashOf(parsed.classifier, crypto),
    crypto,
  );
}

/**
 * A service location: the 64-bit prefix (IPv6 /64 of the service, or an application hint) and a
 * random 64-bit suffix drawn from the injected Rng ([MS-PNRP] §3.2.4.1 step 3).
 * @example serviceLocationOf(serviceLocationPrefixOf(ipv6), rng)
 */
export function serviceLocationOf(prefix: Uint8Array | undefined, rng: Rng): Uint8Array {
  const p = prefix ?? new Uint8Array(8);
  if (p.length !== 8)
    throw new RangeError(`service location prefix must be 8 bytes, got ${p.length}`);
  return concatBytes(p, rng.bytes(8));
}

/**
 * The 64-bit service location prefix of an IPv6 address (its upper 64 bits).
 * @example serviceLocationPrefixOf(ipv6Bytes) // first 8 bytes
 */
export function serviceLocationPrefixOf(ipv6: Uint8Array): Uint8Array {
  if (ipv6.length !== 16) throw new RangeError(`IPv6 address must be 16 bytes, got ${ipv6.length}`);
  return ipv6.slice(0, 8);
}

/**
 * The 256-bit PNRP ID: P2P ID ‖ service location.
 * @example pnrpIdOf('0.chat', serviceLocation)
 */
export function pnrpIdOf(
  nameOrP2pId: string | PeerName | Uint8Array,
  serviceLocation: Uint8Array,
  crypto: CryptoBackend = nobleCrypto,
): Key {
  const p2p = nameOrP2pId instanceof Uint8Array ? nameOrP2pId : p2pIdOf(nameOrP2pId, crypto);
  if (p2p.length !== P2P_ID_BYTES)
    throw new RangeError(`P2P ID must be 16 bytes, got ${p2p.length}`);
  if (serviceLocation.length !== SERVICE_LOCATION_BYTES) {
    throw new RangeError(`service location must be 16 bytes, got ${serviceLocation.length}`);
  }
  return concatBytes(p2p, serviceLocation);
}

/**
 * The key a resolver looks up: P2P ID ‖ its own 64-bit prefix (zero if none) ‖ 0x8000000000000000.
 * @example resolveTargetOf('0.chat')
 */
export function resolveTargetOf(
  name: string | PeerName,
  prefix?: Uint8Array,
  crypto: CryptoBackend = nobleCrypto,
): Key {
  const p = prefix ?? new Uint8Array(8);
  if (p.length !== 8) throw new RangeError(`resolver prefix must be 8 bytes, got ${p.length}`);
  return concatBytes(p2pIdOf(name, crypto), p, RESOLVE_SUFFIX);
}
