/**
 * @module cache/sorted-entries
 * The one index of the route cache: its entries in a plain array sorted by key, held by
 * reference. Every question the node asks of its cache is answered here by binary search and a
 * walk round the ring: exact lookup, the entries closest to a target (the LOOKUP responder's
 * ClosestRemoteMatch, [MS-PNRP] §3.2.5.2, and the resolver's first hops, §3.1.4.4.2) and the
 * nearest entries clockwise or anticlockwise of a key (flood targets, §3.2.5.11). A sorted array
 * costs one pointer per entry and walks in cache order, which beats a tree at ~200 entries.
 */
import type { Key } from '../keys/key256.js';
import type { Rng } from '../util/rng.js';
import type { RouteEntry } from '../wire/types.js';
import { compareKeyAt, compareKeyBytes, subtractInto } from './ring-bytes.js';

/** A filter on entries: return false to skip one. */
export type EntryFilter = (entry: RouteEntry) => boolean;

/**
 * Index of the first entry whose id is not below `id` (`sorted.length` when none).
 * @example const i = lowerBound(sorted, id); sorted[i]?.id // id or the next one up
 */
export function lowerBound(sorted: readonly RouteEntry[], id: Key): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKeyBytes(sorted[mid]!.id, id) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Index of the entry with exactly this id, or -1.
 * @example indexOfId(sorted, id) >= 0 // stored
 */
export function indexOfId(sorted: readonly RouteEntry[], id: Key): number {
  const i = lowerBound(sorted, id);
  const entry = sorted[i];
  return entry !== undefined && compareKeyBytes(entry.id, id) === 0 ? i : -1;
}

/**
 * Up to `count` accepted entries in order of ring distance from `target`, nearest first; equal
 * distances (one on each side) go numerically smaller first, as `compareDistance` orders them.
 * Two walkers leave the target clockwise and anticlockwise and the nearer candidate goes next,
 * so the cost is one binary search plus one 32-byte subtraction per entry looked at.
 * @example closestIn(sorted, target, 4)
 */
export function closestIn(
  sorted: readonly RouteEntry[],
  target: Key,
  count: number,
  accept?: EntryFilter,
): RouteEntry[] {
  const n = sorted.length;
  const out: RouteEntry[] = [];
  if (n === 0 || count <= 0) return out;
  // Bytes 0-31: clockwise offset of the next clockwise candidate; 32-63: anticlockwise offset of
  // the next anticlockwise candidate. Shared unless `accept` calls back in here.
  const offsets = closestBusy ? new Uint8Array(64) : closestScratch;
  if (offsets === closestScratch) closestBusy = true;
  try {
    walkClosest(sorted, target, count, accept, offsets, out);
  } finally {
    if (offsets === closestScratch) closestBusy = false;
  }
  return out;
}

const closestScratch = new Uint8Array(64);
let closestBusy = false;

function walkClosest(
  sorted: readonly RouteEntry[],
  target: Key,
  count: number,
  accept: EntryFilter | undefined,
  offsets: Uint8Array,
  out: RouteEntry[],
): void {
  const n = sorted.length;
  let up = lowerBound(sorted, target) % n;
  let down = (up + n - 1) % n;
  subtractInto(sorted[up]!.id, target, offsets, 0);
  subtractInto(target, sorted[down]!.id, offsets, 32);
  for (let seen = 0; seen < n && out.length < count; seen++) {
    const upEntry = sorted[up]!;
    const downEntry = sorted[down]!;
    let order = compareKeyAt(offsets, 0, offsets, 32);
    if (order === 0) order = compareKeyBytes(upEntry.id, downEntry.id);
    if (order <= 0) {
      if (accept === undefined || accept(upEntry)) out.push(upEntry);
      up = up + 1 === n ? 0 : up + 1;
      subtractInto(sorted[up]!.id, target, offsets, 0);
    } else {
      if (accept === undefined || accept(downEntry)) out.push(downEntry);
      down = down === 0 ? n - 1 : down - 1;
      subtractInto(target, sorted[down]!.id, offsets, 32);
    }
  }
}

