import { describe, expect, it } from 'vitest';
import {
  type BatchSample,
  batchSample,
  hopHistogram,
  intervalSeries,
} from '../../../src/sim/search-series.js';

const batch = (
  atMs: number,
  resolves: number,
  successes: number,
  hops: number[],
  live: number,
): BatchSample => batchSample(atMs, resolves, successes, hops, 0, live);

describe('intervalSeries', () => {
  it('groups batches by the interval of virtual time they started in, from the first batch', () => {
    const batches = [
      batch(10_000, 50, 50, Array(50).fill(2), 100),
      batch(40_000, 50, 49, [...Array(48).fill(2), 5], 95),
      batch(75_000, 50, 45, Array(45).fill(3), 90),
      // Nothing starts in [130 s, 190 s): that interval is left out.
      batch(200_000, 10, 10, Array(10).fill(1), 80),
    ];
    const points = intervalSeries(batches, 60_000);
    expect(points).toEqual([
      {
        startS: 0,
        resolves: 100,
        successes: 99,
        successRate: 0.99,
        avgHops: (100 + 96 + 5) / 99,
        maxHops: 5,
        live: 95,
      },
      {
        startS: 60,
        resolves: 50,
        successes: 45,
        successRate: 0.9,
        avgHops: 3,
        maxHops: 3,
        live: 90,
      },
      {
        startS: 180,
        resolves: 10,
        successes: 10,
        successRate: 1,
        avgHops: 1,
        maxHops: 1,
        live: 80,
      },
    ]);
    // An explicit origin shifts the bins.
    expect(intervalSeries(batches, 60_000, 0).map((p) => p.startS)).toEqual([0, 60, 180]);
    expect(intervalSeries(batches, 30_000).map((p) => p.resolves)).toEqual([50, 50, 50, 10]);
  });

  it('reports 0 hops and 0% for an interval where nothing succeeded, and refuses a bad interval', () => {
    expect(intervalSeries([batch(0, 5, 0, [], 3)], 1_000)).toEqual([
      { startS: 0, resolves: 5, successes: 0, successRate: 0, avgHops: 0, maxHops: 0, live: 3 },
    ]);
    expect(intervalSeries([], 1_000)).toEqual([]);
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => intervalSeries([], bad)).toThrow(RangeError);
    }
  });
});

describe('batchSample and hopHistogram', () => {
  it('a batch counts only the hops recorded since its start', () => {
    const hops = [9, 9, 1, 3, 2];
    expect(batchSample(5, 4, 3, hops, 2, 7)).toEqual({
      atMs: 5,
      resolves: 4,
      successes: 3,
      hopSum: 6,
      hopMax: 3,
      live: 7,
    });
  });

  it('counts resolves per hop count with contiguous bins from 0', () => {
    expect(hopHistogram([1, 2, 2, 4])).toEqual([
      { hops: 0, count: 0 },
      { hops: 1, count: 1 },
      { hops: 2, count: 2 },
      { hops: 3, count: 0 },
      { hops: 4, count: 1 },
    ]);
    expect(hopHistogram([])).toEqual([]);
    expect(hopHistogram([0, 0])).toEqual([{ hops: 0, count: 2 }]);
  });
});
