/**
 * @module cache/leaf-set
 * Leaf sets ([MS-PNRP] §1.1, §3.2.1; reference/pnrp-wire.md §1.3): for each locally registered
 * key, the `side` numerically closest cached keys below it and the `side` closest above it. They
 * are not stored separately: because the cache never evicts a leaf-set member, the leaf set of a
 * key is exactly its `side` nearest neighbours each way in the sorted entry array, and these
 * helpers read it from there. The ring wraps, so with fewer than `2·side` entries the two sides
 * share entries (a small cloud: every node is everybody's neighbour).
 */
import type { Key } from '../keys/key256.js';
import type { RouteEntry } from '../wire/types.js';
import { compareKeyAt, subtractInto } from './ring-bytes.js';
import { entriesBetweenClockwise, walkAbove, walkBelow } from './sorted-entries.js';

/** The two sides of one leaf set, nearest first. */
export interface LeafSides {
  readonly below: RouteEntry[];
  readonly above: RouteEntry[];
}

/**
 * The leaf set of `key`: up to `side` entries each way, nearest first.
 * @example leafSidesOf(sorted, myKey, 5).above[0] // my clockwise neighbour
 */
export function leafSidesOf(sorted: readonly RouteEntry[], key: Key, side: number): LeafSides {
  return { below: walkBelow(sorted, key, side), above: walkAbove(sorted, key, side) };
}

/**
 * The leaf set of `key` as one list without repeats: the lower side, then the rest of the upper.
 * @example leafMembersOf(sorted, myKey, 5).length <= 10
 */
export function leafMembersOf(sorted: readonly RouteEntry[], key: Key, side: number): RouteEntry[] {
  const below = walkBelow(sorted, key, side);
  for (const entry of walkAbove(sorted, key, side)) {
    if (!below.includes(entry)) below.push(entry);
  }
  return below;
}

/**
 * True when `id` is, or would be once added, within the leaf set of `key`: fewer than `side`
 * cached entries lie strictly between them one way or the other. An id equal to the key is not.
 * @example isInLeafSetOf(sorted, candidate.id, myKey, 5)
 */
export function isInLeafSetOf(
  sorted: readonly RouteEntry[],
  id: Key,
  key: Key,
  side: number,
): boolean {
  if (entriesBetweenClockwise(sorted, key, id) < side) return !sameKey(id, key);
  return entriesBetweenClockwise(sorted, id, key) < side;
}

const spanScratch = new Uint8Array(64);

function sameKey(a: Key, b: Key): boolean {
  for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * True when `target` lies on the arc from the farthest lower leaf-set member of `key`, through
 * `key`, to the farthest upper member (ends included); false while either side is empty.
 * @example isWithinLeafSpanOf(sorted, target, myKey, 5) // LOOKUP responder: set the L flag?
 */
export function isWithinLeafSpanOf(
  sorted: readonly RouteEntry[],
  target: Key,
  key: Key,
  side: number,
): boolean {
  const below = walkBelow(sorted, key, side);
  const above = walkAbove(sorted, key, side);
  const farBelow = below[below.length - 1];
  const farAbove = above[above.length - 1];
  if (farBelow === undefined || farAbove === undefined) return false;
  const offsets = spanScratch; // no user code runs in here, so one buffer serves every call
  subtractInto(target, key, offsets, 0);
  subtractInto(farAbove.id, key, offsets, 32);
  if (compareKeyAt(offsets, 0, offsets, 32) <= 0) return true;
  subtractInto(key, target, offsets, 0);
  subtractInto(key, farBelow.id, offsets, 32);
  return compareKeyAt(offsets, 0, offsets, 32) <= 0;
}
