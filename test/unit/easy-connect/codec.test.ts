/**
 * The Easy Connect codec: every message is 96 bytes and round-trips; the decoder refuses wrong
 * lengths, magic, version, type and status with a code (never throws, fast-check, PNRP_SEED);
 * isEasyConnectDatagram never claims STUN or MS-PNRP datagrams.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeEasyConnect,
  EASY_CONNECT_MESSAGE_BYTES,
  type EasyConnectMessage,
  encodeEasyConnect,
  isEasyConnectDatagram,
} from '../../../src/easy-connect/index.js';
import { encodeStun } from '../../../src/nat/index.js';

const seed = Number(process.env.PNRP_SEED ?? 20261203);
const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const message: fc.Arbitrary<EasyConnectMessage> = fc.oneof(
  fc.record({ type: fc.constant('hello' as const), session: bytes(8), share: bytes(32) }),
  fc.record({
    type: fc.constant('reply' as const),
    session: bytes(8),
    share: bytes(32),
    tag: bytes(32),
  }),
  fc.record({ type: fc.constant('confirm' as const), session: bytes(8), tag: bytes(32) }),
  fc.record({
    type: fc.constant('done' as const),
    session: bytes(8),
    status: fc.constantFrom(
      'accepted' as const,
      'wrong-password' as const,
      'offer-closed' as const,
      'busy' as const,
    ),
    tag: bytes(32),
  }),
);

describe('easy-connect codec', () => {
  it('every message is 96 bytes and decodes to itself', () => {
    fc.assert(
      fc.property(message, (m) => {
        const wire = encodeEasyConnect(m);
        expect(wire.length).toBe(EASY_CONNECT_MESSAGE_BYTES);
        expect(isEasyConnectDatagram(wire)).toBe(true);
        expect(decodeEasyConnect(wire)).toEqual({ ok: true, value: m });
      }),
      { seed, numRuns: 300 },
    );
  });

  it('refuses bad length, magic, version, type and status with a code', () => {
    const good = encodeEasyConnect({
      type: 'done',
      session: new Uint8Array(8),
      status: 'busy',
      tag: new Uint8Array(32),
    });
    const variant = (i: number, v: number) => {
      const b = good.slice();
      b[i] = v;
      return decodeEasyConnect(b);
    };
    const codeOf = (r: ReturnType<typeof decodeEasyConnect>) => (r.ok ? 'ok' : r.error.code);
    expect(codeOf(decodeEasyConnect(good.subarray(0, 95)))).toBe('length');
    expect(codeOf(variant(0, 0x51))).toBe('magic');
    expect(codeOf(variant(4, 2))).toBe('version');
    expect(codeOf(variant(5, 9))).toBe('type');
    expect(codeOf(variant(14, 4))).toBe('status');
    expect(() =>
      encodeEasyConnect({ type: 'confirm', session: new Uint8Array(7), tag: new Uint8Array(32) }),
    ).toThrow(RangeError);
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        const r = decodeEasyConnect(b);
        expect(typeof r.ok).toBe('boolean');
      }),
      { seed, numRuns: 500 },
    );
  });

  it('does not claim STUN or MS-PNRP datagrams', () => {
    const stun = encodeStun({ cls: 'request', transactionId: new Uint8Array(12), padding: 76 });
    expect(isEasyConnectDatagram(stun)).toBe(false);
    const pnrpLike = new Uint8Array(96);
    pnrpLike[1] = 0x10;
    expect(isEasyConnectDatagram(pnrpLike)).toBe(false);
  });
});
