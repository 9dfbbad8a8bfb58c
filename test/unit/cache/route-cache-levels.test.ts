import { describe, expect, it } from 'vitest';
import { LEVEL_HALF_SPANS_BIG } from '../../../src/cache/ring-bytes.js';
import { RouteCache } from '../../../src/cache/route-cache.js';
import { keyFromBigInt, RING_SIZE } from '../../../src/keys/key256.js';
import { seededRng } from '../../../src/util/rng.js';
import { big, checkShape, entryAt, idsOf, modelAbove, modelBelow, randomBig } from './model.js';

const seed = Number(process.env.PNRP_SEED ?? 20261121);
const T = LEVEL_HALF_SPANS_BIG;
const MASK = RING_SIZE - 1n;
const KEY = 1n << 200n;
const at = (offset: bigint) => entryAt((KEY + offset) & MASK);
const counts = (cache: RouteCache) => cache.levelSummary(keyFromBigInt(KEY)).map((l) => l.count);

/** A cache centred on KEY with one-entry leaf sides pinned at KEY±1, so level tests see levels only. */
function pinned(options: Partial<ConstructorParameters<typeof RouteCache>[0]> = {}): RouteCache {
  const cache = new RouteCache({ rng: seededRng(seed), leafSetSide: 1, ...options });
  cache.addLocalKey(keyFromBigInt(KEY));
  cache.add(at(1n));
  cache.add(at(-1n));
  return cache;
}

