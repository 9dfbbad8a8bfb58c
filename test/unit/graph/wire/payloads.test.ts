/** Internal record payloads (§2.2.3): graph info, signature, contact, presence. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeContact,
  decodeGraphInfo,
  decodePresence,
  decodeSignature,
  GRAPH_WIRE_ERROR as E,
  encodeContact,
  encodeGraphInfo,
  encodePresence,
  encodeSignature,
  type GraphInfo,
} from '../../../../src/graph/wire/index.js';
import { peerAddress, u64, utf16Text } from './arbitraries.js';
import { be, bytes } from './helpers.js';

const graphInfo: fc.Arbitrary<GraphInfo> = fc.record({
  deferExpiration: fc.boolean(),
  scope: fc.constantFrom('global' as const, 'site-local' as const, 'link-local' as const),
  graphId: utf16Text(1, 255),
  creatorId: utf16Text(1, 255),
  friendlyName: utf16Text(0, 255),
  comment: utf16Text(0, 511),
  presenceLifetimeS: fc.oneof(fc.constant(0), fc.integer({ min: 300, max: 0xffffffff })),
  maxPresenceRecords: fc.integer({ min: 0, max: 0xffffffff }),
  maxRecordSize: fc.oneof(fc.constant(0), fc.integer({ min: 1024, max: 62914560 })),
});

const info: GraphInfo = {
  deferExpiration: true,
  scope: 'global',
  graphId: 'g',
  creatorId: 'c',
  friendlyName: '',
  comment: '',
  presenceLifetimeS: 0,
  maxPresenceRecords: 5,
  maxRecordSize: 0,
};

function code<T>(r: { ok: true; value: T } | { ok: false; error: { code: string } }): string {
  return r.ok ? 'ok' : r.error.code;
}

describe('internal record payloads', () => {
  it('round-trip', () => {
    fc.assert(
      fc.property(
        graphInfo,
        u64,
        u64,
        fc.array(peerAddress, { maxLength: 5 }),
        utf16Text(0, 60),
        (g, a, b, addresses, attributes) => {
          expect(decodeGraphInfo(encodeGraphInfo(g))).toEqual({ ok: true, value: g });
          expect(decodeSignature(encodeSignature(a))).toEqual({ ok: true, value: a });
          const contact = { signature: a, nodeId: b, addresses };
          expect(decodeContact(encodeContact(contact))).toEqual({ ok: true, value: contact });
          const presence = { nodeId: b, attributes, addresses };
          expect(decodePresence(encodePresence(presence))).toEqual({ ok: true, value: presence });
        },
      ),
      { numRuns: 150 },
    );
  });

  it('lays out graph info as §2.2.3.1 draws it', () => {
    expect(encodeGraphInfo(info)).toEqual(
      bytes(
        be(48, 4), // Size: 12 + 8 + 8 + 4 + 4 + 12
        be(0x02, 4), // D (Deferred Expiration) = 0x00000002, I = 0
        be(1, 4), // PEER_GRAPH_SCOPE_GLOBAL
        be(2, 4),
        [0x67, 0, 0, 0], // Graph ID "g\0"
        be(2, 4),
        [0x63, 0, 0, 0], // Creator ID "c\0"
        be(0, 4),
        be(0, 4), // no Friendly Name, no Comment
        be(0, 4),
        be(5, 4),
        be(0, 4), // Presence Lifetime, Max Presence Records, Max Record Size
      ),
    );
  });

  it('lays out a contact as §2.2.3.3 draws it, with PEER_ADDRESS (§2.2.1.5)', () => {
    const address = { address: new Uint8Array(16).fill(7), port: 80, flowInfo: 9 };
    expect(encodeContact({ signature: 1n, nodeId: 2n, addresses: [address] })).toEqual(
      bytes(
        be(1, 8),
        be(2, 8),
        be(1, 4),
        be(0x20, 4),
        be(0x17, 2),
        be(80, 2),
        be(9, 4),
        address.address,
        be(0, 4),
      ),
    );
  });

  it('enforces the graph info ranges both ways', () => {
    for (const bad of [
      { ...info, presenceLifetimeS: 299 },
      { ...info, maxRecordSize: 1023 },
      { ...info, maxRecordSize: 62914561 },
    ]) {
      expect(() => encodeGraphInfo(bad)).toThrow(RangeError);
    }
    const ok = encodeGraphInfo(info);
    const at = ok.length - 12;
    const patched = (offset: number, v: number): Uint8Array => {
      const b = ok.slice();
      b.set(be(v, 4), offset);
      return b;
    };
    expect(code(decodeGraphInfo(patched(at, 299)))).toBe(E.badPayload);
    expect(code(decodeGraphInfo(patched(at + 8, 1023)))).toBe(E.badPayload);
    expect(code(decodeGraphInfo(patched(at + 8, 62914561)))).toBe(E.badPayload);
    expect(code(decodeGraphInfo(patched(8, 4)))).toBe(E.badPayload); // scope
    expect(code(decodeGraphInfo(patched(0, 49)))).toBe(E.sizeMismatch);
    expect(code(decodeGraphInfo(patched(at, 300)))).toBe('ok');
  });

  it('refuses malformed payloads with codes', () => {
    expect(code(decodeSignature(new Uint8Array(7)))).toBe(E.badPayload);
    const contact = encodeContact({
      signature: 1n,
      nodeId: 2n,
      addresses: [{ address: new Uint8Array(16), port: 1 }],
    });
    expect(code(decodeContact(contact, { maxAddresses: 0 }))).toBe(E.limitExceeded);
    expect(code(decodeContact(bytes(contact, 0)))).toBe(E.trailingBytes);
    expect(code(decodeContact(contact.subarray(0, contact.length - 1)))).toBe(E.truncated);
    const badSize = contact.slice();
    badSize.set(be(0x21, 4), 20);
    expect(code(decodeContact(badSize))).toBe(E.badAddress);
    const badFamily = contact.slice();
    badFamily.set(be(2, 2), 24);
    expect(code(decodeContact(badFamily))).toBe(E.badAddress);
    expect(code(decodePresence(bytes(be(1, 8), be(1, 4), 0, 0, be(0, 4))))).toBe(E.badStringLength);
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (b) => {
        expect(() => [
          decodeGraphInfo(b),
          decodeSignature(b),
          decodeContact(b),
          decodePresence(b),
        ]).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});
