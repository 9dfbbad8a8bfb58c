/**
 * Every limit of the wire format at the limit (accepted) and one past (refused), on both sides:
 * the decoder answers with a code, the encoder throws.
 */
import { describe, expect, it } from 'vitest';
import {
  type AuthorityMessage,
  AuthorityReassembler,
  decodeMessage,
  encodeDatagrams,
  encodeMessage,
  type Message,
  PNRP_VERSION,
} from '../../../src/wire/index.js';
import { endpoints, key, lookupWith, routeEntry } from './fixtures.js';
import * as raw from './raw.js';

/** 'ok' or the decode error code. */
function outcome(bytes: Uint8Array): string {
  const r = decodeMessage(bytes);
  return r.ok ? 'ok' : r.error.code;
}

const v = PNRP_VERSION;

function flood(alreadyFlooded: ReturnType<typeof endpoints>): Message {
  return {
    type: 'flood',
    messageId: 1,
    version: v,
    dontAck: true,
    validateId: key(0),
    alreadyFlooded,
  };
}

const FLAGS = { suspicious: false, busy: false, notRegistered: false };

function authorityOf(classifier: string): AuthorityMessage {
  return {
    type: 'authority',
    messageId: 5,
    version: v,
    ackedMessageId: 4,
    buffer: { flags: FLAGS, classifier },
  };
}

/** An AUTHORITY whose buffer is exactly `size` bytes: flags (8) + unpadded VALIDATE_CPA (4 + n). */
function authorityOfSize(size: number): AuthorityMessage {
  const buffer = { flags: FLAGS, validateCpa: new Uint8Array(size - 12).fill(0x5a) };
  return { type: 'authority', messageId: 5, version: v, ackedMessageId: 4, buffer };
}

describe('flagged path (1..22 endpoints)', () => {
  it('decodeMessage() accepts flagged paths of 1 and 22 endpoints', () => {
    expect(outcome(raw.lookup(raw.endpointArray(1)))).toBe('ok');
    expect(outcome(raw.lookup(raw.endpointArray(22)))).toBe('ok');
  });
  it('decodeMessage() rejects a flagged path of 23 endpoints', () => {
    expect(outcome(raw.lookup(raw.endpointArray(23)))).toBe('limit');
  });
  it('decodeMessage() rejects an empty flagged path', () => {
    expect(outcome(raw.lookup(raw.endpointArray(0)))).toBe('limit');
  });
  it('encodeMessage() encodes 22 endpoints and throws RangeError for 23 or 0', () => {
    expect(encodeMessage(lookupWith(endpoints(22))).length).toBe(12 + 12 + 72 + 12 + 18 * 22);
    expect(() => encodeMessage(lookupWith(endpoints(23)))).toThrow(RangeError);
    expect(() => encodeMessage(lookupWith([]))).toThrow(RangeError);
  });
});

describe('already-flooded list (0..22 endpoints)', () => {
  it('decodeMessage() accepts 0 and 22 endpoints and rejects 23', () => {
    expect(outcome(raw.flood(raw.endpointArray(0)))).toBe('ok');
    expect(outcome(raw.flood(raw.endpointArray(22)))).toBe('ok');
    expect(outcome(raw.flood(raw.endpointArray(23)))).toBe('limit');
  });
  it('encodeMessage() throws RangeError for 23 endpoints', () => {
    expect(() => encodeMessage(flood(endpoints(22)))).not.toThrow();
    expect(() => encodeMessage(flood(endpoints(23)))).toThrow(RangeError);
  });
});

describe('route entry addresses (1..20)', () => {
  const withEntry = (entry: Uint8Array): Uint8Array => raw.solicit(entry, raw.hashedNonce());
  it('decodeMessage() accepts 1 and 20 addresses', () => {
    expect(outcome(withEntry(raw.routeEntry(1)))).toBe('ok');
    expect(outcome(withEntry(raw.routeEntry(20)))).toBe('ok');
  });
  it('decodeMessage() rejects route entries of 0 and 21 addresses', () => {
    expect(outcome(withEntry(raw.routeEntry(0)))).toBe('limit');
    expect(outcome(withEntry(raw.routeEntry(21)))).toBe('limit');
  });
  it('encodeMessage() throws RangeError for 0 or 21 addresses', () => {
    const hashedNonce = new Uint8Array(20);
    const solicit = (n: number): Message => ({
      type: 'solicit',
      messageId: 1,
      version: v,
      routeEntry: routeEntry(n),
      hashedNonce,
    });
    expect(() => encodeMessage(solicit(20))).not.toThrow();
    expect(() => encodeMessage(solicit(21))).toThrow(RangeError);
    expect(() => encodeMessage(solicit(0))).toThrow(RangeError);
  });
});

