import { describe, expect, it } from 'vitest';
import {
  CPA_FLAGS,
  ED25519_ALG_ID,
  PUBLIC_KEY_FIELD_BYTES,
  SIGNATURE_FIELD_BYTES,
} from '../../../src/cpa/constants.js';
import { type Cpa, createCpa, decodeCpa, encodeCpa } from '../../../src/cpa/index.js';
import { binaryAuthorityOf } from '../../../src/keys/index.js';
import { toHex } from '../../../src/util/bytes.js';
import {
  alice,
  appEndpoint,
  fixLength,
  friendlyNameOffset,
  getU16le,
  insertAt,
  model,
  params,
  payloadsOffset,
  serviceEndpoint,
  serviceListOffset,
  setU16le,
} from './fixtures.js';

function decodeError(bytes: Uint8Array): string {
  const result = decodeCpa(bytes);
  return result.ok ? 'ok' : result.error.code;
}

function roundTrips(cpa: Cpa): void {
  const bytes = encodeCpa(cpa);
  const decoded = decodeCpa(bytes);
  if (!decoded.ok) throw new Error(`${decoded.error.code}: ${decoded.error.detail}`);
  expect(toHex(encodeCpa(decoded.value))).toBe(toHex(bytes));
}

const repeat = (n: number): Endpoint[] => Array.from({ length: n }, (_, i) => serviceEndpoint(i));
type Endpoint = ReturnType<typeof serviceEndpoint>;

describe('CPA layout', () => {
  it('encodeCpa() writes the versions, flags, lengths and the Ed25519 key and signature fields', () => {
    const cpa = model({ binaryAuthority: binaryAuthorityOf(`${alice.authority}.x`) });
    const bytes = encodeCpa(cpa);
    expect(getU16le(bytes, 0)).toBe(bytes.length);
    expect(Array.from(bytes.subarray(2, 6))).toEqual([0, 2, 0, 4]);
    expect(bytes[6]).toBe(CPA_FLAGS.binaryAuthority | CPA_FLAGS.classifierHash);
    const sig = bytes.length - SIGNATURE_FIELD_BYTES;
    const key = sig - PUBLIC_KEY_FIELD_BYTES;
    expect(toHex(bytes.subarray(key, key + 9))).toBe('34000b000000200000');
    expect(new TextDecoder().decode(bytes.subarray(key + 9, key + 20))).toBe('1.3.101.112');
    expect(toHex(bytes.subarray(key + 20, sig))).toBe(toHex(alice.publicKey));
    expect(getU16le(bytes, sig)).toBe(72);
    expect(getU16le(bytes, sig + 2)).toBe(64);
    expect(getU16le(bytes, sig + 4) | (getU16le(bytes, sig + 6) << 16)).toBe(ED25519_ALG_ID);
  });

  it('createCpa() sets C always, A only for secured names, and U only with a UTF-8 name', () => {
    const unsecured = createCpa(params({ peerName: '0.chat' }), alice).encoded;
    expect(unsecured[6]).toBe(CPA_FLAGS.classifierHash | CPA_FLAGS.friendlyName | CPA_FLAGS.utf8);
    const secured = createCpa(params({ friendlyNameEncoding: 'utf-16le' }), alice).encoded;
    expect(secured[6]).toBe(
      CPA_FLAGS.classifierHash | CPA_FLAGS.binaryAuthority | CPA_FLAGS.friendlyName,
    );
    const { friendlyName: _, ...noName } = params({ hasExtendedPayload: true });
    const bare = createCpa(noName, alice);
    expect(bare.encoded[6]).toBe(
      CPA_FLAGS.classifierHash | CPA_FLAGS.binaryAuthority | CPA_FLAGS.extendedPayload,
    );
  });

  it('decodeCpa() ignores the reserved flag bits and the reserved byte', () => {
    const bytes = encodeCpa(model());
    bytes[6]! |= 0xc0;
    bytes[7] = 0x5a;
    const decoded = decodeCpa(bytes);
    expect(decoded.ok).toBe(true);
    if (decoded.ok) expect(encodeCpa(decoded.value)[6]).toBe(bytes[6]! & 0x3f);
  });

  it('round-trips an A-only CPA (no ClassifierHash)', () => {
    roundTrips(
      model({
        classifierHash: undefined,
        binaryAuthority: binaryAuthorityOf(`${alice.authority}.x`),
      } as never),
    );
  });
});

