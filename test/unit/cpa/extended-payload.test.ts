import { describe, expect, it } from 'vitest';
import {
  createExtendedPayload,
  decodeExtendedPayload,
  type ExtendedPayload,
  type ExtendedPayloadData,
  type ExtendedPayloadExpectations,
  encodeExtendedPayload,
  filetimeFromUnixMs,
  verifyExtendedPayload,
} from '../../../src/cpa/index.js';
import { toHex } from '../../../src/util/bytes.js';
import {
  alice,
  bob,
  DAY_MS,
  fixLength,
  getU16le,
  insertAt,
  NONCE,
  NOW_MS,
  setU16le,
} from './fixtures.js';

const PNRP_ID = Uint8Array.from({ length: 32 }, (_, i) => i);

function ext(payload: ExtendedPayloadData): ExtendedPayload {
  return {
    notAfterFiletime: filetimeFromUnixMs(NOW_MS + DAY_MS),
    pnrpId: PNRP_ID,
    nonce: NONCE,
    payload,
    signature: new Uint8Array(64),
  };
}

const binary = (n: number): ExtendedPayloadData => ({
  type: 'binary',
  bytes: Uint8Array.from({ length: n }, (_, i) => i & 0xff),
});
const utf16 = (units: number): ExtendedPayloadData => ({
  type: 'string',
  text: 'x'.repeat(units),
  encoding: 'utf-16le',
});
const utf8 = (bytes: number): ExtendedPayloadData => ({
  type: 'string',
  text: 'y'.repeat(bytes),
  encoding: 'utf-8',
});

function decodeError(bytes: Uint8Array): string {
  const result = decodeExtendedPayload(bytes);
  return result.ok ? 'ok' : result.error.code;
}

function roundTrips(payload: ExtendedPayloadData): void {
  const bytes = encodeExtendedPayload(ext(payload));
  const decoded = decodeExtendedPayload(bytes);
  if (!decoded.ok) throw new Error(`${decoded.error.code}: ${decoded.error.detail}`);
  expect(decoded.value.payload).toEqual(payload);
  expect(toHex(encodeExtendedPayload(decoded.value))).toBe(toHex(bytes));
}

/** Grows the payload by one byte and patches every length so only the limit check can fail. */
function grow(bytes: Uint8Array): Uint8Array {
  const out = insertAt(bytes, bytes.length - 72, new Uint8Array([0x7a]));
  setU16le(out, 6, getU16le(out, 6) + 1); // Signature Offset
  setU16le(out, 66, getU16le(out, 66) + 1); // Total Payload Bytes
  setU16le(out, 72, getU16le(out, 72) + 1); // Payload Length
  return fixLength(out);
}

describe('extended payload layout and limits', () => {
  it('encodes the header, the offsets and the payload item as [MS-PNRP] §2.2.3.3 lays out', () => {
    const bytes = encodeExtendedPayload(ext(binary(3)));
    expect(bytes.length).toBe(64 + 10 + 3 + 72);
    expect(getU16le(bytes, 0)).toBe(bytes.length);
    expect(Array.from(bytes.subarray(2, 4))).toEqual([0, 2]);
    expect(getU16le(bytes, 6)).toBe(64 + 10 + 3);
    expect(toHex(bytes.subarray(16, 48))).toBe(toHex(PNRP_ID)); // MSB first (docs/design.md §5)
    expect(toHex(bytes.subarray(64, 77))).toBe('01000d00030000800300000102');
  });

  it('binary: 4096 bytes accepted, 4097 refused both ways', () => {
    roundTrips(binary(4096));
    expect(() => encodeExtendedPayload(ext(binary(4097)))).toThrow(RangeError);
    expect(decodeError(grow(encodeExtendedPayload(ext(binary(4096)))))).toBe('bad-payload');
    expect(decodeError(grow(encodeExtendedPayload(ext(binary(4095)))))).toBe('ok');
  });

  it('binary: 1 byte accepted, empty refused', () => {
    roundTrips(binary(1));
    expect(() => encodeExtendedPayload(ext(binary(0)))).toThrow(RangeError);
  });

  it('UTF-16 string: 1..2047 code units (Payload Length 6..4098) accepted, 0 and 2048 refused', () => {
    roundTrips(utf16(1));
    roundTrips(utf16(2047));
    expect(() => encodeExtendedPayload(ext(utf16(0)))).toThrow(RangeError);
    expect(() => encodeExtendedPayload(ext(utf16(2048)))).toThrow(RangeError);
    const max = encodeExtendedPayload(ext(utf16(2047)));
    expect(getU16le(max, 72)).toBe(4098);
    expect(decodeError(grow(grow(max)))).toBe('bad-payload');
  });

  it('UTF-8 string: 3..4095 bytes accepted (Payload Length 6..4098), 2 and 4096 refused', () => {
    roundTrips(utf8(3));
    roundTrips(utf8(4095));
    roundTrips({ type: 'string', text: '\ufeffé☺', encoding: 'utf-8' });
    expect(() => encodeExtendedPayload(ext(utf8(2)))).toThrow(RangeError);
    expect(() => encodeExtendedPayload(ext(utf8(4096)))).toThrow(RangeError);
    expect(decodeError(grow(encodeExtendedPayload(ext(utf8(4095)))))).toBe('bad-payload');
  });

  it('refuses a NUL inside a string and a string without its terminator', () => {
    expect(() =>
      encodeExtendedPayload(ext({ type: 'string', text: 'a\u0000b', encoding: 'utf-8' })),
    ).toThrow(RangeError);
    const bytes = encodeExtendedPayload(ext(utf8(4)));
    const unterminated = bytes.slice();
    unterminated[bytes.length - 73] = 0x41;
    expect(decodeError(unterminated)).toBe('bad-string');
    const early = bytes.slice();
    early[bytes.length - 74] = 0;
    expect(decodeError(early)).toBe('bad-string');
    const oddUtf16 = grow(encodeExtendedPayload(ext(utf16(2))));
    expect(decodeError(oddUtf16)).toBe('bad-string');
    const stringType = setU16le(bytes.slice(), 74, 2);
    expect(decodeError(stringType)).toBe('bad-string');
  });

  it('decodeExtendedPayload() refuses bad lengths, counts, types and versions without throwing', () => {
    const bytes = encodeExtendedPayload(ext(binary(8)));
    for (let n = 0; n < bytes.length; n++) {
      expect(decodeError(fixLength(bytes.slice(0, n))), `prefix ${n}`).not.toBe('ok');
    }
    expect(decodeError(setU16le(bytes.slice(), 0, 1))).toBe('length-mismatch');
    expect(decodeError(setU16le(bytes.slice(), 6, 81))).toBe('length-mismatch');
    expect(decodeError(setU16le(bytes.slice(), 64, 2))).toBe('bad-payload');
    expect(decodeError(setU16le(bytes.slice(), 66, 19))).toBe('bad-payload');
    expect(decodeError(setU16le(bytes.slice(), 68, 4))).toBe('bad-payload');
    const version = bytes.slice();
    version[3] = 3;
    expect(decodeError(version)).toBe('bad-version');
    expect(decodeError(setU16le(bytes.slice(), bytes.length - 68, 0x8004))).toBe(
      'bad-signature-field',
    );
    const reserved = bytes.slice();
    reserved[4] = 9;
    expect(decodeError(reserved)).toBe('ok');
    expect(() => decodeExtendedPayload([] as never)).toThrow(TypeError);
  });
});

