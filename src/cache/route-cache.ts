/**
 * @module cache/route-cache
 * The route entry cache of a PNRP/DRT node ([MS-PNRP] §3.2.1.1; [MC-DRT]; reference/pnrp-wire.md
 * §1.3, §7.7) as a pure data structure: no I/O, no clock, randomness only from the injected Rng.
 *
 * Theory of operation. Entries and keys are held by reference (never copied: callers may intern
 * them, and must not modify them). The entries sit in one array sorted by key, which answers
 * every query by binary search and a walk round the ring.
 * Two structures decide what stays:
 * - Leaf sets: for each local key the `leafSetSide` nearest entries below and above. Leaf-set
 *   members are never evicted, so a leaf set is always exactly the nearest stored entries; a
 *   newcomer nearer than a member displaces it, and the displaced entry stays only if its cache
 *   level has room (else it is evicted and reported). Changes come back as {@link LeafSetChange}s.
 * - Levels (cache-levels.ts): every other entry is charged to one level of the local key nearest
 *   to it; level i covers 1/10^i of the ring round that key and holds `entriesPerLevel` entries;
 *   full levels replace at random, a full deepest level splits.
 * A node with no local key (search-only) centres its levels on a home key (an option, or drawn
 * from the Rng on first need), so its cache still has the multi-level shape and routes in
 * O(log10 n) hops; it has no leaf sets. The first local key takes over from the home key; the
 * home key comes back when the last local key goes.
 * Bounds: per level `entriesPerLevel`, per centre `levelsMax` levels, `entriesMax` overall,
 * `localKeysMax` keys; a cache never holds an entry whose id is one of its local keys.
 */
import { assertKey, type Key } from '../keys/key256.js';
import type { RouteEntry } from '../wire/types.js';
import { cloudSizeOf, sparseGapsOf } from './cache-gaps.js';
import { CacheLevels } from './cache-levels.js';
import {
  type CacheAddResult,
  type CacheRemoveResult,
  type LeafSetChange,
  type LevelSummary,
  newCacheStats,
  type ResolvedCacheOptions,
  type RouteCacheOptions,
  type RouteCacheStats,
  resolveCacheOptions,
  type SparseGap,
} from './cache-options.js';
import {
  isInLeafSetOf,
  isWithinLeafSpanOf,
  type LeafSides,
  leafMembersOf,
  leafSidesOf,
} from './leaf-set.js';
import { compareKeyBytes } from './ring-bytes.js';
import {
  closestIn,
  type EntryFilter,
  indexOfId,
  lowerBound,
  sampleEntries,
  walkAbove,
  walkBelow,
} from './sorted-entries.js';

function assertCount(count: number, what: string): void {
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`RouteCache: ${what} must be a non-negative integer, got ${count}`);
  }
}

function assertEntry(entry: RouteEntry): void {
  if (typeof entry !== 'object' || entry === null)
    throw new TypeError('RouteCache: entry must be a RouteEntry');
  assertKey(entry.id, 'RouteCache: entry.id');
}

/**
 * The multi-level route cache with exact leaf sets. See the module header.
 * @example
 * const cache = new RouteCache({ rng: seededRng(7) });
 * cache.addLocalKey(myKey);
 * const { leafSetChanges } = cache.add(entry); // flood when an entry joined a leaf set
 * const next = cache.closest(target, 4, (e) => !inPath(e));
 */
export class RouteCache {
  /** Counters; never reset. */
  readonly stats: RouteCacheStats = newCacheStats();
  private readonly options: ResolvedCacheOptions;
  private readonly sorted: RouteEntry[] = [];
  private readonly levels: CacheLevels;
  private keys: readonly Key[] = [];
  private home: Key | undefined;

  constructor(options: RouteCacheOptions) {
    this.options = resolveCacheOptions(options);
    this.home = this.options.homeKey;
    this.levels = new CacheLevels(this.options, this.stats, this.sorted);
  }

  /** Entries stored, leaf sets included. */
  get size(): number {
    return this.sorted.length;
  }

  /** The centre of the levels while there is no local key (drawn from the Rng on first need). */
  get homeKey(): Key {
    if (this.home === undefined) this.home = this.options.rng.bytes(32);
    return this.home;
  }

  /** The local keys, in numeric order. */
  localKeys(): readonly Key[] {
    return this.keys;
  }

