import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../../src/util/token-bucket.js';

describe('TokenBucket', () => {
  it('starts full, empties, and refills at the rate on injected time', () => {
    const b = new TokenBucket({ ratePerSecond: 2, burst: 3 });
    expect([b.take(0), b.take(0), b.take(0), b.take(0)]).toEqual([true, true, true, false]);
    expect(b.take(499)).toBe(false);
    expect(b.take(500)).toBe(true);
    expect(b.take(10_000, 3)).toBe(true);
    expect(b.take(10_000)).toBe(false);
  });

  it('never refills when time goes backwards', () => {
    const b = new TokenBucket({ ratePerSecond: 1, burst: 1 });
    expect(b.take(5000)).toBe(true);
    expect(b.take(1000)).toBe(false);
    expect(b.take(5999)).toBe(false);
    expect(b.take(6000)).toBe(true);
  });

  it('rejects bad options', () => {
    expect(() => new TokenBucket({ ratePerSecond: 0, burst: 1 })).toThrow(RangeError);
    expect(() => new TokenBucket({ ratePerSecond: 1, burst: 0.5 })).toThrow(RangeError);
    expect(() => new TokenBucket({ ratePerSecond: Number.NaN, burst: 1 })).toThrow(RangeError);
  });

  it('grants at most burst + rate * elapsed over any sequence of takes', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.1, max: 100, noNaN: true }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.integer({ min: 0, max: 2000 }), { maxLength: 200 }),
        (rate, burst, steps) => {
          const b = new TokenBucket({ ratePerSecond: rate, burst });
          let t = 0;
          let granted = 0;
          for (const dt of steps) {
            t += dt;
            if (b.take(t)) granted++;
          }
          expect(granted).toBeLessThanOrEqual(burst + (rate * t) / 1000 + 1e-9);
        },
      ),
    );
  });
  it('fullAt() is true once the bucket has refilled to its burst, read without refilling', () => {
    const b = new TokenBucket({ ratePerSecond: 2, burst: 3 });
    expect(b.fullAt(0)).toBe(true);
    expect([b.take(0), b.take(0), b.take(0)]).toEqual([true, true, true]);
    expect(b.fullAt(0)).toBe(false);
    expect(b.fullAt(1499)).toBe(false);
    expect(b.fullAt(1500)).toBe(true);
    // Time going backwards: never "full" (the bucket keeps its later time).
    expect(b.fullAt(-1)).toBe(false);
    expect(b.take(500)).toBe(true);
  });

  it('a bucket that is fullAt(t) acts as a new one from t on (tables may drop it)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.1, max: 100, noNaN: true }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 1, max: 3 })), {
          maxLength: 200,
        }),
        (rate, burst, steps) => {
          const options = { ratePerSecond: rate, burst };
          const kept = new TokenBucket(options);
          let pruned = new TokenBucket(options);
          let t = 0;
          for (const [dt, n] of steps) {
            t += dt;
            if (pruned.fullAt(t)) pruned = new TokenBucket(options);
            expect(pruned.take(t, n)).toBe(kept.take(t, n));
          }
        },
      ),
    );
  });

  it('refund() gives back tokens taken in vain, never above the burst', () => {
    const b = new TokenBucket({ ratePerSecond: 1, burst: 2 });
    expect([b.take(0), b.take(0), b.take(0)]).toEqual([true, true, false]);
    b.refund();
    expect(b.available(0)).toBe(1);
    b.refund(5);
    expect(b.available(0)).toBe(2);
  });
});
