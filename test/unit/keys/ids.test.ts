import { describe, expect, it } from 'vitest';
import {
  classifierHashOf,
  p2pIdFromHashes,
  serviceLocationPrefixOf,
} from '../../../src/keys/ids.js';
import {
  authorityOf,
  binaryAuthorityOf,
  p2pIdOf,
  pnrpIdOf,
  resolveTargetOf,
  serviceLocationOf,
} from '../../../src/keys/index.js';
import { fromHex, toHex } from '../../../src/util/bytes.js';
import { seededRng } from '../../../src/util/rng.js';
import vectors from '../../vectors/ids.json' with { type: 'json' };

describe('peer-name IDs (known answers from test/vectors/make-id-vectors.py)', () => {
  for (const v of vectors.names) {
    const classifier = v.peerName.slice(v.peerName.indexOf('.') + 1);
    if (classifier === '') {
      // `0.` is refused as a peer name; its hashes stay the known answer for a CPA that carries
      // no ClassifierHash (hashed as the empty classifier).
      it(`refuses ${JSON.stringify(v.peerName)} as a name but keeps its hashes`, () => {
        expect(toHex(classifierHashOf(''))).toBe(v.classifierHash);
        const p2p = p2pIdFromHashes(fromHex(v.binaryAuthority), classifierHashOf(''));
        expect(toHex(p2p)).toBe(v.p2pId);
        expect(toHex(pnrpIdOf(p2p, fromHex(v.serviceLocation)))).toBe(v.pnrpId);
        expect(() => p2pIdOf(v.peerName)).toThrow(RangeError);
      });
      continue;
    }
    it(`computes the IDs of ${JSON.stringify(v.peerName)}`, () => {
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

describe('Unicode normalization (NFC before hashing)', () => {
  const nfc = '0.caf\u00e9';
  const nfd = '0.cafe\u0301';

  it('gives one P2P ID, PNRP ID and resolve target for "café" in NFC and NFD', () => {
    expect(nfd).not.toBe(nfc);
    const sl = fromHex('11'.repeat(16));
    expect(toHex(p2pIdOf(nfd))).toBe(toHex(p2pIdOf(nfc)));
    expect(toHex(pnrpIdOf(nfd, sl))).toBe(toHex(pnrpIdOf(nfc, sl)));
    expect(toHex(resolveTargetOf(nfd))).toBe(toHex(resolveTargetOf(nfc)));
  });

  it('classifierHashOf() normalizes too, so the two-step P2P ID agrees with p2pIdOf()', () => {
    expect(toHex(classifierHashOf('cafe\u0301'))).toBe(toHex(classifierHashOf('caf\u00e9')));
    const twoStep = p2pIdFromHashes(binaryAuthorityOf(nfd), classifierHashOf('cafe\u0301'));
    expect(toHex(twoStep)).toBe(toHex(p2pIdOf(nfc)));
  });

  it('matches the independent known answer of "0.café-☕" when typed in NFD', () => {
    const v = vectors.names.find((n) => n.peerName === '0.caf\u00e9-\u2615')!;
    expect(toHex(p2pIdOf(v.peerName.normalize('NFD')))).toBe(v.p2pId);
  });
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
