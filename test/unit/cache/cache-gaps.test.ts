import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { precisionForGap } from '../../../src/cache/cache-gaps.js';
import { LEVEL_HALF_SPANS_BIG } from '../../../src/cache/ring-bytes.js';
import { RouteCache } from '../../../src/cache/route-cache.js';
import {
  keyFromBigInt,
  keyToBigInt,
  RING_SIZE,
  ringDistanceBig,
} from '../../../src/keys/key256.js';
import { seededRng } from '../../../src/util/rng.js';
import { big, entryAt, randomBig } from './model.js';

const seed = Number(process.env.PNRP_SEED ?? 20261121);
const MASK = RING_SIZE - 1n;

/** Does the block of keys sharing the top `bits` bits with `middle` lie strictly inside the gap? */
function blockFits(from: bigint, length: bigint, middle: bigint, bits: number): boolean {
  const size = 1n << BigInt(256 - bits);
  const start = middle & ~(size - 1n);
  const offset = (start - from) & MASK;
  return offset >= 1n && offset + size - 1n <= length - 1n;
}

describe('cache gaps and size estimate', () => {
  it('precisionForGap() picks the fewest bits whose block round the middle lies in the gap', () => {
    expect(precisionForGap(0n, 1n << 200n)).toBe(57);
    expect(precisionForGap(10n, 2n)).toBe(256); // exactly one key inside: all 256 bits
    expect(precisionForGap(10n, 1n)).toBeUndefined(); // adjacent keys: nothing inside
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: MASK }),
        fc.bigInt({ min: 2n, max: MASK }),
        (from, length) => {
          const bits = precisionForGap(from, length)!;
          const middle = (from + (length >> 1n)) & MASK;
          expect(blockFits(from, length, middle, bits)).toBe(true);
          if (bits > 0) expect(blockFits(from, length, middle, bits - 1)).toBe(false);
        },
      ),
      { seed, numRuns: 300 },
    );
  });

  it('sparseGaps() reports each level below entriesPerLevel with its largest open gap', () => {
    const rng = seededRng(seed).fork('gaps');
    const key = randomBig(rng);
    const cache = new RouteCache({ rng: rng.fork('cache') });
    cache.addLocalKey(keyFromBigInt(key));
    for (let i = 0; i < 3000; i++)
      cache.add(entryAt(i % 2 ? randomBig(rng) : (key + (randomBig(rng) >> 196n)) & MASK));
    const summary = cache.levelSummary(keyFromBigInt(key));
    const gaps = cache.sparseGaps();
    const sparse = summary.filter((l) => l.count < 20).map((l) => l.level);
    expect(sparse.length).toBeGreaterThan(0);
    expect(gaps.map((g) => g.level)).toEqual(sparse);
    const ids = [...cache.entries()].map(big);
    for (const g of gaps) {
      const from = keyToBigInt(g.gapFrom);
      const length = (keyToBigInt(g.gapTo) - from) & MASK;
      expect(keyToBigInt(g.middle)).toBe((from + (length >> 1n)) & MASK);
      expect(ids.some((id) => ((id - from) & MASK) > 0n && ((id - from) & MASK) < length)).toBe(
        false,
      );
      expect(blockFits(from, length, keyToBigInt(g.middle), g.precisionBits)).toBe(true);
      expect(blockFits(from, length, keyToBigInt(g.middle), g.precisionBits - 1)).toBe(false);
      // The gap lies within the level's span round the key.
      const d = ringDistanceBig(keyToBigInt(g.middle), key);
      expect(d <= LEVEL_HALF_SPANS_BIG[g.level]!).toBe(true);
    }
  });

  it('sparseGaps() skips gaps inside a full leaf set, whose contents flooding keeps exact', () => {
    const key = 1n << 255n;
    const cache = new RouteCache({ rng: seededRng(seed) });
    cache.addLocalKey(keyFromBigInt(key));
    for (let i = 1n; i <= 5n; i++) {
      cache.add(entryAt(key + i * 1000n));
      cache.add(entryAt(key - i * 1000n));
    }
    const gaps = cache.sparseGaps();
    expect(gaps).toHaveLength(1);
    expect(keyToBigInt(gaps[0]!.gapFrom)).toBe(key + 5000n);
    expect(keyToBigInt(gaps[0]!.gapTo)).toBe(key - 5000n);
    expect(gaps[0]!.precisionBits).toBe(2);
  });

  it('sparseGaps() of a search-only node looks round its home key', () => {
    const home = keyFromBigInt(12345n);
    const cache = new RouteCache({ rng: seededRng(seed), homeKey: home });
    const gaps = cache.sparseGaps();
    expect(gaps).toHaveLength(1);
    expect(gaps[0]!.localKey).toEqual(home);
    expect(keyToBigInt(gaps[0]!.middle)).toBe((12345n + RING_SIZE / 2n) & MASK);
    expect(gaps[0]!.precisionBits).toBe(1); // every key with the top bit set is in the gap
  });

  it('estimateCloudSize() gives N on a perfectly uniform ring of N nodes', () => {
    const n = 1000n;
    const ids = Array.from({ length: Number(n) }, (_, i) => (BigInt(i) * RING_SIZE) / n);
    const cache = new RouteCache({ rng: seededRng(seed) });
    expect(cache.estimateCloudSize()).toBeUndefined();
    cache.addLocalKey(keyFromBigInt(ids[0]!));
    for (const id of ids.slice(1)) cache.add(entryAt(id));
    expect(cache.estimateCloudSize()).toBeCloseTo(1000, 6);
    // Two local keys of one node: the mean of two ID estimates, per local key.
    const twoKeys = new RouteCache({ rng: seededRng(seed) });
    twoKeys.addLocalKey(keyFromBigInt(ids[0]!));
    twoKeys.addLocalKey(keyFromBigInt(ids[500]!));
    for (const id of ids) twoKeys.add(entryAt(id));
    expect(twoKeys.estimateCloudSize()).toBeCloseTo(500, 6);
  });

  it('estimateCloudSize() counts the whole ring when one entry is both neighbours', () => {
    const cache = new RouteCache({ rng: seededRng(seed) });
    cache.addLocalKey(keyFromBigInt(0n));
    cache.add(entryAt(RING_SIZE / 3n));
    expect(cache.estimateCloudSize()).toBe(2);
  });

  it('estimateCloudSize() ignores estimates of 2^32 or more', () => {
    const cache = new RouteCache({ rng: seededRng(seed) });
    cache.addLocalKey(keyFromBigInt(1000n));
    cache.add(entryAt(999n));
    cache.add(entryAt(1001n));
    expect(cache.estimateCloudSize()).toBeUndefined();
    cache.addLocalKey(keyFromBigInt(RING_SIZE / 2n));
    expect(cache.estimateCloudSize()).toBeCloseTo(2 / 2, 6);
  });
});
