/**
 * @module resolve/search-spec
 * DRT search options ([MC-DRT]; DRT_SEARCH_INFO in drt.h) and their validation into one normal
 * form. Every search is "walk toward `target`, accept keys in the circular range [min, max]":
 * - exact: min = max = target (the default when no range is given);
 * - nearest-N: the whole ring (or a range) with `maxEndpoints` = N, closest first;
 * - range: min/max bracket the target; `anyMatchInRange` stops at the first key found in range;
 * - iterative: one intermediate result per hop, the caller continues or cancels.
 * Invalid combinations are refused with the DRT error codes (DRT_E_INVALID_SEARCH_RANGE, ...).
 */
import { assertKey, type Key, keyInRange, keyToBigInt } from '../keys/key256.js';

/** Options of a DRT search. Every field is optional. */
export interface SearchOptions {
  /**
   * Report one intermediate result per hop and wait for `continueSearch` (forces one endpoint).
   * @default false
   */
  readonly iterative?: boolean;
  /**
   * Also match keys registered by this node.
   * @default false
   */
  readonly allowCurrentInstanceMatch?: boolean;
  /**
   * Stop at the first key found inside [minKey, maxKey] (forces one endpoint).
   * @default false
   */
  readonly anyMatchInRange?: boolean;
  /**
   * Results wanted: N for a nearest-N search.
   * @default 1
   */
  readonly maxEndpoints?: number;
  /** Lower end of the accepted range (inclusive). @default target */
  readonly minKey?: Key;
  /** Upper end of the accepted range (inclusive). @default target */
  readonly maxKey?: Key;
  /**
   * Give up after this many milliseconds.
   * @default 30000
   */
  readonly timeoutMs?: number;
}

/** DRT_E_* style error codes for refused searches. */
export const SEARCH_ERROR_CODES = {
  invalidSearchRange: 'INVALID_SEARCH_RANGE',
  invalidMaxEndpoints: 'INVALID_MAX_ENDPOINTS',
  invalidSearchInfo: 'INVALID_SEARCH_INFO',
} as const;

/** A search refused before it started; `code` is a DRT_E_* name without the prefix. */
export class SearchOptionsError extends RangeError {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
    this.name = 'SearchOptionsError';
  }
}

/** Most results one search may ask for (bounded by the flagged path it can walk). */
export const SEARCH_ENDPOINTS_MAX = 20;

/** The validated, normal form of a search. */
export interface SearchSpec {
  readonly target: Key;
  readonly targetBig: bigint;
  readonly minKey: Key;
  readonly maxKey: Key;
  /** True when min = max = target. */
  readonly exact: boolean;
  /** Results wanted. */
  readonly count: number;
  /** Stop at the first validated key in range (exact and any-match searches). */
  readonly firstMatch: boolean;
  readonly iterative: boolean;
  readonly allowCurrentInstanceMatch: boolean;
  readonly timeoutMs: number;
}

/**
 * Validates search options. Throws {@link SearchOptionsError} with a DRT code for invalid
 * combinations, `TypeError`/`RangeError` for wrong types.
 * @example normalizeSearch(key, { maxEndpoints: 5, minKey: ZERO, maxKey: MAX }) // nearest-5
 */
export function normalizeSearch(target: Key, options: SearchOptions = {}): SearchSpec {
  assertKey(target, 'search target');
  const { minKey, maxKey } = options;
  if ((minKey === undefined) !== (maxKey === undefined)) {
    throw new SearchOptionsError(
      SEARCH_ERROR_CODES.invalidSearchRange,
      'give both minKey and maxKey, or neither',
    );
  }
  if (minKey !== undefined) assertKey(minKey, 'minKey');
  if (maxKey !== undefined) assertKey(maxKey, 'maxKey');
  const min = minKey ?? target;
  const max = maxKey ?? target;
  const t = keyToBigInt(target);
  const exact = keyToBigInt(min) === t && keyToBigInt(max) === t;
  if (!exact && keyToBigInt(min) === keyToBigInt(max)) {
    throw new SearchOptionsError(
      SEARCH_ERROR_CODES.invalidSearchRange,
      'minKey equals maxKey but differs from the target',
    );
  }
  if (!keyInRange(target, min, max)) {
    throw new SearchOptionsError(
      SEARCH_ERROR_CODES.invalidSearchRange,
      'the target must lie inside [minKey, maxKey]',
    );
  }
  const iterative = options.iterative ?? false;
  const anyMatch = options.anyMatchInRange ?? false;
  const count = options.maxEndpoints ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > SEARCH_ENDPOINTS_MAX) {
    throw new SearchOptionsError(
      SEARCH_ERROR_CODES.invalidMaxEndpoints,
      `maxEndpoints must be an integer in 1..${SEARCH_ENDPOINTS_MAX}, got ${count}`,
    );
  }
  if ((iterative || anyMatch || exact) && count !== 1) {
    const why = iterative
      ? 'an iterative search'
      : anyMatch
        ? 'anyMatchInRange'
        : 'an exact search';
    throw new SearchOptionsError(
      SEARCH_ERROR_CODES.invalidMaxEndpoints,
      `${why} returns one endpoint; maxEndpoints must be 1`,
    );
  }
  const timeoutMs = options.timeoutMs ?? 30_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new SearchOptionsError(
      SEARCH_ERROR_CODES.invalidSearchInfo,
      `timeoutMs must be positive, got ${timeoutMs}`,
    );
  }
  return {
    target,
    targetBig: t,
    minKey: min,
    maxKey: max,
    exact,
    count,
    firstMatch: exact || anyMatch,
    iterative,
    allowCurrentInstanceMatch: options.allowCurrentInstanceMatch ?? false,
    timeoutMs,
  };
}

/**
 * True when `key` is acceptable as a result of the search.
 * @example matchesSearch(spec, entry.id)
 */
export function matchesSearch(spec: SearchSpec, key: Key): boolean {
  return keyInRange(key, spec.minKey, spec.maxKey);
}
