/**
 * Model test of the route cache: random sequences of add / remove / addLocalKey /
 * removeLocalKey with random (often tight) bounds, checked after every step against a plain
 * model of what is stored and of the leaf sets rebuilt from the reported events.
 * Seed: PNRP_SEED, else a fixed default; fast-check prints it with any counterexample.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LeafSetChange } from '../../src/cache/cache-options.js';
import { RouteCache } from '../../src/cache/route-cache.js';
import { keyFromBigInt, keyToHex, RING_SIZE } from '../../src/keys/key256.js';
import { seededRng } from '../../src/util/rng.js';
import type { RouteEntry } from '../../src/wire/types.js';
import {
  big,
  checkShape,
  entryAt,
  modelAbove,
  modelBelow,
  modelClosest,
} from '../unit/cache/model.js';

const seed = Number(process.env.PNRP_SEED ?? 20261121);
const MASK = RING_SIZE - 1n;
/** Three anchors; ids and keys cluster round them so leaf sets, levels and splits all get busy. */
const ANCHORS = [0n, RING_SIZE / 3n, (RING_SIZE * 7n) / 10n];

const arbId = fc.oneof(
  fc.bigInt({ min: 0n, max: MASK }),
  fc
    .tuple(
      fc.constantFrom(...ANCHORS),
      fc.integer({ min: 0, max: 250 }),
      fc.bigInt({ min: -(1n << 40n), max: 1n << 40n }),
    )
    .map(([anchor, shift, v]) => (anchor + (v << BigInt(shift))) & MASK),
);

type Op =
  | { t: 'add'; id: bigint }
  | { t: 'remove'; pick: number }
  | { t: 'add-key'; id: bigint }
  | { t: 'remove-key'; pick: number }
  | { t: 'closest'; id: bigint; n: number };

const arbOp: fc.Arbitrary<Op> = fc.oneof(
  { weight: 12, arbitrary: arbId.map((id) => ({ t: 'add' as const, id })) },
  { weight: 3, arbitrary: fc.nat().map((pick) => ({ t: 'remove' as const, pick })) },
  { weight: 1, arbitrary: arbId.map((id) => ({ t: 'add-key' as const, id })) },
  { weight: 1, arbitrary: fc.nat().map((pick) => ({ t: 'remove-key' as const, pick })) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(arbId, fc.integer({ min: 1, max: 12 }))
      .map(([id, n]) => ({ t: 'closest' as const, id, n })),
  },
);

const arbSetup = fc.record({
  leafSetSide: fc.integer({ min: 1, max: 5 }),
  entriesPerLevel: fc.integer({ min: 1, max: 20 }),
  levelsMax: fc.integer({ min: 1, max: 6 }),
  extra: fc.integer({ min: 0, max: 60 }),
  localKeysMax: fc.integer({ min: 1, max: 3 }),
  rngSeed: fc.nat(),
});

function applyChanges(model: Map<string, Set<string>>, changes: readonly LeafSetChange[]): void {
  for (const c of changes) {
    const local = keyToHex(c.localKey);
    const set = model.get(local) ?? new Set<string>();
    model.set(local, set);
    if (c.type === 'added') set.add(keyToHex(c.remoteKey));
    else expect(set.delete(keyToHex(c.remoteKey))).toBe(true);
  }
}