describe('ports (> 1024)', () => {
  it('decodeMessage() accepts port 1025 and rejects 1024 in a route entry', () => {
    expect(outcome(raw.solicit(raw.routeEntry(1, 1025), raw.hashedNonce()))).toBe('ok');
    expect(outcome(raw.solicit(raw.routeEntry(1, 1024), raw.hashedNonce()))).toBe('bad-port');
  });
  it('decodeMessage() rejects port 1024 in a flagged path and in an already-flooded list', () => {
    expect(outcome(raw.lookup(raw.endpointArray(1, 1025)))).toBe('ok');
    expect(outcome(raw.lookup(raw.endpointArray(1, 1024)))).toBe('bad-port');
    expect(outcome(raw.flood(raw.endpointArray(2, 1024)))).toBe('bad-port');
    expect(outcome(raw.flood(raw.endpointArray(1, 0)))).toBe('bad-port');
  });
  it('encodeMessage() throws RangeError for port 1024 in endpoints and route entries', () => {
    expect(() => encodeMessage(lookupWith(endpoints(1, 1025)))).not.toThrow();
    expect(() => encodeMessage(lookupWith(endpoints(1, 1024)))).toThrow(RangeError);
    expect(() => encodeMessage(lookupWith(endpoints(1), routeEntry(1, 1024)))).toThrow(RangeError);
    expect(() => encodeMessage(lookupWith(endpoints(1), routeEntry(1, 65536)))).toThrow(RangeError);
  });
});

describe('fixed sizes: IDs 32, nonce 16, hashed nonce 20', () => {
  const ids = (n: number) => raw.element(0x0039, raw.fill(n));
  it('decodeMessage() rejects an ID element one byte short or long with bad-length', () => {
    const inquire = (id: Uint8Array) => raw.cat(raw.header(raw.TYPE.inquire), raw.FLAGS_NONE, id);
    expect(outcome(inquire(ids(32)))).toBe('ok');
    expect(outcome(inquire(ids(31)))).toBe('bad-length');
    expect(outcome(inquire(ids(33)))).toBe('bad-length');
  });
  it('decodeMessage() rejects a nonce of 15 or 17 bytes with bad-length', () => {
    const request = (n: number) =>
      raw.cat(raw.header(raw.TYPE.request), raw.element(0x0093, raw.fill(n)), raw.idArray(1));
    expect(outcome(request(16))).toBe('ok');
    expect(outcome(request(15))).toBe('bad-length');
    expect(outcome(request(17))).toBe('bad-length');
  });
  it('decodeMessage() rejects a hashed nonce of 19 or 21 bytes with bad-length', () => {
    expect(outcome(raw.solicit(raw.hashedNonce(20)))).toBe('ok');
    expect(outcome(raw.solicit(raw.hashedNonce(19)))).toBe('bad-length');
    expect(outcome(raw.solicit(raw.hashedNonce(21)))).toBe('bad-length');
  });
  it('encodeMessage() throws RangeError for keys, nonces and hashed nonces of the wrong size', () => {
    const base = { messageId: 1, version: v };
    expect(() =>
      encodeMessage({ ...base, type: 'request', nonce: new Uint8Array(15), ids: [] }),
    ).toThrow(RangeError);
    expect(() =>
      encodeMessage({
        ...base,
        type: 'request',
        nonce: new Uint8Array(16),
        ids: [new Uint8Array(31)],
      }),
    ).toThrow(RangeError);
    expect(() =>
      encodeMessage({ ...base, type: 'solicit', hashedNonce: new Uint8Array(21) }),
    ).toThrow(RangeError);
    expect(() =>
      encodeMessage({ ...lookupWith(endpoints(1)), target: new Uint8Array(33) } as Message),
    ).toThrow(RangeError);
  });
});

