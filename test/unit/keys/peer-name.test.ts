import { describe, expect, it } from 'vitest';
import { formatPeerName, parsePeerName } from '../../../src/keys/index.js';

describe('parsePeerName()', () => {
  it('parses an unsecured name', () => {
    expect(parsePeerName('0.MyApplication')).toEqual({
      text: '0.MyApplication',
      authority: '0',
      classifier: 'MyApplication',
      secured: false,
    });
  });

  it('parses a secured name and keeps dots inside the classifier', () => {
    const authority = 'ab'.repeat(20);
    const name = parsePeerName(`${authority}.a.b.c`);
    expect(name.secured).toBe(true);
    expect(name.authority).toBe(authority);
    expect(name.classifier).toBe('a.b.c');
  });

  it('accepts a classifier of exactly 149 code units', () => {
    expect(parsePeerName(`0.${'x'.repeat(149)}`).classifier).toHaveLength(149);
  });

  it('refuses an empty classifier with a RangeError that says so', () => {
    expect(() => parsePeerName('0.')).toThrow(RangeError);
    expect(() => parsePeerName('0.')).toThrow(/empty classifier/);
    expect(() => parsePeerName(`${'ab'.repeat(20)}.`)).toThrow(/empty classifier/);
    expect(() => formatPeerName('0', '')).toThrow(RangeError);
  });

  it('normalizes the classifier to NFC: NFD input gives the NFC name', () => {
    const nfd = parsePeerName('0.cafe\u0301');
    expect(nfd.classifier).toBe('caf\u00e9');
    expect(nfd.text).toBe('0.caf\u00e9');
    expect(parsePeerName('0.caf\u00e9')).toEqual(nfd);
    // Hangul jamo compose into one syllable: the length bound applies after normalization.
    const jamo = '\u1100\u1161'.repeat(100); // 200 code units in NFD, 100 in NFC
    expect(parsePeerName(`0.${jamo}`).classifier).toHaveLength(100);
  });

  it('counts UTF-16 code units, so 75 astral characters (150 units) are refused', () => {
    expect(() => parsePeerName(`0.${'𝄞'.repeat(74)}x`)).not.toThrow();
    expect(() => parsePeerName(`0.${'𝄞'.repeat(75)}`)).toThrow(/150 UTF-16 code units/);
  });

  it('rejects a classifier of 150 code units', () => {
    expect(() => parsePeerName(`0.${'x'.repeat(150)}`)).toThrow(RangeError);
  });

  it('rejects a missing dot, a bad authority, uppercase hex and a NUL', () => {
    expect(() => parsePeerName('MyApplication')).toThrow(/no "\."/);
    expect(() => parsePeerName('1.x')).toThrow(/must be "0" or 40 hex digits/);
    expect(() => parsePeerName(`${'ab'.repeat(19)}.x`)).toThrow(RangeError);
    expect(() => parsePeerName(`${'ab'.repeat(21)}.x`)).toThrow(RangeError);
    expect(() => parsePeerName(`${'AB'.repeat(20)}.x`)).toThrow(/lowercase/);
    expect(() => parsePeerName('0.a\u0000b')).toThrow(/NUL/);
    expect(() => parsePeerName(`${'g'.repeat(40)}.x`)).toThrow(RangeError);
  });

  it('throws TypeError for a non-string', () => {
    expect(() => parsePeerName(42 as unknown as string)).toThrow(TypeError);
  });

  it('formatPeerName() joins and validates', () => {
    expect(formatPeerName('0', 'chat')).toBe('0.chat');
    expect(() => formatPeerName('zz', 'chat')).toThrow(RangeError);
  });
});
