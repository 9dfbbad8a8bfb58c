import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../src/util/bytes.js';
import {
  decodeAuthorityBuffer,
  encodeAuthorityBuffer,
} from '../../../src/wire/authority-buffer.js';
import {
  type AuthorityMessage,
  AuthorityReassembler,
  decodeMessage,
  encodeDatagrams,
  encodeMessage,
  type Message,
} from '../../../src/wire/index.js';
import vectors from '../../vectors/messages.json' with { type: 'json' };
import { fromJsonModel } from './fixtures.js';

describe('message vectors (known answers from test/vectors/make-message-vectors.py)', () => {
  it('cover every one of the 8 message types', () => {
    const types = new Set(vectors.messages.map((v) => v.message.type));
    expect([...types].sort()).toEqual(
      ['ack', 'advertise', 'authority', 'flood', 'inquire', 'lookup', 'request', 'solicit'].sort(),
    );
  });

  for (const v of vectors.messages) {
    it(`encodeMessage() produces the bytes of ${v.name}`, () => {
      const message = fromJsonModel<Message>(v.message);
      expect(toHex(encodeMessage(message))).toBe(v.hex);
      expect(encodeDatagrams(message).map(toHex)).toEqual([v.hex]);
    });

    it(`decodeMessage() reads ${v.name} back to its model`, () => {
      const decoded = decodeMessage(fromHex(v.hex));
      expect(decoded).toEqual({ ok: true, value: fromJsonModel<Message>(v.message) });
    });
  }

  const f = vectors.fragmented;
  const big = fromJsonModel<AuthorityMessage>(f.message);

  it('encodeAuthorityBuffer() produces the 2,000-byte buffer of the fragmented vector', () => {
    expect(toHex(encodeAuthorityBuffer(big.buffer))).toBe(f.buffer);
    expect(decodeAuthorityBuffer(fromHex(f.buffer))).toEqual({ ok: true, value: big.buffer });
  });

  it('encodeDatagrams() cuts the fragmented vector into its two datagrams (1188 + 812)', () => {
    expect(encodeDatagrams(big).map(toHex)).toEqual(f.datagrams);
  });

  it('the fragmented vector reassembles to its model in either order', () => {
    for (const order of [f.datagrams, [...f.datagrams].reverse()]) {
      const reassembler = new AuthorityReassembler();
      const results = order.map((hex) => {
        const d = decodeMessage(fromHex(hex));
        if (!d.ok || d.value.type !== 'authority-fragment') throw new Error('expected a fragment');
        return reassembler.add(0, 'peer', d.value);
      });
      expect(results[0]).toEqual({ type: 'pending' });
      expect(results[1]).toEqual({ type: 'complete', message: big });
    }
  });

  for (const r of vectors.rejects) {
    it(`decodeMessage() rejects ${r.name} with ${r.code}`, () => {
      const decoded = decodeMessage(fromHex(r.hex));
      expect(decoded.ok).toBe(false);
      if (!decoded.ok) expect(decoded.error.code).toBe(r.code);
    });
  }
});
