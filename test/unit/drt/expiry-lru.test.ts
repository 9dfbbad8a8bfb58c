/**
 * The packed LRU of the proven-source set (drt/expiry-lru.ts): the same answers as a Map used as
 * an LRU (delete + set to refresh, first key is the oldest), with slots reused.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExpiryLru } from '../../../src/drt/expiry-lru.js';

describe('ExpiryLru', () => {
  it('keeps keys in touch order with their expiries', () => {
    const lru = new ExpiryLru();
    expect(lru.oldest()).toBeUndefined();
    lru.touch('a', 1.5);
    lru.touch('b', 2);
    lru.touch('c', 3);
    expect([lru.size, lru.oldest(), lru.expiry('b')]).toEqual([3, 'a', 2]);
    lru.touch('a', 4.25);
    expect([lru.oldest(), lru.expiry('a')]).toEqual(['b', 4.25]);
    expect(lru.delete('b')).toBe(true);
    expect(lru.delete('b')).toBe(false);
    expect([lru.size, lru.oldest(), lru.has('b'), lru.expiry('b')]).toEqual([
      2,
      'c',
      false,
      undefined,
    ]);
    // The freed slot is reused; order stays correct.
    lru.touch('d', 5);
    expect(lru.delete('c')).toBe(true);
    expect(lru.oldest()).toBe('a');
    expect(lru.delete('a')).toBe(true);
    expect(lru.oldest()).toBe('d');
    expect(lru.delete('d')).toBe(true);
    expect([lru.size, lru.oldest()]).toEqual([0, undefined]);
  });

  it.each([12, 90])('answers like a Map refreshed by delete + set (keys 0..%i)', (keysMax) => {
    const op = fc.tuple(
      fc.constantFrom('touch', 'touch', 'delete', 'evict'),
      fc.integer({ min: 0, max: keysMax }),
      fc.double({ noNaN: true }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 600 }), (ops) => {
        const lru = new ExpiryLru();
        const model = new Map<string, number>();
        for (const [kind, k, value] of ops) {
          const key = `k${k}`;
          if (kind === 'touch') {
            lru.touch(key, value);
            model.delete(key);
            model.set(key, value);
          } else if (kind === 'delete') {
            expect(lru.delete(key)).toBe(model.delete(key));
          } else {
            const oldest = model.keys().next().value;
            expect(lru.oldest()).toBe(oldest);
            if (oldest !== undefined) {
              lru.delete(oldest);
              model.delete(oldest);
            }
          }
          expect(lru.size).toBe(model.size);
          expect(lru.expiry(key)).toBe(model.get(key));
        }
        for (let i = 0; i <= keysMax; i++) {
          expect(lru.expiry(`k${i}`)).toBe(model.get(`k${i}`));
          expect(lru.has(`k${i}`)).toBe(model.has(`k${i}`));
        }
      }),
    );
  });
});
