import { describe, expect, it } from 'vitest';
import { ChunkPool } from '../../../src/util/byte-chunks.js';
import { ByteWriter, copyToChunk } from '../../../src/util/byte-writer.js';
import { decodeMessage, encodeDatagrams, encodeDatagramsShared } from '../../../src/wire/index.js';
import type { Message } from '../../../src/wire/types.js';
import { sampleMessages } from '../wire/fixtures.js';

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

describe('ChunkPool', () => {
  it('copies into aligned views of shared chunks, starts a new chunk when full, slices long copies', () => {
    const pool = new ChunkPool(64, 32);
    const src = Uint8Array.from({ length: 40 }, (_, i) => i + 1);
    const a = pool.copy(src, 30);
    const b = pool.copy(src, 20);
    expect(b.buffer).toBe(a.buffer);
    expect([a.byteOffset, a.length]).toEqual([0, 30]);
    expect([b.byteOffset, b.length]).toEqual([32, 20]);
    const c = pool.copy(src, 20); // 56 + 20 > 64: a new chunk
    expect(c.buffer).not.toBe(a.buffer);
    expect(c.byteOffset).toBe(0);
    const d = pool.copy(src, 40); // over copyBytesMax: its own buffer
    expect([d.byteOffset, d.buffer.byteLength]).toEqual([0, 40]);
    expect(Array.from(a)).toEqual(Array.from(src.subarray(0, 30)));
    expect(Array.from(b)).toEqual(Array.from(src.subarray(0, 20)));
    expect(Array.from(d)).toEqual(Array.from(src));
    src.fill(0);
    expect(a[0]).toBe(1);
  });

  it('refuses sizes that cannot work', () => {
    expect(() => new ChunkPool(4, 4)).toThrow(RangeError);
    expect(() => new ChunkPool(64, 65)).toThrow(RangeError);
  });

  it('decoded messages keep their bytes through later decodes into the same chunks', () => {
    const messages = sampleMessages();
    const wire = messages.map((m) => encodeDatagrams(m)[0]!);
    const first = wire.map((w) => decodeMessage(w));
    for (let round = 0; round < 200; round++) for (const w of wire) decodeMessage(w);
    first.forEach((d, k) => {
      expect(d.ok).toBe(true);
      if (d.ok)
        expect(Array.from(encodeDatagrams(d.value as Message)[0]!)).toEqual(Array.from(wire[k]!));
    });
  });
});
