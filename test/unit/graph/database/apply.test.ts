import { describe, expect, it } from 'vitest';
import { RecordDatabase } from '../../../../src/graph/database.js';
import { numbers, rec } from './records.js';

describe('RecordDatabase.apply()', () => {
  it('adds a new ID, replaces with a newer version, and keeps ours for same or older', () => {
    const db = new RecordDatabase();
    expect(db.apply(rec(1))).toEqual({ kind: 'added' });
    const v2 = rec(1, { version: 2, modifiedAt: 2000n, modifiedById: 'bob' });
    expect(db.apply(v2)).toEqual({ kind: 'replaced', previous: rec(1) });
    expect(db.apply(rec(1, { version: 2, modifiedAt: 2000n, modifiedById: 'bob' }))).toEqual({
      kind: 'same',
    });
    expect(db.apply(rec(1))).toEqual({ kind: 'older', ours: v2 });
    expect(db.get(rec(1).id)).toBe(v2);
    expect(db.size).toBe(1);
    expect(db.stats).toMatchObject({ added: 1, replaced: 1, same: 1, older: 1 });
  });

  it('returns records in (modifiedAt, id) order whatever the insertion order', () => {
    const db = new RecordDatabase();
    db.apply(rec(3, { modifiedAt: 5n }));
    db.apply(rec(1, { modifiedAt: 9n }));
    db.apply(rec(2, { modifiedAt: 5n }));
    db.apply(rec(4, { modifiedAt: 1n }));
    expect(numbers(db.records())).toEqual([4, 2, 3, 1]);
    db.apply(rec(4, { version: 2, modifiedAt: 7n }));
    expect(numbers(db.records())).toEqual([2, 3, 4, 1]);
  });
});