describe('CPA limits: at the limit accepted, one past rejected', () => {
  it('friendly name: 78 bytes encodes and decodes; 79 is refused both ways', () => {
    roundTrips(model({ friendlyName: { text: 'a'.repeat(78), encoding: 'utf-8' } }));
    roundTrips(model({ friendlyName: { text: 'é'.repeat(39), encoding: 'utf-16le' } }));
    expect(() =>
      encodeCpa(model({ friendlyName: { text: 'a'.repeat(79), encoding: 'utf-8' } })),
    ).toThrow(RangeError);
    expect(() =>
      encodeCpa(model({ friendlyName: { text: 'é'.repeat(40), encoding: 'utf-16le' } })),
    ).toThrow(RangeError);
    const cpa = model({ friendlyName: { text: 'a'.repeat(78), encoding: 'utf-8' } });
    const at = friendlyNameOffset(cpa);
    const bytes = fixLength(
      setU16le(insertAt(encodeCpa(cpa), at + 2, new Uint8Array([0x61])), at, 79),
    );
    expect(decodeError(bytes)).toBe('bad-friendly-name');
  });

  it('friendly name: 1 byte is accepted; an empty name is refused both ways', () => {
    roundTrips(model({ friendlyName: { text: 'a', encoding: 'utf-8' } }));
    expect(() => encodeCpa(model({ friendlyName: { text: '', encoding: 'utf-8' } }))).toThrow(
      RangeError,
    );
    const cpa = model({ friendlyName: { text: 'a', encoding: 'utf-8' } });
    const at = friendlyNameOffset(cpa);
    const bytes = encodeCpa(cpa);
    const empty = fixLength(
      setU16le(insertAt(bytes.subarray(0, at + 2), at + 2, bytes.subarray(at + 3)), at, 0),
    );
    expect(decodeError(empty)).toBe('bad-friendly-name');
  });

  it('service endpoints: 4 accepted, 5 refused both ways', () => {
    roundTrips(model({ serviceEndpoints: repeat(4) }));
    expect(() => encodeCpa(model({ serviceEndpoints: repeat(5) }))).toThrow(RangeError);
    const cpa = model({ serviceEndpoints: repeat(4) });
    const at = serviceListOffset(cpa);
    const extra = new Uint8Array(18);
    extra[0] = 0x10; // port 4096
    const bytes = fixLength(setU16le(insertAt(encodeCpa(cpa), at + 4 + 72, extra), at, 5));
    expect(decodeError(bytes)).toBe('bad-service-endpoints');
  });

  it('service endpoints: at least one unless the CPA is a revoke', () => {
    expect(() => encodeCpa(model({ serviceEndpoints: [] }))).toThrow(RangeError);
    roundTrips(model({ serviceEndpoints: [], revoke: true, nonce: new Uint8Array(16) }));
    const revoke = encodeCpa(
      model({ serviceEndpoints: [], revoke: true, nonce: new Uint8Array(16) }),
    );
    revoke[6]! &= ~CPA_FLAGS.revoke;
    expect(decodeError(revoke)).toBe('bad-service-endpoints');
  });

  it('service endpoint ports: 1025 accepted, 1024 refused both ways', () => {
    const low = { address: serviceEndpoint().address, port: 1025 };
    roundTrips(model({ serviceEndpoints: [low] }));
    expect(() => encodeCpa(model({ serviceEndpoints: [{ ...low, port: 1024 }] }))).toThrow(
      RangeError,
    );
    const cpa = model({ serviceEndpoints: [low] });
    const bytes = encodeCpa(cpa);
    bytes[serviceListOffset(cpa) + 5] = 0; // big-endian 04 01 (1025) becomes 04 00 (1024)
    expect(decodeError(bytes)).toBe('bad-port');
  });

  it('app endpoints: 10 (TotalBytes 210) accepted, 11 refused both ways', () => {
    const ten = Array.from({ length: 10 }, (_, i) => appEndpoint(i));
    roundTrips(model({ appEndpoints: ten }));
    const cpa = model({ appEndpoints: ten });
    const bytes = encodeCpa(cpa);
    const at = payloadsOffset(cpa);
    expect(getU16le(bytes, at + 2)).toBe(210);
    expect(() => encodeCpa(model({ appEndpoints: [...ten, appEndpoint(10)] }))).toThrow(RangeError);
    const eleven = insertAt(bytes, at + 10 + 200, new Uint8Array(20));
    setU16le(eleven, at + 2, 230);
    setU16le(eleven, at + 8, 220);
    expect(decodeError(fixLength(eleven))).toBe('bad-payload');
  });

  it('app endpoints keep their full port and protocol ranges', () => {
    const edge = { address: new Uint8Array(16).fill(0xee), port: 0xffff, protocol: 0xffff };
    roundTrips(model({ appEndpoints: [edge, { ...edge, port: 0, protocol: 0 }] }));
    expect(() => encodeCpa(model({ appEndpoints: [{ ...edge, port: 0x10000 }] }))).toThrow(
      RangeError,
    );
    expect(() => encodeCpa(model({ appEndpoints: [{ ...edge, protocol: -1 }] }))).toThrow(
      RangeError,
    );
  });
});

