/**
 * nat/stun: the Binding codec. Known answers: the XOR-MAPPED-ADDRESS values of RFC 5769 §2.2 and
 * §2.3 (IPv4 192.0.2.1:32853, IPv6 2001:db8:1234:5678:11:2233:4455:6677:32853 under its transaction
 * ID), inside responses that also carry attributes we skip (SOFTWARE, FINGERPRINT); the demux
 * against MS-PNRP datagrams; refusals; and the responder's bounds (no amplification).
 */
import { describe, expect, it } from 'vitest';
import { formatEndpoint, parseEndpoint } from '../../../src/keys/endpoint.js';
import {
  DIAL_BACK_BURST,
  DIAL_BACK_PADDING,
  decodeStun,
  encodeStun,
  isStunDatagram,
  StunResponder,
} from '../../../src/nat/index.js';
import { fromHex } from '../../../src/util/bytes.js';
import { encodeMessage } from '../../../src/wire/index.js';
import { sampleMessages } from '../wire/fixtures.js';

const TX = fromHex('b7e7a701bc34d686fa87dfae');
const SOFTWARE = '8022000b' + '74657374' + '20766563' + '746f7220';
const FINGERPRINT = '80280004' + 'c07d4c96';

function response(xorAttribute: string): Uint8Array {
  const body = SOFTWARE + xorAttribute + FINGERPRINT;
  const len = (body.length / 2).toString(16).padStart(4, '0');
  return fromHex(`0101${len}2112a442b7e7a701bc34d686fa87dfae${body}`);
}

describe('STUN codec', () => {
  it('reads RFC 5769 XOR-MAPPED-ADDRESS values, skipping other attributes', () => {
    const v4 = decodeStun(response('00200008' + '0001a147' + 'e112a643'));
    expect(v4.ok && v4.value.cls).toBe('success');
    expect(v4.ok && formatEndpoint(v4.value.mapped!)).toBe('192.0.2.1:32853');
    const v6 = decodeStun(response('00200014' + '0002a147' + '0113a9faa5d3f179bc25f4b5bed2b9d9'));
    expect(v6.ok && formatEndpoint(v6.value.mapped!)).toBe(
      '[2001:db8:1234:5678:11:2233:4455:6677]:32853',
    );
  });

  it('writes what it reads, and a request is the bare 20-byte header', () => {
    const mapped = parseEndpoint('192.0.2.1:32853');
    const bytes = encodeStun({ cls: 'success', transactionId: TX, mapped });
    expect(bytes.length).toBe(32);
    expect([...bytes.subarray(20)]).toEqual([...fromHex('002000080001a147e112a643')]);
    const request = encodeStun({ cls: 'request', transactionId: TX });
    expect(request.length).toBe(20);
    expect(decodeStun(request)).toEqual({ ok: true, value: { cls: 'request', transactionId: TX } });
    const dial = encodeStun({
      cls: 'request',
      transactionId: TX,
      dialBack: mapped,
      padding: DIAL_BACK_PADDING,
    });
    const back = decodeStun(dial);
    expect(back.ok && back.value.dialBack).toEqual(mapped);
    expect(back.ok && back.value.padding).toBe(DIAL_BACK_PADDING);
  });

  it('tells STUN from MS-PNRP datagrams (a sample of each of the 8 types)', () => {
    expect(isStunDatagram(encodeStun({ cls: 'indication', transactionId: TX }))).toBe(true);
    for (const m of sampleMessages()) {
      const bytes = encodeMessage(m);
      expect(isStunDatagram(bytes), m.type).toBe(false);
      expect(decodeStun(bytes).ok).toBe(false);
    }
  });

  it('refuses other methods, bad families, truncation and unknown required attributes', () => {
    const base = encodeStun({ cls: 'request', transactionId: TX });
    const allocate = base.slice();
    allocate[1] = 0x03; // TURN Allocate
    expect(decodeStun(allocate)).toMatchObject({
      ok: false,
      error: { code: 'unsupported-method' },
    });
    const required = fromHex(`00010008${toHexText(base.subarray(4))}000600040000000a`);
    expect(decodeStun(required)).toMatchObject({ ok: false, error: { code: 'unknown-attribute' } });
    const family = fromHex(`0101000c${toHexText(base.subarray(4))}002000080003a147e112a643`);
    expect(decodeStun(family)).toMatchObject({ ok: false, error: { code: 'bad-family' } });
    const cut = fromHex(`01010008${toHexText(base.subarray(4))}00200008`);
    expect(cut.length).toBe(24);
    expect(decodeStun(cut).ok).toBe(false);
  });
});

function toHexText(b: Uint8Array): string {
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
}

describe('STUN responder', () => {
  const from = parseEndpoint('198.51.100.7:40000');

  it('answers with the source; never more than the request plus the address', () => {
    const r = new StunResponder();
    const request = encodeStun({ cls: 'request', transactionId: TX });
    const out = r.answer(
      0,
      from,
      decodeStun(request).ok ? { cls: 'request', transactionId: TX } : never(),
      request.length,
    );
    expect(out).toHaveLength(1);
    const answer = decodeStun(out[0]!.payload);
    expect(answer.ok && answer.value).toMatchObject({ cls: 'success', mapped: from });
    expect(out[0]!.payload.length).toBeLessThanOrEqual(request.length + 12);
  });

  it('probes a paid dial-back at the requester own IP only, within its budget', () => {
    const r = new StunResponder();
    const candidate = parseEndpoint('198.51.100.7:50000');
    const ask = (target = candidate) => {
      const m = {
        cls: 'request' as const,
        transactionId: TX,
        dialBack: target,
        padding: DIAL_BACK_PADDING,
      };
      const bytes = encodeStun(m);
      const out = r.answer(0, from, m, bytes.length);
      const sent = out.reduce((n, t) => n + t.payload.length, 0);
      expect(sent).toBeLessThanOrEqual(bytes.length + 12);
      return out;
    };
    const first = ask();
    expect(first).toHaveLength(2);
    expect(formatEndpoint(first[1]!.to)).toBe('198.51.100.7:50000');
    expect(decodeStun(first[1]!.payload)).toMatchObject({ ok: true, value: { cls: 'indication' } });
    expect(ask(parseEndpoint('203.0.113.9:50000'))).toHaveLength(1); // a third party: refused
    expect(ask(parseEndpoint('198.51.100.7:53'))).toHaveLength(1); // a reserved port: refused
    for (let i = 1; i < DIAL_BACK_BURST; i++) expect(ask()).toHaveLength(2);
    expect(ask()).toHaveLength(1); // over budget
    // Unpaid (no padding): the response only.
    const unpaid = { cls: 'request' as const, transactionId: TX, dialBack: candidate };
    expect(new StunResponder().answer(0, from, unpaid, encodeStun(unpaid).length)).toHaveLength(1);
    expect(r.stats.dialBacks).toBe(DIAL_BACK_BURST);
  });
});

function never(): never {
  throw new Error('unreachable');
}
