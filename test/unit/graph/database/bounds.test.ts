import { describe, expect, it } from 'vitest';
import { RecordDatabase, recordBytes } from '../../../../src/graph/database.js';
import { rec } from './records.js';

const bytes = (n: number): Uint8Array => new Uint8Array(n);

describe('RecordDatabase bounds and fair shares', () => {
  it('refuses a flooding creator at its share while another creator still gets in', () => {
    const db = new RecordDatabase({ maxRecords: 100, maxRecordsPerCreator: 5 });
    const outcomes = Array.from(
      { length: 8 },
      (_, i) => db.apply(rec(i, { creatorId: 'mallory' })).kind,
    );
    expect(outcomes).toEqual([
      'added',
      'added',
      'added',
      'added',
      'added',
      'refused',
      'refused',
      'refused',
    ]);
    expect(db.apply(rec(100, { creatorId: 'mallory' }))).toEqual({
      kind: 'refused',
      reason: 'creator-share',
    });
    expect(db.apply(rec(200, { creatorId: 'alice' }))).toEqual({ kind: 'added' });
    expect(db.creatorUsage('mallory')).toEqual({ records: 5, bytes: 0 });
    expect(db.stats.refused['creator-share']).toBe(4);
  });

  it('holds each creator to its byte share', () => {
    const db = new RecordDatabase({ maxBytes: 1000, maxBytesPerCreator: 300 });
    expect(db.apply(rec(1, { creatorId: 'm', payload: bytes(200) })).kind).toBe('added');
    expect(db.apply(rec(2, { creatorId: 'm', payload: bytes(101) }))).toEqual({
      kind: 'refused',
      reason: 'creator-share',
    });
    expect(db.apply(rec(3, { creatorId: 'm', payload: bytes(100) })).kind).toBe('added');
    expect(db.apply(rec(4, { creatorId: 'n', payload: bytes(300) })).kind).toBe('added');
  });

  it('refuses a record larger than a creator share as too-large', () => {
    const db = new RecordDatabase({ maxBytes: 1000, maxBytesPerCreator: 300 });
    expect(db.apply(rec(1, { securityData: bytes(301) }))).toEqual({
      kind: 'refused',
      reason: 'too-large',
    });
    expect(db.apply(rec(1, { attributes: 'x'.repeat(151) }))).toEqual({
      kind: 'refused',
      reason: 'too-large',
    });
    expect(db.size).toBe(0);
  });

  it('refuses new records when the database is full, by records and by bytes', () => {
    const byRecords = new RecordDatabase({ maxRecords: 3, maxRecordsPerCreator: 3 });
    for (let i = 0; i < 3; i++) byRecords.apply(rec(i, { creatorId: `c${i}` }));
    expect(byRecords.apply(rec(9, { creatorId: 'c9' }))).toEqual({
      kind: 'refused',
      reason: 'database-full',
    });
    const byBytes = new RecordDatabase({ maxBytes: 100, maxBytesPerCreator: 60 });
    byBytes.apply(rec(1, { creatorId: 'a', payload: bytes(60) }));
    expect(byBytes.apply(rec(2, { creatorId: 'b', payload: bytes(41) }))).toEqual({
      kind: 'refused',
      reason: 'database-full',
    });
    expect(byBytes.apply(rec(2, { creatorId: 'b', payload: bytes(40) })).kind).toBe('added');
    expect(byBytes.stats.refused['database-full']).toBe(1);
  });

  it('accounts a replacement by its size change', () => {
    const db = new RecordDatabase({ maxBytes: 1000, maxBytesPerCreator: 1000 });
    db.apply(rec(1, { payload: bytes(100) }));
    db.apply(rec(2, { payload: bytes(50) }));
    db.apply(rec(1, { version: 2, payload: bytes(30), modifiedById: 'alice' }));
    expect(db.bytes).toBe(80);
    db.apply(rec(2, { version: 2, deleted: true }));
    expect(db.bytes).toBe(30);
    expect(db.creatorUsage('alice')).toEqual({ records: 2, bytes: 30 });
    expect(db.size).toBe(2);
  });

  it('always admits a replacement that does not grow, even at the share or a full database', () => {
    const db = new RecordDatabase({
      maxRecords: 2,
      maxBytes: 100,
      maxRecordsPerCreator: 2,
      maxBytesPerCreator: 100,
    });
    db.apply(rec(1, { payload: bytes(60) }));
    db.apply(rec(2, { payload: bytes(40) }));
    expect(db.apply(rec(3)).kind).toBe('refused');
    expect(db.apply(rec(1, { version: 2, payload: bytes(60) })).kind).toBe('replaced');
    expect(db.apply(rec(2, { version: 2, deleted: true })).kind).toBe('replaced');
    // Growth is checked: 60 -> 101 would exceed the 100-byte bounds.
    expect(db.apply(rec(1, { version: 3, payload: bytes(101) })).kind).toBe('refused');
    expect(db.apply(rec(1, { version: 3, payload: bytes(100) })).kind).toBe('replaced');
    expect(db.bytes).toBe(100);
  });

  it('moves a replaced record between creators when its creator ID changes', () => {
    const db = new RecordDatabase();
    db.apply(rec(1, { creatorId: 'a', payload: bytes(10) }));
    db.apply(rec(1, { creatorId: 'b', version: 2, payload: bytes(4) }));
    expect(db.creatorUsage('a')).toEqual({ records: 0, bytes: 0 });
    expect(db.creatorUsage('b')).toEqual({ records: 1, bytes: 4 });
  });

  it('never refuses a same or older record: it changes nothing', () => {
    const db = new RecordDatabase({ maxRecords: 1, maxRecordsPerCreator: 1 });
    db.apply(rec(1, { version: 2 }));
    expect(db.apply(rec(1, { version: 2 })).kind).toBe('same');
    expect(db.apply(rec(1, { version: 1 })).kind).toBe('older');
  });

  it('counts bytes as payload, security data and UTF-16 attributes', () => {
    expect(
      recordBytes(rec(1, { payload: bytes(3), securityData: bytes(5), attributes: 'ab' })),
    ).toBe(12);
  });

  it('defaults creator shares to a tenth of the database and rejects bad limits', () => {
    const db = new RecordDatabase({ maxRecords: 20 });
    const kinds = Array.from({ length: 3 }, (_, i) => db.apply(rec(i)).kind);
    expect(kinds).toEqual(['added', 'added', 'refused']);
    expect(() => new RecordDatabase({ maxRecords: 0 })).toThrow(RangeError);
    expect(() => new RecordDatabase({ maxBytesPerCreator: 1.5 })).toThrow(RangeError);
  });
});
