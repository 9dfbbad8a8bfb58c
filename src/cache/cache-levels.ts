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
 * Leaf-set members are never charged to a level: the owner (`RouteCache`) holds them apart and
 * tells this module when an entry starts or stops being one.
 */
import type { Key } from '../keys/key256.js';
import type { Rng } from '../util/rng.js';
import type { RouteEntry } from '../wire/types.js';
import type { LevelSummary, RouteCacheStats } from './cache-options.js';
import { compareKeyAt, compareKeyBytes, naturalLevel, ringDistanceInto } from './ring-bytes.js';

/** A centre of levels: a local key, or the home key of a search-only node. */
export interface Centre {
  readonly key: Key;
  /** `levels[i]`: entries charged to level i, in no particular order; length = depth >= 1. */
  readonly levels: RouteEntry[][];
}

/** What the levels need from their owner. */
export interface LevelConfig {
  readonly rng: Rng;
  readonly entriesPerLevel: number;
  readonly levelsMax: number;
  readonly stats: RouteCacheStats;
}

// Distances of the best and the current candidate centre. Nothing in here calls back into user
// code, so one module-wide buffer is safe.
const scratch = new Uint8Array(64);
const LEVEL_LOG2 = Math.log2(10);

function takeRandom(list: RouteEntry[], rng: Rng): RouteEntry {
  const j = rng.nextInt(list.length);
  const victim = list[j]!;
  list[j] = list[list.length - 1]!;
  list.pop();
  return victim;
}

function removeFrom(list: RouteEntry[], entry: RouteEntry): boolean {
  const j = list.indexOf(entry);
  if (j < 0) return false;
  list[j] = list[list.length - 1]!;
  list.pop();
  return true;
}

/**
 * Levels of all centres, with the placement rules of the module header.
 * @example
 * const levels = new CacheLevels(config); levels.setCentres([myKey]);
 * const evicted: RouteEntry[] = []; levels.charge(entry, true, evicted);
 */
export class CacheLevels {
  private readonly config: LevelConfig;
  private list: Centre[] = [];

  constructor(config: LevelConfig) {
    this.config = config;
  }

  /** The centres, in numeric order of their keys. */
  get centres(): readonly Centre[] {
    return this.list;
  }

  /**
   * Replaces the centres (keys in numeric order), keeping the depth of a centre that stays, and
   * empties every level: the owner re-charges its entries, then calls {@link settle}.
   */
  setCentres(keys: readonly Key[]): void {
    const old = this.list;
    this.list = keys.map((key) => {
      const kept = old.find((c) => compareKeyBytes(c.key, key) === 0);
      const depth = kept === undefined ? 1 : kept.levels.length;
      return { key, levels: Array.from({ length: depth }, (): RouteEntry[] => []) };
    });
  }

  /** The centre an id is charged to: the nearest one, ties to the numerically smaller. */
  centreOf(id: Key): Centre {
    const list = this.list;
    let best = list[0]!;
    if (list.length > 1) {
      ringDistanceInto(id, best.key, scratch, 0);
      for (let i = 1; i < list.length; i++) {
        const c = list[i]!;
        ringDistanceInto(id, c.key, scratch, 32);
        if (compareKeyAt(scratch, 32, scratch, 0) < 0) {
          best = c;
          scratch.copyWithin(0, 32, 64);
        }
      }
    }
    return best;
  }

  /** The level of `centre` an id belongs to now. */
  levelOf(centre: Centre, id: Key): number {
    ringDistanceInto(id, centre.key, scratch, 0);
    return naturalLevel(scratch, 0, centre.levels.length - 1);
  }

  /**
   * Charges an entry to its level. A newcomer always gets in (by splitting or by replacing a
   * random entry, pushed on `evicted`); a former leaf-set member only if its level has room or
   * can split, else it returns false and the owner evicts it.
   */
  charge(entry: RouteEntry, newcomer: boolean, evicted: RouteEntry[]): boolean {
    const { entriesPerLevel, levelsMax, stats, rng } = this.config;
    const centre = this.centreOf(entry.id);
    for (;;) {
      const depth = centre.levels.length;
      const level = this.levelOf(centre, entry.id);
      const list = centre.levels[level]!;
      if (list.length < entriesPerLevel) {
        list.push(entry);
        return true;
      }
      const deepest = level === depth - 1;
      if (deepest && depth < levelsMax) {
        this.split(centre);
        continue;
      }
      if (deepest) {
        stats.levelsMaxHits++;
        stats.boundHits++;
      }
      if (!newcomer) return false;
      while (list.length > entriesPerLevel) {
        evicted.push(takeRandom(list, rng));
        stats.levelOverflowTrims++;
        stats.boundHits++;
        stats.evictions++;
      }
      const j = rng.nextInt(list.length);
      evicted.push(list[j]!);
      list[j] = entry;
      stats.randomReplacements++;
      stats.evictions++;
      return true;
    }
  }

