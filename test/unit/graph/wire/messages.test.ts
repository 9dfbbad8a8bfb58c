/**
 * The [MS-PPGRH] message codec: round trips of every shape, hand-computed layouts from the §2.2.2
 * diagrams, hostile bytes that must never throw, and each receive check of §3.1.5.1.1 and
 * §3.1.5.2.x refused with its code.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GraphMessage, GraphRecord } from '../../../../src/graph/model.js';
import { RECORD_TYPE } from '../../../../src/graph/model.js';
import {
  decodeGraphMessage,
  encodeGraphMessage,
  encodeSyncEnd,
  GRAPH_WIRE_ERROR,
  peekMessageType,
} from '../../../../src/graph/wire/index.js';
import { message } from './arbitraries.js';
import { be, bytes, fill, outcome, resize } from './helpers.js';

const loopback = { address: new Uint8Array([...fill(15), 1]), port: 3000 };

describe('encodeGraphMessage / decodeGraphMessage', () => {
  it('round-trips every message shape', () => {
    fc.assert(
      fc.property(message, (m) => {
        expect(decodeGraphMessage(encodeGraphMessage(m))).toEqual({ ok: true, value: m });
      }),
      { numRuns: 400 },
    );
  });

  it('writes Message Size, Version 0x10, the type and zero Reserved in every header', () => {
    fc.assert(
      fc.property(message, (m) => {
        const b = encodeGraphMessage(m);
        expect(be(b.length, 4)).toEqual([...b.subarray(0, 4)]);
        expect(b[4]).toBe(0x10);
        expect([b[6], b[7]]).toEqual([0, 0]);
        expect(peekMessageType(b)).toBe(b[5]);
      }),
      { numRuns: 100 },
    );
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.integer({ min: 1, max: 14 }),
        (body, type) => {
          const framed = resize(bytes(fill(4), 0x10, type, 0, 0, body), 8 + body.length);
          expect(() => decodeGraphMessage(body)).not.toThrow();
          expect(() => decodeGraphMessage(framed)).not.toThrow();
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('never throws on mutated valid messages', () => {
    fc.assert(
      fc.property(
        message,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.boolean(),
        (m, edits, keepSize) => {
          const b = encodeGraphMessage(m).slice();
          for (const [at, v] of edits) b[at % b.length] = v;
          const fixed = keepSize ? resize(b, b.length) : b;
          const r = decodeGraphMessage(fixed);
          expect(r.ok || typeof r.error.code === 'string').toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('refuses local misuse with TypeError or RangeError', () => {
    const many = new Array(256).fill(loopback);
    expect(() => encodeGraphMessage({ type: 'refuse', code: 1, addresses: many })).toThrow(
      RangeError,
    );
    expect(() => encodeGraphMessage({ type: 'refuse', code: 9, addresses: [] })).toThrow(
      RangeError,
    );
    expect(() =>
      encodeGraphMessage({
        type: 'connect',
        update: true,
        direct: false,
        wantNeighbors: false,
        nodeId: 1n,
        addresses: [],
        friendlyName: '',
      }),
    ).toThrow(RangeError);
    expect(() =>
      encodeGraphMessage({
        type: 'solicit-new',
        filter: { mode: 'include', types: [RECORD_TYPE.contact, RECORD_TYPE.presence] },
      }),
    ).toThrow(RangeError);
    expect(() =>
      encodeGraphMessage({
        type: 'auth-info',
        connectionType: 'neighbor',
        graphId: 'g\0',
        sourcePeerId: 's',
        destinationPeerId: '',
      }),
    ).toThrow(TypeError);
    expect(() =>
      encodeGraphMessage({
        type: 'pt2pt',
        dataType: new Uint8Array(15),
        payload: new Uint8Array(0),
      }),
    ).toThrow(RangeError);
  });
});

describe('byte layouts computed by hand from the §2.2.2 diagrams', () => {
  it('CONNECT (§2.2.2.2)', () => {
    const m: GraphMessage = {
      type: 'connect',
      update: true,
      direct: false,
      wantNeighbors: true,
      nodeId: 0x0102030405060708n,
      addresses: [loopback],
      friendlyName: 'ab',
    };
    const expected = bytes(
      [0x00, 0x00, 0x00, 0x2f], // Message Size 47 = 24 fixed + 20 address + "ab\0"
      0x10,
      0x02,
      [0x00, 0x00], // Version, Type CONNECT, Reserved1
      0x09, // Z1-Z4 0, U (0x08) set, D (0x04) clear, Z7 0, N (0x01) set
      0x01,
      [0x00, 0x18],
      [0x00, 0x2c],
      [0x00, 0x00], // Address Count, Offset 24, Name Offset 44, Reserved2
      [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08], // Source Node ID
      [0x00, 0x17],
      [0x0b, 0xb8],
      fill(15),
      0x01, // PEER_IN6_ADDRESS: AF_INET6, port 3000, ::1
      [0x61, 0x62, 0x00], // "ab\0"
    );
    expect(encodeGraphMessage(m)).toEqual(expected);
    expect(decodeGraphMessage(expected)).toEqual({ ok: true, value: m });
  });

  it('WELCOME (§2.2.2.3)', () => {
    const m: GraphMessage = {
      type: 'welcome',
      nodeId: 0x0an,
      peerTime: 0x01d2030405060708n,
      addresses: [],
      peerId: 'p1',
      friendlyName: '',
    };
    const expected = bytes(
      [0x00, 0x00, 0x00, 0x23], // 35 = 32 fixed + "p1\0"
      0x10,
      0x03,
      [0x00, 0x00],
      [0, 0, 0, 0, 0, 0, 0, 0x0a], // Node ID
      [0x01, 0xd2, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08], // Peer Time
      0x00,
      0x00,
      [0x00, 0x00], // Address Count 0, Reserved2, Address Offset 0 (§3.1.5.2.1)
      [0x00, 0x20],
      [0x00, 0x23], // Peer ID Offset 32, Friendly Name Offset = Message Size (absent)
      [0x70, 0x31, 0x00],
    );
    expect(encodeGraphMessage(m)).toEqual(expected);
    expect(decodeGraphMessage(expected)).toEqual({ ok: true, value: m });
  });

  it('SOLICIT_HASH (§2.2.2.8)', () => {
    const m: GraphMessage = {
      type: 'solicit-hash',
      filter: { mode: 'include', types: [RECORD_TYPE.graphInfo] },
      entries: [
        {
          hash: new Uint8Array(16).fill(0x11),
          modifiedAt: 0x0102030405060708n,
          id: new Uint8Array(16).fill(0x22),
        },
      ],
    };
    const expected = bytes(
      [0x00, 0x00, 0x00, 0x4c], // 76 = 20 fixed + 16 type + 40 entry
      0x10,
      0x08,
      [0x00, 0x00],
      0x01,
      0x00,
      [0x00, 0x14], // Inclusion 1, Exclusion 0, Record Types Offset 20
      [0x00, 0x00, 0x00, 0x01],
      [0x00, 0x24],
      [0x00, 0x00], // Hash Count 1, Hash Entry Offset 36, Reserved2
      [0x00, 0x00, 0x01, 0x00],
      fill(12), // {00000100-0000-0000-0000-000000000000}
      fill(16, 0x11),
      [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08],
      fill(16, 0x22),
    );
    expect(encodeGraphMessage(m)).toEqual(expected);
    expect(decodeGraphMessage(expected)).toEqual({ ok: true, value: m });
  });

  it('FLOOD (§2.2.2.11) with its PEER_RECORD (§2.2.1.9)', () => {
    const record: GraphRecord = {
      type: RECORD_TYPE.presence,
      id: new Uint8Array(16).fill(0x33),
      version: 1,
      deleted: false,
      creatorId: 'a',
      modifiedById: '',
      securityData: new Uint8Array(0),
      createdAt: 1n,
      expiresAt: 2n,
      modifiedAt: 1n,
      graphId: 'g',
      payload: new Uint8Array([0xaa]),
      attributes: '',
    };
    const expected = bytes(
      [0x00, 0x00, 0x00, 0x6f], // 111 = 12 fixed + 99 record
      0x10,
      0x0b,
      [0x00, 0x00],
      [0x00, 0x0c],
      [0x00, 0x00], // Record Offset 12, Reserved2
      [0x00, 0x00, 0x04, 0x00],
      fill(12), // Record Type: presence
      fill(16, 0x33), // Record ID
      [0, 0, 0, 1],
      [0, 0, 0],
      0x00, // Record Version 1, Reserved, flags (D clear)
      [0, 0, 0, 2],
      [0x61, 0x00, 0x00, 0x00], // Creator ID Length 2, "a\0" UTF-16LE
      [0, 0, 0, 0], // Last Modified By ID Length 0 (absent)
      [0, 0, 0, 0], // Security Data Size 0
      be(1, 8),
      be(2, 8),
      be(1, 8), // Creation, Expiration, Last Modification Time
      [0, 0, 0, 2],
      [0x67, 0x00, 0x00, 0x00], // Graph ID "g\0"
      [0x01, 0x00], // Protocol Version 0x0100
      [0, 0, 0, 1],
      0xaa, // Payload Data
      [0, 0, 0, 0], // Attributes Length 0
    );
    expect(encodeGraphMessage({ type: 'flood', record })).toEqual(expected);
    expect(decodeGraphMessage(expected)).toEqual({ ok: true, value: { type: 'flood', record } });
    // The Deleted bit is bit 254 of the diagram: 0x02 of the flags byte.
    const deleted = { ...record, deleted: true, payload: new Uint8Array(0) };
    expect(encodeGraphMessage({ type: 'flood', record: deleted })[12 + 39]).toBe(0x02);
  });

  it('SYNC_END (§2.2.2.12) sets F (0x01); the non-final form is reported, not processed', () => {
    expect(encodeGraphMessage({ type: 'sync-end' })).toEqual(
      bytes(0, 0, 0, 12, 0x10, 0x0c, 0, 0, 0x01, 0, 0, 0),
    );
    expect(encodeSyncEnd(false)[8]).toBe(0);
    expect(outcome(encodeSyncEnd(false))).toBe(GRAPH_WIRE_ERROR.syncEndNotFinal);
  });
});
