/**
 * @module graph/wire/record-id
 * Record IDs ([MS-PPGRH] §3.1.7.2, checked by §3.1.7.27): the high 64 bits of an application
 * record's ID are bound to its creator, `highPart = hash[0..8) XOR hash[8..16)` with `hash` the MD5
 * of the Creator ID; the low 64 bits are a random GUID folded the same way. Decisions: the GUID is
 * taken as its 16 wire bytes, big-endian (§2.2), so "high 64 bits" are bytes 0..7; the Creator ID
 * is hashed as Windows holds it, UTF-16LE code units without the terminating null. The graph info
 * and signature records have fixed IDs (§2.2.3.1, §2.2.3.2) that are not bound to a creator.
 */
import { md5 } from '@noble/hashes/legacy.js';
import { utf16leEncode } from '../../util/bytes.js';
import type { Guid } from '../model.js';
import { checkGuid } from './primitives.js';

/**
 * The 8 bytes a creator's record IDs begin with: MD5(UTF-16LE creator ID) folded by XOR.
 * @example creatorIdHigh('alice') // 8 bytes
 */
export function creatorIdHigh(creatorId: string): Uint8Array {
  if (typeof creatorId !== 'string') throw new TypeError('creatorId must be a string');
  const hash = md5(utf16leEncode(creatorId));
  const out = new Uint8Array(8);
  for (let i = 0; i < 8; i++) out[i] = hash[i]! ^ hash[i + 8]!;
  return out;
}

/**
 * A new record ID for `creatorId` from 16 random bytes the caller drew (the core has no
 * randomness of its own): high half bound to the creator, low half the two halves of `random16`
 * XORed (§3.1.7.2). `RangeError` when `random16` is not 16 bytes.
 * @example const id = newRecordId(peerId, rng.bytes(16));
 */
export function newRecordId(creatorId: string, random16: Uint8Array): Guid {
  checkGuid(random16, 'random16');
  const id = new Uint8Array(16);
  id.set(creatorIdHigh(creatorId));
  for (let i = 0; i < 8; i++) id[8 + i] = random16[i]! ^ random16[i + 8]!;
  return id;
}

/**
 * True when the high 64 bits of `id` are those §3.1.7.27 derives from `creatorId`.
 * @example recordIdMatchesCreator(newRecordId('alice', random), 'alice') // true
 */
export function recordIdMatchesCreator(id: Guid, creatorId: string): boolean {
  if (!(id instanceof Uint8Array) || id.length !== 16) return false;
  const high = creatorIdHigh(creatorId);
  for (let i = 0; i < 8; i++) if (id[i] !== high[i]) return false;
  return true;
}