describe('RouteCache levels', () => {
  it('RouteCache charges each entry to the deepest level whose span contains it', () => {
    const cache = pinned();
    for (let i = 0n; i < 20n; i++) cache.add(at(RING_SIZE / 4n + i));
    expect(counts(cache)).toEqual([20]);
    const r1 = cache.add(at(T[1]!)); // exactly on the level-1 boundary: level 1
    expect(r1.evicted).toEqual([]);
    expect(cache.stats.levelSplits).toBe(1);
    expect(counts(cache)).toEqual([20, 1]);
    cache.add(at(-T[1]!));
    expect(counts(cache)).toEqual([20, 2]);
    const r2 = cache.add(at(T[1]! + 1n)); // just outside: level 0, full and not the deepest
    expect(cache.stats.randomReplacements).toBe(1);
    expect(r2.evicted).toHaveLength(1);
    expect(big(r2.evicted[0]!) - KEY).toBeGreaterThanOrEqual(RING_SIZE / 4n);
    expect(counts(cache)).toEqual([20, 2]);
    const summary = cache.levelSummary(keyFromBigInt(KEY));
    expect(summary[1]!.spanBits).toBeCloseTo(256 - Math.log2(10), 9);
    expect(summary.map((l) => l.deepest)).toEqual([false, true]);
    checkShape(cache);
  });

  it('RouteCache splits a full deepest level and moves the entries inside the new span down', () => {
    const cache = pinned();
    for (let i = 0n; i < 15n; i++) cache.add(at(RING_SIZE / 4n + i));
    for (let i = 0n; i < 5n; i++) cache.add(at(T[2]! - i)); // level 2 by distance, level 0 for now
    expect(counts(cache)).toEqual([20]);
    cache.add(at(RING_SIZE / 3n));
    expect(counts(cache)).toEqual([16, 5]);
    for (let i = 0n; i < 15n; i++) cache.add(at(T[1]! - i)); // level 1 fills up
    expect(counts(cache)).toEqual([16, 20]);
    const r = cache.add(at(T[1]! - 100n)); // level 1 full and deepest: splits again
    expect(r.evicted).toEqual([]);
    expect(counts(cache)).toEqual([16, 16, 5]);
    expect(cache.stats.levelSplits).toBe(2);
    checkShape(cache);
  });

  it('RouteCache drops an empty deepest level when its last entry leaves', () => {
    const cache = pinned();
    for (let i = 0n; i < 20n; i++) cache.add(at(RING_SIZE / 4n + i));
    cache.add(at(T[2]!));
    expect(counts(cache)).toEqual([20, 1]);
    cache.remove(at(T[2]!).id);
    expect(counts(cache)).toEqual([20]);
    checkShape(cache);
  });

  it('RouteCache replaces within the level even when the ring walk wraps past the centre', () => {
    // Regression (found by the model test): the clockwise walk of level 0 went on past the
    // centre into level 1 and evicted an entry of the wrong level.
    const cache = new RouteCache({
      rng: seededRng(seed),
      homeKey: keyFromBigInt(0n),
      entriesPerLevel: 1,
      levelsMax: 2,
    });
    const inLevel1 = entryAt((T[1]! * 999n) / 1000n);
    const inLevel0 = entryAt(T[1]! * 6n);
    cache.add(inLevel1);
    cache.add(inLevel0);
    expect(cache.levelSummary(keyFromBigInt(0n)).map((l) => l.count)).toEqual([1, 1]);
    const r = cache.add(entryAt(T[1]! * 7n));
    expect(r.evicted).toEqual([inLevel0]);
    expect(cache.has(inLevel1.id)).toBe(true);
    checkShape(cache, 2);
  });

  it('RouteCache keeps at most levelsMax levels and counts the hit', () => {
    const cache = pinned({ levelsMax: 2, entriesPerLevel: 3 });
    for (let i = 2n; i < 60n; i++) cache.add(at(i * 1000n));
    expect(cache.levelSummary(keyFromBigInt(KEY))).toHaveLength(2);
    expect(cache.stats.levelsMaxHits).toBeGreaterThan(0);
    expect(cache.stats.boundHits).toBeGreaterThanOrEqual(cache.stats.levelsMaxHits);
    expect(cache.size).toBeLessThanOrEqual(2 + 2 * 3);
    checkShape(cache, 2);
  });

  it('RouteCache never holds more than entriesMax entries and counts each eviction for it', () => {
    const rng = seededRng(seed).fork('ids');
    const cache = new RouteCache({ rng: seededRng(seed), leafSetSide: 2, entriesMax: 25 });
    const key = randomBig(rng);
    cache.addLocalKey(keyFromBigInt(key));
    const all = [];
    for (let i = 0; i < 600; i++) {
      const id = i % 3 === 0 ? (key + (randomBig(rng) >> 180n)) & MASK : randomBig(rng);
      all.push(entryAt(id));
      cache.add(all[all.length - 1]!);
      expect(cache.size).toBeLessThanOrEqual(25);
    }
    expect(cache.stats.entriesMaxHits).toBeGreaterThan(0);
    expect(cache.stats.boundHits).toBeGreaterThanOrEqual(cache.stats.entriesMaxHits);
    // Bounds never cost a leaf-set member: still the two nearest of everything ever added.
    const { below, above } = cache.leafSet(keyFromBigInt(key));
    expect(below.map(big)).toEqual(modelBelow(all, key, 2).map(big));
    expect(above.map(big)).toEqual(modelAbove(all, key, 2).map(big));
    checkShape(cache);
  });

  it('RouteCache trims a level left over-full after a local key goes, and counts it', () => {
    const rng = seededRng(seed).fork('ids');
    const cache = new RouteCache({ rng: seededRng(seed) });
    const a = keyFromBigInt(0n);
    cache.addLocalKey(a);
    cache.addLocalKey(keyFromBigInt(RING_SIZE / 2n));
    for (let i = 0; i < 400; i++) cache.add(entryAt(randomBig(rng)));
    const size = cache.size;
    cache.removeLocalKey(keyFromBigInt(RING_SIZE / 2n));
    expect(cache.size).toBe(size); // nothing is dropped when a key goes
    expect(cache.levelSummary(a)[0]!.count).toBeGreaterThan(20);
    checkShape(cache);
    const r = cache.add(entryAt(RING_SIZE / 2n + 12345n)); // level 0 of the remaining key
    expect(cache.levelSummary(a)[0]!.count).toBe(20);
    expect(cache.stats.levelOverflowTrims).toBeGreaterThan(0);
    expect(r.evicted.length).toBe(cache.stats.levelOverflowTrims + 1);
    checkShape(cache);
  });

  it('random replacement is deterministic for a seeded Rng', () => {
    const run = (rngSeed: number) => {
      const ids = seededRng(seed).fork('ids');
      const cache = new RouteCache({ rng: seededRng(rngSeed) });
      cache.addLocalKey(keyFromBigInt(randomBig(ids)));
      for (let i = 0; i < 2000; i++) cache.add(entryAt(randomBig(ids)));
      return { ids: idsOf(cache.entries()), stats: { ...cache.stats } };
    };
    const first = run(1);
    expect(run(1)).toEqual(first);
    expect(first.stats.randomReplacements).toBeGreaterThan(1000);
    expect(run(2).ids).not.toEqual(first.ids);
  });

  it('add() with a known id replaces the stored object in place and keeps its level', () => {
    const cache = pinned();
    const old = at(RING_SIZE / 4n);
    cache.add(old);
    const fresh = { ...at(RING_SIZE / 4n), port: 4000 };
    const r = cache.add(fresh);
    expect(r).toEqual({ added: true, replaced: old, evicted: [], leafSetChanges: [] });
    expect(cache.get(old.id)).toBe(fresh);
    expect(cache.stats.replacements).toBe(1);
    expect(counts(cache)).toEqual([1]);
    expect(cache.add(fresh).replaced).toBeUndefined(); // the same object again: nothing to do
    cache.remove(old.id);
    expect(counts(cache)).toEqual([0]);
    const leaf = { ...at(1n), port: 5000 };
    expect(cache.add(leaf).replaced?.port).toBe(3540);
    expect(cache.leafSet(keyFromBigInt(KEY)).above).toEqual([leaf]);
    checkShape(cache);
  });
});
