/**
 * Two edits of one record made at the same version on both sides of a partition (issue 14's
 * partition target): the spec's hash covers only (ID, version), so §3.1.5.2.8 alone never moves
 * them; diff() sends ours when the advertisement shows the responder's copy elsewhere in sync
 * order, or lists exactly our records of a range whose hash still differed (record-ranges.ts).
 * §3.1.7.32 then decides at the responder, which floods its own copy back when ours is older.
 */
import { describe, expect, it } from 'vitest';
import { RecordDatabase } from '../../../../src/graph/database.js';
import type { GraphRecord } from '../../../../src/graph/model.js';
import { equalBytes } from '../../../../src/util/bytes.js';
import { rec } from './records.js';

function dbOf(records: readonly GraphRecord[]): RecordDatabase {
  const db = new RecordDatabase();
  for (const r of records) db.apply(r);
  return db;
}

/** One hash-based sync, A initiating, with the responder's flood-back of an older copy. */
function hashSync(a: RecordDatabase, b: RecordDatabase): number {
  const advert = b.advertise(a.hashEntries());
  const { request, send } = a.diff(advert.boundaries, advert.abstracts);
  for (const want of request) a.apply(b.get(want.id)!);
  for (const r of send) {
    const outcome = b.apply(r);
    if (outcome.kind === 'older') a.apply(outcome.ours);
  }
  return send.length;
}

const edit = (n: number, by: string, at: bigint, payload: number): GraphRecord =>
  rec(n, {
    version: 2,
    modifiedById: by,
    modifiedAt: at,
    payload: new Uint8Array([payload]),
  });

describe('same-version conflicts across a partition', () => {
  it('converge when the two edits sit in different ranges', () => {
    const shared = Array.from({ length: 40 }, (_, i) => rec(i, { modifiedAt: BigInt(2000 + i) }));
    const a = dbOf([...shared, edit(5, 'alice', 2100n, 1)]);
    const b = dbOf([...shared, edit(5, 'bob', 1500n, 2)]);
    expect(equalBytes(a.digest(), b.digest())).toBe(false);
    expect(hashSync(a, b)).toBeGreaterThan(0);
    expect(equalBytes(a.digest(), b.digest())).toBe(true);
    // §3.1.7.32: same version, both modified, the lexicographically higher modifier wins.
    expect(a.get(rec(5).id)!.modifiedById).toBe('bob');
  });

  it('converge when the two edits sit in one range, reordered', () => {
    const shared = Array.from({ length: 6 }, (_, i) => rec(i, { modifiedAt: BigInt(2000 + i) }));
    const a = dbOf([...shared, edit(2, 'carol', 2003n, 1)]);
    const b = dbOf([...shared, edit(2, 'dave', 2004n, 2)]);
    expect(hashSync(a, b)).toBeGreaterThan(0);
    expect(equalBytes(a.digest(), b.digest())).toBe(true);
    expect(b.get(rec(2).id)!.modifiedById).toBe('dave');
  });

  it('sends nothing extra when the databases already agree', () => {
    const records = Array.from({ length: 30 }, (_, i) => rec(i, { modifiedAt: BigInt(i) }));
    expect(hashSync(dbOf(records), dbOf(records))).toBe(0);
  });
});
