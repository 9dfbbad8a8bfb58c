import { describe, expect, it } from 'vitest';
import { TraceHash } from '../../../src/sim/index.js';
import { TRACE_SAMPLE_BYTES } from '../../../src/sim/trace-hash.js';
import { utf8Encode } from '../../../src/util/bytes.js';

// Published FNV-1a 64 test vectors (Fowler, Noll, Vo; draft-eastlake-fnv).
const VECTORS: [string, string][] = [
  ['', 'cbf29ce484222325'],
  ['a', 'af63dc4c8601ec8c'],
  ['foobar', '85944171f73967e8'],
];

describe('TraceHash', () => {
  it('computes FNV-1a 64 known answers through bytes() and byte()', () => {
    for (const [text, hex] of VECTORS) {
      const viaBytes = new TraceHash();
      viaBytes.bytes(utf8Encode(text));
      expect(viaBytes.hex()).toBe(hex);
      const viaByte = new TraceHash();
      for (const b of utf8Encode(text)) viaByte.byte(b);
      expect(viaByte.hex()).toBe(hex);
    }
  });

  it('folds integers and floats as little-endian bytes', () => {
    const a = new TraceHash();
    a.u32(0x04030201);
    const b = new TraceHash();
    b.bytes(new Uint8Array([1, 2, 3, 4]));
    expect(a.hex()).toBe(b.hex());
    const c = new TraceHash();
    c.f64(1);
    const d = new TraceHash();
    d.bytes(new Uint8Array([0, 0, 0, 0, 0, 0, 0xf0, 0x3f]));
    expect(c.hex()).toBe(d.hex());
  });

  it('changes when any input byte changes', () => {
    const a = new TraceHash();
    a.bytes(new Uint8Array([1, 2, 3]));
    const b = new TraceHash();
    b.bytes(new Uint8Array([1, 2, 4]));
    expect(a.hex()).not.toBe(b.hex());
  });

  it('sample() hashes short payloads whole and long ones by their first 16, middle 8 and last 16 bytes', () => {
    const digest = (data: Uint8Array, whole = false) => {
      const h = new TraceHash();
      if (whole) h.bytes(data);
      else h.sample(data);
      return h.hex();
    };
    const short = Uint8Array.from({ length: TRACE_SAMPLE_BYTES }, (_, i) => i);
    expect(digest(short)).toBe(digest(short, true));
    const long = Uint8Array.from({ length: 100 }, (_, i) => i);
    const expected = new Uint8Array([
      ...long.subarray(0, 16),
      ...long.subarray(46, 54),
      ...long.subarray(84),
    ]);
    expect(digest(long)).toBe(digest(expected, true));
    for (const at of [0, 15, 46, 53, 84, 99]) {
      const changed = long.slice();
      changed[at]! ^= 1;
      expect(digest(changed)).not.toBe(digest(long));
    }
    const unsampled = long.slice();
    unsampled[30]! ^= 1; // outside the sample: the digest does not see it (length, time and IDs do)
    expect(digest(unsampled)).toBe(digest(long));
  });
});
