import { describe, expect, it } from 'vitest';
import { RecordDatabase } from '../../../../src/graph/database.js';
import { numbers, rec } from './records.js';

describe('RecordDatabase expiry (§3.1.7.18-§3.1.7.21)', () => {
  it('removes records with expiresAt <= now, earliest first, and reports the next expiry', () => {
    const db = new RecordDatabase();
    expect(db.nextExpiry()).toBeUndefined();
    db.apply(rec(1, { expiresAt: 300n }));
    db.apply(rec(2, { expiresAt: 100n }));
    db.apply(rec(3, { expiresAt: 200n }));
    db.apply(rec(4, { expiresAt: 100n }));
    expect(db.nextExpiry()).toBe(100n);
    expect(db.expire(99n)).toEqual([]);
    expect(numbers(db.expire(200n))).toEqual([2, 4, 3]);
    expect(db.nextExpiry()).toBe(300n);
    expect(numbers(db.records())).toEqual([1]);
    expect(db.get(rec(2).id)).toBeUndefined();
    expect(db.stats.expired).toBe(3);
    expect(db.creatorUsage('alice').records).toBe(1);
  });

  it('keeps a deleted record until it expires', () => {
    const db = new RecordDatabase();
    db.apply(rec(1, { expiresAt: 500n }));
    db.apply(rec(1, { version: 2, deleted: true, expiresAt: 500n }));
    expect(db.expire(499n)).toEqual([]);
    expect(db.get(rec(1).id)?.deleted).toBe(true);
    expect(numbers(db.expire(500n))).toEqual([1]);
    expect(db.size).toBe(0);
  });

  it('follows a replacement: the old expiry no longer removes the new version', () => {
    const db = new RecordDatabase();
    db.apply(rec(1, { expiresAt: 100n }));
    db.apply(rec(1, { version: 2, expiresAt: 900n }));
    expect(db.nextExpiry()).toBe(900n);
    expect(db.expire(500n)).toEqual([]);
    expect(db.size).toBe(1);
  });

  it('stays bounded and correct through many replacements', () => {
    const db = new RecordDatabase();
    for (let v = 1; v <= 2000; v++)
      db.apply(rec(v % 7, { version: v, expiresAt: BigInt(10_000 - v) }));
    expect(db.size).toBe(7);
    expect(db.nextExpiry()).toBe(BigInt(10_000 - 2000));
    expect(db.expire(BigInt(10_000 - 1994)).length).toBe(7);
    expect(db.nextExpiry()).toBeUndefined();
  });
});
