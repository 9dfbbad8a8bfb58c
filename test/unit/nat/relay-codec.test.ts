/**
 * nat/relay-codec: every message type round-trips byte for byte; the MS-PNRP decoder, STUN and
 * the DHT refuse every relay message; hostile bytes never throw; answers are no larger than
 * what asks for them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDhtDatagram } from '../../../src/dht/codec.js';
import { parseEndpoint } from '../../../src/keys/endpoint.js';
import {
  decodeRelayMessage,
  encodeRelayMessage,
  isRelayDatagram,
  type RelayMessage,
} from '../../../src/nat/relay-codec.js';
import { isStunDatagram } from '../../../src/nat/stun.js';
import { decodeMessage } from '../../../src/wire/index.js';

const peer = parseEndpoint('203.0.113.21:40000');
const nonce = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
const SAMPLES: RelayMessage[] = [
  { type: 'reserve', requestId: 7 },
  { type: 'reserve', requestId: 7, cookie: nonce },
  { type: 'challenge', requestId: 7, cookie: nonce },
  {
    type: 'reserved',
    requestId: 7,
    lifetimeSeconds: 120,
    relayed: parseEndpoint('203.0.113.10:3541'),
  },
  { type: 'refused', requestId: 7, reason: 'source-limit' },
  { type: 'send', peer, payload: Uint8Array.of(0, 0x10, 9) },
  { type: 'data', peer, payload: new Uint8Array(1400) },
  { type: 'knock', slotPort: 3541, nonce },
  { type: 'open', nonce },
  { type: 'ping', sequence: 3, padding: 100 },
  { type: 'pong', sequence: 3, padding: 0 },
  { type: 'release', requestId: 7 },
];

describe('relay codec', () => {
  it('encodes and decodes every message type to the same bytes', () => {
    for (const m of SAMPLES) {
      const bytes = encodeRelayMessage(m);
      expect(isRelayDatagram(bytes)).toBe(true);
      const back = decodeRelayMessage(bytes);
      expect(back.ok, m.type).toBe(true);
      if (back.ok) {
        expect(back.value).toEqual(m);
        expect(encodeRelayMessage(back.value)).toEqual(bytes);
      }
    }
  });

  it('the MS-PNRP decoder, STUN and the DHT refuse every relay message', () => {
    for (const m of SAMPLES) {
      const bytes = encodeRelayMessage(m);
      expect(decodeMessage(bytes).ok, m.type).toBe(false);
      expect(isStunDatagram(bytes)).toBe(false);
      expect(isDhtDatagram(bytes)).toBe(false);
    }
  });

  it('answers are no larger than the requests that ask for them', () => {
    const size = (m: RelayMessage) => encodeRelayMessage(m).length;
    const reserve = size(SAMPLES[0]!);
    expect(reserve).toBe(32);
    expect(size(SAMPLES[2]!)).toBeLessThanOrEqual(reserve); // challenge
    expect(size(SAMPLES[3]!)).toBeLessThanOrEqual(reserve); // reserved
    expect(size(SAMPLES[4]!)).toBeLessThanOrEqual(reserve); // refused
    expect(size(SAMPLES[8]!)).toBeLessThan(size(SAMPLES[7]!)); // open < knock
  });

  it('refuses a wrong version, an unknown type, trailing bytes and an oversized payload', () => {
    const ping = encodeRelayMessage({ type: 'ping', sequence: 1, padding: 0 });
    const wrongVersion = ping.slice();
    wrongVersion[2] = 2;
    expect(decodeRelayMessage(wrongVersion)).toMatchObject({
      ok: false,
      error: { code: 'version' },
    });
    const unknown = ping.slice();
    unknown[3] = 99;
    expect(decodeRelayMessage(unknown)).toMatchObject({ ok: false, error: { code: 'type' } });
    const open = encodeRelayMessage({ type: 'open', nonce });
    expect(decodeRelayMessage(Uint8Array.of(...open, 0))).toMatchObject({ ok: false });
    const send = encodeRelayMessage({ type: 'send', peer, payload: new Uint8Array(1400) });
    expect(decodeRelayMessage(Uint8Array.of(...send, 0))).toMatchObject({
      ok: false,
      error: { code: 'too-long' },
    });
    expect(() => encodeRelayMessage({ type: 'send', peer, payload: new Uint8Array(1401) })).toThrow(
      RangeError,
    );
  });

  it('never throws on hostile bytes, and what decodes re-encodes to the same bytes', () => {
    const withMagic = fc
      .tuple(fc.integer({ min: 0, max: 12 }), fc.uint8Array({ maxLength: 64 }))
      .map(([t, rest]) => Uint8Array.of(0x52, 0x59, 1, t, ...rest));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 1500 }), withMagic), (bytes) => {
        const r = decodeRelayMessage(bytes);
        if (r.ok) expect(encodeRelayMessage(r.value)).toEqual(bytes);
      }),
      { numRuns: 3000, seed: 16 },
    );
  });
});
