import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordDatabase } from '../../../../src/graph/database.js';
import { canonicalRecordBytes } from '../../../../src/graph/database-canonical.js';
import type { GraphRecord } from '../../../../src/graph/model.js';
import { rec } from './records.js';

describe('RecordDatabase.digest()', () => {
  it('is independent of insertion order, including replaced versions', () => {
    const ops = fc.array(
      fc.record({
        n: fc.integer({ min: 0, max: 30 }),
        version: fc.integer({ min: 1, max: 3 }),
        modifiedAt: fc.bigInt({ min: 0n, max: 9n }),
      }),
      { maxLength: 60 },
    );
    fc.assert(
      fc.property(ops, fc.integer(), (list, seed) => {
        // Per ID the newest wins whatever the order, so any permutation ends the same.
        const records = list.map(({ n, version, modifiedAt }) =>
          rec(n, { version, modifiedAt, modifiedById: `m${modifiedAt}` }),
        );
        const shuffled = [...records].sort(
          (x, y) => ((hash(x) ^ seed) & 0xff) - ((hash(y) ^ seed) & 0xff),
        );
        const a = new RecordDatabase();
        const b = new RecordDatabase();
        for (const r of records) a.apply(r);
        for (const r of shuffled) b.apply(r);
        expect(b.digest()).toEqual(a.digest());
      }),
    );
  });

  it('changes when any field of any record changes', () => {
    const base = rec(1, {
      payload: new Uint8Array([1]),
      attributes: '<a/>',
      securityData: new Uint8Array([2]),
    });
    const variants: Partial<GraphRecord>[] = [
      { type: new Uint8Array(16).fill(3) },
      { version: 2 },
      { deleted: true },
      { creatorId: 'bob' },
      { modifiedById: 'bob' },
      { securityData: new Uint8Array([3]) },
      { createdAt: 1n },
      { expiresAt: 1n },
      { modifiedAt: 1n },
      { graphId: 'other' },
      { payload: new Uint8Array([1, 0]) },
      { attributes: '<b/>' },
    ];
    const digestOf = (r: GraphRecord): string => {
      const db = new RecordDatabase();
      db.apply(r);
      return Buffer.from(db.digest()).toString('hex');
    };
    const seen = new Set([digestOf(base)]);
    for (const v of variants) seen.add(digestOf({ ...base, ...v }));
    expect(seen.size).toBe(variants.length + 1);
    // Field boundaries are unambiguous: moving a byte from one string to the next changes it.
    expect(canonicalRecordBytes(rec(1, { creatorId: 'ab', modifiedById: 'c' }))).not.toEqual(
      canonicalRecordBytes(rec(1, { creatorId: 'a', modifiedById: 'bc' })),
    );
  });

  it('uses the canonicalBytes hook when given', () => {
    const calls: number[] = [];
    const db = new RecordDatabase({
      canonicalBytes: (r) => {
        calls.push(r.version);
        return new Uint8Array([r.version]);
      },
    });
    db.apply(rec(1, { version: 7 }));
    const other = new RecordDatabase({ canonicalBytes: (r) => new Uint8Array([r.version]) });
    other.apply(rec(2, { version: 7 }));
    expect(db.digest()).toEqual(other.digest());
    expect(calls).toEqual([7]);
  });
});

function hash(r: GraphRecord): number {
  return r.id[15]! * 31 + r.version * 7 + Number(r.modifiedAt);
}
