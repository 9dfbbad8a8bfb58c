/**
 * @module cache/cache-gaps
 * What cache maintenance reads off the cache, computed exactly with bigint (it runs once per
 * maintenance tick, not per message):
 * - sparse levels and the largest gap in each ([MS-PNRP] §3.2.6.2 <6>: Windows "balances" its
 *   cache by looking up a key in the middle of a large gap, with the SEARCH_OPCODE_UPPER_BITS
 *   precision just sufficient to land in it);
 * - the cloud size estimate of [MS-PNRP] §3.2.6.2.1.1.
 * A gap whose two ends both lie within a full leaf set is skipped: flooding keeps leaf sets
 * exact, so nothing is missing there and looking it up would be wasted.
 */
import { type Key, keyFromBigInt, keyToBigInt, RING_SIZE } from '../keys/key256.js';
import type { RouteEntry } from '../wire/types.js';
import type { Centre } from './cache-levels.js';
import type { SparseGap } from './cache-options.js';
import { leafSidesOf } from './leaf-set.js';
import { LEVEL_HALF_SPANS_BIG } from './ring-bytes.js';

const MASK = RING_SIZE - 1n;
const HALF = RING_SIZE >> 1n;
/** Estimates at or above 2^32 are ignored ([MS-PNRP] §3.2.6.2.1.1). */
const ESTIMATE_LIMIT = 2 ** 32;

/** Everything `sparseGapsOf` needs from the cache. */
export interface GapInput {
  readonly sorted: readonly RouteEntry[];
  readonly centres: readonly Centre[];
  readonly localKeys: readonly Key[];
  readonly leafSetSide: number;
  readonly entriesPerLevel: number;
  /** Which centre an id is charged to. */
  readonly centreOf: (id: Key) => Centre;
}

function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

interface Span {
  readonly start: bigint;
  readonly length: bigint;
}
interface Gap {
  readonly from: bigint;
  readonly length: bigint;
}

/**
 * Precision for an UPPER_BITS search that lands strictly inside the clockwise gap of `length`
 * keys after `from`, around its middle: the fewest leading bits such that every key sharing
 * them with the middle lies in the gap. Undefined when no key lies strictly inside.
 * @example precisionForGap(0n, 1n << 200n) // 57: a 2^199-key block round the middle fits
 */
export function precisionForGap(from: bigint, length: bigint): number | undefined {
  if (length < 2n) return undefined;
  const middle = (from + (length >> 1n)) & MASK;
  for (let bits = length.toString(2).length - 1; bits >= 0; bits--) {
    const size = 1n << BigInt(bits);
    const start = middle & ~(size - 1n) & MASK;
    const offset = (start - from) & MASK;
    if (offset >= 1n && offset + size - 1n <= length - 1n) return 256 - bits;
  }
  return undefined;
}

function fullLeafSpans(input: GapInput): Span[] {
  const spans: Span[] = [];
  for (const key of input.localKeys) {
    const { below, above } = leafSidesOf(input.sorted, key, input.leafSetSide);
    if (below.length < input.leafSetSide || above.length < input.leafSetSide) continue;
    const start = keyToBigInt(below[below.length - 1]!.id);
    spans.push({ start, length: (keyToBigInt(above[above.length - 1]!.id) - start) & MASK });
  }
  return spans;
}

function knownEmpty(gap: Gap, spans: readonly Span[]): boolean {
  const to = gap.from + gap.length;
  return spans.some((s) => {
    const a = (gap.from - s.start) & MASK;
    const b = (to - s.start) & MASK;
    return a <= s.length && b <= s.length && a <= b;
  });
}

/** Clockwise offset up to which keys are nearer to this centre than to its neighbours. */
function voronoiLimits(centres: readonly Centre[], index: number): { cw: bigint; ccw: bigint } {
  if (centres.length < 2) return { cw: HALF, ccw: HALF };
  const key = keyToBigInt(centres[index]!.key);
  const next = keyToBigInt(centres[(index + 1) % centres.length]!.key);
  const prev = keyToBigInt(centres[(index + centres.length - 1) % centres.length]!.key);
  return { cw: ((next - key) & MASK) >> 1n, ccw: ((key - prev) & MASK) >> 1n };
}

