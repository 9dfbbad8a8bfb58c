/**
 * ConversationTable (issue 10 item 4): a full table evicts the oldest conversation of the prefix
 * holding the most instead of answering "busy"; sources group by /24 (IPv4) and /64 (IPv6).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConversationTable, sourcePrefix } from '../../../src/drt/conversation-table.js';
import {
  type Endpoint,
  endpointKey,
  ipv4Mapped,
  parseEndpoint,
} from '../../../src/keys/endpoint.js';

interface Conv {
  readonly expiresMs: number;
  readonly tag: string;
}

const v4 = (c: number, d: number, port = 5000): Endpoint => ({
  address: ipv4Mapped(198, 51, c, d),
  port,
});

describe('sourcePrefix()', () => {
  it('groups IPv4 by /24 and IPv6 by /64', () => {
    expect(sourcePrefix(v4(1, 2).address)).toBe(sourcePrefix(v4(1, 250).address));
    expect(sourcePrefix(v4(1, 2).address)).not.toBe(sourcePrefix(v4(2, 2).address));
    const a = parseEndpoint('[2001:db8:0:1::5]:4000').address;
    const b = parseEndpoint('[2001:db8:0:1:ffff::9]:4000').address;
    const c = parseEndpoint('[2001:db8:0:2::5]:4000').address;
    expect(sourcePrefix(a)).toBe(sourcePrefix(b));
    expect(sourcePrefix(a)).not.toBe(sourcePrefix(c));
  });
});

describe('ConversationTable', () => {
  it('a joiner from another prefix keeps its conversation however many spoofed SOLICITs follow', () => {
    const table = new ConversationTable<Conv>(8);
    const put = (ep: Endpoint, tag: string) =>
      table.set(endpointKey(ep), ep, { expiresMs: 15_000, tag });
    for (let i = 0; i < 8; i++) expect(put(v4(1, i), 'spoof')).toBe(false);
    const joiner = v4(9, 9);
    expect(put(joiner, 'joiner')).toBe(true); // full: a spoofed one made room, no "busy"
    for (let i = 8; i < 1000; i++) put(v4(1, i % 256, 1025 + i), 'spoof');
    expect(table.get(endpointKey(joiner))?.tag).toBe('joiner');
    expect(table.size).toBe(8);
    expect(table.heldBy(v4(1, 0).address)).toBe(7);
  });

  it('against fully random sources the oldest goes first, so a conversation lives max inserts', () => {
    const table = new ConversationTable<Conv>(16);
    const joiner = v4(200, 1);
    table.set(endpointKey(joiner), joiner, { expiresMs: 15_000, tag: 'joiner' });
    for (let i = 0; i < 15; i++) table.set(`s${i}`, v4(i, 1), { expiresMs: 15_000, tag: 'spoof' });
    expect(table.get(endpointKey(joiner))).toBeDefined();
    table.set('s15', v4(15, 1), { expiresMs: 15_000, tag: 'spoof' });
    expect(table.get(endpointKey(joiner))).toBeUndefined();
  });

  it('replacing a conversation of the same endpoint evicts nothing; expiry frees the head', () => {
    const table = new ConversationTable<Conv>(2);
    const a = v4(1, 1);
    const b = v4(2, 2);
    table.set(endpointKey(a), a, { expiresMs: 100, tag: 'a1' });
    table.set(endpointKey(b), b, { expiresMs: 200, tag: 'b' });
    expect(table.set(endpointKey(a), a, { expiresMs: 300, tag: 'a2' })).toBe(false);
    table.expire(250);
    expect(table.get(endpointKey(b))).toBeUndefined();
    expect(table.get(endpointKey(a))?.tag).toBe('a2');
    table.delete(endpointKey(a));
    expect(table.size).toBe(0);
  });

  it('property: the victim always comes from a prefix holding the most, and the size stays bounded', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 40 })), {
          maxLength: 200,
        }),
        (max, inserts) => {
          const table = new ConversationTable<Conv>(max);
          const live = new Map<string, number>();
          for (const [prefix, host] of inserts) {
            const ep = v4(prefix, host);
            const key = endpointKey(ep);
            const counts = new Map<number, number>();
            for (let p = 0; p <= 5; p++) counts.set(p, table.heldBy(v4(p, 0).address));
            const before = new Set(live.keys());
            const evicted = table.set(key, ep, { expiresMs: 1e9, tag: key });
            live.set(key, prefix);
            const gone = [...before].filter((k) => k !== key && table.get(k) === undefined);
            expect(gone.length).toBe(evicted ? 1 : 0);
            if (gone.length === 1) {
              const victimPrefix = live.get(gone[0]!)!;
              expect(counts.get(victimPrefix)).toBe(Math.max(...counts.values()));
              live.delete(gone[0]!);
            }
            expect(table.size).toBeLessThanOrEqual(max);
          }
        },
      ),
    );
  });
});
