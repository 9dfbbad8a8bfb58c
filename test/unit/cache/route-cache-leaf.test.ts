import { describe, expect, it } from 'vitest';
import type { LeafSetChange } from '../../../src/cache/cache-options.js';
import { RouteCache } from '../../../src/cache/route-cache.js';
import { type Key, keyFromBigInt, keyToHex, RING_SIZE } from '../../../src/keys/key256.js';
import { type Rng, seededRng } from '../../../src/util/rng.js';
import type { RouteEntry } from '../../../src/wire/types.js';
import { big, checkShape, entryAt, modelAbove, modelBelow, randomBig } from './model.js';

const seed = Number(process.env.PNRP_SEED ?? 20261121);
const MASK = RING_SIZE - 1n;

/** Random ids, a third of them packed near `key` so that leaf sets keep changing. */
function idsAround(rng: Rng, key: bigint, n: number): bigint[] {
  return Array.from({ length: n }, (_, i) =>
    i % 3 === 0 ? (key + (randomBig(rng) >> 170n) - (1n << 85n)) & MASK : randomBig(rng),
  );
}

/** Applies reported changes to a model of the leaf sets, as a DRT event consumer would. */
function replay(model: Map<string, Set<string>>, changes: readonly LeafSetChange[]): void {
  for (const c of changes) {
    const set = model.get(keyToHex(c.localKey)) ?? new Set<string>();
    model.set(keyToHex(c.localKey), set);
    if (c.type === 'added') {
      expect(set.has(keyToHex(c.remoteKey))).toBe(false);
      set.add(keyToHex(c.remoteKey));
    } else {
      expect(set.delete(keyToHex(c.remoteKey))).toBe(true);
    }
  }
}

function leafHexes(cache: RouteCache, key: Key): Set<string> {
  const { below, above } = cache.leafSet(key);
  return new Set([...below, ...above].map((e) => keyToHex(e.id)));
}