/** Largest gap of one interval [low, high] of clockwise offsets, walls at both ends. */
function largestGapIn(
  low: bigint,
  high: bigint,
  offsets: readonly bigint[],
  spans: readonly Span[],
  base: bigint,
  best: Gap | undefined,
): Gap | undefined {
  let previous = low;
  let result = best;
  const consider = (end: bigint): void => {
    const gap: Gap = { from: (base + previous) & MASK, length: end - previous };
    if (
      gap.length >= 2n &&
      (result === undefined || gap.length > result.length) &&
      !knownEmpty(gap, spans)
    ) {
      result = gap;
    }
    previous = end;
  };
  for (const o of offsets) if (o > low && o < high) consider(o);
  consider(high);
  return result;
}

/**
 * Sparse levels (fewer than `entriesPerLevel` entries charged) of every centre and the largest
 * gap worth looking up in each, centre by centre, coarsest level first.
 * @example for (const g of sparseGapsOf(input)) lookup(g.middle, g.precisionBits);
 */
export function sparseGapsOf(input: GapInput): SparseGap[] {
  const spans = fullLeafSpans(input);
  const out: SparseGap[] = [];
  input.centres.forEach((centre, index) => {
    const base = keyToBigInt(centre.key);
    const offsets: bigint[] = [];
    for (const entry of input.sorted) {
      if (input.centreOf(entry.id) === centre) offsets.push((keyToBigInt(entry.id) - base) & MASK);
    }
    offsets.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const limit = voronoiLimits(input.centres, index);
    const depth = centre.counts.length;
    for (let level = 0; level < depth; level++) {
      if (centre.counts[level]! >= input.entriesPerLevel) continue;
      const outer = LEVEL_HALF_SPANS_BIG[level]!;
      const inner = level < depth - 1 ? LEVEL_HALF_SPANS_BIG[level + 1]! : 0n;
      const cwHigh = minBig(outer, limit.cw);
      const ccwHigh = minBig(outer, limit.ccw);
      let gap: Gap | undefined;
      if (cwHigh === HALF && ccwHigh === HALF) {
        gap = largestGapIn(inner, RING_SIZE - inner, offsets, spans, base, gap);
      } else {
        if (inner < cwHigh) gap = largestGapIn(inner, cwHigh, offsets, spans, base, gap);
        if (inner < ccwHigh) {
          gap = largestGapIn(RING_SIZE - ccwHigh, RING_SIZE - inner, offsets, spans, base, gap);
        }
      }
      const precisionBits = gap === undefined ? undefined : precisionForGap(gap.from, gap.length);
      if (gap === undefined || precisionBits === undefined) continue;
      out.push({
        localKey: centre.key,
        level,
        gapFrom: keyFromBigInt(gap.from),
        gapTo: keyFromBigInt(gap.from + gap.length),
        middle: keyFromBigInt(gap.from + (gap.length >> 1n)),
        precisionBits,
      });
    }
  });
  return out;
}

/**
 * [MS-PNRP] §3.2.6.2.1.1: for each local key with a leaf entry on both sides (nearest A below,
 * B above) the estimate 2·2^256/(B−A), B−A measured clockwise (the whole ring when A and B are
 * the same entry); estimates of 2^32 or more are ignored; the mean of the rest, divided by the
 * number of local keys, estimates the number of nodes. Undefined without any estimate.
 * @example cloudSizeOf(sorted, [myKey]) // ~1000 in a uniform cloud of 1000 nodes
 */
export function cloudSizeOf(
  sorted: readonly RouteEntry[],
  localKeys: readonly Key[],
): number | undefined {
  let sum = 0;
  let count = 0;
  for (const key of localKeys) {
    const { below, above } = leafSidesOf(sorted, key, 1);
    const a = below[0];
    const b = above[0];
    if (a === undefined || b === undefined) continue;
    let gap = (keyToBigInt(b.id) - keyToBigInt(a.id)) & MASK;
    if (gap === 0n) gap = RING_SIZE;
    // 32 fraction bits keep the division exact enough for a double.
    const estimate = Number(((2n * RING_SIZE) << 32n) / gap) / 2 ** 32;
    if (estimate >= ESTIMATE_LIMIT) continue;
    sum += estimate;
    count++;
  }
  return count === 0 ? undefined : sum / count / localKeys.length;
}