/**
 * Up to `count` accepted entries met walking clockwise (increasing, wrapping past zero) from
 * `key`, nearest first; an entry with exactly this id is not "above" it and is left out.
 * @example walkAbove(sorted, entry.id, 1) // flood target above a new leaf-set member
 */
export function walkAbove(
  sorted: readonly RouteEntry[],
  key: Key,
  count: number,
  accept?: EntryFilter,
): RouteEntry[] {
  return walkFrom(sorted, key, count, accept, 1);
}

/**
 * Up to `count` accepted entries met walking anticlockwise (decreasing, wrapping past zero)
 * from `key`, nearest first; an entry with exactly this id is left out.
 * @example walkBelow(sorted, entry.id, 1) // flood target below a new leaf-set member
 */
export function walkBelow(
  sorted: readonly RouteEntry[],
  key: Key,
  count: number,
  accept?: EntryFilter,
): RouteEntry[] {
  return walkFrom(sorted, key, count, accept, -1);
}

/**
 * The walk of {@link walkAbove} (`step` 1) and {@link walkBelow} (`step` -1). Clockwise it starts
 * at the insertion point of `key`, past an entry with exactly that id; anticlockwise just below
 * the insertion point, where such an entry would come last. Either way that entry is one step
 * fewer, so at most the other n - 1 entries are visited.
 */
function walkFrom(
  sorted: readonly RouteEntry[],
  key: Key,
  count: number,
  accept: EntryFilter | undefined,
  step: 1 | -1,
): RouteEntry[] {
  const n = sorted.length;
  const out: RouteEntry[] = [];
  const start = lowerBound(sorted, key);
  const exact = start < n && compareKeyBytes(sorted[start]!.id, key) === 0;
  let i = step === 1 ? start + (exact ? 1 : 0) : start - 1 + n;
  for (let steps = exact ? n - 1 : n; steps > 0 && out.length < count; steps--, i += step) {
    const entry = sorted[i % n]!;
    if (accept === undefined || accept(entry)) out.push(entry);
  }
  return out;
}

/**
 * Number of stored entries strictly between `from` and `to` going clockwise, given their
 * insertion points; neither end is counted. With `from === to` that is every other entry.
 * @example entriesBetweenClockwise(sorted, localKey, id) < 5 // id lands in the upper leaf set
 */
export function entriesBetweenClockwise(sorted: readonly RouteEntry[], from: Key, to: Key): number {
  const n = sorted.length;
  const a = lowerBound(sorted, from);
  const aEnd = a < n && compareKeyBytes(sorted[a]!.id, from) === 0 ? a + 1 : a;
  const b = lowerBound(sorted, to);
  const order = compareKeyBytes(from, to);
  if (order < 0) return b - aEnd;
  const bEnd = b < n && compareKeyBytes(sorted[b]!.id, to) === 0 ? b + 1 : b;
  if (order === 0) return n - (bEnd - b);
  return n - aEnd + b;
}

/**
 * `min(n, length)` distinct entries chosen uniformly at random: a partial Fisher-Yates shuffle
 * when many are wanted, Floyd's sampling (no copy of the array) when few are.
 * @example sampleEntries(sorted, 10, rng) // maintenance INQUIREs ten random entries
 */
export function sampleEntries(sorted: readonly RouteEntry[], n: number, rng: Rng): RouteEntry[] {
  const size = sorted.length;
  const m = Math.min(n, size);
  if (m * 4 >= size) {
    const copy = sorted.slice();
    for (let j = 0; j < m; j++) {
      const k = j + rng.nextInt(size - j);
      const t = copy[j]!;
      copy[j] = copy[k]!;
      copy[k] = t;
    }
    copy.length = m;
    return copy;
  }
  const chosen = new Set<number>();
  for (let j = size - m; j < size; j++) {
    const t = rng.nextInt(j + 1);
    chosen.add(chosen.has(t) ? j : t);
  }
  return [...chosen].map((j) => sorted[j]!);
}
