import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareKeyAt,
  LEVEL_HALF_SPANS_BIG,
  LEVEL_INDEX_LIMIT,
  naturalLevel,
  ringDistanceInto,
  subtractInto,
} from '../../../src/cache/ring-bytes.js';
import {
  keyFromBigInt,
  keyToBigInt,
  RING_SIZE,
  ringDistanceBig,
} from '../../../src/keys/key256.js';

const seed = Number(process.env.PNRP_SEED ?? 20261121);
const arbKey = fc.bigInt({ min: 0n, max: RING_SIZE - 1n });
const k = keyFromBigInt;

describe('cache ring arithmetic on bytes', () => {
  it('subtractInto() computes the clockwise offset modulo 2^256', () => {
    fc.assert(
      fc.property(arbKey, arbKey, (a, b) => {
        const out = new Uint8Array(40);
        subtractInto(k(a), k(b), out, 8);
        expect(keyToBigInt(out.subarray(8))).toBe((a - b + RING_SIZE) % RING_SIZE);
      }),
      { seed, numRuns: 300 },
    );
  });

  it('ringDistanceInto() agrees with ringDistanceBig(), including exactly half the ring', () => {
    const half = RING_SIZE / 2n;
    const cases: [bigint, bigint][] = [
      [0n, half],
      [half, 0n],
      [1n, RING_SIZE - 1n],
      [5n, 5n],
    ];
    for (const [a, b] of cases) {
      const out = new Uint8Array(32);
      ringDistanceInto(k(a), k(b), out, 0);
      expect(keyToBigInt(out)).toBe(ringDistanceBig(a, b));
    }
    fc.assert(
      fc.property(arbKey, arbKey, (a, b) => {
        const out = new Uint8Array(32);
        ringDistanceInto(k(a), k(b), out, 0);
        expect(keyToBigInt(out)).toBe(ringDistanceBig(a, b));
      }),
      { seed, numRuns: 300 },
    );
  });

  it('compareKeyAt() orders keys numerically at any offset', () => {
    const buf = new Uint8Array(64);
    buf.set(k(7n), 0);
    buf.set(k(9n), 32);
    expect(compareKeyAt(buf, 0, buf, 32)).toBe(-1);
    expect(compareKeyAt(buf, 32, buf, 0)).toBe(1);
    expect(compareKeyAt(buf, 32, buf, 32)).toBe(0);
  });

  it('level i has half-span floor(2^256 / (2*10^i)), and level 76 is the last non-empty one', () => {
    expect(LEVEL_HALF_SPANS_BIG[0]).toBe(RING_SIZE / 2n);
    expect(LEVEL_HALF_SPANS_BIG[1]).toBe(RING_SIZE / 20n);
    expect(LEVEL_HALF_SPANS_BIG[LEVEL_INDEX_LIMIT]! >= 1n).toBe(true);
    expect(LEVEL_HALF_SPANS_BIG[LEVEL_INDEX_LIMIT + 1]).toBe(0n);
  });

  it('naturalLevel() puts a distance in the deepest level whose span contains it (ends inclusive)', () => {
    const level = (d: bigint, max = 20) => naturalLevel(k(d), 0, max);
    const t1 = LEVEL_HALF_SPANS_BIG[1]!;
    const t2 = LEVEL_HALF_SPANS_BIG[2]!;
    expect(level(RING_SIZE / 2n)).toBe(0);
    expect(level(t1 + 1n)).toBe(0);
    expect(level(t1)).toBe(1);
    expect(level(t2 + 1n)).toBe(1);
    expect(level(t2)).toBe(2);
    expect(level(0n, 20)).toBe(20);
    expect(level(0n, 3)).toBe(3);
    expect(level(1n, LEVEL_INDEX_LIMIT)).toBe(LEVEL_INDEX_LIMIT);
  });
});
