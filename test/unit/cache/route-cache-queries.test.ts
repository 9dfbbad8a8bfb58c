import { describe, expect, it } from 'vitest';
import { RouteCache } from '../../../src/cache/route-cache.js';
import { keyFromBigInt, RING_SIZE } from '../../../src/keys/key256.js';
import { seededRng } from '../../../src/util/rng.js';
import type { RouteEntry } from '../../../src/wire/types.js';
import {
  big,
  checkShape,
  entryAt,
  modelAbove,
  modelBelow,
  modelClosest,
  randomBig,
} from './model.js';

const seed = Number(process.env.PNRP_SEED ?? 20261121);
const MASK = RING_SIZE - 1n;

describe('RouteCache queries', () => {
  it('closest(), nearestAbove() and nearestBelow() match a brute-force model of the stored entries', () => {
    const rng = seededRng(seed).fork('queries');
    const key = randomBig(rng);
    const cache = new RouteCache({ rng: rng.fork('cache') });
    cache.addLocalKey(keyFromBigInt(key));
    for (let i = 0; i < 3000; i++)
      cache.add(entryAt(i % 2 ? randomBig(rng) : (key + (randomBig(rng) >> 190n)) & MASK));
    const stored = [...cache.entries()];
    expect(stored.length).toBeGreaterThan(60);
    const even = (e: RouteEntry) => (big(e) & 1n) === 0n;
    for (let i = 0; i < 200; i++) {
      const t = i % 2 ? randomBig(rng) : (key + (randomBig(rng) >> 185n)) & MASK;
      const target = keyFromBigInt(t);
      const n = 1 + rng.nextInt(25);
      expect(cache.closest(target, n).map(big)).toEqual(modelClosest(stored, t, n).map(big));
      expect(cache.closest(target, n, even).map(big)).toEqual(
        modelClosest(stored, t, n, even).map(big),
      );
      expect(cache.nearestAbove(target, n).map(big)).toEqual(modelAbove(stored, t, n).map(big));
      expect(cache.nearestBelow(target, n).map(big)).toEqual(modelBelow(stored, t, n).map(big));
    }
    expect(cache.closest(keyFromBigInt(key), 0)).toEqual([]);
    expect(cache.closest(keyFromBigInt(key), 10_000)).toHaveLength(stored.length);
    expect(() => cache.closest(keyFromBigInt(key), -1)).toThrow(RangeError);
    expect(() => cache.closest(new Uint8Array(31), 1)).toThrow(RangeError);
  });

  it('get(), has(), size and entries() see every stored entry and nothing else', () => {
    const cache = new RouteCache({ rng: seededRng(seed) });
    const a = entryAt(5n);
    expect(cache.get(a.id)).toBeUndefined();
    cache.add(a);
    cache.add(entryAt(3n));
    expect(cache.get(a.id)).toBe(a);
    expect(cache.has(entryAt(4n).id)).toBe(false);
    expect(cache.size).toBe(2);
    expect([...cache.entries()].map(big)).toEqual([3n, 5n]);
    expect(cache.remove(a.id).removed).toBe(a);
    expect(cache.has(a.id)).toBe(false);
    expect(cache.stats.removals).toBe(1);
  });

  it('randomEntries() draws distinct entries uniformly and deterministically', () => {
    const build = () => {
      const cache = new RouteCache({ rng: seededRng(seed), entriesPerLevel: 100 });
      for (let i = 0n; i < 40n; i++) cache.add(entryAt(i << 240n));
      return cache;
    };
    const cache = build();
    const tally = new Map<bigint, number>();
    const draws = 4000;
    for (let d = 0; d < draws; d++) {
      const n = d % 2 ? 3 : 20; // Floyd's sampling and the partial shuffle
      const picked = cache.randomEntries(n);
      expect(new Set(picked).size).toBe(n);
      for (const e of picked) tally.set(big(e), (tally.get(big(e)) ?? 0) + 1);
    }
    const expected = (draws / 2) * (3 / 40) + (draws / 2) * (20 / 40);
    for (const count of tally.values())
      expect(Math.abs(count - expected)).toBeLessThan(expected * 0.12);
    expect(tally.size).toBe(40);
    expect(cache.randomEntries(100)).toHaveLength(40);
    expect(cache.randomEntries(0)).toEqual([]);
    expect(build().randomEntries(5)).toEqual(build().randomEntries(5));
  });

  it('RouteCache without local keys centres its levels on the home key and stays bounded', () => {
    const rng = seededRng(seed).fork('search-only');
    const home = randomBig(rng);
    const cache = new RouteCache({ rng: rng.fork('cache'), homeKey: keyFromBigInt(home) });
    for (let i = 0; i < 5000; i++)
      cache.add(entryAt(i % 2 ? randomBig(rng) : (home + (randomBig(rng) >> 200n)) & MASK));
    expect(cache.homeKey).toEqual(keyFromBigInt(home));
    const counts = checkShape(cache)[0]!;
    expect(counts.length).toBeGreaterThanOrEqual(4);
    expect(counts.slice(0, 3)).toEqual([20, 20, 20]);
    expect(cache.size).toBe(counts.reduce((a, b) => a + b, 0));
    expect(cache.wouldBeInLeafSet(keyFromBigInt(home + 1n))).toBe(false);
    expect(cache.isWithinLeafSetSpan(keyFromBigInt(home))).toBe(false);
    expect(cache.estimateCloudSize()).toBeUndefined();
    expect(() => cache.leafSet(keyFromBigInt(home))).toThrow(RangeError);
    expect(cache.closest(keyFromBigInt(home), 3)).toHaveLength(3);
    const key = keyFromBigInt(randomBig(rng));
    cache.addLocalKey(key);
    expect(() => cache.levelSummary(keyFromBigInt(home))).toThrow(RangeError);
    checkShape(cache);
    cache.removeLocalKey(key);
    expect(cache.levelSummary(keyFromBigInt(home)).length).toBeGreaterThan(0);
    checkShape(cache);
  });

  it('RouteCache draws its home key from the Rng when first needed, deterministically', () => {
    const a = new RouteCache({ rng: seededRng(seed) });
    const b = new RouteCache({ rng: seededRng(seed) });
    a.add(entryAt(1n));
    expect(a.homeKey).toEqual(b.homeKey);
    expect(a.homeKey).toHaveLength(32);
  });

  it('RouteCache validates its options once', () => {
    const rng = seededRng(seed);
    expect(() => new RouteCache({} as never)).toThrow(TypeError);
    expect(() => new RouteCache({ rng, entriesPerLevel: 0 })).toThrow(RangeError);
    expect(() => new RouteCache({ rng, leafSetSide: 0 })).toThrow(RangeError);
    expect(() => new RouteCache({ rng, levelsMax: 0 })).toThrow(RangeError);
    expect(() => new RouteCache({ rng, levelsMax: 78 })).toThrow(RangeError);
    expect(() => new RouteCache({ rng, levelsMax: 2.5 })).toThrow(RangeError);
    expect(() => new RouteCache({ rng, entriesMax: 10 })).toThrow(RangeError);
    expect(() => new RouteCache({ rng, homeKey: new Uint8Array(8) })).toThrow(RangeError);
    expect(() => new RouteCache({ rng, entriesPerLevel: '3' as never })).toThrow(TypeError);
    expect(() => new RouteCache({ rng, levelsMax: 77, entriesMax: 11 })).not.toThrow();
    const cache = new RouteCache({ rng });
    expect(() => cache.add({} as never)).toThrow(TypeError);
    expect(() => cache.randomEntries(-1)).toThrow(RangeError);
  });
});
