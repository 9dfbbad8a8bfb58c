/**
 * Every DRT search type ([MC-DRT]; DRT_SEARCH_INFO) on a simulated cloud of real nodes: exact,
 * nearest-N, range (first match or closest in range), iterative, allow-current-instance-match,
 * and the refused combinations.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { SearchResult } from '../../src/drt/events.js';
import {
  addToKey,
  type Key,
  keyFromBigInt,
  keyToBigInt,
  RING_SIZE,
  ringDistanceBig,
} from '../../src/keys/key256.js';
import { ADDRESS_FLAGS } from '../../src/resolve/path.js';
import { SearchOptionsError } from '../../src/resolve/search-spec.js';
import { type CloudMember, DrtCloud } from '../../src/sim/drt-cloud.js';
import { toHex } from '../../src/util/bytes.js';

const SEED = Number(process.env.PNRP_SEED ?? 11);
let cloud: DrtCloud;
const hex = (k: Key) => toHex(k);

function liveKeysByDistance(target: Key): Key[] {
  const t = keyToBigInt(target);
  return cloud
    .live()
    .map((m) => m.key)
    .sort((a, b) => {
      const da = ringDistanceBig(keyToBigInt(a), t);
      const db = ringDistanceBig(keyToBigInt(b), t);
      return da < db ? -1 : da > db ? 1 : 0;
    });
}

function other(than: CloudMember): CloudMember {
  let m = cloud.pick();
  while (m === than) m = cloud.pick();
  return m;
}

beforeAll(() => {
  cloud = new DrtCloud({ seed: SEED });
  cloud.build(150);
});

describe(`DRT search types (seed ${SEED})`, () => {
  it('exact: finds a registered key with its app data and reports an exact match', () => {
    const from = cloud.pick();
    const to = other(from);
    const out = cloud.searchOnce(from, to.key);
    expect(out.failure).toBeUndefined();
    expect(out.results.map((r) => [r.type, hex(r.key)])).toEqual([['exact', hex(to.key)]]);
    expect(out.results[0]!.endpoint).toEqual(to.handle.endpoint);
    const last = out.path[out.path.length - 1]!;
    expect(last.flags).toBe(ADDRESS_FLAGS.inquire | ADDRESS_FLAGS.accepted);
    expect(last.nearness).toBe(256);
  });

  it('exact: a key nobody registered ends with not-found (DRT_E_NO_MORE) and no result', () => {
    const from = cloud.pick();
    const absent = addToKey(from.key, 12345);
    const out = cloud.searchOnce(from, absent);
    expect(out.results).toEqual([]);
    expect(out.failure).toBe('not-found');
    expect(out.path.length).toBeGreaterThan(0);
  });

  it('nearest-N: returns exactly the N closest live keys to the target, closest first', () => {
    const from = cloud.pick();
    const target = keyFromBigInt(keyToBigInt(from.key) + RING_SIZE / 3n);
    const out = cloud.searchOnce(from, target, {
      maxEndpoints: 5,
      minKey: addToKey(target, 1),
      maxKey: target,
    });
    const expected = liveKeysByDistance(target)
      .filter((k) => hex(k) !== hex(from.key))
      .slice(0, 5)
      .map(hex);
    expect(out.results.map((r) => hex(r.key))).toEqual(expected);
    expect(out.results.every((r: SearchResult) => r.type === 'near')).toBe(true);
  });

  it('range with anyMatchInRange: stops at the first key found inside the range', () => {
    const from = cloud.pick();
    const to = other(from);
    const min = addToKey(to.key, -(2n ** 200n));
    const max = addToKey(to.key, 2n ** 200n);
    const target = addToKey(to.key, 7);
    const out = cloud.searchOnce(from, target, { minKey: min, maxKey: max, anyMatchInRange: true });
    expect(out.results).toHaveLength(1);
    const k = keyToBigInt(out.results[0]!.key);
    expect(ringDistanceBig(k, keyToBigInt(target)) <= 2n ** 200n + 7n).toBe(true);
  });

  it('range without anyMatchInRange: returns the key closest to the target within the range', () => {
    const from = cloud.pick();
    const to = other(from);
    const target = addToKey(to.key, 3);
    const out = cloud.searchOnce(from, target, {
      minKey: addToKey(to.key, -(2n ** 180n)),
      maxKey: addToKey(to.key, 2n ** 180n),
    });
    expect(out.results.map((r) => hex(r.key))).toEqual([hex(to.key)]);
    expect(out.results[0]!.type).toBe('near');
  });

  it('iterative: reports one intermediate result per hop and waits for continueSearch', () => {
    const from = cloud.pick();
    const to = other(from);
    const intermediates: SearchResult[] = [];
    const token = cloud.startSearch(from, to.key, { iterative: true });
    const searchId = Number(token.split(':')[1]);
    const off = cloud.sim.onEvent((h, e) => {
      if (
        h.index === from.handle.index &&
        e.type === 'search-result' &&
        e.result.type === 'intermediate'
      ) {
        intermediates.push(e.result);
      }
    });
    let out = cloud.outcome(token);
    for (let step = 0; step < 30 && !out; step++) {
      const seen = intermediates.length;
      cloud.sim.runUntil(
        () => {
          out ??= cloud.outcome(token);
          return intermediates.length > seen || out !== undefined;
        },
        { maxTimeMs: 10_000 },
      );
      if (!out) {
        // Nothing moves until the caller continues.
        cloud.sim.runFor(3_000);
        expect(intermediates.length).toBe(seen + 1);
        cloud.sim.call(from.handle, (node, now) => node.continueSearch(now, searchId));
      }
    }
    off();
    expect(out?.results.filter((r) => r.type === 'exact').map((r) => hex(r.key))).toEqual([
      hex(to.key),
    ]);
    expect(intermediates.length).toBe(out!.hops);
  });

  it('allowCurrentInstanceMatch: finds a key the searching node registered itself, only when allowed', () => {
    const from = cloud.pick();
    const refused = cloud.searchOnce(from, from.key);
    expect(refused.results).toEqual([]);
    const allowed = cloud.searchOnce(from, from.key, { allowCurrentInstanceMatch: true });
    expect(allowed.results.map((r) => hex(r.key))).toEqual([hex(from.key)]);
    expect(allowed.path).toEqual([]);
  });

  it('refuses invalid combinations with the DRT error codes', () => {
    const from = cloud.pick();
    const call = (opts: object) => () =>
      cloud.sim.call(from.handle, (node, now) => node.search(now, from.key, opts));
    const codeOf = (fn: () => unknown): string | undefined => {
      try {
        fn();
      } catch (e) {
        return e instanceof SearchOptionsError ? e.code : 'other';
      }
      return undefined;
    };
    const k = addToKey(from.key, 10);
    expect(codeOf(call({ minKey: k, maxKey: k }))).toBe('INVALID_SEARCH_RANGE');
    expect(codeOf(call({ minKey: addToKey(from.key, 1), maxKey: addToKey(from.key, 5) }))).toBe(
      'INVALID_SEARCH_RANGE',
    );
    expect(codeOf(call({ maxEndpoints: 0, minKey: addToKey(from.key, 1), maxKey: from.key }))).toBe(
      'INVALID_MAX_ENDPOINTS',
    );
    expect(codeOf(call({ iterative: true, maxEndpoints: 2 }))).toBe('INVALID_MAX_ENDPOINTS');
    expect(
      codeOf(
        call({
          anyMatchInRange: true,
          maxEndpoints: 3,
          minKey: addToKey(from.key, 1),
          maxKey: from.key,
        }),
      ),
    ).toBe('INVALID_MAX_ENDPOINTS');
  });
});
