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
  it('refund() gives back tokens taken in vain, never above the burst', () => {
    const b = new TokenBucket({ ratePerSecond: 1, burst: 2 });
    expect([b.take(0), b.take(0), b.take(0)]).toEqual([true, true, false]);
    b.refund();
    expect(b.available(0)).toBe(1);
    b.refund(5);
    expect(b.available(0)).toBe(2);
  });
});
