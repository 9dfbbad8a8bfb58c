import punycode from 'punycode.js';
import { describe, expect, it } from 'vitest';
import { hostNameToPeerName, peerNameToHostName } from '../../../src/pnrp/host-name.js';

// RFC 3492 §7.1 sample strings (the ones without mixed-case annotations) and the classic bücher.
// The maintained punycode.js package replaced the hand-written src/pnrp/punycode.ts.
const punycodeEncode = punycode.encode;
const punycodeDecode = punycode.decode;

const RFC3492: [string, string][] = [
  [
    '\u0644\u064A\u0647\u0645\u0627\u0628\u062A\u0643\u0644\u0645\u0648\u0634\u0639\u0631\u0628\u064A\u061F',
    'egbpdaj6bu4bxfgehfvwxn',
  ],
  ['\u4ED6\u4EEC\u4E3A\u4EC0\u4E48\u4E0D\u8BF4\u4E2D\u6587', 'ihqwcrb4cv8a8dqg056pqjye'],
  ['\u4ED6\u5011\u7232\u4EC0\u9EBD\u4E0D\u8AAA\u4E2D\u6587', 'ihqwctvzc91f659drss3x8bo0yb'],
  ['Pro\u010Dprost\u011Bnemluv\u00ED\u010Desky', 'Proprostnemluvesky-uyb24dma41a'],
  [
    '\u05DC\u05DE\u05D4\u05D4\u05DD\u05E4\u05E9\u05D5\u05D8\u05DC\u05D0\u05DE\u05D3\u05D1\u05E8\u05D9\u05DD\u05E2\u05D1\u05E8\u05D9\u05EA',
    '4dbcagdahymbxekheh6e0a7fei0b',
  ],
  [
    '\u306A\u305C\u307F\u3093\u306A\u65E5\u672C\u8A9E\u3092\u8A71\u3057\u3066\u304F\u308C\u306A\u3044\u306E\u304B',
    'n8jok5ay5dzabd5bym9f0cm5685rrjetr6pdxa',
  ],
  ['3\u5E74B\u7D44\u91D1\u516B\u5148\u751F', '3B-ww4c5e180e575a65lsy2b'],
  ['\u5B89\u5BA4\u5948\u7F8E\u6075-with-SUPER-MONKEYS', '-with-SUPER-MONKEYS-pc58ag80a8qai00g7n9n'],
  [
    'Hello-Another-Way-\u305D\u308C\u305E\u308C\u306E\u5834\u6240',
    'Hello-Another-Way--fc4qua05auwb3674vfr0b',
  ],
  ['\u3072\u3068\u3064\u5C4B\u6839\u306E\u4E0B2', '2-u9tlzr9756bt3uc0v'],
  ['\u30D1\u30D5\u30A3\u30FCde\u30EB\u30F3\u30D0', 'de-jg4avhby1noc0d'],
  ['\u305D\u306E\u30B9\u30D4\u30FC\u30C9\u3067', 'd9juau41awczczp'],
  ['-> $1.00 <-', '-> $1.00 <--'],
  ['b\u00FCcher', 'bcher-kva'],
];

describe('punycode (RFC 3492)', () => {
  for (const [unicode, ascii] of RFC3492) {
    it(`punycodeEncode() gives the RFC answer ${ascii}`, () => {
      expect(punycodeEncode(unicode)).toBe(ascii);
    });
    it(`punycodeDecode() reverses ${ascii}`, () => {
      expect(punycodeDecode(ascii)).toBe(unicode);
    });
  }
  it('hostNameToPeerName() refuses invalid digits, truncated input and lone surrogates', () => {
    expect(hostNameToPeerName('xn--abc-!!.pnrp.net')).toBeUndefined();
    expect(hostNameToPeerName('xn--bcher-kv.pnrp.net')).toBeUndefined();
    expect(hostNameToPeerName('xn--\u00E9-abc.pnrp.net')).toBeUndefined();
    expect(hostNameToPeerName(`xn--${punycodeEncode('a\uD800b')}.pnrp.net`)).toBeUndefined();
    expect(hostNameToPeerName('xn--bcher-kva.pnrp.net')).toBe('0.b\u00FCcher');
  });
});

const AUTH_DIGIT = `1${'a'.repeat(39)}`;
const AUTH_LETTER = `a${'1'.repeat(39)}`;

describe('peer host names', () => {
  it('peerNameToHostName() drops p0 for an unsecured name', () => {
    expect(peerNameToHostName('0.test')).toBe('test.pnrp.net');
  });
  it('peerNameToHostName() prefixes p to an authority starting with a digit', () => {
    expect(peerNameToHostName(`${AUTH_DIGIT}.chat`)).toBe(`chat.p${AUTH_DIGIT}.pnrp.net`);
    expect(peerNameToHostName(`${AUTH_LETTER}.chat`)).toBe(`chat.${AUTH_LETTER}.pnrp.net`);
  });
  it('peerNameToHostName() punycodes non-ASCII classifier labels only', () => {
    expect(peerNameToHostName('0.b\u00FCcher.shop')).toBe('xn--bcher-kva.shop.pnrp.net');
  });
  it('peerNameToHostName() refuses an empty label', () => {
    expect(() => peerNameToHostName('0.a..b')).toThrow(RangeError);
    expect(() => peerNameToHostName('0.')).toThrow(RangeError);
  });
  it('hostNameToPeerName() reads all three forms back', () => {
    expect(hostNameToPeerName('test.pnrp.net')).toBe('0.test');
    expect(hostNameToPeerName(`chat.p${AUTH_DIGIT}.pnrp.net`)).toBe(`${AUTH_DIGIT}.chat`);
    expect(hostNameToPeerName(`chat.${AUTH_LETTER}.PNRP.NET.`)).toBe(`${AUTH_LETTER}.chat`);
    expect(hostNameToPeerName('xn--bcher-kva.shop.pnrp.net')).toBe('0.b\u00FCcher.shop');
  });
  it('hostNameToPeerName() returns undefined for other hosts and bad labels', () => {
    expect(hostNameToPeerName('example.com')).toBeUndefined();
    expect(hostNameToPeerName('pnrp.net')).toBeUndefined();
    expect(hostNameToPeerName('a..b.pnrp.net')).toBeUndefined();
    expect(hostNameToPeerName('xn--!!.pnrp.net')).toBeUndefined();
  });
});