describe('RouteCache model test', () => {
  it('random operations keep leaf sets exact, bounds held, queries right and events consistent', () => {
    // Runs that reached each bound or rule, so the test shows it exercised them all.
    const reached = { splits: 0, levelsMax: 0, entriesMax: 0, overflow: 0, replacement: 0 };
    fc.assert(
      fc.property(arbSetup, fc.array(arbOp, { maxLength: 150, size: 'max' }), (setup, ops) => {
        const { leafSetSide, entriesPerLevel, levelsMax, localKeysMax } = setup;
        const entriesMax = 2 * leafSetSide * localKeysMax + 1 + setup.extra;
        const cache = new RouteCache({
          rng: seededRng(setup.rngSeed),
          leafSetSide,
          entriesPerLevel,
          levelsMax,
          entriesMax,
          localKeysMax,
        });
        const stored = new Map<string, RouteEntry>();
        const events = new Map<string, Set<string>>();
        for (const op of ops) {
          let evicted: readonly RouteEntry[] = [];
          if (op.t === 'add') {
            const entry = entryAt(op.id);
            const r = cache.add(entry);
            applyChanges(events, r.leafSetChanges);
            if (r.added) stored.set(keyToHex(entry.id), entry);
            evicted = r.evicted;
          } else if (op.t === 'remove' && stored.size > 0) {
            const victim = [...stored.values()][op.pick % stored.size]!;
            const r = cache.remove(victim.id);
            expect(r.removed).toBe(victim);
            applyChanges(events, r.leafSetChanges);
            stored.delete(keyToHex(victim.id));
          } else if (op.t === 'add-key') {
            if (cache.localKeys().length >= localKeysMax) {
              expect(() => cache.addLocalKey(keyFromBigInt(op.id))).toThrow(RangeError);
              continue;
            }
            const before = cache.size;
            const own = stored.get(keyToHex(keyFromBigInt(op.id)));
            applyChanges(events, cache.addLocalKey(keyFromBigInt(op.id)));
            if (own !== undefined) {
              stored.delete(keyToHex(own.id));
              expect(cache.size).toBe(before - 1);
            }
          } else if (op.t === 'remove-key' && cache.localKeys().length > 0) {
            const key = cache.localKeys()[op.pick % cache.localKeys().length]!;
            applyChanges(events, cache.removeLocalKey(key));
            expect(events.get(keyToHex(key))?.size ?? 0).toBe(0);
            events.delete(keyToHex(key));
          } else if (op.t === 'closest') {
            const got = cache.closest(keyFromBigInt(op.id), op.n);
            expect(got.map(big)).toEqual(modelClosest([...stored.values()], op.id, op.n).map(big));
          }
          for (const e of evicted) {
            expect(stored.delete(keyToHex(e.id))).toBe(true);
            // An entry only leaves when it is no longer a rightful leaf-set member.
            expect(cache.wouldBeInLeafSet(e.id)).toBe(false);
          }
          // Exactly the model's entries, the very objects added, within bounds.
          expect(cache.size).toBe(stored.size);
          expect(cache.size).toBeLessThanOrEqual(entriesMax);
          for (const e of stored.values()) expect(cache.get(e.id)).toBe(e);
          const all = [...stored.values()];
          for (const key of cache.localKeys()) {
            const k = big({ id: key, port: 0, addresses: [] });
            const { below, above } = cache.leafSet(key);
            expect(below.map(big)).toEqual(modelBelow(all, k, leafSetSide).map(big));
            expect(above.map(big)).toEqual(modelAbove(all, k, leafSetSide).map(big));
            const fromEvents = events.get(keyToHex(key)) ?? new Set<string>();
            expect(fromEvents).toEqual(new Set([...below, ...above].map((e) => keyToHex(e.id))));
          }
          checkShape(cache, levelsMax);
          const s = cache.stats;
          expect(s.boundHits).toBe(s.levelsMaxHits + s.entriesMaxHits + s.levelOverflowTrims);
        }
        const s = cache.stats;
        reached.splits += s.levelSplits > 0 ? 1 : 0;
        reached.levelsMax += s.levelsMaxHits > 0 ? 1 : 0;
        reached.entriesMax += s.entriesMaxHits > 0 ? 1 : 0;
        reached.overflow += s.levelOverflowTrims > 0 ? 1 : 0;
        reached.replacement += s.randomReplacements > 0 ? 1 : 0;
      }),
      { seed, numRuns: 60 },
    );
    for (const runs of Object.values(reached)) expect(runs).toBeGreaterThan(0);
  });
});
