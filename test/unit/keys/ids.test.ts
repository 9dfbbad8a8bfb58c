import { describe, expect, it } from 'vitest';
import {
  authorityOf,
  binaryAuthorityOf,
  classifierHashOf,
  p2pIdOf,
  pnrpIdOf,
  resolveTargetOf,
  serviceLocationOf,
  serviceLocationPrefixOf,
} from '../../../src/keys/index.js';
import { fromHex, toHex } from '../../../src/util/bytes.js';
import { seededRng } from '../../../src/util/rng.js';
import vectors from '../../vectors/ids.json' with { type: 'json' };

describe('peer-name IDs (known answers from test/vectors/make-id-vectors.py)', () => {
  for (const v of vectors.names) {
    it(`computes the IDs of ${JSON.stringify(v.peerName)}`, () => {
      const classifier = v.peerName.slice(v.peerName.indexOf('.') + 1);
      expect(toHex(classifierHashOf(classifier))).toBe(v.classifierHash);
      expect(toHex(binaryAuthorityOf(v.peerName))).toBe(v.binaryAuthority);
      expect(toHex(p2pIdOf(v.peerName))).toBe(v.p2pId);
      expect(toHex(pnrpIdOf(v.peerName, fromHex(v.serviceLocation)))).toBe(v.pnrpId);
      const prefix =
        v.resolverPrefix === '0000000000000000' ? undefined : fromHex(v.resolverPrefix);
      expect(toHex(resolveTargetOf(v.peerName, prefix))).toBe(v.resolveTarget);
    });
  }

  for (const a of vectors.authorities) {
    it(`derives the secured authority of RFC 8032 key ${a.publicKey.slice(0, 8)}...`, () => {
      expect(authorityOf(fromHex(a.publicKey))).toBe(a.authority);
    });
  }
});

describe('service locations', () => {
  it('serviceLocationOf() keeps the prefix and draws the suffix from the Rng', () => {
    const prefix = fromHex('20010db800000001');
    const a = serviceLocationOf(prefix, seededRng(1));
    const b = serviceLocationOf(prefix, seededRng(1));
    const c = serviceLocationOf(prefix, seededRng(2));
    expect(toHex(a.subarray(0, 8))).toBe('20010db800000001');
    expect(toHex(a)).toBe(toHex(b));
    expect(toHex(a)).not.toBe(toHex(c));
  });

  it('serviceLocationOf() uses a zero prefix when none is given', () => {
    expect(toHex(serviceLocationOf(undefined, seededRng(1)).subarray(0, 8))).toBe('0'.repeat(16));
  });

  it('serviceLocationPrefixOf() takes the upper 64 bits of an IPv6 address', () => {
    const addr = fromHex('20010db8000000010000000000000001');
    expect(toHex(serviceLocationPrefixOf(addr))).toBe('20010db800000001');
  });

  it('rejects wrong lengths with RangeError', () => {
    expect(() => serviceLocationOf(new Uint8Array(7), seededRng(1))).toThrow(RangeError);
    expect(() => serviceLocationPrefixOf(new Uint8Array(4))).toThrow(RangeError);
    expect(() => pnrpIdOf('0.a', new Uint8Array(15))).toThrow(RangeError);
    expect(() => pnrpIdOf(new Uint8Array(15), new Uint8Array(16))).toThrow(RangeError);
    expect(() => resolveTargetOf('0.a', new Uint8Array(9))).toThrow(RangeError);
  });

  it('accepts a P2P ID in place of a name', () => {
    const sl = new Uint8Array(16).fill(7);
    expect(toHex(pnrpIdOf(p2pIdOf('0.a'), sl))).toBe(toHex(pnrpIdOf('0.a', sl)));
  });
});
