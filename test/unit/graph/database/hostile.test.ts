import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordDatabase } from '../../../../src/graph/database.js';
import { rec } from './records.js';

const time = fc.bigInt({ min: 0n, max: 0xffff_ffff_ffff_ffffn });
const guid = fc.oneof(
  fc.uint8Array({ minLength: 16, maxLength: 16 }),
  fc.uint8Array({ minLength: 0, maxLength: 20 }),
  fc.constant(new Uint8Array(16).fill(0xff)),
);

function filled(): RecordDatabase {
  const db = new RecordDatabase();
  for (let i = 0; i < 35; i++)
    db.apply(rec(i, { modifiedAt: BigInt(i % 7), version: 1 + (i % 3) }));
  return db;
}

describe('RecordDatabase on hostile sync input', () => {
  it('advertise() never throws and advertises each of its records at most once', () => {
    const entry = fc.record({
      hash: fc.uint8Array({ minLength: 16, maxLength: 16 }),
      modifiedAt: time,
      id: guid,
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 30 }), (entries) => {
        const db = filled();
        const { boundaries, abstracts } = db.advertise(entries);
        expect(new Set(abstracts.map((a) => a.id.join())).size).toBe(abstracts.length);
        expect(boundaries.reduce((n, b) => n + b.count, 0)).toBe(abstracts.length);
      }),
    );
  });

  it('diff() never throws and sends each record at most once', () => {
    const boundary = fc.record({
      lowerModifiedAt: time,
      lowerId: guid,
      upperModifiedAt: time,
      upperId: guid,
      count: fc.nat(),
    });
    const abstract = fc.record({ id: guid, version: fc.nat() });
    fc.assert(
      fc.property(
        fc.array(boundary, { maxLength: 20 }),
        fc.array(abstract, { maxLength: 40 }),
        (bs, as) => {
          const { request, send } = filled().diff(bs, as);
          expect(new Set(send.map((r) => r.id.join())).size).toBe(send.length);
          expect(new Set(request.map((r) => r.id.join())).size).toBe(request.length);
        },
      ),
    );
  });
});
