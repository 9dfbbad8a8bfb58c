import { describe, expect, it } from 'vitest';
import { RecordDatabase } from '../../../../src/graph/database.js';
import { RECORD_TYPE } from '../../../../src/graph/model.js';
import { APP_TYPE, numbers, OTHER_TYPE, rec } from './records.js';

function filled(): RecordDatabase {
  const db = new RecordDatabase();
  db.apply(rec(1, { type: APP_TYPE, modifiedAt: 50n }));
  db.apply(rec(2, { type: OTHER_TYPE, modifiedAt: 10n }));
  db.apply(rec(3, { type: RECORD_TYPE.presence, modifiedAt: 30n }));
  db.apply(rec(4, { type: APP_TYPE, modifiedAt: 20n }));
  db.apply(rec(5, { type: OTHER_TYPE, modifiedAt: 40n, deleted: true, version: 2 }));
  return db;
}

describe('RecordDatabase record selection (Sync All, Time-based Sync)', () => {
  it('records() passes all, included or excluded types, in sync order', () => {
    const db = filled();
    expect(numbers(db.records())).toEqual([2, 4, 3, 5, 1]);
    expect(numbers(db.records({ mode: 'all', types: [] }))).toEqual([2, 4, 3, 5, 1]);
    expect(numbers(db.records({ mode: 'include', types: [APP_TYPE] }))).toEqual([4, 1]);
    expect(numbers(db.records({ mode: 'include', types: [APP_TYPE, OTHER_TYPE] }))).toEqual([
      2, 4, 5, 1,
    ]);
    expect(numbers(db.records({ mode: 'include', types: [RECORD_TYPE.contact] }))).toEqual([]);
    expect(
      numbers(db.records({ mode: 'exclude', types: [APP_TYPE, RECORD_TYPE.presence] })),
    ).toEqual([2, 5]);
    expect(numbers(db.records({ mode: 'include', types: [] }))).toEqual([2, 4, 3, 5, 1]);
  });

  it('modifiedSince() selects modifiedAt >= since (§3.1.5.2.6), filtered', () => {
    const db = filled();
    expect(numbers(db.modifiedSince(30n))).toEqual([3, 5, 1]);
    expect(numbers(db.modifiedSince(31n))).toEqual([5, 1]);
    expect(numbers(db.modifiedSince(0n))).toEqual([2, 4, 3, 5, 1]);
    expect(numbers(db.modifiedSince(51n))).toEqual([]);
    expect(numbers(db.modifiedSince(20n, { mode: 'include', types: [APP_TYPE] }))).toEqual([4, 1]);
    expect(numbers(db.modifiedSince(21n, { mode: 'include', types: [APP_TYPE] }))).toEqual([1]);
    expect(numbers(db.modifiedSince(15n, { mode: 'exclude', types: [OTHER_TYPE] }))).toEqual([
      4, 3, 1,
    ]);
  });

  it('follows a record to its new place and type list when it is replaced', () => {
    const db = filled();
    db.apply(rec(2, { type: APP_TYPE, modifiedAt: 60n, version: 2 }));
    expect(numbers(db.records())).toEqual([4, 3, 5, 1, 2]);
    expect(numbers(db.records({ mode: 'include', types: [OTHER_TYPE] }))).toEqual([5]);
    expect(numbers(db.modifiedSince(45n, { mode: 'include', types: [APP_TYPE] }))).toEqual([1, 2]);
  });

  it('returns snapshots: applying while holding a result leaves it unchanged', () => {
    const db = filled();
    const held = db.records();
    db.apply(rec(9, { modifiedAt: 1n }));
    expect(numbers(held)).toEqual([2, 4, 3, 5, 1]);
  });
});