describe('ID arrays (NumEntries 0..0x7FFF, 2,047 per element)', () => {
  const advertise = (ids: Uint8Array[]): Message => ({
    type: 'advertise',
    messageId: 1,
    version: v,
    ackedMessageId: 2,
    ids,
    hashedNonce: new Uint8Array(20),
  });
  it('encodeMessage() encodes 2,047 IDs (the most a u16 Length holds) and decodes them back', () => {
    const ids = Array.from({ length: 2047 }, (_, i) => key(i & 0xff));
    const decoded = decodeMessage(encodeMessage(advertise(ids)));
    expect(decoded.ok && decoded.value.type === 'advertise' && decoded.value.ids.length).toBe(2047);
  });
  it('encodeMessage() throws RangeError for 2,048 IDs', () => {
    expect(() => encodeMessage(advertise(Array.from({ length: 2048 }, () => key(0))))).toThrow(
      RangeError,
    );
  });
  it('decodeMessage() rejects NumEntries 0x8000 with limit, and 0x7FFF (in range) with bad-length', () => {
    const msg = (count: number) =>
      raw.cat(
        raw.header(raw.TYPE.request),
        raw.element(0x0093, raw.fill(16)),
        raw.idArray(1, count),
      );
    expect(outcome(msg(1))).toBe('ok');
    expect(outcome(msg(0x7fff))).toBe('bad-length');
    expect(outcome(msg(0x8000))).toBe('limit');
  });
});

describe('classifier (at most 149 UTF-16 units)', () => {
  it('round-trips a 149-unit classifier and refuses 150 when encoding', () => {
    const classifier = `${'x'.repeat(148)}\u20ac`;
    const decoded = decodeMessage(encodeMessage(authorityOf(classifier)));
    expect(
      decoded.ok && decoded.value.type === 'authority' && decoded.value.buffer.classifier,
    ).toBe(classifier);
    expect(() => encodeMessage(authorityOf('x'.repeat(150)))).toThrow(RangeError);
    expect(() => encodeMessage(authorityOf('a\u0000b'))).toThrow(RangeError);
  });
  it('decodeMessage() rejects a 150-unit classifier with limit', () => {
    const units = (n: number) => Array.from({ length: n }, () => raw.u16(0x0041));
    const buffer = (n: number) => raw.cat(raw.FLAGS_NONE, raw.array(0x0085, 0x0084, 2, units(n)));
    const datagram = (n: number) => raw.authority(buffer(n).length, 0, buffer(n));
    expect(outcome(datagram(149))).toBe('ok');
    expect(outcome(datagram(150))).toBe('limit');
  });
});

describe('AUTHORITY sizes (fragments of 1,188, buffers up to 37,348)', () => {
  it('encodeMessage() sends a 1,188-byte buffer whole and throws RangeError at 1,189', () => {
    expect(encodeMessage(authorityOfSize(1188)).length).toBe(28 + 1188);
    expect(() => encodeMessage(authorityOfSize(1189))).toThrow(RangeError);
    expect(() => encodeMessage(authorityOfSize(1189))).toThrow(/encodeDatagrams/);
    expect(encodeDatagrams(authorityOfSize(1189)).map((d) => d.length)).toEqual([
      28 + 1188,
      28 + 1,
    ]);
  });
  it('encodeDatagrams() cuts a 37,348-byte buffer into 32 fragments and throws RangeError at 37,349', () => {
    const datagrams = encodeDatagrams(authorityOfSize(37348));
    expect(datagrams.length).toBe(32);
    expect(datagrams.slice(0, 31).every((d) => d.length === 28 + 1188)).toBe(true);
    expect(datagrams[31]!.length).toBe(28 + 37348 - 31 * 1188);
    expect(() => encodeDatagrams(authorityOfSize(37349))).toThrow(RangeError);
  });
  it('a 37,348-byte buffer reassembles, and decodeMessage() refuses Size 37,349 with limit', () => {
    const message = authorityOfSize(37348);
    const reassembler = new AuthorityReassembler();
    let last: unknown;
    for (const d of encodeDatagrams(message)) {
      const r = decodeMessage(d);
      if (r.ok && r.value.type === 'authority-fragment') last = reassembler.add(0, 'p', r.value);
    }
    expect(last).toEqual({ type: 'complete', message });
    expect(outcome(raw.authority(37348, 31 * 1188, raw.fill(37348 - 31 * 1188)))).toBe('ok');
    expect(outcome(raw.authority(37349, 0, raw.fill(1188)))).toBe('limit');
    expect(outcome(raw.authority(37348, 0, raw.fill(1188)))).toBe('ok');
  });
  it('decodeMessage() refuses a slice of 1,189 bytes with limit', () => {
    expect(outcome(raw.authority(2000, 0, raw.fill(1189)))).toBe('limit');
  });
});

