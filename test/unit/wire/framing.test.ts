/**
 * TLV framing, element order and presence, padding, and the field values the decoder checks;
 * plus encoder misuse. Hand-made bytes come from ./raw.ts (built from the spec layouts).
 */
import { describe, expect, it } from 'vitest';
import { decodeHeader } from '../../../src/wire/header.js';
import {
  decodeMessage,
  encodeMessage,
  type Message,
  PNRP_VERSION,
  WIRE_ERROR_CODES,
} from '../../../src/wire/index.js';
import { endpoints, key, lookupWith, sampleMessages } from './fixtures.js';
import * as raw from './raw.js';

function outcome(bytes: Uint8Array): string {
  const r = decodeMessage(bytes);
  return r.ok ? 'ok' : r.error.code;
}

const { cat, element, fill, header, TYPE, u16, u32 } = raw;
const ackBody = element(0x0018, u32(5));
const validate = element(0x0039, fill(32, 2));
const target = element(0x0038, fill(32, 1));

describe('round trips', () => {
  for (const message of sampleMessages()) {
    it(`decodeMessage(encodeMessage()) returns the ${message.type} it was given`, () => {
      expect(decodeMessage(encodeMessage(message))).toEqual({ ok: true, value: message });
    });
  }

  it('decoded bytes are copies: changing the datagram afterwards changes nothing', () => {
    const bytes = encodeMessage(lookupWith(endpoints(2)));
    const before = decodeMessage(bytes);
    bytes.fill(0x77, 12);
    expect(before).toEqual({ ok: true, value: lookupWith(endpoints(2)) });
  });
});

describe('element order and presence', () => {
  it('decodeMessage() rejects TARGET and VALIDATE swapped in a LOOKUP with unexpected-field', () => {
    const bytes = cat(
      header(TYPE.lookup),
      raw.LOOKUP_CONTROLS,
      validate,
      target,
      raw.endpointArray(1),
    );
    expect(outcome(bytes)).toBe('unexpected-field');
  });
  it('decodeMessage() rejects an unknown FieldID in place of an optional element', () => {
    const bytes = cat(header(TYPE.solicit), element(0x1234, fill(4)), raw.hashedNonce());
    expect(outcome(bytes)).toBe('unexpected-field');
  });
  it('decodeMessage() rejects an optional element out of order (route entry after the nonce)', () => {
    expect(outcome(raw.solicit(raw.hashedNonce(), raw.routeEntry(1)))).toBe('unexpected-field');
  });
  it('decodeMessage() rejects a message that stops before a required element with missing-field', () => {
    expect(outcome(cat(header(TYPE.lookup), raw.LOOKUP_CONTROLS, target, validate))).toBe(
      'missing-field',
    );
    expect(outcome(header(TYPE.ack))).toBe('missing-field');
  });
  it('decodeMessage() rejects an element after the last one with unexpected-field', () => {
    expect(outcome(cat(header(TYPE.ack), ackBody, raw.hashedNonce()))).toBe('unexpected-field');
  });
  it('decodeMessage() rejects 1 to 3 stray bytes after the last element with trailing-bytes', () => {
    const base = cat(header(TYPE.ack), ackBody);
    expect(outcome(cat(base, [1]))).toBe('trailing-bytes');
    expect(outcome(cat(base, [0, 0, 0]))).toBe('trailing-bytes');
  });
  it('decodeMessage() rejects the MC-DRT confidential elements it does not model', () => {
    const buffer = cat(raw.FLAGS_NONE, element(0x009f, fill(8)));
    expect(outcome(raw.authority(buffer.length, 0, buffer))).toBe('unexpected-field');
    const lookup = cat(
      header(TYPE.lookup),
      raw.LOOKUP_CONTROLS,
      target,
      validate,
      element(0x00a0, fill(8)),
    );
    expect(outcome(lookup)).toBe('unexpected-field');
  });
});

