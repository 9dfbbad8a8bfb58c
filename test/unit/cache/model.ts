/**
 * Brute-force models of the route cache queries, on bigint, for the unit and property tests:
 * slow and obviously right.
 */
import { expect } from 'vitest';
import type { RouteCache } from '../../../src/cache/route-cache.js';
import {
  keyFromBigInt,
  keyToBigInt,
  RING_SIZE,
  ringDistanceBig,
} from '../../../src/keys/key256.js';
import type { Rng } from '../../../src/util/rng.js';
import type { RouteEntry } from '../../../src/wire/types.js';

const MASK = RING_SIZE - 1n;

/** A route entry for an integer key. */
export function entryAt(id: bigint, port = 3540): RouteEntry {
  return { id: keyFromBigInt(id), port, addresses: [new Uint8Array(16)] };
}

/** Integer value of an entry's id. */
export function big(entry: RouteEntry): bigint {
  return keyToBigInt(entry.id);
}

/** Every entry sorted by ring distance from `target`, ties numerically smaller first. */
export function modelClosest(
  entries: readonly RouteEntry[],
  target: bigint,
  count: number,
  accept: (e: RouteEntry) => boolean = () => true,
): RouteEntry[] {
  return entries
    .filter(accept)
    .map((e) => ({ e, d: ringDistanceBig(target, big(e)), v: big(e) }))
    .sort((a, b) => (a.d !== b.d ? (a.d < b.d ? -1 : 1) : a.v < b.v ? -1 : a.v > b.v ? 1 : 0))
    .slice(0, count)
    .map((x) => x.e);
}

/** Entries met walking clockwise from `key` (excluding `key`), nearest first. */
export function modelAbove(
  entries: readonly RouteEntry[],
  key: bigint,
  count: number,
): RouteEntry[] {
  return entries
    .filter((e) => big(e) !== key)
    .map((e) => ({ e, o: (big(e) - key) & MASK }))
    .sort((a, b) => (a.o < b.o ? -1 : 1))
    .slice(0, count)
    .map((x) => x.e);
}

/** Entries met walking anticlockwise from `key` (excluding `key`), nearest first. */
export function modelBelow(
  entries: readonly RouteEntry[],
  key: bigint,
  count: number,
): RouteEntry[] {
  return entries
    .filter((e) => big(e) !== key)
    .map((e) => ({ e, o: (key - big(e)) & MASK }))
    .sort((a, b) => (a.o < b.o ? -1 : 1))
    .slice(0, count)
    .map((x) => x.e);
}

/** Sorted integer ids of a list of entries, for order-free comparison. */
export function idsOf(entries: Iterable<RouteEntry>): bigint[] {
  return [...entries].map(big).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A uniformly random 256-bit integer from a test Rng. */
export function randomBig(rng: Rng): bigint {
  return keyToBigInt(rng.bytes(32));
}

/**
 * The structural invariant of a cache: every stored entry is either a leaf-set member or
 * charged to exactly one level, so leaf members plus level counts add up to the size; depth is
 * at most `levelsMax`. Returns the level counts of every centre.
 */
export function checkShape(cache: RouteCache, levelsMax = 16): number[][] {
  const centres = cache.localKeys().length > 0 ? cache.localKeys() : [cache.homeKey];
  const members = new Set<RouteEntry>();
  for (const key of cache.localKeys()) {
    const { below, above } = cache.leafSet(key);
    for (const e of [...below, ...above]) members.add(e);
  }
  const counts = centres.map((c) => cache.levelSummary(c).map((l) => l.count));
  const charged = counts.flat().reduce((a, b) => a + b, 0);
  expect(charged + members.size).toBe(cache.size);
  // Recount from scratch: each non-leaf entry on its nearest centre, at the deepest level whose
  // half-span 2^256/(2*10^i) contains its distance (capped at that centre's depth).
  const model = counts.map((c) => c.map(() => 0));
  const centreValues = centres.map((c) => keyToBigInt(c));
  for (const e of cache.entries()) {
    if (members.has(e)) continue;
    let best = 0;
    centreValues.forEach((c, j) => {
      const d = ringDistanceBig(c, big(e));
      const bestD = ringDistanceBig(centreValues[best]!, big(e));
      if (d < bestD) best = j;
    });
    const d = ringDistanceBig(centreValues[best]!, big(e));
    let level = 0;
    while (level + 1 < model[best]!.length && d <= RING_SIZE / (2n * 10n ** BigInt(level + 1)))
      level++;
    model[best]![level]!++;
  }
  expect(counts).toEqual(model);
  for (const c of counts) expect(c.length).toBeLessThanOrEqual(levelsMax);
  for (const e of cache.entries()) expect(cache.get(e.id)).toBe(e);
  return counts;
}
