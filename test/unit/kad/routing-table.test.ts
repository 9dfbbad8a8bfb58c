/**
 * RoutingTable (src/kad/routing-table.ts) and the XOR helpers: the bucket-by-bucket `closest`
 * agrees with sorting every entry by XOR distance; refresh targets fall in their bucket; the
 * per-address bound holds; a failed entry gives way to its bucket's latest replacement.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RoutingTable } from '../../../src/kad/routing-table.js';
import { compareXor, idInBucket, sharedPrefixBits } from '../../../src/kad/xor.js';
import { simEndpoint } from '../../../src/sim/sim-endpoints.js';

const seed = Number(process.env.PNRP_SEED ?? 20261202);
const id = fc.uint8Array({ minLength: 32, maxLength: 32 });
const limits = { k: 20, replacementsMax: 20, contactsPerAddressMax: 2, headFreshMs: 900_000 };

describe('RoutingTable', () => {
  it('closest() returns what sorting every entry by XOR distance returns', () => {
    fc.assert(
      fc.property(
        id,
        fc.array(id, { maxLength: 300 }),
        id,
        fc.integer({ min: 1, max: 40 }),
        (own, ids, target, n) => {
          const table = new RoutingTable(own, limits);
          ids.forEach((x, i) => {
            table.observe(0, x, simEndpoint(i), false);
          });
          const all = [...table.entries()].sort((a, b) => compareXor(target, a.id, b.id));
          expect(table.closest(target, n).map((e) => e.id)).toEqual(
            all.slice(0, n).map((e) => e.id),
          );
        },
      ),
      { seed, numRuns: 300 },
    );
  });

  it('idInBucket() draws IDs that fall in the bucket asked for', () => {
    fc.assert(
      fc.property(id, id, fc.integer({ min: 0, max: 255 }), (own, random, bucket) => {
        expect(sharedPrefixBits(own, idInBucket(own, bucket, random))).toBe(bucket);
      }),
      { seed, numRuns: 1000 },
    );
  });

  it('holds at most contactsPerAddressMax entries per IP address', () => {
    const own = new Uint8Array(32);
    const table = new RoutingTable(own, limits);
    const ep = simEndpoint(5);
    for (let i = 1; i <= 5; i++) {
      const x = new Uint8Array(32);
      x[0] = 0x80 >> i;
      table.observe(0, x, { address: ep.address, port: 4000 + i }, false);
    }
    expect(table.size).toBe(2);
    expect(table.refusedPerAddress).toBe(3);
  });

  it('fail() removes an entry and promotes the latest replacement of its bucket', () => {
    const own = new Uint8Array(32);
    const table = new RoutingTable(own, { ...limits, k: 2 });
    const ids = [0x80, 0x81, 0x82, 0x83].map((b) => {
      const x = new Uint8Array(32);
      x[0] = b;
      return x;
    });
    ids.forEach((x, i) => {
      table.observe(0, x, simEndpoint(i + 1), false);
    });
    expect([...table.entries()].map((e) => e.id[0])).toEqual([0x80, 0x81]);
    expect(table.fail(ids[0]!)).toBe(true);
    expect([...table.entries()].map((e) => e.id[0])).toEqual([0x81, 0x83]);
    expect(table.fail(ids[0]!)).toBe(false);
  });
});
