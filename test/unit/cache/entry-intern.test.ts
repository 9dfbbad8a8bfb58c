import { describe, expect, it } from 'vitest';
import { internEntry } from '../../../src/cache/entry-intern.js';
import { endpointKey } from '../../../src/keys/endpoint.js';
import type { RouteEntry } from '../../../src/wire/types.js';

function entry(idByte: number, port: number, ...addressBytes: number[]): RouteEntry {
  return {
    id: new Uint8Array(32).fill(idByte),
    port,
    addresses: addressBytes.map((b) => new Uint8Array(16).fill(b)),
  };
}

describe('internEntry', () => {
  it('returns one shared copy per (ID, port, addresses), equal in content to the input', () => {
    const a = entry(1, 3540, 7);
    const shared = internEntry(a);
    expect(shared).toEqual(a);
    expect(shared).not.toBe(a);
    expect(internEntry(entry(1, 3540, 7))).toBe(shared);
    expect(internEntry(shared)).toBe(shared);
  });

  it('keeps entries that differ in ID, port, address or address count apart', () => {
    const base = internEntry(entry(2, 3540, 7));
    for (const other of [
      entry(3, 3540, 7),
      entry(2, 3541, 7),
      entry(2, 3540, 8),
      entry(2, 3540, 7, 7),
    ]) {
      const shared = internEntry(other);
      expect(shared).not.toBe(base);
      expect(shared).toEqual(other);
    }
  });

  it('packs the ID and the addresses into one buffer', () => {
    const shared = internEntry(entry(4, 3540, 9, 10));
    expect(shared.addresses[0]!.buffer).toBe(shared.id.buffer);
    expect(shared.addresses[1]!.buffer).toBe(shared.id.buffer);
    expect([...shared.addresses[1]!]).toEqual(new Array(16).fill(10));
  });

  it('passes a malformed entry through untouched', () => {
    const short: RouteEntry = { id: new Uint8Array(31), port: 3540, addresses: [] };
    expect(internEntry(short)).toBe(short);
  });
});

describe('endpointKey', () => {
  it('stays equal for equal endpoints and apart for others (interning is invisible to callers)', () => {
    const a = { address: new Uint8Array(16).fill(5), port: 3540 };
    const b = { address: new Uint8Array(16).fill(5), port: 3540 };
    expect(endpointKey(a)).toBe(endpointKey(b));
    expect(endpointKey(a)).not.toBe(endpointKey({ ...a, port: 3541 }));
  });
});