  /**
   * Registers a local key: its leaf set forms from the stored entries (reported as 'added') and
   * the levels are recentred. A stored entry with this very id is dropped (counted in
   * `stats.evictions`). Adding a key twice does nothing. The key is kept by reference, like
   * entries: do not modify it afterwards.
   * @throws RangeError beyond `localKeysMax` keys, or once leaf sets alone could fill `entriesMax`.
   */
  addLocalKey(key: Key): LeafSetChange[] {
    assertKey(key, 'RouteCache: key');
    if (this.isLocalKey(key)) return [];
    const { localKeysMax, leafSetSide, entriesMax } = this.options;
    if (
      this.keys.length >= localKeysMax ||
      (this.keys.length + 1) * 2 * leafSetSide >= entriesMax
    ) {
      throw new RangeError(
        `RouteCache: at most ${Math.min(localKeysMax, Math.floor((entriesMax - 1) / (2 * leafSetSide)))} local keys`,
      );
    }
    const changes: LeafSetChange[] = [];
    if (indexOfId(this.sorted, key) >= 0) {
      changes.push(...this.remove(key).leafSetChanges);
      this.stats.removals--;
      this.stats.evictions++;
    }
    const at = this.keyIndex(key);
    this.keys = [...this.keys.slice(0, at), key, ...this.keys.slice(at)];
    for (const entry of leafMembersOf(this.sorted, key, leafSetSide)) {
      changes.push({ type: 'added', localKey: key, remoteKey: entry.id });
    }
    this.recentre();
    this.stats.leafSetChanges += changes.length;
    return changes;
  }

  /**
   * Unregisters a local key: its leaf set is reported 'deleted' and the levels are recentred.
   * Former members stay cached (charged to a level). Unknown keys are ignored.
   */
  removeLocalKey(key: Key): LeafSetChange[] {
    assertKey(key, 'RouteCache: key');
    const i = this.keys.findIndex((k) => compareKeyBytes(k, key) === 0);
    if (i < 0) return [];
    const own = this.keys[i]!;
    const changes: LeafSetChange[] = leafMembersOf(this.sorted, own, this.options.leafSetSide).map(
      (entry) => ({ type: 'deleted', localKey: own, remoteKey: entry.id }),
    );
    this.keys = this.keys.filter((_, j) => j !== i);
    this.recentre();
    this.stats.leafSetChanges += changes.length;
    return changes;
  }

  /**
   * Adds an entry, or replaces the stored entry with the same id (fresh addresses). A newcomer
   * always gets in unless its id is a local key; room is made as the module header describes.
   */
  add(entry: RouteEntry): CacheAddResult {
    assertEntry(entry);
    this.stats.adds++;
    const i = lowerBound(this.sorted, entry.id);
    const existing = this.sorted[i];
    if (existing !== undefined && compareKeyBytes(existing.id, entry.id) === 0) {
      if (existing === entry) return { added: true, evicted: [], leafSetChanges: [] };
      this.sorted[i] = entry; // same id, same level: the counts do not change
      this.stats.replacements++;
      return { added: true, replaced: existing, evicted: [], leafSetChanges: [] };
    }
    if (this.isLocalKey(entry.id)) {
      this.stats.rejectedLocal++;
      return { added: false, evicted: [], leafSetChanges: [] };
    }
    this.ensureCentres();
    const evicted: RouteEntry[] = [];
    const side = this.options.leafSetSide;
    const joined = this.keys.filter((key) => isInLeafSetOf(this.sorted, entry.id, key, side));
    this.stats.inserted++;
    let leafSetChanges: LeafSetChange[] = [];
    if (joined.length === 0) {
      this.levels.charge(entry, true, evicted);
      for (const victim of evicted) this.dropFromSorted(victim);
      this.sorted.splice(lowerBound(this.sorted, entry.id), 0, entry);
    } else {
      const before = joined.map((key) => leafMembersOf(this.sorted, key, side));
      this.sorted.splice(i, 0, entry);
      leafSetChanges = this.diffLeafSets(joined, before);
      const displaced = new Set<Key>();
      for (const change of leafSetChanges)
        if (change.type === 'deleted') displaced.add(change.remoteKey);
      for (const id of displaced) this.settleDisplaced(id, evicted);
    }
    this.enforceEntriesMax(joined.length === 0 ? entry : undefined, evicted);
    this.stats.leafSetChanges += leafSetChanges.length;
    return { added: true, evicted, leafSetChanges };
  }

