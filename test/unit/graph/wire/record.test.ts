/**
 * PEER_RECORD (§2.2.1.9), record IDs (§3.1.7.2) and the record checks of §3.1.7.27.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GraphRecord } from '../../../../src/graph/model.js';
import { FIXED_RECORD_ID, RECORD_TYPE } from '../../../../src/graph/model.js';
import {
  decodeRecord,
  GRAPH_WIRE_ERROR as E,
  encodeRecord,
  newRecordId,
  recordIdMatchesCreator,
  validateRecord,
} from '../../../../src/graph/wire/index.js';
import { record as anyRecord, guid, utf16Text } from './arbitraries.js';
import { be, bytes, fill } from './helpers.js';

/** A PEER_RECORD laid out by hand; each part can be overridden to break one rule. */
function recordBytes(
  o: {
    flags?: number;
    creator?: number[];
    modifiedBy?: number[];
    protocol?: number;
    payload?: number[];
    tail?: number[];
  } = {},
): Uint8Array {
  return bytes(
    fill(16, 1),
    fill(16, 2),
    be(1, 4),
    0,
    0,
    0,
    o.flags ?? 0,
    o.creator ?? [...be(2, 4), 0x61, 0, 0, 0],
    o.modifiedBy ?? be(0, 4),
    be(0, 4),
    be(1, 8),
    be(2, 8),
    be(1, 8),
    [...be(2, 4), 0x67, 0, 0, 0],
    be(o.protocol ?? 0x0100, 2),
    o.payload ?? [...be(1, 4), 0xaa],
    be(0, 4),
    o.tail ?? [],
  );
}

function code(b: Uint8Array): string {
  const r = decodeRecord(b);
  return r.ok ? 'ok' : r.error.code;
}