describe('header and message type', () => {
  const ack = raw.cat(raw.header(raw.TYPE.ack), raw.element(0x0018, raw.u32(5)));
  it('decodeMessage() rejects 11 bytes as truncated and an empty datagram too', () => {
    expect(outcome(ack.subarray(0, 11))).toBe('truncated');
    expect(outcome(new Uint8Array(0))).toBe('truncated');
  });
  it('decodeMessage() rejects a wrong header FieldID, Length or Identifier with bad-header', () => {
    for (const [at, value] of [
      [1, 0x11],
      [3, 0x0d],
      [4, 0x52],
    ] as const) {
      const bad = ack.slice();
      bad[at] = value;
      expect(outcome(bad)).toBe('bad-header');
    }
  });
  it('decodeMessage() rejects the unused type codes 0, 5, 6, 10 and 12 with unknown-type', () => {
    for (const code of [0, 5, 6, 10, 12, 0xff]) {
      const bad = ack.slice();
      bad[7] = code;
      expect(outcome(bad)).toBe('unknown-type');
    }
  });
  it('decodeMessage() accepts any version (DRT instances choose theirs)', () => {
    const bad = ack.slice();
    bad[5] = 6;
    bad[6] = 0x65;
    const r = decodeMessage(bad);
    expect(r.ok && r.value.version).toEqual({ major: 6, minor: 0x65 });
  });
  it('encodeMessage() throws RangeError for a message ID outside u32 and a version byte over 255', () => {
    const ackOf = (messageId: number, major = 4): Message => ({
      type: 'ack',
      messageId,
      version: { major, minor: 0 },
      ackedMessageId: 1,
      notRegistered: false,
    });
    expect(() => encodeMessage(ackOf(0xffffffff))).not.toThrow();
    expect(() => encodeMessage(ackOf(2 ** 32))).toThrow(RangeError);
    expect(() => encodeMessage(ackOf(-1))).toThrow(RangeError);
    expect(() => encodeMessage(ackOf(1.5))).toThrow(RangeError);
    expect(() => encodeMessage(ackOf(1, 256))).toThrow(RangeError);
  });
});

describe('LOOKUP precision (upper-bits: 0..256)', () => {
  const withPrecision = (p: number) => {
    const bytes = raw.lookup(raw.endpointArray(1));
    bytes.set(raw.u16(p), 12 + 6);
    return bytes;
  };
  it('decodeMessage() accepts Precision 256 and rejects 257 with upper-bits', () => {
    expect(outcome(withPrecision(256))).toBe('ok');
    expect(outcome(withPrecision(257))).toBe('bad-value');
  });
  it('encodeMessage() throws RangeError for Precision 257 with upper-bits', () => {
    const m = lookupWith(endpoints(1)) as Extract<Message, { type: 'lookup' }>;
    expect(() =>
      encodeMessage({ ...m, controls: { ...m.controls, precision: 256 } }),
    ).not.toThrow();
    expect(() => encodeMessage({ ...m, controls: { ...m.controls, precision: 257 } })).toThrow(
      RangeError,
    );
  });
});

describe('opaque elements (at most 65,531 body bytes)', () => {
  it('encodeMessage() carries a 65,531-byte revoke CPA and throws RangeError at 65,532', () => {
    const m = (n: number): Message => ({
      ...(flood([]) as Extract<Message, { type: 'flood' }>),
      revokeCpa: new Uint8Array(n),
    });
    expect(outcome(encodeMessage(m(65531)))).toBe('ok');
    expect(() => encodeMessage(m(65532))).toThrow(RangeError);
  });
});
