/**
 * AUTHORITY fragmentation ([MS-PNRP] §2.2.2.6, §3.2.5.10) and the reassembler.
 */
import { describe, expect, it } from 'vitest';
import {
  type AuthorityFragment,
  type AuthorityMessage,
  AuthorityReassembler,
  decodeMessage,
  encodeDatagrams,
  encodeMessage,
  PNRP_VERSION,
} from '../../../src/wire/index.js';
import { endpoints, lookupWith } from './fixtures.js';
import * as raw from './raw.js';

const FLAGS = { suspicious: false, busy: false, notRegistered: false };

/** An AUTHORITY whose buffer is exactly `size` bytes (flags + unpadded VALIDATE_CPA). */
function authorityOfSize(size: number, messageId = 0x0a0b0c0d): AuthorityMessage {
  const validateCpa = Uint8Array.from({ length: size - 12 }, (_, i) => (i * 13) & 0xff);
  return {
    type: 'authority',
    messageId,
    version: PNRP_VERSION,
    ackedMessageId: 0x99,
    buffer: { flags: FLAGS, validateCpa },
  };
}

function fragmentsOf(message: AuthorityMessage): AuthorityFragment[] {
  return encodeDatagrams(message).map((d) => {
    const r = decodeMessage(d);
    if (!r.ok || r.value.type !== 'authority-fragment')
      throw new Error(`not a fragment: ${JSON.stringify(r)}`);
    return r.value;
  });
}

function fragment(size: number, offset: number, length: number, messageId = 1): AuthorityFragment {
  return {
    type: 'authority-fragment',
    messageId,
    version: PNRP_VERSION,
    ackedMessageId: 7,
    size,
    offset,
    data: new Uint8Array(length),
  };
}

describe('fragmentation', () => {
  it('encodeDatagrams() cuts a 2,000-byte buffer into 1,188 + 812 under one header', () => {
    const datagrams = encodeDatagrams(authorityOfSize(2000));
    expect(datagrams.map((d) => d.length)).toEqual([28 + 1188, 28 + 812]);
    const [a, b] = datagrams as [Uint8Array, Uint8Array];
    expect(a.subarray(0, 24)).toEqual(b.subarray(0, 24)); // header, HEADER_ACKED, SPLIT_CONTROLS head
    expect([...a.subarray(24, 28)]).toEqual([0x07, 0xd0, 0x00, 0x00]); // Size 2000, Offset 0
    expect([...b.subarray(24, 28)]).toEqual([0x07, 0xd0, 0x04, 0xa4]); // Size 2000, Offset 1188
  });

  it('decodeMessage() turns each fragment into an AuthorityFragment with its slice', () => {
    const [first, second] = fragmentsOf(authorityOfSize(2000));
    expect(first).toMatchObject({
      type: 'authority-fragment',
      messageId: 0x0a0b0c0d,
      ackedMessageId: 0x99,
      size: 2000,
      offset: 0,
    });
    expect(first!.data.length).toBe(1188);
    expect(second).toMatchObject({ size: 2000, offset: 1188 });
    expect(second!.data.length).toBe(812);
  });

  it('encodeDatagrams() sends a buffer of 1,188 bytes or less as one whole AUTHORITY', () => {
    const message = authorityOfSize(1188);
    const datagrams = encodeDatagrams(message);
    expect(datagrams).toEqual([encodeMessage(message)]);
    expect(decodeMessage(datagrams[0]!)).toEqual({ ok: true, value: message });
  });

  it('encodeDatagrams() returns one datagram for the other message types', () => {
    const lookup = lookupWith(endpoints(3));
    expect(encodeDatagrams(lookup)).toEqual([encodeMessage(lookup)]);
  });

  it('decodeMessage() rejects SPLIT_CONTROLS that no fragmentation produces with bad-fragment', () => {
    const code = (bytes: Uint8Array) => {
      const r = decodeMessage(bytes);
      return r.ok ? 'ok' : r.error.code;
    };
    expect(code(raw.authority(2000, 1188, raw.fill(812)))).toBe('ok');
    expect(code(raw.authority(2000, 1187, raw.fill(812)))).toBe('bad-fragment'); // misaligned
    expect(code(raw.authority(2000, 1188, raw.fill(813)))).toBe('bad-fragment'); // past Size
    expect(code(raw.authority(2000, 0, raw.fill(1000)))).toBe('bad-fragment'); // short, not last
    expect(code(raw.authority(2000, 2376, raw.fill(0)))).toBe('bad-fragment'); // beyond Size
    expect(code(raw.authority(1188, 1188, raw.fill(0)))).toBe('bad-fragment'); // at Size
    expect(code(raw.authority(0, 0, raw.fill(0)))).toBe('missing-field'); // whole, empty buffer
  });

  it('decodeMessage() reports the buffer error of a whole AUTHORITY', () => {
    const buffer = raw.cat(raw.FLAGS_NONE, raw.routeEntry(1, 80));
    expect(decodeMessage(raw.authority(buffer.length, 0, buffer))).toMatchObject({
      ok: false,
      error: { code: 'bad-port' },
    });
  });
});

