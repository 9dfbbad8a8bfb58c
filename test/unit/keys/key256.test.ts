import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  clockwiseDistance,
  commonPrefixBits,
  compareDistance,
  compareKeys,
  keyFromHex,
  keyInRange,
  keyToHex,
  ringDistance,
} from '../../../src/keys/index.js';
import {
  addToKey,
  assertKey,
  keyFromBigInt,
  keyToBigInt,
  midpointOf,
  RING_SIZE,
} from '../../../src/keys/key256.js';

const k = (n: bigint) => keyFromBigInt(n);
const seed = Number(process.env.PNRP_SEED ?? 20261121);
const arbKey = fc.bigInt({ min: 0n, max: RING_SIZE - 1n });

describe('256-bit keys', () => {
  it('stores keys most significant byte first', () => {
    expect(keyToHex(k(1n))).toBe(`${'00'.repeat(31)}01`);
    expect(keyToHex(k(1n << 248n))).toBe(`01${'00'.repeat(31)}`);
  });

  it('keyFromBigInt() wraps negative and oversized values round the ring', () => {
    expect(keyToHex(k(-1n))).toBe('ff'.repeat(32));
    expect(keyToBigInt(k(RING_SIZE + 5n))).toBe(5n);
  });

  it('addToKey() adds and subtracts modulo 2^256 (registration resolves ID + 1)', () => {
    expect(keyToBigInt(addToKey(k(-1n), 1))).toBe(0n);
    expect(keyToBigInt(addToKey(k(0n), -1))).toBe(RING_SIZE - 1n);
    expect(keyToBigInt(addToKey(k(10n), 5n))).toBe(15n);
    expect(() => addToKey(k(0n), 0.5)).toThrow(RangeError);
  });

  it('ringDistance() takes the short way round', () => {
    expect(ringDistance(k(1n), k(-1n))).toBe(2n);
    expect(ringDistance(k(0n), k(RING_SIZE / 2n))).toBe(RING_SIZE / 2n);
    expect(ringDistance(k(5n), k(5n))).toBe(0n);
  });

  it('clockwiseDistance() goes upward through zero', () => {
    expect(clockwiseDistance(k(-1n), k(1n))).toBe(2n);
    expect(clockwiseDistance(k(1n), k(-1n))).toBe(RING_SIZE - 2n);
  });

  it('compareDistance() orders by distance and breaks ties numerically', () => {
    expect(compareDistance(k(10n), k(9n), k(12n))).toBeLessThan(0);
    expect(compareDistance(k(10n), k(12n), k(9n))).toBeGreaterThan(0);
    expect(compareDistance(k(10n), k(9n), k(11n))).toBeLessThan(0);
    expect(compareDistance(k(0n), k(-1n), k(2n))).toBeLessThan(0);
  });

  it('commonPrefixBits() counts shared leading bits', () => {
    expect(commonPrefixBits(k(0n), k(0n))).toBe(256);
    expect(commonPrefixBits(k(0n), k(1n))).toBe(255);
    expect(commonPrefixBits(k(0n), k(1n << 255n))).toBe(0);
    expect(commonPrefixBits(k(0n), k(1n << 200n))).toBe(55);
  });

  it('keyInRange() is inclusive and wraps when min > max', () => {
    expect(keyInRange(k(5n), k(5n), k(10n))).toBe(true);
    expect(keyInRange(k(10n), k(5n), k(10n))).toBe(true);
    expect(keyInRange(k(11n), k(5n), k(10n))).toBe(false);
    expect(keyInRange(k(0n), k(-5n), k(5n))).toBe(true);
    expect(keyInRange(k(-3n), k(-5n), k(5n))).toBe(true);
    expect(keyInRange(k(6n), k(-5n), k(5n))).toBe(false);
  });

  it('midpointOf() finds the middle of the clockwise gap', () => {
    expect(keyToBigInt(midpointOf(k(0n), k(10n)))).toBe(5n);
    expect(keyToBigInt(midpointOf(k(-4n), k(4n)))).toBe(0n);
  });

  it('keyFromHex() and assertKey() refuse wrong lengths', () => {
    expect(() => keyFromHex('00')).toThrow(RangeError);
    expect(() => assertKey(new Uint8Array(31))).toThrow(RangeError);
    expect(() => assertKey('x')).toThrow(TypeError);
  });

  it('compareKeys() agrees with bigint order (property)', () => {
    fc.assert(
      fc.property(arbKey, arbKey, (a, b) => {
        const expected = a < b ? -1 : a > b ? 1 : 0;
        expect(compareKeys(k(a), k(b))).toBe(expected);
        expect(keyToBigInt(k(a))).toBe(a);
      }),
      { seed, numRuns: 500 },
    );
  });

  it('ringDistance() is symmetric, at most half the ring, and agrees with addToKey (property)', () => {
    fc.assert(
      fc.property(arbKey, fc.bigInt({ min: -(1n << 200n), max: 1n << 200n }), (a, d) => {
        const b = addToKey(k(a), d);
        const dist = ringDistance(k(a), b);
        expect(dist).toBe(d < 0n ? -d : d);
        expect(ringDistance(b, k(a))).toBe(dist);
        expect(dist <= RING_SIZE / 2n).toBe(true);
      }),
      { seed, numRuns: 500 },
    );
  });
});
