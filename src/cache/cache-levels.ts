/**
 * @module cache/cache-levels
 * The levels of the Windows multi-level cache ([MS-PNRP] §3.2.1.1 <5>; reference/pnrp-wire.md
 * §7.7, after the PNRP cache patent): around a centre, level i covers the keys within
 * ±2^256/(2·10^i), a tenth of the span of level i-1, and an entry belongs to the deepest level
 * whose span contains it. A level holds `entriesPerLevel` entries. A full level other than the
 * deepest takes a newcomer in place of a random entry; a full deepest level grows a deeper level
 * and the entries that fall inside its span move down (a split), up to `levelsMax` levels, after
 * which the deepest level replaces at random too.
 *
 * Several centres (one per local key): each entry is charged to exactly one level of exactly one
 * centre, the centre nearest to it on the ring (ties to the numerically smaller centre). That is
 * the patent's "overlapping segments of equal granularity are merged": where two keys' spans
 * overlap, the region is covered once, at the finer granularity of the nearer key, so a second
 * key costs at most another `levelsMax·entriesPerLevel` entries and nothing is stored twice.
 *
 * Memory: a level is only a count. Which level an entry is charged to is a pure function of its
 * id, the centres and their depths, and the entries of one level sit in at most two runs of the
 * sorted entry array, so the rare operations that need the members (random replacement, split)
 * find them by binary search and a short walk. A cache thus costs one pointer per entry (the
 * sorted array) plus a few small integers per level. Leaf-set members are never charged: they
 * are the `leafSetSide` entries each side of every local key in the sorted array.
 */
import type { Key } from '../keys/key256.js';
import type { RouteEntry } from '../wire/types.js';
import type { LevelSummary, ResolvedCacheOptions, RouteCacheStats } from './cache-options.js';
import {
  addInto,
  compareKeyAt,
  compareKeyBytes,
  levelHalfSpan,
  naturalLevel,
  ringDistanceInto,
  subtractInto,
} from './ring-bytes.js';
import { lowerBound } from './sorted-entries.js';

/** A centre of levels: a local key, or the home key of a search-only node. */
export interface Centre {
  readonly key: Key;
  /** `counts[i]`: entries charged to level i; length = depth >= 1. */
  readonly counts: number[];
}

// Nothing in this module calls back into user code, so module-wide scratch buffers are safe.
const scratch = new Uint8Array(64);
const origin = new Uint8Array(32);
const limit = new Uint8Array(32);
const LEVEL_LOG2 = Math.log2(10);

/**
 * Level counts of all centres, with the placement rules of the module header.
 * @example
 * const levels = new CacheLevels(options, stats, sorted);
 * levels.setCentres([myKey], [myKey]);
 * const evicted: RouteEntry[] = []; levels.charge(entry, true, evicted);
 */
export class CacheLevels {
  private readonly options: ResolvedCacheOptions;
  private readonly stats: RouteCacheStats;
  private readonly sorted: readonly RouteEntry[];
  private keys: readonly Key[] = [];
  private list: Centre[] = [];

  /** `sorted` is the owner's live array of entries in order of id. */
  constructor(
    options: ResolvedCacheOptions,
    stats: RouteCacheStats,
    sorted: readonly RouteEntry[],
  ) {
    this.options = options;
    this.stats = stats;
    this.sorted = sorted;
  }

  /** The centres, in numeric order of their keys. */
  get centres(): readonly Centre[] {
    return this.list;
  }

  /**
   * Replaces the centres (keys in numeric order), keeping the depth of a centre that stays, and
   * zeroes every count: the owner re-places its entries, then calls {@link settle}. `localKeys`
   * are the keys whose leaf-set members are never charged (none for a search-only node).
   */
  setCentres(keys: readonly Key[], localKeys: readonly Key[]): void {
    this.keys = localKeys;
    const old = this.list;
    this.list = keys.map((key) => {
      const kept = old.find((c) => compareKeyBytes(c.key, key) === 0);
      return {
        key,
        counts: new Array<number>(kept === undefined ? 1 : kept.counts.length).fill(0),
      };
    });
  }

  /** The centre an id is charged to: the nearest one, ties to the numerically smaller. */
  centreOf(id: Key): Centre {
    const list = this.list;
    let best = list[0]!;
    if (list.length === 1) return best;
    ringDistanceInto(id, best.key, scratch, 0);
    for (let i = 1; i < list.length; i++) {
      const c = list[i]!;
      ringDistanceInto(id, c.key, scratch, 32);
      if (compareKeyAt(scratch, 32, scratch, 0) < 0) {
        best = c;
        scratch.copyWithin(0, 32, 64);
      }
    }
    return best;
  }