describe('decodeCpa() refuses malformed bytes with a reason, never throwing', () => {
  const cpa = model({ appEndpoints: [appEndpoint()] });
  const valid = encodeCpa(cpa);
  const payloadAt = payloadsOffset(cpa);

  it('decodeCpa() rejects every truncation, including a truncated signature', () => {
    for (let n = 0; n < valid.length; n++) {
      const code = decodeError(fixLength(valid.slice(0, n)));
      expect(code, `prefix of ${n} bytes`).not.toBe('ok');
    }
    expect(decodeError(valid.slice(0, valid.length - 1))).toBe('length-mismatch');
    expect(decodeError(fixLength(valid.slice(0, valid.length - 1)))).toBe('truncated');
  });

  it('decodeCpa() rejects a CPA Length that is not the byte count, and trailing bytes', () => {
    expect(decodeError(setU16le(valid.slice(), 0, valid.length + 1))).toBe('length-mismatch');
    expect(decodeError(fixLength(insertAt(valid, valid.length, new Uint8Array(1))))).toBe(
      'length-mismatch',
    );
  });

  it('decodeCpa() rejects other CPA or PNRP versions', () => {
    for (const [offset, value] of [
      [2, 1],
      [3, 1],
      [4, 1],
      [5, 3],
    ] as const) {
      const bytes = valid.slice();
      bytes[offset] = value;
      expect(decodeError(bytes)).toBe('bad-version');
    }
  });

  it('decodeCpa() rejects a CPA with neither A nor C, and U without F', () => {
    const noName = encodeCpa(
      model({ binaryAuthority: new Uint8Array(20), classifierHash: undefined } as never),
    );
    noName[6]! &= ~CPA_FLAGS.binaryAuthority;
    expect(decodeError(fixLength(insertAt(noName.subarray(0, 48), 48, noName.subarray(68))))).toBe(
      'bad-flags',
    );
    const u = valid.slice();
    u[6]! |= CPA_FLAGS.utf8;
    expect(decodeError(u)).toBe('bad-flags');
  });

  it('decodeCpa() rejects a revoke CPA with a nonzero nonce', () => {
    const bytes = valid.slice();
    bytes[6]! |= CPA_FLAGS.revoke;
    expect(decodeError(bytes)).toBe('revoke-nonce');
    expect(() => encodeCpa(model({ revoke: true }))).toThrow(RangeError);
  });

  it('decodeCpa() rejects invalid UTF-8, odd UTF-16 and NUL in a friendly name', () => {
    const utf8 = model({ friendlyName: { text: 'ab', encoding: 'utf-8' } });
    const at = friendlyNameOffset(utf8) + 2;
    const bad = encodeCpa(utf8);
    bad[at] = 0xff;
    expect(decodeError(bad)).toBe('bad-friendly-name');
    const nul = encodeCpa(utf8);
    nul[at + 1] = 0;
    expect(decodeError(nul)).toBe('bad-friendly-name');
    const odd = encodeCpa(model({ friendlyName: { text: 'abc', encoding: 'utf-8' } }));
    odd[6]! &= ~CPA_FLAGS.utf8;
    expect(decodeError(odd)).toBe('bad-friendly-name');
    expect(() =>
      encodeCpa(model({ friendlyName: { text: 'a\u0000', encoding: 'utf-8' } })),
    ).toThrow(RangeError);
  });

  it('decodeCpa() keeps a leading byte-order mark so the name re-encodes exactly', () => {
    roundTrips(model({ friendlyName: { text: '\ufeffhi', encoding: 'utf-8' } }));
    expect(() => encodeCpa(model({ friendlyName: { text: '\ud800', encoding: 'utf-8' } }))).toThrow(
      RangeError,
    );
    roundTrips(model({ friendlyName: { text: '\ud800', encoding: 'utf-16le' } }));
  });

  it('decodeCpa() rejects a ServiceAddressLength other than 18', () => {
    const bytes = setU16le(valid.slice(), serviceListOffset(cpa) + 2, 16);
    expect(decodeError(bytes)).toBe('bad-service-endpoints');
  });

  it('decodeCpa() rejects bad payload counts, types and lengths', () => {
    const cases: [number, number][] = [
      [payloadAt, 2], // NumPayloads 2
      [payloadAt + 2, 31], // TotalBytes off by one
      [payloadAt + 4, 2], // Type 2
      [payloadAt + 8, 19], // DataLength not a multiple of 20
    ];
    for (const [offset, value] of cases) {
      expect(decodeError(setU16le(valid.slice(), offset, value)), `offset ${offset}`).toBe(
        'bad-payload',
      );
    }
    const none = encodeCpa(model());
    expect(decodeError(setU16le(none, payloadsOffset(model()) + 2, 5))).toBe('bad-payload');
  });

  it('decodeCpa() rejects an RSA public key field or other key lengths', () => {
    const key = valid.length - SIGNATURE_FIELD_BYTES - PUBLIC_KEY_FIELD_BYTES;
    expect(decodeError(setU16le(valid.slice(), key, 169))).toBe('bad-public-key');
    expect(decodeError(setU16le(valid.slice(), key + 2, 20))).toBe('bad-public-key');
    expect(decodeError(setU16le(valid.slice(), key + 6, 140))).toBe('bad-public-key');
    const oid = valid.slice();
    oid[key + 9 + 2] = 0x34; // "1.4.101.112"
    expect(decodeError(oid)).toBe('bad-public-key');
    const reserved = valid.slice();
    reserved[key + 4] = 7;
    reserved[key + 8] = 7;
    expect(decodeError(reserved)).toBe('ok');
  });

  it("decodeCpa() rejects the spec's RSA ALG_ID and other signature lengths", () => {
    const sig = valid.length - SIGNATURE_FIELD_BYTES;
    expect(decodeError(setU16le(valid.slice(), sig + 4, 0x8004))).toBe('bad-signature-field');
    expect(decodeError(setU16le(valid.slice(), sig, 0x88))).toBe('bad-signature-field');
    expect(decodeError(setU16le(valid.slice(), sig + 2, 0x80))).toBe('bad-signature-field');
  });

  it('decodeCpa() throws only for a non-Uint8Array argument (local misuse)', () => {
    expect(() => decodeCpa('x' as unknown as Uint8Array)).toThrow(TypeError);
    expect(decodeError(new Uint8Array(0))).toBe('truncated');
  });
});

