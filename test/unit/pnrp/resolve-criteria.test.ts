import { describe, expect, it } from 'vitest';
import { searchForCriteria } from '../../../src/pnrp/resolve-criteria.js';
import { toHex } from '../../../src/util/bytes.js';

const p2pId = new Uint8Array(16).fill(0xab);
const prefix = new Uint8Array([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1]);
const hex = (b: Uint8Array | undefined) => (b ? toHex(b) : undefined);
const P2P = 'ab'.repeat(16);

describe('searchForCriteria()', () => {
  it('targets P2P ID ‖ prefix ‖ 8000000000000000', () => {
    const { target } = searchForCriteria({
      p2pId,
      criteria: 'any-peer-name',
      maxResults: 1,
      prefix,
    });
    expect(hex(target)).toBe(`${P2P}20010db800000001${'80'}${'00'.repeat(7)}`);
  });
  it('any-peer-name accepts any service location under the P2P ID and stops at the first', () => {
    const { options } = searchForCriteria({ p2pId, criteria: 'any-peer-name', maxResults: 1 });
    expect(hex(options.minKey)).toBe(P2P + '00'.repeat(16));
    expect(hex(options.maxKey)).toBe(P2P + 'ff'.repeat(16));
    expect(options.anyMatchInRange).toBe(true);
  });
  it('nearest-peer-name asks for the N closest instances', () => {
    const { options } = searchForCriteria({ p2pId, criteria: 'nearest-peer-name', maxResults: 5 });
    expect(options.maxEndpoints).toBe(5);
    expect(hex(options.minKey)).toBe(P2P + '00'.repeat(16));
  });
  it('nearest64-peer-name fixes the first 192 bits', () => {
    const { options } = searchForCriteria({
      p2pId,
      criteria: 'nearest64-peer-name',
      maxResults: 1,
      prefix,
    });
    expect(hex(options.minKey)).toBe(`${P2P}20010db800000001${'00'.repeat(8)}`);
    expect(hex(options.maxKey)).toBe(`${P2P}20010db800000001${'ff'.repeat(8)}`);
  });
  it('upper-bits fixes the first `precision` bits, down to single bits', () => {
    const { options } = searchForCriteria({
      p2pId,
      criteria: 'upper-bits',
      precision: 4,
      maxResults: 1,
    });
    expect(hex(options.minKey)).toBe(`a${'0'.repeat(63)}`);
    expect(hex(options.maxKey)).toBe(`a${'f'.repeat(63)}`);
    expect(() => searchForCriteria({ p2pId, criteria: 'upper-bits', maxResults: 1 })).toThrow(
      RangeError,
    );
  });
  it('none is the exact PNRP ID and needs the service location', () => {
    const sl = new Uint8Array(16).fill(3);
    const { target, options } = searchForCriteria({
      p2pId,
      criteria: 'none',
      maxResults: 1,
      serviceLocation: sl,
    });
    expect(hex(target)).toBe(P2P + '03'.repeat(16));
    expect(options.minKey).toBeUndefined();
    expect(() => searchForCriteria({ p2pId, criteria: 'none', maxResults: 1 })).toThrow(
      /serviceLocation/,
    );
  });
  it('refuses maxResults outside 1..20', () => {
    expect(() =>
      searchForCriteria({ p2pId, criteria: 'nearest-peer-name', maxResults: 21 }),
    ).toThrow(RangeError);
    expect(() =>
      searchForCriteria({ p2pId, criteria: 'nearest-peer-name', maxResults: 0 }),
    ).toThrow(RangeError);
  });
});
