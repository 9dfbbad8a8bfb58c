/**
 * nat/rendezvous-codec: every message round-trips at its documented size; the MS-PNRP decoder
 * refuses every rendezvous datagram (the socket demultiplexes on the first two bytes); short,
 * long, unknown and malformed datagrams are refused with a code, never thrown.
 */
import { describe, expect, it } from 'vitest';
import {
  decodeRendezvous,
  encodeRendezvous,
  isRendezvousDatagram,
} from '../../../src/nat/index.js';
import { isStunDatagram } from '../../../src/nat/stun.js';
import { decodeMessage } from '../../../src/wire/index.js';
import { SAMPLE_ENDPOINT, SAMPLE_TXID, SAMPLES } from './rendezvous-samples.js';

const txid = SAMPLE_TXID;
const ep = SAMPLE_ENDPOINT;

describe('rendezvous codec', () => {
  it('round-trips every message type at its documented size', () => {
    for (const [m, size] of SAMPLES) {
      const bytes = encodeRendezvous(m);
      expect(bytes.length).toBe(size);
      expect(isRendezvousDatagram(bytes)).toBe(true);
      expect(decodeRendezvous(bytes)).toEqual({ ok: true, value: m });
    }
  });

  it('a rendezvous datagram is refused by the MS-PNRP decoder and is not STUN', () => {
    for (const [m] of SAMPLES) {
      const bytes = encodeRendezvous(m);
      expect(decodeMessage(bytes).ok).toBe(false);
      expect(isStunDatagram(bytes)).toBe(false);
    }
  });

  it('refuses wrong lengths, types, versions, flags and statuses with a code', () => {
    const probe = encodeRendezvous({ type: 'probe', txid, ack: false, seq: 0 });
    const code = (b: Uint8Array) => {
      const r = decodeRendezvous(b);
      return r.ok ? 'ok' : r.error.code;
    };
    expect(code(probe.subarray(0, 3))).toBe('truncated');
    expect(code(probe.subarray(0, 13))).toBe('bad-length');
    expect(code(Uint8Array.of(0x00, 0x10, 1, 6))).toBe('bad-magic');
    expect(code(Uint8Array.of(...probe.subarray(0, 2), 2, ...probe.subarray(3)))).toBe(
      'bad-version',
    );
    expect(code(Uint8Array.of(...probe.subarray(0, 3), 9, ...probe.subarray(4)))).toBe('bad-type');
    const flagged = probe.slice();
    flagged[12] = 0x80;
    expect(code(flagged)).toBe('bad-flags');
    const reply = encodeRendezvous({ type: 'connect-reply', txid, status: 'forwarded' });
    reply[12] = 7;
    expect(code(reply)).toBe('bad-status');
    const connect = encodeRendezvous({ type: 'connect', txid, target: ep });
    expect(code(connect.subarray(0, 53))).toBe('bad-length'); // too little padding to pay its way
    expect(
      code(new Uint8Array(65).fill(0x52).map((v, i) => (i === 1 ? 0x56 : i === 2 ? 1 : v))),
    ).toBe('too-long');
  });

  it('encode refuses local misuse with RangeError', () => {
    expect(() => encodeRendezvous({ type: 'keepalive', cookie: new Uint8Array(7) })).toThrow(
      RangeError,
    );
    expect(() => encodeRendezvous({ type: 'connect', txid, target: ep, padding: 4 })).toThrow(
      RangeError,
    );
    expect(() => encodeRendezvous({ type: 'probe', txid, ack: false, seq: 256 })).toThrow(
      RangeError,
    );
  });
});
