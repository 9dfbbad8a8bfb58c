import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHUNK_MAX, SortedPositions } from '../../../../src/graph/database-sorted.js';
import { comparePositions, type RecordPosition } from '../../../../src/graph/record-order.js';

const pos = (t: number, k: number): RecordPosition => ({
  modifiedAt: BigInt(t),
  key: String.fromCharCode(k),
});

describe('SortedPositions', () => {
  it('matches a sorted array through inserts and removals across run splits', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 80 })),
          {
            minLength: 1,
            maxLength: 4 * CHUNK_MAX,
          },
        ),
        (ops) => {
          const list = new SortedPositions<RecordPosition>();
          const model = new Map<string, RecordPosition>();
          for (const [add, t, k] of ops) {
            const p = pos(t, k);
            const id = `${t}/${k}`;
            if (add && !model.has(id)) {
              list.insert(p);
              model.set(id, p);
            } else if (!add) expect(list.remove(p)).toBe(model.delete(id));
          }
          const expected = [...model.values()].sort(comparePositions);
          expect([...list]).toEqual(expected);
          expect(list.size).toBe(expected.length);
          const from = pos(20, 40);
          expect([...list.from(from, true)]).toEqual(
            expected.filter((p) => comparePositions(p, from) >= 0),
          );
          expect([...list.from(from, false)]).toEqual(
            expected.filter((p) => comparePositions(p, from) > 0),
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keeps order over many ascending and descending inserts', () => {
    const list = new SortedPositions<RecordPosition>();
    for (let i = 0; i < 3 * CHUNK_MAX; i++) list.insert(pos(i, 0));
    for (let i = -1; i > -3 * CHUNK_MAX; i--) list.insert(pos(i + 10_000, 1));
    const all = [...list];
    for (let i = 1; i < all.length; i++) expect(comparePositions(all[i - 1]!, all[i]!)).toBe(-1);
    expect([...list.from(pos(3 * CHUNK_MAX - 1, 0), false)]).toHaveLength(3 * CHUNK_MAX - 1);
  });
});
