/**
 * A byte-level builder for hand-made datagrams in tests, written from the spec layouts
 * ([MS-PNRP] §2.2) without using the codec, so tests can build what the encoder refuses.
 */
export type Bytes = Uint8Array;

export function cat(...parts: (Bytes | number[])[]): Bytes {
  const arrays = parts.map((p) => (p instanceof Uint8Array ? p : Uint8Array.from(p)));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let o = 0;
  for (const a of arrays) {
    out.set(a, o);
    o += a.length;
  }
  return out;
}

export function u16(v: number): Bytes {
  return Uint8Array.of(v >> 8, v & 0xff);
}

export function u32(v: number): Bytes {
  return Uint8Array.of(v >>> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff);
}

export function pad4(b: Bytes): Bytes {
  return cat(b, new Uint8Array((4 - (b.length % 4)) % 4));
}

export function fill(n: number, value = 0): Bytes {
  return new Uint8Array(n).fill(value);
}

export const TYPE = {
  solicit: 1,
  advertise: 2,
  request: 3,
  flood: 4,
  inquire: 7,
  authority: 8,
  ack: 9,
  lookup: 11,
};

export function header(type: number, messageId = 1, major = 4, minor = 0): Bytes {
  return cat(u16(0x0010), u16(12), [0x51, major, minor, type], u32(messageId));
}

/** An element with its true Length, padded to 4 unless `padded` is false. */
export function element(fieldId: number, body: Bytes, padded = true): Bytes {
  const e = cat(u16(fieldId), u16(4 + body.length), body);
  return padded ? pad4(e) : e;
}

/** An array element; `count` overrides NumEntries (to lie about it). */
export function array(
  fieldId: number,
  type: number,
  entryLength: number,
  entries: Bytes[],
  padded = true,
  count: number = entries.length,
): Bytes {
  const body = cat(
    u16(count),
    u16(8 + entries.length * entryLength),
    u16(type),
    u16(entryLength),
    ...entries,
  );
  return element(fieldId, body, padded);
}

export function routeEntry(addressCount: number, port = 3540, id: Bytes = fill(32, 0xee)): Bytes {
  const addresses = Array.from({ length: addressCount }, () => fill(16, 0x20));
  return element(0x009a, cat(id, [4, 0], u16(port), [0, addressCount], ...addresses));
}

export function endpointArray(n: number, port = 3540, padded = false): Bytes {
  const entries = Array.from({ length: n }, () => cat(u16(port), fill(16, 0x20)));
  return array(0x009e, 0x009d, 18, entries, padded);
}

export function idArray(n: number, count: number = n): Bytes {
  return array(
    0x0060,
    0x0030,
    32,
    Array.from({ length: n }, () => fill(32, 0xaa)),
    true,
    count,
  );
}

export const LOOKUP_CONTROLS: Bytes = Uint8Array.from([
  0x00, 0x45, 0x00, 0x0c, 0, 2, 0, 64, 8, 3, 0, 0,
]);

export function lookup(path: Bytes, bestMatch: Bytes = new Uint8Array(0)): Bytes {
  return cat(
    header(TYPE.lookup),
    LOOKUP_CONTROLS,
    element(0x0038, fill(32, 1)),
    element(0x0039, fill(32, 2)),
    bestMatch,
    path,
  );
}

export function flood(alreadyFlooded: Bytes, extra: Bytes = new Uint8Array(0)): Bytes {
  return cat(
    header(TYPE.flood),
    [0, 0x43, 0, 7, 0, 1, 0, 0],
    element(0x0039, fill(32, 2)),
    extra,
    alreadyFlooded,
  );
}

export function solicit(...elements: Bytes[]): Bytes {
  return cat(header(TYPE.solicit), ...elements);
}

export function hashedNonce(n = 20): Bytes {
  return element(0x0092, fill(n, 5));
}

export function authority(size: number, offset: number, slice: Bytes, acked = 7): Bytes {
  return cat(
    header(TYPE.authority),
    element(0x0018, u32(acked)),
    element(0x0098, cat(u16(size), u16(offset))),
    slice,
  );
}

export const FLAGS_NONE: Bytes = Uint8Array.from([0, 0x40, 0, 6, 0, 0, 0, 0]);
