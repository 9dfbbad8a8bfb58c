/**
 * @module pnrp/resolve-criteria
 * PNRP resolve criteria ([MS-PNRP] §2.2.2.8, reference §3.8) as DRT search ranges over PNRP IDs
 * (P2P ID ‖ service location prefix ‖ suffix). The target is always the resolve target of
 * [MS-PNRP] §3.1.4.4: P2P ID ‖ the resolver's 64-bit prefix (zero if none) ‖ 0x8000000000000000.
 * - `none`: all 256 bits; the exact PNRP ID (the caller gives the service location).
 * - `any-peer-name`: any instance of the name, the first one found: [P2P‖0…0, P2P‖f…f].
 * - `nearest-peer-name`: the instances of the name closest to the target (several with maxResults).
 * - `nearest64-peer-name`: the first 192 bits (P2P ID + prefix) must match; closest first.
 * - `upper-bits`: the first `precision` bits of the target must match; closest first.
 */
import type { Key } from '../keys/key256.js';
import type { SearchOptions } from '../resolve/search-spec.js';
import { concatBytes } from '../util/bytes.js';
import type { ResolveCriteria } from '../wire/types.js';

/**
 * Results one resolve may ask for (DRT's limit).
 * @example node.resolve(now, '0.chat', { criteria: 'nearest-peer-name', maxResults: RESOLVE_RESULTS_MAX })
 */
export const RESOLVE_RESULTS_MAX = 20;

/**
 * What a resolve asks for, before it becomes a DRT search.
 * @example searchForCriteria({ p2pId, criteria: 'upper-bits', precision: 136, maxResults: 3 })
 */
export interface CriteriaInput {
  readonly p2pId: Uint8Array;
  readonly criteria: ResolveCriteria;
  /** Bits that must match for `upper-bits`, 1..256. */
  readonly precision?: number;
  readonly maxResults: number;
  /** The resolver's (or the caller's) 64-bit service location prefix. */
  readonly prefix?: Uint8Array;
  /** For `none`: the 16-byte service location of the exact PNRP ID. */
  readonly serviceLocation?: Uint8Array;
  readonly timeoutMs?: number;
}

function rangeByPrefix(target: Key, bits: number): { minKey: Key; maxKey: Key } {
  const minKey = target.slice();
  const maxKey = target.slice();
  for (let bit = bits; bit < 256; bit++) {
    const byte = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    minKey[byte] = minKey[byte]! & ~mask;
    maxKey[byte] = maxKey[byte]! | mask;
  }
  return { minKey, maxKey };
}

/**
 * The DRT search target and options for a resolve. Throws RangeError for a missing service
 * location (`none`), a bad precision (`upper-bits`) or maxResults outside 1..20.
 * @example
 * const { target, options } = searchForCriteria({ p2pId, criteria: 'any-peer-name', maxResults: 1 });
 * drt.search(now, target, options);
 */
export function searchForCriteria(input: CriteriaInput): { target: Key; options: SearchOptions } {
  const { criteria, maxResults } = input;
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > RESOLVE_RESULTS_MAX) {
    throw new RangeError(`maxResults must be an integer in 1..${RESOLVE_RESULTS_MAX}`);
  }
  const timeout = input.timeoutMs !== undefined ? { timeoutMs: input.timeoutMs } : {};
  const prefix = input.prefix ?? new Uint8Array(8);
  const target = concatBytes(input.p2pId, prefix, new Uint8Array([0x80, 0, 0, 0, 0, 0, 0, 0]));
  switch (criteria) {
    case 'none': {
      const sl = input.serviceLocation;
      if (!(sl instanceof Uint8Array) || sl.length !== 16) {
        throw new RangeError(
          "criteria 'none' matches all 256 bits: give the 16-byte serviceLocation",
        );
      }
      if (maxResults !== 1) throw new RangeError("criteria 'none' returns one result");
      return { target: concatBytes(input.p2pId, sl), options: { ...timeout } };
    }
    case 'any-peer-name':
    case 'nearest-peer-name': {
      const range = rangeByPrefix(target, 128);
      const any = criteria === 'any-peer-name' && maxResults === 1;
      return {
        target,
        options: {
          ...range,
          ...timeout,
          ...(any ? { anyMatchInRange: true } : { maxEndpoints: maxResults }),
        },
      };
    }
    case 'nearest64-peer-name':
      return {
        target,
        options: { ...rangeByPrefix(target, 192), ...timeout, maxEndpoints: maxResults },
      };
    case 'upper-bits': {
      const p = input.precision;
      if (p === undefined || !Number.isInteger(p) || p < 1 || p > 256) {
        throw new RangeError("criteria 'upper-bits' needs a precision of 1..256 bits");
      }
      if (p === 256) {
        if (maxResults !== 1) throw new RangeError('a 256-bit precision returns one result');
        return { target, options: { ...timeout } };
      }
      return {
        target,
        options: { ...rangeByPrefix(target, p), ...timeout, maxEndpoints: maxResults },
      };
    }
    default:
      throw new RangeError(`unknown resolve criteria ${String(criteria)}`);
  }
}