  /** Removes the entry with this id; a leaf set that loses a member heals from the levels. */
  remove(id: Key): CacheRemoveResult {
    assertKey(id, 'RouteCache: id');
    const i = indexOfId(this.sorted, id);
    if (i < 0) return { leafSetChanges: [] };
    const entry = this.sorted[i]!;
    this.ensureCentres();
    const side = this.options.leafSetSide;
    const member = this.keys.filter((key) => isInLeafSetOf(this.sorted, id, key, side));
    const before = member.map((key) => leafMembersOf(this.sorted, key, side));
    // Entries already in some leaf set are not charged, whichever leaf set they join now.
    const exempt = new Set(this.keys.flatMap((key) => leafMembersOf(this.sorted, key, side)));
    if (member.length === 0) this.levels.uncharge(entry);
    this.sorted.splice(i, 1);
    this.stats.removals++;
    const leafSetChanges = this.diffLeafSets(member, before);
    for (const change of leafSetChanges) {
      if (change.type !== 'added') continue;
      const promoted = this.sorted[indexOfId(this.sorted, change.remoteKey)]!;
      if (!exempt.has(promoted)) {
        this.levels.uncharge(promoted);
        exempt.add(promoted);
      }
    }
    this.stats.leafSetChanges += leafSetChanges.length;
    return { removed: entry, leafSetChanges };
  }

  /** The stored entry with this id. */
  get(id: Key): RouteEntry | undefined {
    const i = indexOfId(this.sorted, id);
    return i < 0 ? undefined : this.sorted[i];
  }

  /** True when an entry with this id is stored. */
  has(id: Key): boolean {
    return indexOfId(this.sorted, id) >= 0;
  }

  /** Every entry in numeric order of id. Do not add or remove while iterating. */
  entries(): IterableIterator<RouteEntry> {
    return this.sorted.values();
  }

  /**
   * Up to `count` accepted entries nearest to `target` by ring distance, nearest first; equal
   * distances go numerically smaller id first. The LOOKUP responder's and resolver's query.
   */
  closest(target: Key, count: number, accept?: EntryFilter): RouteEntry[] {
    assertKey(target, 'RouteCache: target');
    assertCount(count, 'count');
    return closestIn(this.sorted, target, count, accept);
  }

  /** Up to `count` accepted entries walking clockwise from `key` (not including `key` itself). */
  nearestAbove(key: Key, count: number, accept?: EntryFilter): RouteEntry[] {
    assertKey(key, 'RouteCache: key');
    assertCount(count, 'count');
    return walkAbove(this.sorted, key, count, accept);
  }

  /** Up to `count` accepted entries walking anticlockwise from `key` (not including `key` itself). */
  nearestBelow(key: Key, count: number, accept?: EntryFilter): RouteEntry[] {
    assertKey(key, 'RouteCache: key');
    assertCount(count, 'count');
    return walkBelow(this.sorted, key, count, accept);
  }

  /** Would an entry with this id be in (or is it in) a leaf set? Decides whether to demand a CPA. */
  wouldBeInLeafSet(id: Key): boolean {
    assertKey(id, 'RouteCache: id');
    const side = this.options.leafSetSide;
    return this.keys.some((key) => isInLeafSetOf(this.sorted, id, key, side));
  }

  /**
   * True when `target` lies between the farthest lower and the farthest upper leaf-set member
   * of some local key (the LOOKUP responder's TargetSuspicious, the AUTHORITY L flag). With fewer
   * than `2·leafSetSide` entries the two sides overlap and this covers nearly the whole ring.
   */
  isWithinLeafSetSpan(target: Key): boolean {
    assertKey(target, 'RouteCache: target');
    const side = this.options.leafSetSide;
    return this.keys.some((key) => isWithinLeafSpanOf(this.sorted, target, key, side));
  }

  /**
   * The leaf set of a local key, each side nearest first.
   * @throws RangeError when `localKey` is not a local key.
   */
  leafSet(localKey: Key): LeafSides {
    assertKey(localKey, 'RouteCache: localKey');
    if (!this.isLocalKey(localKey))
      throw new RangeError('RouteCache: leafSet() of a key that is not local');
    return leafSidesOf(this.sorted, localKey, this.options.leafSetSide);
  }