describe('lengths', () => {
  it('decodeMessage() rejects an element Length below 4 with bad-length', () => {
    expect(outcome(cat(header(TYPE.ack), [0, 0x18, 0, 3, 0, 0, 0, 0]))).toBe('bad-length');
  });
  it('decodeMessage() rejects an element Length that runs past the datagram with truncated', () => {
    expect(outcome(cat(header(TYPE.ack), [0, 0x18, 0, 9, 0, 0, 0, 0]))).toBe('truncated');
    expect(outcome(cat(header(TYPE.ack), [0, 0x18]))).toBe('truncated');
  });
  it('decodeMessage() rejects HEADER_ACKED of Length 12 with bad-length', () => {
    expect(outcome(cat(header(TYPE.ack), element(0x0018, fill(8))))).toBe('bad-length');
  });
  it('decodeMessage() rejects an array whose ArrayLength, EntryLength or Length disagree with NumEntries', () => {
    const good = raw.endpointArray(2);
    expect(outcome(raw.lookup(good))).toBe('ok');
    const arrayLength = good.slice();
    arrayLength.set(u16(8 + 18), 6);
    expect(outcome(raw.lookup(arrayLength))).toBe('bad-length');
    const entryLength = good.slice();
    entryLength.set(u16(16), 10);
    expect(outcome(raw.lookup(entryLength))).toBe('bad-length');
    const count = good.slice();
    count.set(u16(1), 4);
    expect(outcome(raw.lookup(count))).toBe('bad-length');
  });
  it('decodeMessage() rejects an array of the wrong ElementFieldType with bad-value', () => {
    const wrong = raw.endpointArray(1);
    wrong.set(u16(0x0030), 8);
    expect(outcome(raw.lookup(wrong))).toBe('bad-value');
  });
  it('decodeMessage() rejects a route entry whose Length disagrees with AddressCount', () => {
    const entry = raw.routeEntry(2);
    entry[4 + 37] = 1; // AddressCount 1, but room for 2
    expect(outcome(raw.solicit(entry, raw.hashedNonce()))).toBe('bad-length');
    expect(outcome(raw.solicit(element(0x009a, fill(30)), raw.hashedNonce()))).toBe('bad-length');
  });
  it('decodeMessage() rejects an array element too short for its array header', () => {
    expect(outcome(raw.lookup(element(0x009e, fill(4), false)))).toBe('bad-length');
  });
});

describe('padding', () => {
  it('decodeMessage() rejects a non-zero padding byte after FLOOD_CONTROLS with bad-padding', () => {
    const bytes = raw.flood(raw.endpointArray(0));
    bytes[19] = 1;
    expect(outcome(bytes)).toBe('bad-padding');
  });
  it('decodeMessage() ignores FLOOD_CONTROLS Reserved2 and reserved flag bits', () => {
    const bytes = raw.flood(raw.endpointArray(0));
    bytes[16] = 0xff;
    bytes[17] = 0xfe;
    bytes[18] = 0xab;
    const r = decodeMessage(bytes);
    expect(r.ok && r.value.type === 'flood' && r.value.dontAck).toBe(false);
  });
  it('decodeMessage() rejects a missing padding (next FieldID unaligned)', () => {
    const unpadded = cat(
      header(TYPE.solicit),
      element(0x009a, raw.routeEntry(1).subarray(4, 4 + 54), false),
    );
    // 54-byte route entry + 4 = 58, so 2 padding bytes are needed before HASHED_NONCE.
    // The FieldID's zero high byte passes for padding, its low byte does not.
    expect(outcome(cat(unpadded, raw.hashedNonce()))).toBe('bad-padding');
  });
  it('decodeMessage() accepts the final element with or without its padding, but not half of it', () => {
    const path = raw.endpointArray(1); // 30 bytes: 2 bytes of padding would align it
    expect(outcome(raw.lookup(path))).toBe('ok');
    expect(outcome(cat(raw.lookup(path), [0, 0]))).toBe('ok');
    expect(outcome(cat(raw.lookup(path), [0]))).toBe('bad-padding');
    expect(outcome(cat(raw.lookup(path), [0, 1]))).toBe('bad-padding');
  });
  it('decodeMessage() accepts an AUTHORITY whose buffer ends in an unpadded FLAGS_FIELD (Wireshark style)', () => {
    const flags = Uint8Array.from([0, 0x40, 0, 6, 0x02, 0x09]);
    const r = decodeMessage(raw.authority(6, 0, flags));
    expect(r.ok && r.value.type === 'authority' && r.value.buffer.flags).toEqual({
      suspicious: true,
      busy: true,
      notRegistered: true,
    });
  });
  it('encodeMessage() pads the flagged path only when security elements follow it', () => {
    const m = lookupWith(endpoints(1)) as Extract<Message, { type: 'lookup' }>;
    expect(encodeMessage(m).length % 4).toBe(2);
    const secured = encodeMessage({ ...m, security: { credential: fill(1), signature: fill(2) } });
    expect(secured.length).toBe(encodeMessage(m).length + 2 + 8 + 6);
  });
});

