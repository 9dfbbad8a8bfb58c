import { describe, expect, it } from 'vitest';
import { ByteWriter, copyToChunk } from '../../../src/util/byte-writer.js';
import { decodeMessage, encodeDatagrams, encodeDatagramsShared } from '../../../src/wire/index.js';
import type { Message } from '../../../src/wire/types.js';

describe('shared-chunk copies', () => {
  it('finishShared returns the written bytes; later writes and copies leave it alone', () => {
    const w = new ByteWriter(8);
    const seen: Uint8Array[] = [];
    const want: number[][] = [];
    for (let n = 0; n < 3000; n++) {
      w.reset();
      const len = n % 700;
      for (let i = 0; i < len; i++) w.u8((n + i) & 0xff);
      const out = w.finishShared();
      expect(out.length).toBe(len);
      expect(out.byteOffset % 8).toBe(0);
      if (n % 97 === 0) {
        seen.push(out);
        want.push(Array.from({ length: len }, (_, i) => (n + i) & 0xff));
      }
    }
    for (let k = 0; k < seen.length; k++) expect(Array.from(seen[k]!)).toEqual(want[k]);
  });

  it('copies over 4 KB get their own buffer', () => {
    const big = new Uint8Array(5000).fill(3);
    const copy = copyToChunk(big, 4500);
    expect(copy.byteOffset).toBe(0);
    expect(copy.buffer.byteLength).toBe(4500);
    expect(copy.every((b) => b === 3)).toBe(true);
  });

  it('encodeDatagramsShared writes the bytes encodeDatagrams writes', () => {
    const version = { major: 2, minor: 0 };
    const messages: Message[] = [
      { type: 'ack', version, messageId: 7, ackedMessageId: 9, notRegistered: true },
      {
        type: 'authority',
        version,
        messageId: 1,
        ackedMessageId: 2,
        buffer: { flags: { suspicious: false, busy: true, notRegistered: false } },
      },
    ];
    for (const m of messages) {
      const own = encodeDatagrams(m);
      const shared = encodeDatagramsShared(m);
      expect(shared.map((d) => Array.from(d))).toEqual(own.map((d) => Array.from(d)));
      expect(decodeMessage(shared[0]!).ok).toBe(true);
    }
  });
});