  /** The level of `centre` an id belongs to now. */
  levelOf(centre: Centre, id: Key): number {
    ringDistanceInto(id, centre.key, scratch, 0);
    return naturalLevel(scratch, 0, centre.counts.length - 1);
  }

  /**
   * Charges an entry to its level. A newcomer (not yet in the sorted array) always gets in, by
   * splitting or by replacing a random entry (pushed on `evicted`; the owner drops it). A stored
   * entry that just left a leaf set gets in only if its level has room or can split; else this
   * returns false and the owner evicts it.
   */
  charge(entry: RouteEntry, newcomer: boolean, evicted: RouteEntry[]): boolean {
    const { entriesPerLevel, levelsMax } = this.options;
    const stats = this.stats;
    const centre = this.centreOf(entry.id);
    const counts = centre.counts;
    for (;;) {
      const depth = counts.length;
      const level = this.levelOf(centre, entry.id);
      if (counts[level]! < entriesPerLevel) {
        counts[level]!++;
        return true;
      }
      const deepest = level === depth - 1;
      if (deepest && depth < levelsMax) {
        this.split(centre, newcomer ? undefined : entry);
        continue;
      }
      if (deepest) {
        stats.levelsMaxHits++;
        stats.boundHits++;
      }
      if (!newcomer) return false;
      if (counts[level]! > entriesPerLevel) {
        // Over-full since a local key came or went: trim back to size first.
        const members = this.members(centre, level, undefined, Number.POSITIVE_INFINITY);
        while (members.length > entriesPerLevel) {
          evicted.push(this.takeRandom(members));
          counts[level]!--;
          stats.levelOverflowTrims++;
          stats.boundHits++;
          stats.evictions++;
        }
        evicted.push(this.takeRandom(members));
      } else {
        // The r-th member in walk order: uniform, and the walk stops there.
        const r = this.options.rng.nextInt(counts[level]!);
        evicted.push(this.sorted[this.members(centre, level, undefined, r + 1)[r]!]!);
      }
      stats.randomReplacements++;
      stats.evictions++;
      return true;
    }
  }

  /** An entry left its level (it left the cache or joined a leaf set). */
  uncharge(entry: RouteEntry): void {
    const centre = this.centreOf(entry.id);
    this.decrement(centre, this.levelOf(centre, entry.id));
  }

  /** Counts an entry on its level with no capacity check (re-placing after centres changed). */
  place(entry: RouteEntry): void {
    const centre = this.centreOf(entry.id);
    centre.counts[this.levelOf(centre, entry.id)]!++;
  }

  /** After re-placing: splits over-full deepest levels and drops empty trailing ones. */
  settle(): void {
    const { entriesPerLevel, levelsMax } = this.options;
    for (const centre of this.list) {
      const counts = centre.counts;
      while (counts.length < levelsMax && counts[counts.length - 1]! > entriesPerLevel) {
        this.split(centre, undefined);
      }
      while (counts.length > 1 && counts[counts.length - 1] === 0) counts.pop();
    }
  }

  /**
   * Uncharges a random entry of the fullest level (ties: first centre, coarsest level), never
   * `keep` (a charged entry, or undefined), and returns it for the owner to drop; undefined when
   * no level holds anything else.
   */
  evictFromFullest(keep: RouteEntry | undefined): RouteEntry | undefined {
    const keepCentre = keep === undefined ? undefined : this.centreOf(keep.id);
    const keepLevel =
      keep === undefined || keepCentre === undefined ? -1 : this.levelOf(keepCentre, keep.id);
    let best: Centre | undefined;
    let bestLevel = 0;
    let size = 0;
    for (const centre of this.list) {
      centre.counts.forEach((count, level) => {
        const others = centre === keepCentre && level === keepLevel ? count - 1 : count;
        if (others > size) {
          best = centre;
          bestLevel = level;
          size = others;
        }
      });
    }
    if (best === undefined) return undefined;
    const victim = this.takeRandom(this.members(best, bestLevel, keep, Number.POSITIVE_INFINITY));
    this.decrement(best, bestLevel);
    return victim;
  }

  /** Per-level counts of the centre with this key, or undefined if there is none. */
  summary(key: Key): LevelSummary[] | undefined {
    const centre = this.list.find((c) => compareKeyBytes(c.key, key) === 0);
    if (centre === undefined) return undefined;
    const depth = centre.counts.length;
    return centre.counts.map((count, level) => ({
      level,
      spanBits: 256 - level * LEVEL_LOG2,
      count,
      deepest: level === depth - 1,
    }));
  }

  private decrement(centre: Centre, level: number): void {
    const counts = centre.counts;
    counts[level]!--;
    while (counts.length > 1 && counts[counts.length - 1] === 0) counts.pop();
  }