describe('verifyExtendedPayload()', () => {
  const signed = createExtendedPayload(
    { pnrpId: PNRP_ID, notAfterMs: NOW_MS + DAY_MS, nonce: NONCE, payload: utf16(5) },
    alice,
  );
  const expected: ExtendedPayloadExpectations = {
    publicKey: alice.publicKey,
    pnrpId: PNRP_ID,
    nonce: NONCE,
    nowWallMs: NOW_MS,
  };
  const reasonOf = (bytes: Uint8Array, e = expected): string => {
    const verdict = verifyExtendedPayload(bytes, e);
    return verdict.ok ? 'ok' : verdict.reason;
  };

  it('accepts a genuine payload, as bytes or as a model', () => {
    expect(reasonOf(signed.encoded)).toBe('ok');
    expect(verifyExtendedPayload(signed.extendedPayload, expected).ok).toBe(true);
  });

  it("reports 'malformed', 'expired', 'id-mismatch', 'nonce-mismatch' and 'bad-signature'", () => {
    expect(reasonOf(signed.encoded.subarray(0, 80))).toBe('malformed');
    expect(reasonOf(signed.encoded, { ...expected, nowWallMs: NOW_MS + DAY_MS + 1 })).toBe(
      'expired',
    );
    expect(reasonOf(signed.encoded, { ...expected, pnrpId: new Uint8Array(32) })).toBe(
      'id-mismatch',
    );
    expect(reasonOf(signed.encoded, { ...expected, nonce: new Uint8Array(16) })).toBe(
      'nonce-mismatch',
    );
    expect(reasonOf(signed.encoded, { ...expected, publicKey: bob.publicKey })).toBe(
      'bad-signature',
    );
    const flipped = signed.encoded.slice();
    flipped[80]! ^= 1; // a byte of the string, inside the signed span
    expect(reasonOf(flipped)).toBe('bad-signature');
  });

  it('checks in the order of [MS-PNRP] §3.1.5.8: time, ID, nonce, signature', () => {
    const late = { ...expected, nowWallMs: NOW_MS + 2 * DAY_MS };
    const all = { ...late, pnrpId: new Uint8Array(32), nonce: new Uint8Array(16) };
    expect(reasonOf(signed.encoded, all)).toBe('expired');
    expect(reasonOf(signed.encoded, { ...all, nowWallMs: NOW_MS })).toBe('id-mismatch');
    expect(
      reasonOf(signed.encoded, {
        ...expected,
        nonce: new Uint8Array(16),
        publicKey: bob.publicKey,
      }),
    ).toBe('nonce-mismatch');
  });

  it('refuses bad expectations and parameters as local errors', () => {
    expect(() =>
      verifyExtendedPayload(signed.encoded, { ...expected, publicKey: new Uint8Array(31) }),
    ).toThrow(RangeError);
    expect(() => verifyExtendedPayload(signed.encoded, { ...expected, nowWallMs: 0.5 })).toThrow(
      RangeError,
    );
    expect(() =>
      createExtendedPayload(
        { pnrpId: new Uint8Array(31), notAfterMs: NOW_MS, payload: binary(1) },
        alice,
      ),
    ).toThrow(RangeError);
    expect(() =>
      createExtendedPayload(
        { pnrpId: PNRP_ID, notAfterMs: NOW_MS, payload: { type: 'x' } as never },
        alice,
      ),
    ).toThrow(TypeError);
  });

  it('createExtendedPayload() defaults to a zero nonce and copies binary input', () => {
    const data = Uint8Array.of(1, 2, 3);
    const { extendedPayload } = createExtendedPayload(
      { pnrpId: PNRP_ID, notAfterMs: NOW_MS, payload: { type: 'binary', bytes: data } },
      alice,
    );
    data[0] = 9;
    expect(toHex(extendedPayload.nonce)).toBe('00'.repeat(16));
    expect(extendedPayload.payload).toEqual({ type: 'binary', bytes: Uint8Array.of(1, 2, 3) });
  });
});
