import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordDatabase } from '../../../../src/graph/database.js';
import type { GraphRecord } from '../../../../src/graph/model.js';
import { HASH_RANGE_RECORDS, rangeHash } from '../../../../src/graph/record-ranges.js';
import { idOf, numbers, rec } from './records.js';

function dbOf(records: readonly GraphRecord[]): RecordDatabase {
  const db = new RecordDatabase();
  for (const r of records) expect(db.apply(r).kind).toBe('added');
  return db;
}

/** One hash-based sync, A initiating: returns what moved. */
function hashSync(a: RecordDatabase, b: RecordDatabase) {
  const entries = a.hashEntries();
  const advert = b.advertise(entries);
  const { request, send } = a.diff(advert.boundaries, advert.abstracts);
  for (const want of request) a.apply(b.get(want.id)!);
  for (const r of send) b.apply(r);
  return { entries, advert, request, send };
}

describe('hash-based sync (§3.1.7.31, §3.1.5.2.7, §3.1.5.2.8)', () => {
  it('cuts ranges of 10 in sync order, hashing (ID, version BE) and carrying the upper boundary', () => {
    const records = Array.from({ length: 25 }, (_, i) =>
      rec(i, { modifiedAt: BigInt(100 - i), version: i + 1 }),
    );
    const entries = dbOf(records).hashEntries();
    const ordered = [...records].reverse();
    expect(entries.map((e) => e.modifiedAt)).toEqual([85n, 95n, 100n]);
    expect(entries[1]!.id).toEqual(idOf(5));
    const pairs = new Uint8Array(20 * HASH_RANGE_RECORDS);
    ordered.slice(10, 20).forEach((r, i) => {
      pairs.set(r.id, 20 * i);
      new DataView(pairs.buffer).setUint32(20 * i + 16, r.version, false);
    });
    // MD5 of the same bytes, computed independently of rangeHash.
    expect(entries[1]!.hash).toEqual(rangeHash(ordered.slice(10, 20)));
    expect(Buffer.from(entries[1]!.hash).toString('hex')).toBe(
      createHash('md5').update(pairs).digest('hex'),
    );
  });

  it('settles the example of §4.3: request 3 and 6, send 4 and 7', () => {
    const node3 = dbOf([1, 2, 4, 5, 7].map((n) => rec(n, { modifiedAt: BigInt(n) })));
    const node2 = dbOf([1, 2, 3, 5, 6].map((n) => rec(n, { modifiedAt: BigInt(n) })));
    const advert = node2.advertise(node3.hashEntries());
    expect(advert.boundaries).toHaveLength(1);
    expect(advert.boundaries[0]!.count).toBe(5);
    const { request, send } = node3.diff(advert.boundaries, advert.abstracts);
    expect(numbers(request.map((a) => rec(0, { id: a.id })))).toEqual([3, 6]);
    expect(numbers(send)).toEqual([4, 7]);
  });

  it('advertises nothing for equal databases', () => {
    const records = Array.from({ length: 37 }, (_, i) => rec(i, { modifiedAt: BigInt(i % 5) }));
    const advert = dbOf(records).advertise(dbOf([...records].reverse()).hashEntries());
    expect(advert).toEqual({ boundaries: [], abstracts: [] });
  });

  it('advertises the responder records above the initiator last boundary (final open range)', () => {
    const shared = Array.from({ length: 10 }, (_, i) => rec(i, { modifiedAt: BigInt(i) }));
    const a = dbOf(shared);
    const b = dbOf([...shared, rec(50, { modifiedAt: 99n })]);
    const advert = b.advertise(a.hashEntries());
    expect(advert.boundaries).toEqual([
      {
        lowerModifiedAt: 9n,
        lowerId: idOf(10),
        upperModifiedAt: 0xffff_ffff_ffff_ffffn,
        upperId: new Uint8Array(16).fill(0xff),
        count: 1,
      },
    ]);
    expect(
      numbers(a.diff(advert.boundaries, advert.abstracts).request.map((x) => rec(0, { id: x.id }))),
    ).toEqual([50]);
  });

  it('has an empty initiator send one entry covering everything, so it receives all', () => {
    const empty = new RecordDatabase();
    const entries = empty.hashEntries();
    expect(entries).toHaveLength(1);
    const b = dbOf([rec(1), rec(2)]);
    const advert = b.advertise(entries);
    expect(advert.boundaries[0]).toMatchObject({ lowerModifiedAt: 0n, count: 2 });
    expect(empty.diff(advert.boundaries, advert.abstracts).request).toHaveLength(2);
    expect(new RecordDatabase().advertise(entries)).toEqual({ boundaries: [], abstracts: [] });
  });

  it('skips entries whose boundary goes backwards and counts them', () => {
    const b = dbOf([rec(1, { modifiedAt: 5n })]);
    const e = { hash: new Uint8Array(16), modifiedAt: 10n, id: idOf(1) };
    const advert = b.advertise([e, { ...e, modifiedAt: 3n }, e]);
    expect(advert.boundaries).toHaveLength(1);
    expect(b.stats.hashEntriesSkipped).toBe(2);
  });

  it('visits each record once for overlapping hostile boundaries, and ignores inverted ones', () => {
    const a = dbOf(Array.from({ length: 30 }, (_, i) => rec(i, { modifiedAt: BigInt(i) })));
    const all = {
      lowerModifiedAt: 0n,
      lowerId: new Uint8Array(16),
      upperModifiedAt: 100n,
      upperId: new Uint8Array(16),
      count: 0,
    };
    const inverted = { ...all, lowerModifiedAt: 200n };
    const { send } = a.diff([all, all, { ...all, upperModifiedAt: 10n }, inverted], []);
    expect(send).toHaveLength(30);
    expect(a.diff([inverted], []).send).toHaveLength(0);
  });

  it('does not send back a record the responder advertised at least as new in another range', () => {
    const a = dbOf([rec(1, { modifiedAt: 5n }), rec(2, { modifiedAt: 6n })]);
    const b = dbOf([rec(1, { modifiedAt: 50n, version: 3 }), rec(2, { modifiedAt: 6n })]);
    const { request, send } = hashSync(a, b);
    expect(request).toEqual([{ id: idOf(1), version: 3 }]);
    expect(send).toEqual([]);
    expect(a.digest()).toEqual(b.digest());
  });

  it('sends a record the initiator holds newer than advertised, requests none for it', () => {
    const a = dbOf([rec(1, { modifiedAt: 50n, version: 3 })]);
    const b = dbOf([rec(1, { modifiedAt: 5n, version: 1 })]);
    const { request, send } = hashSync(a, b);
    expect(request).toEqual([]);
    expect(numbers(send)).toEqual([1]);
    expect(a.digest()).toEqual(b.digest());
  });

  it('limits what the initiator sends to the filter given to diff()', () => {
    const other = new Uint8Array(16).fill(7);
    const a = dbOf([rec(1, { modifiedAt: 1n }), rec(2, { modifiedAt: 2n, type: other })]);
    const advert = new RecordDatabase().advertise([]);
    expect(advert.boundaries).toEqual([]);
    const all = a.diff(
      [
        {
          lowerModifiedAt: 0n,
          lowerId: new Uint8Array(16),
          upperModifiedAt: 9n,
          upperId: new Uint8Array(16),
          count: 0,
        },
      ],
      [],
      { mode: 'exclude', types: [other] },
    );
    expect(numbers(all.send)).toEqual([1]);
  });

  it('makes two databases equal after one sync each way of the property (shared, one-sided, conflicting)', () => {
    const arb = fc
      .uniqueArray(fc.integer({ min: 0, max: 5000 }), { minLength: 0, maxLength: 120 })
      .chain((ids) =>
        fc.record({
          ids: fc.constant(ids),
          kinds: fc.array(fc.integer({ min: 0, max: 3 }), {
            minLength: ids.length,
            maxLength: ids.length,
          }),
          times: fc.array(fc.bigInt({ min: 0n, max: 40n }), {
            minLength: 2 * ids.length,
            maxLength: 2 * ids.length,
          }),
          versions: fc.array(fc.integer({ min: 1, max: 4 }), {
            minLength: ids.length,
            maxLength: ids.length,
          }),
          seed: fc.integer(),
        }),
      );
    fc.assert(
      fc.property(arb, ({ ids, kinds, times, versions, seed }) => {
        const inA: GraphRecord[] = [];
        const inB: GraphRecord[] = [];
        ids.forEach((n, i) => {
          const r = rec(n, { modifiedAt: times[2 * i]!, version: versions[i]! });
          const kind = kinds[i]!;
          if (kind === 0) {
            inA.push(r);
            inB.push(r);
          } else if (kind === 1) inA.push(r);
          else if (kind === 2) inB.push(r);
          else {
            inA.push(r);
            inB.push(
              rec(n, { modifiedAt: times[2 * i + 1]!, version: versions[i]! + 1 + (seed & 1) }),
            );
          }
        });
        const a = dbOf(inA);
        const b = dbOf(seed & 2 ? [...inB].reverse() : inB);
        // Either side may initiate.
        if (seed & 4) hashSync(a, b);
        else hashSync(b, a);
        expect(a.size).toBe(b.size);
        expect(a.digest()).toEqual(b.digest());
      }),
      { numRuns: 200 },
    );
  });
});