describe('encodeRecord / decodeRecord', () => {
  it('round-trips any record the encoder accepts', () => {
    fc.assert(
      fc.property(anyRecord, (r) => {
        expect(decodeRecord(encodeRecord(r))).toEqual({ ok: true, value: r });
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary or corrupted bytes', () => {
    fc.assert(
      fc.property(
        anyRecord,
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        fc.uint8Array({ maxLength: 120 }),
        (r, at, v, junk) => {
          const b = encodeRecord(r);
          b[at % b.length] = v;
          expect(() => decodeRecord(b)).not.toThrow();
          expect(() => decodeRecord(junk)).not.toThrow();
        },
      ),
      { numRuns: 500 },
    );
  });

  it.each<[string, Uint8Array, string]>([
    ['the hand layout', recordBytes(), 'ok'],
    ['a record under 98 bytes', recordBytes().subarray(0, 97), E.tooShort],
    ['Creator ID Length 1', recordBytes({ creator: [...be(1, 4), 0, 0, 0, 0] }), E.badStringLength],
    [
      'Creator ID Length 257',
      recordBytes({ creator: [...be(257, 4), 0x61, 0, 0, 0] }),
      E.badStringLength,
    ],
    [
      'Creator ID without its null',
      recordBytes({ creator: [...be(2, 4), 0x61, 0, 0x62, 0] }),
      E.unterminatedString,
    ],
    [
      'Creator ID with a null inside',
      recordBytes({ creator: [...be(3, 4), 0, 0, 0x61, 0, 0, 0] }),
      E.unterminatedString,
    ],
    [
      'Last Modified By ID Length 1',
      recordBytes({ modifiedBy: [...be(1, 4), 0, 0] }),
      E.badStringLength,
    ],
    ['Protocol Version 0x0101', recordBytes({ protocol: 0x0101 }), E.badProtocolVersion],
    ['a deleted record with payload', recordBytes({ flags: 0x02 }), E.deletedWithPayload],
    ['bytes after the record', recordBytes({ tail: [0] }), E.trailingBytes],
    ['a payload beyond the bytes', recordBytes({ payload: [...be(5, 4), 0xaa] }), E.truncated],
  ])('decodeRecord: %s → %s', (_name, b, expected) => {
    expect(code(b)).toBe(expected);
  });

  it('ignores the Reserved bytes and Z bits of the flags', () => {
    const b = recordBytes({ flags: 0xfd });
    b[36] = 0xff;
    expect(code(b)).toBe('ok');
  });

  it('refuses local misuse', () => {
    const r = { ...(recordOf('alice') as GraphRecord) };
    expect(() => encodeRecord({ ...r, creatorId: 'x'.repeat(256) })).toThrow(RangeError);
    expect(() => encodeRecord({ ...r, deleted: true })).toThrow(RangeError);
    expect(() => encodeRecord({ ...r, id: new Uint8Array(8) })).toThrow(RangeError);
    expect(() => encodeRecord({ ...r, createdAt: -1n })).toThrow(RangeError);
  });
});

describe('record IDs (§3.1.7.2)', () => {
  it('binds the high 64 bits to MD5(UTF-16LE creator ID) folded, the low to the folded random GUID', () => {
    fc.assert(
      fc.property(utf16Text(1, 40), guid, (creator, random) => {
        const md5 = createHash('md5').update(Buffer.from(creator, 'utf16le')).digest();
        const id = newRecordId(creator, random);
        for (let i = 0; i < 8; i++) {
          expect(id[i]).toBe(md5[i]! ^ md5[i + 8]!);
          expect(id[8 + i]).toBe(random[i]! ^ random[i + 8]!);
        }
        expect(recordIdMatchesCreator(id, creator)).toBe(true);
        expect(recordIdMatchesCreator(id, `${creator}x`)).toBe(false);
      }),
      { numRuns: 100 },
    );
  });

  it('refuses a random part that is not 16 bytes, and a malformed ID', () => {
    expect(() => newRecordId('a', new Uint8Array(15))).toThrow(RangeError);
    expect(recordIdMatchesCreator(new Uint8Array(8), 'a')).toBe(false);
  });
});

function recordOf(creator: string, overrides: Partial<GraphRecord> = {}): GraphRecord {
  return {
    type: RECORD_TYPE.contact,
    id: newRecordId(creator, new Uint8Array(16).fill(3)),
    version: 1,
    deleted: false,
    creatorId: creator,
    modifiedById: '',
    securityData: new Uint8Array(0),
    createdAt: 10n,
    expiresAt: 30n,
    modifiedAt: 10n,
    graphId: 'graph',
    payload: new Uint8Array(100),
    attributes: '',
    ...overrides,
  };
}

describe('validateRecord (§3.1.7.27)', () => {
  const context = { graphId: 'graph', maxRecordSize: 1024 };
  const base = recordOf('alice');
  const modified = { modifiedById: 'bob', modifiedAt: 20n };
  const attrs = '<attributes><attribute name="n" type="int">1</attribute></attributes>';

  it.each<[string, GraphRecord, string]>([
    ['a valid record', base, 'ok'],
    ['a valid modified record', { ...base, ...modified }, 'ok'],
    [
      'the graph info record with its fixed ID',
      { ...base, type: RECORD_TYPE.graphInfo, id: FIXED_RECORD_ID.graphInfo },
      'ok',
    ],
    [
      'the signature record with its fixed ID',
      { ...base, type: RECORD_TYPE.signature, id: FIXED_RECORD_ID.signature },
      'ok',
    ],
    ['valid attributes', { ...base, attributes: attrs }, 'ok'],
    [
      'payload + attributes × 2 exactly at the limit',
      { ...base, payload: new Uint8Array(1024) },
      'ok',
    ],
    ['an empty creator ID', { ...base, creatorId: '' }, E.badStringLength],
    ['a creator ID of 256 characters', recordOf('c'.repeat(256)), E.badStringLength],
    ['an empty graph ID', { ...base, graphId: '' }, E.badStringLength],
    [
      'a Last Modified By of 256 characters',
      { ...base, ...modified, modifiedById: 'b'.repeat(256) },
      E.badStringLength,
    ],
    [
      'a record ID of another creator',
      { ...base, id: newRecordId('mallory', new Uint8Array(16)) },
      E.recordIdMismatch,
    ],
    [
      'a fixed ID on another record type',
      { ...base, id: FIXED_RECORD_ID.graphInfo },
      E.recordIdMismatch,
    ],
    ['expiration equal to last modification', { ...base, expiresAt: 10n }, E.recordTimes],
    ['last modification before creation', { ...base, modifiedAt: 9n }, E.recordTimes],
    ['another graph', { ...base, graphId: 'other' }, E.graphIdMismatch],
    ['a deleted record with payload', { ...base, deleted: true }, E.deletedWithPayload],
    [
      'payload one byte over the limit',
      { ...base, payload: new Uint8Array(1025) },
      E.recordTooLarge,
    ],
    [
      'attributes pushing it over the limit',
      { ...base, payload: new Uint8Array(1024 - 2 * attrs.length), attributes: attrs },
      E.recordTooLarge,
    ],
    ['Last Modified By on an unmodified record', { ...base, modifiedById: 'bob' }, E.modifiedBy],
    ['a modified record without Last Modified By', { ...base, modifiedAt: 20n }, E.modifiedBy],
    [
      'attributes outside §2.2.3.5',
      { ...base, attributes: '<attributes><x/></attributes>' },
      E.badAttributes,
    ],
  ])('%s → %s', (_name, r, expected) => {
    const v = validateRecord(r, context);
    expect(v.ok ? 'ok' : v.error.code).toBe(expected);
  });

  it('reads Max Record Size 0 as 60 MiB (§2.2.3.1)', () => {
    const big = { ...base, payload: new Uint8Array(2048) };
    expect(validateRecord(big, { graphId: 'graph', maxRecordSize: 0 }).ok).toBe(true);
    expect(validateRecord(big, context).ok).toBe(false);
  });
});
