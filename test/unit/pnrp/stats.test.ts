import { describe, expect, it } from 'vitest';
import { RateMeter } from '../../../src/pnrp/stats.js';

describe('RateMeter', () => {
  it('reports bytes per second over the window ending now', () => {
    const meter = new RateMeter(10_000);
    for (let t = 0; t <= 30_000; t += 500) meter.sample(t, t * 2, t); // 2000 B/s in, 1000 B/s out
    const r = meter.rates(30_000, 60_000, 30_000);
    expect(r.received).toBeCloseTo(2000, 6);
    expect(r.sent).toBeCloseTo(1000, 6);
  });

  it('forgets traffic older than the window', () => {
    const meter = new RateMeter(5_000);
    meter.sample(0, 0, 0);
    meter.sample(1_000, 100_000, 0); // a burst, then silence
    for (let t = 2_000; t <= 20_000; t += 1_000) meter.sample(t, 100_000, 0);
    expect(meter.rates(20_000, 100_000, 0).received).toBe(0);
  });

  it('is zero before any time has passed and refuses windows under a second', () => {
    const meter = new RateMeter(10_000);
    expect(meter.rates(0, 5, 5)).toEqual({ received: 0, sent: 0 });
    expect(() => new RateMeter(10)).toThrow(RangeError);
  });
});