describe('encodeCpa() and createCpa() refuse local misuse', () => {
  it('throws RangeError for wrong lengths and TypeError for wrong types', () => {
    expect(() => encodeCpa(model({ serviceLocation: new Uint8Array(15) }))).toThrow(RangeError);
    expect(() => encodeCpa(model({ signature: new Uint8Array(63) }))).toThrow(RangeError);
    expect(() => encodeCpa(model({ publicKey: new Uint8Array(33) }))).toThrow(RangeError);
    expect(() => encodeCpa(model({ notAfterFiletime: -1n }))).toThrow(RangeError);
    expect(() => encodeCpa(model({ notAfterFiletime: 5 as never }))).toThrow(TypeError);
    expect(() => encodeCpa(null as never)).toThrow(TypeError);
  });

  it('createCpa() refuses a secured name the identity does not own', () => {
    expect(() => createCpa(params({ peerName: `${'0'.repeat(40)}.chat` }), alice)).toThrow(
      RangeError,
    );
  });

  it('createCpa() refuses a revoke with a nonce or app endpoints', () => {
    expect(() => createCpa(params({ revoke: true }), alice)).toThrow(RangeError);
    expect(() => createCpa(params({ revoke: true, nonce: new Uint8Array(16) }), alice)).toThrow(
      RangeError,
    );
    const revoke = createCpa(
      params({ revoke: true, nonce: new Uint8Array(16), appEndpoints: [], serviceEndpoints: [] }),
      alice,
    );
    expect(revoke.cpa.revoke).toBe(true);
  });

  it('createCpa() refuses a bad peer name, time or nonce', () => {
    expect(() => createCpa(params({ peerName: 'nodot' }), alice)).toThrow(RangeError);
    expect(() => createCpa(params({ notAfterMs: 1.5 }), alice)).toThrow(RangeError);
    expect(() => createCpa(params({ nonce: new Uint8Array(8) }), alice)).toThrow(RangeError);
    expect(() => createCpa(params({ serviceLocation: 'x' as never }), alice)).toThrow(TypeError);
  });

  it('createCpa() copies its inputs so later changes to them do not leak into the CPA', () => {
    const location = new Uint8Array(16);
    const { cpa, encoded } = createCpa(params({ serviceLocation: location }), alice);
    location[0] = 9;
    expect(cpa.serviceLocation[0]).toBe(0);
    expect(toHex(encodeCpa(cpa))).toBe(toHex(encoded));
  });
});
