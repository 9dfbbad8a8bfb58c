import { describe, expect, it } from 'vitest';
import { keyFromBigInt, RING_SIZE } from '../../../src/keys/key256.js';
import {
  matchesSearch,
  normalizeSearch,
  SEARCH_ENDPOINTS_MAX,
  type SearchOptions,
  SearchOptionsError,
} from '../../../src/resolve/search-spec.js';

const k = (n: bigint) => keyFromBigInt(n);
const T = 1n << 200n;
const target = k(T);
const WHOLE_RING = { minKey: k(0n), maxKey: k(RING_SIZE - 1n) } as const;

/** The DRT code of the SearchOptionsError thrown by normalizeSearch, or 'no error'. */
function codeOf(options: SearchOptions, t = target): string {
  try {
    normalizeSearch(t, options);
  } catch (error) {
    expect(error).toBeInstanceOf(SearchOptionsError);
    expect(error).toBeInstanceOf(RangeError);
    return (error as SearchOptionsError).code;
  }
  return 'no error';
}

describe('normalizeSearch()', () => {
  it('defaults to an exact search for the target: one endpoint, first match, 30 s', () => {
    expect(normalizeSearch(target)).toEqual({
      target,
      targetBig: T,
      minKey: target,
      maxKey: target,
      exact: true,
      count: 1,
      firstMatch: true,
      iterative: false,
      allowCurrentInstanceMatch: false,
      timeoutMs: 30_000,
    });
  });

  it('treats min = max = target given explicitly as the exact search', () => {
    const spec = normalizeSearch(target, { minKey: k(T), maxKey: k(T) });
    expect(spec.exact).toBe(true);
    expect(spec.firstMatch).toBe(true);
  });

  it('refuses min = max different from the target with INVALID_SEARCH_RANGE', () => {
    expect(codeOf({ minKey: k(T + 1n), maxKey: k(T + 1n) })).toBe('INVALID_SEARCH_RANGE');
    expect(codeOf({ minKey: k(0n), maxKey: k(0n) })).toBe('INVALID_SEARCH_RANGE');
    expect(() => normalizeSearch(target, { minKey: k(0n), maxKey: k(0n) })).toThrow(
      /minKey equals maxKey but differs from the target/,
    );
  });

  it('refuses a range that does not contain the target with INVALID_SEARCH_RANGE', () => {
    expect(codeOf({ minKey: k(T + 1n), maxKey: k(T + 100n) })).toBe('INVALID_SEARCH_RANGE');
    expect(codeOf({ minKey: k(T - 100n), maxKey: k(T - 1n) })).toBe('INVALID_SEARCH_RANGE');
    // Bounds are inclusive: the target may sit on either end.
    expect(codeOf({ minKey: k(T), maxKey: k(T + 100n) })).toBe('no error');
    expect(codeOf({ minKey: k(T - 100n), maxKey: k(T) })).toBe('no error');
  });

  it('refuses only one of minKey and maxKey with INVALID_SEARCH_RANGE', () => {
    expect(codeOf({ minKey: k(0n) })).toBe('INVALID_SEARCH_RANGE');
    expect(codeOf({ maxKey: k(RING_SIZE - 1n) })).toBe('INVALID_SEARCH_RANGE');
  });

  it('refuses maxEndpoints 0, 21, 1.5 and NaN with INVALID_MAX_ENDPOINTS', () => {
    for (const maxEndpoints of [0, -1, SEARCH_ENDPOINTS_MAX + 1, 1.5, Number.NaN]) {
      expect(codeOf({ ...WHOLE_RING, maxEndpoints }), `maxEndpoints ${maxEndpoints}`).toBe(
        'INVALID_MAX_ENDPOINTS',
      );
    }
    expect(SEARCH_ENDPOINTS_MAX).toBe(20);
    expect(normalizeSearch(target, { ...WHOLE_RING, maxEndpoints: 20 }).count).toBe(20);
    expect(normalizeSearch(target, { ...WHOLE_RING, maxEndpoints: 1 }).count).toBe(1);
  });

  it('refuses maxEndpoints > 1 for iterative, anyMatchInRange and exact searches', () => {
    expect(codeOf({ ...WHOLE_RING, iterative: true, maxEndpoints: 2 })).toBe(
      'INVALID_MAX_ENDPOINTS',
    );
    expect(codeOf({ ...WHOLE_RING, anyMatchInRange: true, maxEndpoints: 2 })).toBe(
      'INVALID_MAX_ENDPOINTS',
    );
    expect(codeOf({ maxEndpoints: 2 })).toBe('INVALID_MAX_ENDPOINTS');
    expect(codeOf({ minKey: target, maxKey: target, maxEndpoints: 20 })).toBe(
      'INVALID_MAX_ENDPOINTS',
    );
    // With one endpoint each of them is fine.
    expect(codeOf({ ...WHOLE_RING, iterative: true, maxEndpoints: 1 })).toBe('no error');
    expect(codeOf({ ...WHOLE_RING, anyMatchInRange: true })).toBe('no error');
  });

  it('normalizes a nearest-N search over the whole ring', () => {
    const spec = normalizeSearch(target, { ...WHOLE_RING, maxEndpoints: 5 });
    expect(spec).toMatchObject({ exact: false, count: 5, firstMatch: false, iterative: false });
    expect(matchesSearch(spec, k(0n))).toBe(true);
    expect(matchesSearch(spec, k(RING_SIZE - 1n))).toBe(true);
  });

  it('makes anyMatchInRange a first-match search and keeps iterative as given', () => {
    const any = normalizeSearch(target, {
      minKey: k(T - 10n),
      maxKey: k(T + 10n),
      anyMatchInRange: true,
    });
    expect(any).toMatchObject({ exact: false, count: 1, firstMatch: true, iterative: false });
    const iterative = normalizeSearch(target, { iterative: true });
    expect(iterative).toMatchObject({ exact: true, firstMatch: true, iterative: true });
    const closestInRange = normalizeSearch(target, { minKey: k(T - 10n), maxKey: k(T + 10n) });
    expect(closestInRange).toMatchObject({ exact: false, count: 1, firstMatch: false });
  });

  it('accepts a range that wraps through zero and matches keys on both sides of it', () => {
    const near0 = normalizeSearch(k(-5n), { minKey: k(-100n), maxKey: k(100n) });
    expect(near0.exact).toBe(false);
    expect(matchesSearch(near0, k(-100n))).toBe(true);
    expect(matchesSearch(near0, k(0n))).toBe(true);
    expect(matchesSearch(near0, k(100n))).toBe(true);
    expect(matchesSearch(near0, k(101n))).toBe(false);
    expect(matchesSearch(near0, k(-101n))).toBe(false);
    expect(matchesSearch(near0, target)).toBe(false);
    expect(codeOf({ minKey: k(-100n), maxKey: k(100n) }, k(50n))).toBe('no error');
    expect(codeOf({ minKey: k(-100n), maxKey: k(100n) }, k(200n))).toBe('INVALID_SEARCH_RANGE');
    // min = target + 1, max = target wraps all the way round: the whole ring.
    expect(codeOf({ minKey: k(T + 1n), maxKey: k(T) })).toBe('no error');
  });

  it('refuses a timeout that is not a positive finite number with INVALID_SEARCH_INFO', () => {
    for (const timeoutMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(codeOf({ timeoutMs }), `timeoutMs ${timeoutMs}`).toBe('INVALID_SEARCH_INFO');
    }
    expect(normalizeSearch(target, { timeoutMs: 1 }).timeoutMs).toBe(1);
  });

  it('throws TypeError/RangeError, not a DRT code, for keys of the wrong type or length', () => {
    expect(() => normalizeSearch(new Uint8Array(31))).toThrow(RangeError);
    expect(() => normalizeSearch(new Uint8Array(31))).not.toThrow(SearchOptionsError);
    expect(() => normalizeSearch([1, 2] as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => normalizeSearch(target, { minKey: new Uint8Array(33), maxKey: target })).toThrow(
      /minKey must be 32 bytes/,
    );
  });

  it('carries allowCurrentInstanceMatch through unchanged', () => {
    expect(
      normalizeSearch(target, { allowCurrentInstanceMatch: true }).allowCurrentInstanceMatch,
    ).toBe(true);
  });
});