  /** `n` distinct entries chosen uniformly at random (all of them, shuffled, if fewer are stored). */
  randomEntries(n: number): RouteEntry[] {
    assertCount(n, 'n');
    return sampleEntries(this.sorted, n, this.options.rng);
  }

  /** Sparse levels and the gap to look up in each (see cache-gaps.ts). */
  sparseGaps(): SparseGap[] {
    this.ensureCentres();
    return sparseGapsOf({
      sorted: this.sorted,
      centres: this.levels.centres,
      localKeys: this.keys,
      leafSetSide: this.options.leafSetSide,
      entriesPerLevel: this.options.entriesPerLevel,
      centreOf: (id) => this.levels.centreOf(id),
    });
  }

  /** [MS-PNRP] §3.2.6.2.1.1 cloud size estimate in nodes; undefined without leaf entries. */
  estimateCloudSize(): number | undefined {
    return cloudSizeOf(this.sorted, this.keys);
  }

  /**
   * Per-level counts round a local key (or the home key of a search-only node).
   * @throws RangeError for any other key.
   */
  levelSummary(localKey: Key): LevelSummary[] {
    assertKey(localKey, 'RouteCache: localKey');
    this.ensureCentres();
    const summary = this.levels.summary(localKey);
    if (summary === undefined)
      throw new RangeError('RouteCache: levelSummary() of a key that is not a centre');
    return summary;
  }

  private isLocalKey(id: Key): boolean {
    const i = this.keyIndex(id);
    return i < this.keys.length && compareKeyBytes(this.keys[i]!, id) === 0;
  }

  private keyIndex(key: Key): number {
    let i = 0;
    while (i < this.keys.length && compareKeyBytes(this.keys[i]!, key) < 0) i++;
    return i;
  }

  private ensureCentres(): void {
    if (this.levels.centres.length === 0) this.levels.setCentres([this.homeKey], this.keys);
  }

  /** Centres changed: re-charge every entry outside the leaf sets, then split and trim. */
  private recentre(): void {
    this.levels.setCentres(this.keys.length > 0 ? this.keys : [this.homeKey], this.keys);
    const side = this.options.leafSetSide;
    for (const entry of this.sorted) {
      if (!this.keys.some((key) => isInLeafSetOf(this.sorted, entry.id, key, side)))
        this.levels.place(entry);
    }
    this.levels.settle();
  }

  private diffLeafSets(keys: readonly Key[], before: readonly RouteEntry[][]): LeafSetChange[] {
    const changes: LeafSetChange[] = [];
    const side = this.options.leafSetSide;
    keys.forEach((localKey, j) => {
      const old = before[j]!;
      const now = leafMembersOf(this.sorted, localKey, side);
      for (const e of old)
        if (!now.includes(e)) changes.push({ type: 'deleted', localKey, remoteKey: e.id });
      for (const e of now)
        if (!old.includes(e)) changes.push({ type: 'added', localKey, remoteKey: e.id });
    });
    return changes;
  }

  /** A member pushed out of a leaf set: keep it on its level if it is in no leaf set and fits. */
  private settleDisplaced(id: Key, evicted: RouteEntry[]): void {
    const i = indexOfId(this.sorted, id);
    const entry = this.sorted[i];
    if (entry === undefined || evicted.includes(entry)) return;
    const side = this.options.leafSetSide;
    if (this.keys.some((key) => isInLeafSetOf(this.sorted, id, key, side))) return;
    if (this.levels.charge(entry, false, evicted)) return;
    this.sorted.splice(i, 1);
    evicted.push(entry);
    this.stats.evictions++;
  }

  /** Evicts from the fullest levels down to `entriesMax`, sparing `charged` (the newcomer). */
  private enforceEntriesMax(charged: RouteEntry | undefined, evicted: RouteEntry[]): void {
    while (this.sorted.length > this.options.entriesMax) {
      const victim = this.levels.evictFromFullest(charged);
      if (victim === undefined) return;
      this.dropFromSorted(victim);
      evicted.push(victim);
      this.stats.evictions++;
      this.stats.entriesMaxHits++;
      this.stats.boundHits++;
    }
  }

  private dropFromSorted(entry: RouteEntry): void {
    const i = indexOfId(this.sorted, entry.id);
    if (i >= 0 && this.sorted[i] === entry) this.sorted.splice(i, 1);
  }
}