describe('RouteCache leaf sets', () => {
  it('RouteCache keeps exactly five leaf entries on each side', () => {
    for (let run = 0; run < 3; run++) {
      const rng = seededRng(seed).fork(`leaf-${run}`);
      const key = randomBig(rng);
      const cache = new RouteCache({ rng: rng.fork('cache') });
      cache.addLocalKey(keyFromBigInt(key));
      const added: RouteEntry[] = [];
      for (const [i, id] of idsAround(rng, key, 300).entries()) {
        added.push(entryAt(id));
        cache.add(added[added.length - 1]!);
        if (i % 3 !== 0 && i < 290) continue;
        // With no removals, a leaf set is the five nearest of everything ever added.
        const { below, above } = cache.leafSet(keyFromBigInt(key));
        expect(below.map(big)).toEqual(modelBelow(added, key, 5).map(big));
        expect(above.map(big)).toEqual(modelAbove(added, key, 5).map(big));
      }
      checkShape(cache);
    }
  });

  it('RouteCache reports leaf-set changes that replay to the current leaf sets', () => {
    const rng = seededRng(seed).fork('replay');
    const keys = [randomBig(rng), randomBig(rng)];
    const cache = new RouteCache({ rng: rng.fork('cache') });
    const model = new Map<string, Set<string>>();
    const stored: bigint[] = [];
    for (const [i, id] of [
      ...idsAround(rng, keys[0]!, 150),
      ...idsAround(rng, keys[1]!, 150),
    ].entries()) {
      if (i === 40) replay(model, cache.addLocalKey(keyFromBigInt(keys[0]!)));
      if (i === 90) replay(model, cache.addLocalKey(keyFromBigInt(keys[1]!)));
      if (i % 4 === 3 && stored.length > 0) {
        const victim = stored.splice(rng.nextInt(stored.length), 1)[0]!;
        replay(model, cache.remove(keyFromBigInt(victim)).leafSetChanges);
      }
      const r = cache.add(entryAt(id));
      replay(model, r.leafSetChanges);
      stored.push(id);
      for (const e of r.evicted) stored.splice(stored.indexOf(big(e)), 1);
      for (const key of cache.localKeys())
        expect(model.get(keyToHex(key))).toEqual(leafHexes(cache, key));
      checkShape(cache);
    }
    replay(model, cache.removeLocalKey(keyFromBigInt(keys[0]!)));
    expect(model.get(keyToHex(keyFromBigInt(keys[0]!)))?.size).toBe(0);
  });

  it('RouteCache keeps a displaced leaf member when its level has room and evicts it when not', () => {
    const cache = new RouteCache({
      rng: seededRng(seed),
      leafSetSide: 1,
      entriesPerLevel: 1,
      levelsMax: 1,
    });
    const key = keyFromBigInt(0n);
    cache.addLocalKey(key);
    cache.add(entryAt(MASK)); // the lower side: -1
    cache.add(entryAt(100n));
    const r1 = cache.add(entryAt(50n));
    expect(r1.evicted).toEqual([]);
    expect(
      r1.leafSetChanges.map((c) => [c.type, big({ id: c.remoteKey, port: 0, addresses: [] })]),
    ).toEqual([
      ['deleted', 100n],
      ['added', 50n],
    ]);
    expect(cache.has(entryAt(100n).id)).toBe(true);
    const r2 = cache.add(entryAt(25n)); // 50 is displaced; its level is full and cannot split
    expect(r2.evicted.map(big)).toEqual([50n]);
    expect(cache.has(entryAt(50n).id)).toBe(false);
    expect(cache.stats.levelsMaxHits).toBe(1);
    expect(cache.leafSet(key).above.map(big)).toEqual([25n]);
    checkShape(cache, 1);
  });

  it('RouteCache heals a leaf set from level entries when a member is removed', () => {
    const rng = seededRng(seed).fork('heal');
    const key = randomBig(rng);
    const cache = new RouteCache({ rng: rng.fork('cache') });
    cache.addLocalKey(keyFromBigInt(key));
    for (const id of idsAround(rng, key, 300)) cache.add(entryAt(id));
    const local = keyFromBigInt(key);
    const chargedBefore = checkShape(cache)
      .flat()
      .reduce((a, b) => a + b, 0);
    const nearest = cache.leafSet(local).above[0]!;
    const sixth = cache.nearestAbove(local, 6)[5]!;
    const r = cache.remove(nearest.id);
    expect(r.removed).toBe(nearest);
    expect(r.leafSetChanges).toEqual([
      { type: 'deleted', localKey: local, remoteKey: nearest.id },
      { type: 'added', localKey: local, remoteKey: sixth.id },
    ]);
    const stored = [...cache.entries()];
    expect(cache.leafSet(local).above.map(big)).toEqual(modelAbove(stored, key, 5).map(big));
    // The promoted entry left its level for the leaf set.
    expect(
      checkShape(cache)
        .flat()
        .reduce((a, b) => a + b, 0),
    ).toBe(chargedBefore - 1);
    expect(cache.remove(nearest.id)).toEqual({ leafSetChanges: [] });
  });

  it('RouteCache keeps a leaf set per local key and charges every other entry to the nearest key', () => {
    const rng = seededRng(seed).fork('multi');
    const keys = [randomBig(rng), randomBig(rng), randomBig(rng)];
    const cache = new RouteCache({ rng: rng.fork('cache') });
    for (const k of keys) cache.addLocalKey(keyFromBigInt(k));
    expect(cache.localKeys().map((k) => big({ id: k, port: 0, addresses: [] }))).toEqual(
      [...keys].sort((a, b) => (a < b ? -1 : 1)),
    );
    const added: RouteEntry[] = [];
    for (const k of keys) for (const id of idsAround(rng, k, 200)) added.push(entryAt(id));
    for (const e of added) cache.add(e);
    for (const k of keys) {
      const { below, above } = cache.leafSet(keyFromBigInt(k));
      expect(below.map(big)).toEqual(modelBelow(added, k, 5).map(big));
      expect(above.map(big)).toEqual(modelAbove(added, k, 5).map(big));
    }
    const counts = checkShape(cache);
    for (const c of counts) for (const n of c) expect(n).toBeLessThanOrEqual(20);
    // Three keys, three sets of levels, each sharing the ring: more entries than one key keeps.
    expect(cache.size).toBeGreaterThan(3 * 2 * 20);
  });

  it('addLocalKey() reports the new leaf set and removeLocalKey() its loss, keeping the entries', () => {
    const cache = new RouteCache({ rng: seededRng(seed), entriesPerLevel: 40 });
    for (let i = 1n; i <= 30n; i++) cache.add(entryAt(i * 1000n));
    expect(cache.size).toBe(30);
    const key = keyFromBigInt(15_500n);
    const added = cache.addLocalKey(key);
    expect(added.map((c) => [c.type, big({ id: c.remoteKey, port: 0, addresses: [] })])).toEqual(
      [15n, 14n, 13n, 12n, 11n, 16n, 17n, 18n, 19n, 20n].map((n) => ['added', n * 1000n]),
    );
    expect(cache.addLocalKey(key)).toEqual([]);
    const removed = cache.removeLocalKey(key);
    expect(removed.map((c) => c.type)).toEqual(Array(10).fill('deleted'));
    expect(cache.size).toBe(30);
    expect(cache.removeLocalKey(key)).toEqual([]);
    checkShape(cache);
  });

  it('RouteCache never caches one of its own keys', () => {
    const cache = new RouteCache({ rng: seededRng(seed) });
    for (let i = 1n; i <= 12n; i++) cache.add(entryAt(i * 10n));
    const own = entryAt(60n);
    const changes = cache.addLocalKey(own.id);
    expect(cache.has(own.id)).toBe(false);
    expect(cache.stats.evictions).toBe(1);
    expect(changes.every((c) => c.type === 'added')).toBe(true);
    expect(cache.add(own)).toEqual({ added: false, evicted: [], leafSetChanges: [] });
    expect(cache.stats.rejectedLocal).toBe(1);
    checkShape(cache);
  });

  it('addLocalKey() refuses more keys than localKeysMax or than entriesMax leaves room for', () => {
    const cache = new RouteCache({ rng: seededRng(seed), localKeysMax: 2 });
    cache.addLocalKey(keyFromBigInt(1n));
    cache.addLocalKey(keyFromBigInt(2n));
    expect(() => cache.addLocalKey(keyFromBigInt(3n))).toThrow(RangeError);
    const small = new RouteCache({ rng: seededRng(seed), entriesMax: 25 });
    small.addLocalKey(keyFromBigInt(1n));
    small.addLocalKey(keyFromBigInt(2n));
    expect(() => small.addLocalKey(keyFromBigInt(3n))).toThrow(/at most 2 local keys/);
  });

  it('wouldBeInLeafSet() is true exactly for ids that would land among the nearest five', () => {
    const rng = seededRng(seed).fork('would');
    const key = randomBig(rng);
    const cache = new RouteCache({ rng: rng.fork('cache') });
    expect(cache.wouldBeInLeafSet(keyFromBigInt(key))).toBe(false);
    cache.addLocalKey(keyFromBigInt(key));
    expect(cache.wouldBeInLeafSet(keyFromBigInt(key + 1n))).toBe(true); // empty leaf set
    for (const id of idsAround(rng, key, 200)) cache.add(entryAt(id));
    const stored = [...cache.entries()];
    for (const probe of idsAround(rng, key, 300)) {
      const withProbe = [...stored.filter((e) => big(e) !== probe), entryAt(probe)];
      const expected =
        probe !== key &&
        (modelBelow(withProbe, key, 5).some((e) => big(e) === probe) ||
          modelAbove(withProbe, key, 5).some((e) => big(e) === probe));
      expect(cache.wouldBeInLeafSet(keyFromBigInt(probe))).toBe(expected);
    }
    expect(cache.wouldBeInLeafSet(keyFromBigInt(key))).toBe(false);
  });

  it('isWithinLeafSetSpan() covers the arc between the farthest leaf members, ends included', () => {
    const cache = new RouteCache({ rng: seededRng(seed) });
    const key = 1n << 255n;
    expect(cache.isWithinLeafSetSpan(keyFromBigInt(key))).toBe(false);
    cache.addLocalKey(keyFromBigInt(key));
    cache.add(entryAt(key + 10n));
    expect(cache.isWithinLeafSetSpan(keyFromBigInt(key))).toBe(true); // one entry: both sides
    for (let i = 1n; i <= 40n; i++) cache.add(entryAt(key + i * 10n - 200n));
    const within = (v: bigint) => cache.isWithinLeafSetSpan(keyFromBigInt(v));
    expect(within(key)).toBe(true);
    expect(within(key + 50n)).toBe(true);
    expect(within(key - 50n)).toBe(true);
    expect(within(key + 51n)).toBe(false);
    expect(within(key - 51n)).toBe(false);
    expect(within(0n)).toBe(false);
  });
});
