import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  closestIn,
  entriesBetweenClockwise,
  indexOfId,
  lowerBound,
  walkAbove,
  walkBelow,
} from '../../../src/cache/sorted-entries.js';
import { RING_SIZE } from '../../../src/keys/key256.js';
import type { RouteEntry } from '../../../src/wire/types.js';
import { big, entryAt, modelAbove, modelBelow, modelClosest } from './model.js';

const seed = Number(process.env.PNRP_SEED ?? 20261121);
const MASK = RING_SIZE - 1n;
/** Keys clustered in a few small neighbourhoods so that wrap-around and ties happen. */
const arbKey = fc.oneof(
  fc.bigInt({ min: 0n, max: RING_SIZE - 1n }),
  fc.bigInt({ min: -40n, max: 40n }).map((v) => v & MASK),
  fc.bigInt({ min: -40n, max: 40n }).map((v) => (v + RING_SIZE / 2n) & MASK),
);

function sortedOf(ids: readonly bigint[]): RouteEntry[] {
  return [...new Set(ids)].sort((a, b) => (a < b ? -1 : 1)).map((id) => entryAt(id));
}

describe('sorted entry array', () => {
  it('lowerBound() and indexOfId() find ids by binary search', () => {
    const sorted = sortedOf([10n, 20n, 30n]);
    expect(lowerBound(sorted, entryAt(20n).id)).toBe(1);
    expect(lowerBound(sorted, entryAt(21n).id)).toBe(2);
    expect(lowerBound(sorted, entryAt(31n).id)).toBe(3);
    expect(indexOfId(sorted, entryAt(30n).id)).toBe(2);
    expect(indexOfId(sorted, entryAt(31n).id)).toBe(-1);
  });

  it('closestIn() matches sorting by ring distance, ties numerically smaller first', () => {
    fc.assert(
      fc.property(fc.array(arbKey, { maxLength: 40 }), arbKey, fc.nat(45), (ids, t, count) => {
        const sorted = sortedOf(ids);
        const target = entryAt(t).id;
        expect(closestIn(sorted, target, count).map(big)).toEqual(
          modelClosest(sorted, t, count).map(big),
        );
        const odd = (e: RouteEntry) => (big(e) & 1n) === 1n;
        expect(closestIn(sorted, target, count, odd).map(big)).toEqual(
          modelClosest(sorted, t, count, odd).map(big),
        );
      }),
      { seed, numRuns: 400 },
    );
  });

  it('closestIn() breaks an exact tie toward the numerically smaller id, across zero too', () => {
    expect(closestIn(sortedOf([8n, 12n]), entryAt(10n).id, 2).map(big)).toEqual([8n, 12n]);
    expect(closestIn(sortedOf([2n, RING_SIZE - 2n]), entryAt(0n).id, 2).map(big)).toEqual([
      2n,
      RING_SIZE - 2n,
    ]);
  });

  it('closestIn() stays right when its filter calls closestIn() again', () => {
    const sorted = sortedOf(Array.from({ length: 30 }, (_, i) => BigInt(i) * 1000n));
    const target = entryAt(14_400n).id;
    const nested = closestIn(sorted, target, 5, (e) => closestIn(sorted, e.id, 3).length === 3);
    expect(nested.map(big)).toEqual(closestIn(sorted, target, 5).map(big));
    expect(nested.map(big)).toEqual([14_000n, 15_000n, 13_000n, 16_000n, 12_000n]);
  });

  it('walkAbove() and walkBelow() walk the ring from a key, wrapping and skipping the key itself', () => {
    fc.assert(
      fc.property(fc.array(arbKey, { maxLength: 30 }), arbKey, fc.nat(35), (ids, t, count) => {
        const sorted = sortedOf(ids);
        const key = entryAt(t).id;
        expect(walkAbove(sorted, key, count).map(big)).toEqual(
          modelAbove(sorted, t, count).map(big),
        );
        expect(walkBelow(sorted, key, count).map(big)).toEqual(
          modelBelow(sorted, t, count).map(big),
        );
      }),
      { seed, numRuns: 400 },
    );
  });

  it('entriesBetweenClockwise() counts the entries strictly between two keys', () => {
    fc.assert(
      fc.property(fc.array(arbKey, { maxLength: 30 }), arbKey, arbKey, (ids, a, b) => {
        const sorted = sortedOf(ids);
        const span = (b - a) & MASK;
        const expected = sorted.filter((e) => {
          const o = (big(e) - a) & MASK;
          return o > 0n && (span === 0n ? true : o < span);
        }).length;
        expect(entriesBetweenClockwise(sorted, entryAt(a).id, entryAt(b).id)).toBe(expected);
      }),
      { seed, numRuns: 400 },
    );
  });
});
