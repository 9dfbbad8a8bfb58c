/** Framing (§2.2.1.1): frameUnit and the bounded UnitReader. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  GRAPH_WIRE_ERROR as E,
  encodeGraphMessage,
  frameUnit,
  UnitReader,
} from '../../../../src/graph/wire/index.js';
import { message } from './arbitraries.js';
import { be, bytes, fill } from './helpers.js';

/** A unit of `length` bytes beginning with its own size, filled with `seed`. */
function unit(length: number, seed = 0xab): Uint8Array {
  return bytes(be(length, 4), fill(length - 4, seed & 0xff));
}

/** Splits `stream` at the given cut points (in any order, any values). */
function split(stream: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const p of [...points, stream.length]) {
    out.push(stream.subarray(from, p));
    from = p;
  }
  return out;
}

describe('frameUnit', () => {
  it('writes [u16 Frame Size][payload] frames of at most maxFrameSize', () => {
    const u = unit(10);
    expect(frameUnit(u, 4)).toEqual(
      bytes(0, 4, u.subarray(0, 4), 0, 4, u.subarray(4, 8), 0, 2, u.subarray(8, 10)),
    );
    expect(frameUnit(u)).toEqual(bytes(0, 10, u));
  });

  it('refuses local misuse', () => {
    expect(() => frameUnit(unit(10), 0)).toThrow(RangeError);
    expect(() => frameUnit(unit(10), 32769)).toThrow(RangeError);
    expect(() => frameUnit(bytes(be(9, 4), 0, 0, 0, 0))).toThrow(RangeError);
    expect(() => frameUnit(new Uint8Array(4))).toThrow(RangeError);
  });
});

describe('UnitReader', () => {
  it('yields the same units for any chunking of framed units', () => {
    fc.assert(
      fc.property(
        fc.array(message, { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 64 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (messages, frameSize, cuts) => {
          const units = messages.map(encodeGraphMessage);
          const stream = bytes(...units.map((u) => frameUnit(u, frameSize)));
          const reader = new UnitReader({ maxFrameSize: frameSize });
          const got: Uint8Array[] = [];
          for (const chunk of split(stream, cuts)) {
            const r = reader.push(chunk);
            if (!r.ok) throw new Error(r.error.code);
            got.push(...r.value);
            expect(reader.bufferedBytes).toBeLessThanOrEqual(reader.maxUnitBytes + 2);
          }
          expect(got).toEqual(units);
          expect(reader.bufferedBytes).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('accepts a frame that ends one unit and begins the next', () => {
    const a = unit(8, 1);
    const b = unit(9, 2);
    const r = new UnitReader().push(bytes(0, 17, a, b));
    expect(r).toEqual({ ok: true, value: [a, b] });
  });

  it.each<[string, Uint8Array, string]>([
    ['a zero frame size', bytes(0, 0), E.frameSizeZero],
    ['a frame above the maximum', bytes(0x40, 0x00), E.frameTooLarge],
    ['a unit size below 8', bytes(0, 4, be(7, 4)), E.unitTooSmall],
    ['a unit size above maxUnitBytes', bytes(0, 4, be(1024 * 1024 + 1, 4)), E.unitTooLarge],
  ])('fails for good on %s', (_name, stream, code) => {
    const reader = new UnitReader();
    const r = reader.push(stream);
    expect(r.ok ? 'ok' : r.error.code).toBe(code);
    const again = reader.push(frameUnit(unit(8)));
    expect(again.ok ? 'ok' : again.error.code).toBe(code);
    expect(reader.error?.code).toBe(code);
    expect(reader.bufferedBytes).toBe(0);
  });

  it('accepts frames and units exactly at the limits', () => {
    const reader = new UnitReader({ maxFrameSize: 100, maxUnitBytes: 300 });
    expect(reader.push(frameUnit(unit(300), 100))).toEqual({ ok: true, value: [unit(300)] });
    const small = new UnitReader({ maxUnitBytes: 300 });
    const r = small.push(bytes(0, 4, be(301, 4)));
    expect(r.ok ? 'ok' : r.error.code).toBe(E.unitTooLarge);
  });

  it('holds at most maxUnitBytes + a frame header, whatever arrives', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 10 }), (chunks) => {
        const reader = new UnitReader({ maxFrameSize: 512, maxUnitBytes: 256 });
        for (const c of chunks) {
          reader.push(c);
          expect(reader.bufferedBytes).toBeLessThanOrEqual(256 + 2);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('refuses bad options', () => {
    expect(() => new UnitReader({ maxFrameSize: 40000 })).toThrow(RangeError);
    expect(() => new UnitReader({ maxUnitBytes: 7 })).toThrow(RangeError);
  });
});