  /** Takes an entry off its level (it left the cache or joined a leaf set); false if not charged. */
  uncharge(entry: RouteEntry): boolean {
    const centre = this.centreOf(entry.id);
    const levels = centre.levels;
    if (!removeFrom(levels[this.levelOf(centre, entry.id)]!, entry)) return false;
    while (levels.length > 1 && levels[levels.length - 1]!.length === 0) levels.pop();
    return true;
  }

  /** Swaps a charged entry for a newer object with the same id; false if `old` was not charged. */
  replace(old: RouteEntry, next: RouteEntry): boolean {
    const centre = this.centreOf(old.id);
    const list = centre.levels[this.levelOf(centre, old.id)]!;
    const j = list.indexOf(old);
    if (j < 0) return false;
    list[j] = next;
    return true;
  }

  /** Puts an entry on its level with no capacity check (re-charging after centres changed). */
  place(entry: RouteEntry): void {
    const centre = this.centreOf(entry.id);
    centre.levels[this.levelOf(centre, entry.id)]!.push(entry);
  }

  /** After re-charging: splits over-full deepest levels and drops empty trailing ones. */
  settle(): void {
    const { entriesPerLevel, levelsMax } = this.config;
    for (const centre of this.list) {
      const levels = centre.levels;
      while (levels.length < levelsMax && levels[levels.length - 1]!.length > entriesPerLevel) {
        this.split(centre);
      }
      while (levels.length > 1 && levels[levels.length - 1]!.length === 0) levels.pop();
    }
  }

  /**
   * Takes a random entry off the fullest level (ties: first centre, coarsest level), never
   * `keep`; undefined when no level holds anything else. Used when the cache is at `entriesMax`.
   */
  evictFromFullest(keep: RouteEntry | undefined): RouteEntry | undefined {
    let fullest: RouteEntry[] | undefined;
    let size = 0;
    for (const centre of this.list) {
      for (const list of centre.levels) {
        const others = keep !== undefined && list.includes(keep) ? list.length - 1 : list.length;
        if (others > size) {
          fullest = list;
          size = others;
        }
      }
    }
    if (fullest === undefined) return undefined;
    const skip = keep === undefined ? -1 : fullest.indexOf(keep);
    let j = this.config.rng.nextInt(size);
    if (skip >= 0 && j >= skip) j++;
    const victim = fullest[j]!;
    fullest[j] = fullest[fullest.length - 1]!;
    fullest.pop();
    return victim;
  }

  /** Entries charged to levels, over all centres. */
  chargedCount(): number {
    let n = 0;
    for (const centre of this.list) for (const list of centre.levels) n += list.length;
    return n;
  }

  /** Per-level counts of the centre with this key, or undefined if there is none. */
  summary(key: Key): LevelSummary[] | undefined {
    const centre = this.list.find((c) => compareKeyBytes(c.key, key) === 0);
    if (centre === undefined) return undefined;
    const depth = centre.levels.length;
    return centre.levels.map((list, level) => ({
      level,
      spanBits: 256 - level * LEVEL_LOG2,
      count: list.length,
      deepest: level === depth - 1,
    }));
  }

  /** A full deepest level grows a deeper one; its entries inside the new span move down. */
  private split(centre: Centre): void {
    const levels = centre.levels;
    const depth = levels.length;
    const old = levels[depth - 1]!;
    const stay: RouteEntry[] = [];
    const down: RouteEntry[] = [];
    for (const entry of old) {
      ringDistanceInto(entry.id, centre.key, scratch, 0);
      (naturalLevel(scratch, 0, depth) === depth ? down : stay).push(entry);
    }
    levels[depth - 1] = stay;
    levels.push(down);
    this.config.stats.levelSplits++;
  }
}