  private takeRandom(indices: number[]): RouteEntry {
    const j = this.options.rng.nextInt(indices.length);
    const index = indices[j]!;
    indices[j] = indices[indices.length - 1]!;
    indices.pop();
    return this.sorted[index]!;
  }

  /** A full deepest level grows a deeper one; its entries inside the new span move down. */
  private split(centre: Centre, exclude: RouteEntry | undefined): void {
    const counts = centre.counts;
    const depth = counts.length;
    const moved = this.arcMembers(centre, -1, depth, exclude, Number.POSITIVE_INFINITY).length;
    counts[depth - 1]! -= moved;
    counts.push(moved);
    this.stats.levelSplits++;
  }

  /** Indices in the sorted array of the entries charged to `level` of `centre` (the first `max`). */
  private members(
    centre: Centre,
    level: number,
    exclude: RouteEntry | undefined,
    max: number,
  ): number[] {
    const inner = level < centre.counts.length - 1 ? level + 1 : -1;
    return this.arcMembers(centre, inner, level, exclude, max);
  }

  /**
   * Charged entries of `centre` whose distance d from it satisfies T(inner) < d <= T(outer),
   * T(i) the half-span of level i (no lower limit when `inner` is -1): one run walking clockwise
   * from the inner edge, one walking anticlockwise, each measured from where it starts so that a
   * walk can never wrap past the centre into the inner region. Stops after `max` members.
   */
  private arcMembers(
    centre: Centre,
    inner: number,
    outer: number,
    exclude: RouteEntry | undefined,
    max: number,
  ): number[] {
    const sorted = this.sorted;
    const n = sorted.length;
    const out: number[] = [];
    if (n === 0) return out;
    const key = centre.key;
    const leafLows = this.leafWindowStarts();
    // limit = T(outer) - T(inner): how far each walk may go from its origin.
    let limitKey = levelHalfSpan(outer);
    if (inner >= 0) {
      subtractInto(limitKey, levelHalfSpan(inner), limit, 0);
      limitKey = limit;
    }
    // Clockwise from the inner edge (or from the centre itself, inclusive).
    let from = key;
    if (inner >= 0) {
      addInto(key, levelHalfSpan(inner), origin, 0);
      from = origin;
    }
    let start = lowerBound(sorted, from);
    if (inner >= 0 && start < n && compareKeyBytes(sorted[start]!.id, from) === 0) start++;
    let steps = 0;
    for (let i = start % n; steps < n && out.length < max; steps++, i = i + 1 === n ? 0 : i + 1) {
      subtractInto(sorted[i]!.id, from, scratch, 0);
      if (compareKeyAt(scratch, 0, limitKey, 0) > 0) break;
      if (this.isMember(i, centre, exclude, leafLows)) out.push(i);
    }
    // Anticlockwise from the inner edge (exclusive). Level 0 stops short of the point opposite
    // the centre, which the clockwise run already counted.
    if (inner >= 0) subtractInto(key, levelHalfSpan(inner), origin, 0);
    start = lowerBound(sorted, from) - 1;
    const stopAt = outer === 0 ? 0 : 1; // compareKeyAt() result that ends the walk
    for (
      let i = (start + n) % n;
      steps < n && out.length < max;
      steps++, i = i === 0 ? n - 1 : i - 1
    ) {
      subtractInto(from, sorted[i]!.id, scratch, 0);
      if (compareKeyAt(scratch, 0, limitKey, 0) >= stopAt) break;
      if (this.isMember(i, centre, exclude, leafLows)) out.push(i);
    }
    return out;
  }

  /** Is the entry at index `i` charged to `centre` (and not `exclude`)? */
  private isMember(
    i: number,
    centre: Centre,
    exclude: RouteEntry | undefined,
    leafLows: readonly number[],
  ): boolean {
    const entry = this.sorted[i]!;
    if (entry === exclude || this.isLeafIndex(i, leafLows)) return false;
    return this.list.length === 1 || this.centreOf(entry.id) === centre;
  }

  /** For each local key, the index of the first entry above it (its leaf set surrounds it). */
  private leafWindowStarts(): number[] {
    return this.keys.map((key) => lowerBound(this.sorted, key));
  }

  /** Is the entry at index `i` a leaf-set member of some local key? */
  private isLeafIndex(i: number, lows: readonly number[]): boolean {
    if (lows.length === 0) return false;
    const n = this.sorted.length;
    const side = this.options.leafSetSide;
    if (n <= 2 * side) return true;
    for (const lo of lows) {
      if ((i - lo + n) % n < side || (lo - 1 - i + n) % n < side) return true;
    }
    return false;
  }
}
