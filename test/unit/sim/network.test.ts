import { describe, expect, it } from 'vitest';
import { NETWORK_DEFAULTS, NetworkModel } from '../../../src/sim/index.js';
import { resolveNetworkOptions } from '../../../src/sim/network.js';
import { seededRng } from '../../../src/util/rng.js';

const SEED = Number(process.env.PNRP_SEED ?? 1);

function samples(model: NetworkModel, n: number, pairs = 50): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(model.sample(i % pairs, (i * 7 + 1) % pairs).delayMs);
  return out;
}

describe('NetworkModel', () => {
  it(`keeps every delay within [delayMinMs, delayMaxMs] and near delayMeanMs on average (seed ${SEED})`, () => {
    const model = new NetworkModel(seededRng(SEED).fork('network'), {
      delayMinMs: 20,
      delayMeanMs: 80,
      jitterMeanMs: 10,
    });
    const delays = samples(model, 20_000);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(20);
    const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
    // 50 pairs only: the per-pair bases dominate the spread, so allow a generous band.
    expect(mean).toBeGreaterThan(65);
    expect(mean).toBeLessThan(95);
    model.update({ delayMaxMs: 60 });
    expect(Math.max(...samples(model, 5_000))).toBeLessThanOrEqual(60);
  });

  it('rounds delays up to whole 1/1024 ms so virtual times stay exact', () => {
    const model = new NetworkModel(seededRng(SEED).fork('network'));
    for (const d of samples(model, 1_000)) expect(Number.isInteger(d * 1024)).toBe(true);
  });

  it('draws a fixed base latency per ordered pair', () => {
    const model = new NetworkModel(seededRng(SEED).fork('network'));
    expect(model.pairMs(3, 4)).toBe(model.pairMs(3, 4));
    expect(model.pairMs(3, 4)).not.toBe(model.pairMs(4, 3));
    const bases = Array.from({ length: 1000 }, (_, i) => model.pairMs(i, i + 1));
    const span = 2 * (50 - 10 - 5);
    expect(Math.min(...bases)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...bases)).toBeLessThanOrEqual(span);
    expect(Math.max(...bases)).toBeGreaterThan(span * 0.9);
  });

  it('with zero jitter, only the pair base varies: delays of one pair are equal', () => {
    const model = new NetworkModel(seededRng(SEED).fork('network'), {
      delayMinMs: 10,
      delayMeanMs: 30,
      jitterMeanMs: 0,
    });
    const first = model.sample(1, 2).delayMs;
    for (let i = 0; i < 100; i++) expect(model.sample(1, 2).delayMs).toBe(first);
  });

  it('loses and duplicates about as often as configured', () => {
    const model = new NetworkModel(seededRng(SEED).fork('network'), {
      lossProbability: 0.1,
      duplicateProbability: 0.05,
    });
    let lost = 0;
    let duplicated = 0;
    for (let i = 0; i < 20_000; i++) {
      const fate = model.sample(0, 1);
      if (fate.lost) lost++;
      if (fate.duplicateDelayMs >= 0) duplicated++;
    }
    expect(lost / 20_000).toBeGreaterThan(0.09);
    expect(lost / 20_000).toBeLessThan(0.11);
    // A lost datagram has no duplicate: expect 0.05 * 0.9 = 0.045.
    expect(duplicated / 20_000).toBeGreaterThan(0.04);
    expect(duplicated / 20_000).toBeLessThan(0.05);
  });

  it('validates options once, with RangeError naming the option', () => {
    expect(resolveNetworkOptions()).toEqual(NETWORK_DEFAULTS);
    expect(() => resolveNetworkOptions({ lossProbability: 1.5 })).toThrow(/lossProbability/);
    expect(() => resolveNetworkOptions({ delayMinMs: -1 })).toThrow(RangeError);
    expect(() => resolveNetworkOptions({ delayMeanMs: 12 })).toThrow(/delayMeanMs/);
    expect(() => resolveNetworkOptions({ delayMaxMs: 5 })).toThrow(/delayMaxMs/);
    expect(() => resolveNetworkOptions({ jitterMeanMs: Number.NaN })).toThrow(RangeError);
    expect(() => resolveNetworkOptions({ delayMinMs: Number.POSITIVE_INFINITY })).toThrow(
      RangeError,
    );
    const model = new NetworkModel(seededRng(1));
    expect(() => model.update({ duplicateProbability: -0.1 })).toThrow(RangeError);
    expect(model.options.duplicateProbability).toBe(0);
  });
});