describe('field values', () => {
  it('decodeMessage() ignores reserved INQUIRE flag bits', () => {
    const bytes = cat(header(TYPE.inquire), [0, 0x40, 0, 6, 0xff, 0xe3, 0, 0], validate);
    const r = decodeMessage(bytes);
    expect(r.ok && r.value.type === 'inquire' && r.value.flags).toEqual({
      wantCpa: false,
      wantExtendedPayload: false,
      wantCertChain: false,
    });
  });
  it('decodeMessage() rejects an unknown ResolveCriteria (0x03) and reason code (4) with bad-value', () => {
    const criteria = raw.lookup(raw.endpointArray(1));
    criteria[20] = 0x03;
    expect(outcome(criteria)).toBe('bad-value');
    const reason = raw.lookup(raw.endpointArray(1));
    reason[21] = 4;
    expect(outcome(reason)).toBe('bad-value');
  });
  it('decodeMessage() rejects SolicitType 2 with bad-value', () => {
    expect(
      outcome(raw.solicit(Uint8Array.from([0, 0x44, 0, 6, 0, 2, 0, 0]), raw.hashedNonce())),
    ).toBe('bad-value');
  });
  it('decodeMessage() ignores the version and flags bytes of a route entry', () => {
    const entry = raw.routeEntry(1);
    entry[4 + 32] = 6;
    entry[4 + 36] = 0xff;
    expect(outcome(raw.solicit(entry, raw.hashedNonce()))).toBe('ok');
  });
  it('decodeMessage() reads CLASSIFIER units big-endian and rejects a NUL unit', () => {
    const classifier = (units: number[]) => raw.array(0x0085, 0x0084, 2, units.map(u16));
    const buffer = cat(raw.FLAGS_NONE, classifier([0x0041, 0x20ac, 0xd834, 0xdd1e]));
    const r = decodeMessage(raw.authority(buffer.length, 0, buffer));
    expect(r.ok && r.value.type === 'authority' && r.value.buffer.classifier).toBe(
      'A\u20ac\ud834\udd1e',
    );
    const nul = cat(raw.FLAGS_NONE, classifier([0x0041, 0]));
    expect(outcome(raw.authority(nul.length, 0, nul))).toBe('bad-value');
  });
  it('decodeMessage() requires SIGNATURE after CREDENTIAL and refuses a SIGNATURE alone', () => {
    const request = (...security: Uint8Array[]) =>
      cat(header(TYPE.request), element(0x0093, fill(16)), raw.idArray(1), ...security);
    expect(outcome(request(element(0x0080, fill(3)), element(0x00a5, fill(3))))).toBe('ok');
    expect(outcome(request(element(0x0080, fill(3))))).toBe('missing-field');
    expect(outcome(request(element(0x0080, fill(3)), element(0x00a6, fill(3))))).toBe(
      'unexpected-field',
    );
    expect(outcome(request(element(0x00a5, fill(3))))).toBe('unexpected-field');
  });
  it('every code the decoder returns is one of WIRE_ERROR_CODES', () => {
    const codes = new Set<string>(WIRE_ERROR_CODES);
    for (const bytes of [new Uint8Array(3), header(0x0c), raw.lookup(raw.endpointArray(23))]) {
      const r = decodeMessage(bytes);
      expect(!r.ok && codes.has(r.error.code)).toBe(true);
    }
  });
});

describe('decodeHeader()', () => {
  it('reads type, version and message ID without decoding the body', () => {
    expect(decodeHeader(header(TYPE.lookup, 0xdeadbeef, 6, 0x65))).toEqual({
      ok: true,
      value: { type: 'lookup', version: { major: 6, minor: 0x65 }, messageId: 0xdeadbeef },
    });
  });
  it('rejects short, foreign and unknown-type headers', () => {
    expect(decodeHeader(fill(11)).ok).toBe(false);
    expect(decodeHeader(fill(12))).toMatchObject({ ok: false, error: { code: 'bad-header' } });
    expect(decodeHeader(header(5))).toMatchObject({ ok: false, error: { code: 'unknown-type' } });
  });
});

describe('encoder misuse', () => {
  const v = PNRP_VERSION;
  it('encodeMessage() throws TypeError for an unknown type or an AUTHORITY fragment', () => {
    expect(() =>
      encodeMessage({ type: 'repair', messageId: 1, version: v } as unknown as Message),
    ).toThrow(TypeError);
    expect(() => encodeMessage({ type: 'authority-fragment' } as unknown as Message)).toThrow(
      TypeError,
    );
    expect(() => encodeMessage(null as unknown as Message)).toThrow(TypeError);
  });
  it('encodeMessage() throws TypeError for non-boolean flags and unknown enum names', () => {
    const ack = {
      type: 'ack',
      messageId: 1,
      version: v,
      ackedMessageId: 2,
      notRegistered: 1,
    } as unknown as Message;
    expect(() => encodeMessage(ack)).toThrow(TypeError);
    const m = lookupWith(endpoints(1)) as Extract<Message, { type: 'lookup' }>;
    const controls = { ...m.controls, resolveCriteria: 'toString' } as unknown as typeof m.controls;
    expect(() => encodeMessage({ ...m, controls })).toThrow(TypeError);
    const solicit = {
      type: 'solicit',
      messageId: 1,
      version: v,
      solicitType: 'all',
      hashedNonce: fill(20),
    } as unknown as Message;
    expect(() => encodeMessage(solicit)).toThrow(TypeError);
  });
  it('encodeMessage() throws for an endpoint address of 4 bytes', () => {
    expect(() => encodeMessage(lookupWith([{ address: fill(4), port: 3540 }]))).toThrow(RangeError);
    expect(() =>
      encodeMessage({
        ...(lookupWith(endpoints(1)) as object),
        validateId: key(1).subarray(1),
      } as Message),
    ).toThrow(RangeError);
  });
  it('decodeMessage() returns an error for something that is not a Uint8Array', () => {
    expect(decodeMessage('hello' as unknown as Uint8Array).ok).toBe(false);
  });
});
