import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareRecords } from '../../../../src/graph/database.js';
import type { GraphRecord } from '../../../../src/graph/model.js';
import {
  comparePositions,
  guidKey,
  keyGuid,
  successorPosition,
} from '../../../../src/graph/record-order.js';
import { rec } from './records.js';

const sd = (...b: number[]): Uint8Array => new Uint8Array(b);

// §3.1.7.32, one row per rule: `newer` wins by that rule although every later rule favours `older`
// (so a later rule is never consulted), and the fields of the earlier rules are tied.
const rules: [string, Partial<GraphRecord>, Partial<GraphRecord>][] = [
  [
    'higher version',
    { version: 3, modifiedById: '', modifiedAt: 1n, securityData: sd() },
    { version: 2, modifiedById: 'zed', modifiedAt: 9n, securityData: sd(9, 9) },
  ],
  [
    'updated over never updated',
    { version: 2, modifiedById: 'a', modifiedAt: 1n, securityData: sd() },
    { version: 2, modifiedById: '', modifiedAt: 9n, securityData: sd(9, 9) },
  ],
  [
    'lexicographically higher Last Modified By ID',
    { version: 2, modifiedById: 'bob', modifiedAt: 1n, securityData: sd() },
    { version: 2, modifiedById: 'alice', modifiedAt: 9n, securityData: sd(9, 9) },
  ],
  [
    'later modification time',
    { version: 2, modifiedById: 'bob', modifiedAt: 5n, securityData: sd() },
    { version: 2, modifiedById: 'bob', modifiedAt: 4n, securityData: sd(9, 9) },
  ],
  [
    'larger security data',
    { version: 2, modifiedById: 'bob', modifiedAt: 5n, securityData: sd(0, 0, 0) },
    { version: 2, modifiedById: 'bob', modifiedAt: 5n, securityData: sd(9, 9) },
  ],
  [
    'higher security data bytes',
    { version: 2, modifiedById: 'bob', modifiedAt: 5n, securityData: sd(1, 2, 4) },
    { version: 2, modifiedById: 'bob', modifiedAt: 5n, securityData: sd(1, 2, 3) },
  ],
];

describe('compareRecords() (§3.1.7.32)', () => {
  for (const [rule, newer, older] of rules) {
    it(`decides by ${rule}, whatever the later rules say`, () => {
      expect(compareRecords(rec(1, newer), rec(1, older))).toBe('newer');
      expect(compareRecords(rec(1, older), rec(1, newer))).toBe('older');
    });
  }

  it('calls records equal on every compared field "same", whatever else differs', () => {
    const a = rec(1, { version: 2, modifiedById: 'bob', securityData: sd(1) });
    const b = rec(1, { ...a, payload: sd(7), attributes: '<x/>', expiresAt: 5n });
    expect(compareRecords(a, b)).toBe('same');
  });

  it('is antisymmetric', () => {
    const side = fc.record({
      version: fc.integer({ min: 1, max: 3 }),
      modifiedById: fc.constantFrom('', 'a', 'b'),
      modifiedAt: fc.bigInt({ min: 0n, max: 2n }),
      securityData: fc.uint8Array({ maxLength: 2 }).map((b) => b.map((x) => x & 1)),
    });
    fc.assert(
      fc.property(side, side, (x, y) => {
        const ab = compareRecords(rec(1, x), rec(1, y));
        const ba = compareRecords(rec(1, y), rec(1, x));
        expect(ba).toBe(ab === 'newer' ? 'older' : ab === 'older' ? 'newer' : 'same');
      }),
    );
  });
});

describe('sync order helpers', () => {
  it('guidKey() orders like the GUID bytes and round-trips', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        (a, b) => {
          expect(keyGuid(guidKey(a))).toEqual(a);
          const byKey = guidKey(a) < guidKey(b) ? -1 : guidKey(a) > guidKey(b) ? 1 : 0;
          expect(byKey).toBe(Math.sign(Buffer.compare(a, b)));
        },
      ),
    );
  });

  it('successorPosition() is the next place: nothing lies strictly between', () => {
    const ff = '\u00ff'.repeat(16);
    expect(successorPosition({ modifiedAt: 5n, key: ff })).toEqual({
      modifiedAt: 6n,
      key: '\0'.repeat(16),
    });
    const p = { modifiedAt: 5n, key: `${'\0'.repeat(14)}\u0001\u00ff` };
    const next = successorPosition(p)!;
    expect(next.key).toBe(`${'\0'.repeat(14)}\u0002\0`);
    expect(comparePositions(p, next)).toBe(-1);
    expect(successorPosition({ modifiedAt: 0xffff_ffff_ffff_ffffn, key: ff })).toBeUndefined();
  });
});