describe('AuthorityReassembler', () => {
  it('reassembles four fragments in every order', () => {
    const message = authorityOfSize(4000);
    const fragments = fragmentsOf(message);
    expect(fragments.length).toBe(4);
    for (const order of permutations([0, 1, 2, 3])) {
      const reassembler = new AuthorityReassembler();
      const results = order.map((i) => reassembler.add(0, 'peer', fragments[i]!));
      expect(results.slice(0, 3).every((r) => r.type === 'pending')).toBe(true);
      expect(results[3]).toEqual({ type: 'complete', message });
      expect(reassembler.contextCount).toBe(0);
      expect(reassembler.bytesInUse).toBe(0);
    }
  });

  it('rejects an overlapping (repeated) fragment and still completes', () => {
    const reassembler = new AuthorityReassembler();
    const [a, b] = fragmentsOf(authorityOfSize(2000));
    expect(reassembler.add(0, 'p', a!).type).toBe('pending');
    expect(reassembler.add(0, 'p', a!)).toMatchObject({
      type: 'rejected',
      error: { code: 'overlap' },
    });
    expect(reassembler.add(0, 'p', b!).type).toBe('complete');
    expect(reassembler.stats.rejected.overlap).toBe(1);
    expect(reassembler.stats.fragmentsAccepted).toBe(2);
    expect(reassembler.stats.messagesCompleted).toBe(1);
  });

  it('rejects oversized, misaligned, out-of-bounds and mis-sized fragments', () => {
    const reassembler = new AuthorityReassembler();
    const code = (f: AuthorityFragment) => {
      const r = reassembler.add(0, 'p', f);
      return r.type === 'rejected' ? r.error.code : r.type;
    };
    expect(code(fragment(37349, 0, 1188))).toBe('oversized');
    expect(code(fragment(4000, 100, 1188))).toBe('misaligned');
    expect(code(fragment(2000, 1188, 813))).toBe('out-of-bounds');
    expect(code(fragment(2000, 2376, 0))).toBe('out-of-bounds');
    expect(code(fragment(2000, 0, 1000))).toBe('bad-length');
    expect(code(fragment(0, 0, 0))).toBe('bad-length');
    expect(code(fragment(37348, 0, 1188))).toBe('pending');
    expect(reassembler.contextCount).toBe(1);
  });

  it('rejects a fragment whose Size or acked message ID disagrees with the first one', () => {
    const reassembler = new AuthorityReassembler();
    expect(reassembler.add(0, 'p', fragment(3000, 0, 1188)).type).toBe('pending');
    expect(reassembler.add(0, 'p', fragment(2000, 1188, 812))).toMatchObject({
      error: { code: 'size-mismatch' },
    });
    const other = { ...fragment(3000, 1188, 1188), ackedMessageId: 8 };
    expect(reassembler.add(0, 'p', other)).toMatchObject({ error: { code: 'inconsistent' } });
    expect(reassembler.stats.rejected['size-mismatch']).toBe(1);
    expect(reassembler.stats.rejected.inconsistent).toBe(1);
  });

  it('keys contexts by message ID and source', () => {
    const reassembler = new AuthorityReassembler();
    const [a, b] = fragmentsOf(authorityOfSize(2000));
    reassembler.add(0, 'alice', a!);
    reassembler.add(0, 'bob', a!);
    expect(reassembler.contextCount).toBe(2);
    expect(reassembler.add(0, 'alice', b!).type).toBe('complete');
    expect(reassembler.contextCount).toBe(1);
  });

  it('refuses a new context beyond contextsMax and counts it', () => {
    const reassembler = new AuthorityReassembler({ contextsMax: 2 });
    expect(reassembler.add(0, 'p', fragment(2000, 0, 1188, 1)).type).toBe('pending');
    expect(reassembler.add(0, 'p', fragment(2000, 0, 1188, 2)).type).toBe('pending');
    expect(reassembler.add(0, 'p', fragment(2000, 0, 1188, 3))).toMatchObject({
      error: { code: 'contexts-full' },
    });
    // Completing context 2 frees its place (zeros do not decode, so it ends rejected).
    expect(reassembler.add(0, 'p', fragment(2000, 1188, 812, 2)).type).toBe('rejected');
    expect(reassembler.add(0, 'p', fragment(2000, 0, 1188, 3)).type).toBe('pending');
    expect(reassembler.stats.rejected['contexts-full']).toBe(1);
  });

  it('gives each source at most contextsPerSourceMax contexts, leaving room for others', () => {
    const reassembler = new AuthorityReassembler({ contextsMax: 6, contextsPerSourceMax: 4 });
    for (let id = 1; id <= 4; id++)
      expect(reassembler.add(0, 'flooder', fragment(2000, 0, 1188, id)).type).toBe('pending');
    for (let id = 5; id <= 50; id++) {
      expect(reassembler.add(0, 'flooder', fragment(2000, 0, 1188, id))).toMatchObject({
        error: { code: 'source-full' },
      });
    }
    expect(reassembler.stats.rejected['source-full']).toBe(46);
    // An honest source still gets a context and completes.
    const [a, b] = fragmentsOf(authorityOfSize(2000));
    expect(reassembler.add(0, 'honest', a!).type).toBe('pending');
    expect(reassembler.add(0, 'honest', b!).type).toBe('complete');
    // Expiry gives the flooder its share back.
    reassembler.expire(5000);
    expect(reassembler.add(5000, 'flooder', fragment(2000, 0, 1188, 99)).type).toBe('pending');
  });

  it('refuses a new context that would pass bytesMax', () => {
    const reassembler = new AuthorityReassembler({ bytesMax: 5000 });
    expect(reassembler.add(0, 'p', fragment(2500, 0, 1188, 1)).type).toBe('pending');
    expect(reassembler.add(0, 'p', fragment(2500, 0, 1188, 2)).type).toBe('pending');
    expect(reassembler.bytesInUse).toBe(5000);
    expect(reassembler.add(0, 'p', fragment(1189, 0, 1188, 3))).toMatchObject({
      error: { code: 'bytes-full' },
    });
    expect(reassembler.stats.rejected['bytes-full']).toBe(1);
  });

  it('expires a context expireAfterMs after its first fragment', () => {
    const reassembler = new AuthorityReassembler({ expireAfterMs: 2000 });
    const [a, b] = fragmentsOf(authorityOfSize(2000));
    reassembler.add(1000, 'p', a!);
    expect(reassembler.nextExpiryMs()).toBe(3000);
    expect(reassembler.expire(2999)).toBe(0);
    expect(reassembler.expire(3000)).toBe(1);
    expect(reassembler.nextExpiryMs()).toBeUndefined();
    expect(reassembler.add(3000, 'p', b!).type).toBe('pending'); // a new context, waiting for a
    expect(reassembler.stats.contextsExpired).toBe(1);
  });

  it('add() expires stale contexts before it counts them', () => {
    const reassembler = new AuthorityReassembler({ contextsMax: 1, expireAfterMs: 10 });
    reassembler.add(0, 'p', fragment(2000, 0, 1188, 1));
    expect(reassembler.add(10, 'p', fragment(2000, 0, 1188, 2)).type).toBe('pending');
    expect(reassembler.stats.contextsExpired).toBe(1);
  });

  it('discard() and discardReplies() drop a context and say whether they did', () => {
    const reassembler = new AuthorityReassembler();
    reassembler.add(0, 'p', fragment(2000, 0, 1188, 1));
    reassembler.add(0, 'q', fragment(2000, 0, 1188, 2));
    expect(reassembler.discard(1, 'q')).toBe(false);
    expect(reassembler.discard(1, 'p')).toBe(true);
    expect(reassembler.discardReplies(8, 'q')).toBe(0);
    expect(reassembler.discardReplies(7, 'q')).toBe(1);
    expect(reassembler.contextCount).toBe(0);
    expect(reassembler.stats.contextsDiscarded).toBe(2);
  });

  it('rejects a complete buffer that does not decode, with the decoder code', () => {
    const reassembler = new AuthorityReassembler();
    const r1 = reassembler.add(0, 'p', fragment(2000, 0, 1188));
    const r2 = reassembler.add(0, 'p', fragment(2000, 1188, 812));
    expect(r1.type).toBe('pending');
    expect(r2).toMatchObject({ type: 'rejected', error: { code: 'unexpected-field' } });
    expect(reassembler.stats.rejected.undecodable).toBe(1);
    expect(reassembler.contextCount).toBe(0);
  });

  it('throws RangeError when nowMs goes backwards', () => {
    const reassembler = new AuthorityReassembler();
    reassembler.expire(100);
    expect(() => reassembler.expire(99)).toThrow(RangeError);
    expect(() => reassembler.add(Number.NaN, 'p', fragment(2000, 0, 1188))).toThrow(RangeError);
  });

  it('validates its options once with RangeError', () => {
    expect(() => new AuthorityReassembler({ contextsMax: 0 })).toThrow(RangeError);
    expect(() => new AuthorityReassembler({ contextsMax: 1.5 })).toThrow(RangeError);
    expect(() => new AuthorityReassembler({ bytesMax: -1 })).toThrow(RangeError);
    expect(() => new AuthorityReassembler({ expireAfterMs: 0 })).toThrow(RangeError);
    expect(() => new AuthorityReassembler({ expireAfterMs: Number.POSITIVE_INFINITY })).toThrow(
      RangeError,
    );
    const defaults = new AuthorityReassembler();
    expect([defaults.contextsMax, defaults.bytesMax, defaults.expireAfterMs]).toEqual([
      64, 1_048_576, 2000,
    ]);
  });
});

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}
