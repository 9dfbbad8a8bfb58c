/** Record attributes (§2.2.3.5): format/parse round trip and every refusal. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ATTRIBUTES_COUNT_MAX,
  GRAPH_WIRE_ERROR as E,
  formatAttributes,
  parseAttributes,
  type RecordAttribute,
} from '../../../../src/graph/wire/index.js';

/** Characters XML 1.0 can carry (no C0 control but tab and line breaks, no U+FFFE/U+FFFF). */
function writable(v: string): boolean {
  for (const ch of v) {
    const c = ch.codePointAt(0)!;
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0xfffe || c === 0xffff)
      return false;
  }
  return true;
}

const name = fc
  .stringMatching(/^[A-Za-z0-9]{1,40}$/)
  .filter((n) => !n.toLowerCase().startsWith('peer'));
const date = fc
  .record({
    y: fc.integer({ min: 1000, max: 2999 }),
    m: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 1, max: 28 }),
  })
  .map(({ y, m, d }) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
const attribute: fc.Arbitrary<RecordAttribute> = fc.oneof(
  fc.record({
    name,
    type: fc.constant('string' as const),
    value: fc.string({ unit: 'binary', maxLength: 30 }).filter(writable),
  }),
  fc.record({ name, type: fc.constant('int' as const), value: fc.stringMatching(/^\d{1,12}$/) }),
  fc.record({ name, type: fc.constant('date' as const), value: date }),
);

function parsed(xml: string): string {
  const r = parseAttributes(xml);
  return r.ok ? 'ok' : r.error.code;
}

const wrap = (inner: string): string => `<attributes>${inner}</attributes>`;

describe('formatAttributes / parseAttributes', () => {
  it('round-trips any valid list', () => {
    fc.assert(
      fc.property(fc.array(attribute, { maxLength: 8 }), (attrs) => {
        expect(parseAttributes(formatAttributes(attrs))).toEqual({ ok: true, value: attrs });
      }),
      { numRuns: 300 },
    );
  });

  it('reads the example of §2.2.3.5, with declaration, whitespace and single quotes', () => {
    const xml = `<?xml version="1.0" encoding="utf-8"?>
<attributes>
  <attribute name="Owner" type="string">Scott &amp; co</attribute>
  <attribute type='date' name='Birthday'>1972-04-04</attribute>
  <attribute name="Priority" type="int">1</attribute>
  <attribute name="keyword" type="string">&#x41;&#66;</attribute>
  <attribute name="keyword" type="date">2024-02-29T13:45:30.5+01:00</attribute>
</attributes>`;
    expect(parseAttributes(xml)).toEqual({
      ok: true,
      value: [
        { name: 'Owner', type: 'string', value: 'Scott & co' },
        { name: 'Birthday', type: 'date', value: '1972-04-04' },
        { name: 'Priority', type: 'int', value: '1' },
        { name: 'keyword', type: 'string', value: 'AB' },
        { name: 'keyword', type: 'date', value: '2024-02-29T13:45:30.5+01:00' },
      ],
    });
    expect(formatAttributes([])).toBe('');
    expect(parsed('')).toBe('ok');
    expect(parsed('<attributes/>')).toBe('ok');
  });

  it('escapes & < > " \' when formatting', () => {
    expect(formatAttributes([{ name: 'a', type: 'string', value: `&<>"'` }])).toBe(
      wrap('<attribute name="a" type="string">&amp;&lt;&gt;&quot;&apos;</attribute>'),
    );
  });

  it.each<[string, string, string]>([
    ['another root', '<attrs></attrs>', E.badAttributes],
    ['a foreign child', wrap('<x name="a" type="int">1</x>'), E.badAttributes],
    ['a missing type', wrap('<attribute name="a">1</attribute>'), E.badAttributes],
    [
      'an extra XML attribute',
      wrap('<attribute name="a" type="int" x="1">1</attribute>'),
      E.badAttributes,
    ],
    [
      'a repeated XML attribute',
      wrap('<attribute name="a" name="b" type="int">1</attribute>'),
      E.badAttributes,
    ],
    ['an unknown type', wrap('<attribute name="a" type="float">1</attribute>'), E.badAttributes],
    [
      'a name of 41 characters',
      wrap(`<attribute name="${'a'.repeat(41)}" type="int">1</attribute>`),
      E.badAttributes,
    ],
    ['a name with a dash', wrap('<attribute name="a-b" type="int">1</attribute>'), E.badAttributes],
    [
      'a reserved name',
      wrap('<attribute name="peerCreatorId" type="string">x</attribute>'),
      E.badAttributes,
    ],
    ['an int with a sign', wrap('<attribute name="a" type="int">-1</attribute>'), E.badAttributes],
    ['an empty int', wrap('<attribute name="a" type="int"></attribute>'), E.badAttributes],
    [
      'a date on 31 April',
      wrap('<attribute name="a" type="date">2020-04-31</attribute>'),
      E.badAttributes,
    ],
    [
      'a date that is not ISO-8601',
      wrap('<attribute name="a" type="date">04/04/1972</attribute>'),
      E.badAttributes,
    ],
    [
      '29 February of a common year',
      wrap('<attribute name="a" type="date">2023-02-29</attribute>'),
      E.badAttributes,
    ],
    [
      'an unknown entity',
      wrap('<attribute name="a" type="string">&nbsp;</attribute>'),
      E.badAttributes,
    ],
    [
      'a bare ampersand',
      wrap('<attribute name="a" type="string">a & b</attribute>'),
      E.badAttributes,
    ],
    [
      'a nested element',
      wrap('<attribute name="a" type="string"><b/></attribute>'),
      E.badAttributes,
    ],
    [
      'an unclosed root',
      '<attributes><attribute name="a" type="int">1</attribute>',
      E.badAttributes,
    ],
    ['content after the root', `${wrap('')}<x/>`, E.badAttributes],
    ['a comment', wrap('<!-- c -->'), E.badAttributes],
    ['a document over the size bound', wrap(' '.repeat(512 * 1024)), E.tooLarge],
    [
      'too many attributes',
      wrap('<attribute name="a" type="int">1</attribute>'.repeat(ATTRIBUTES_COUNT_MAX + 1)),
      E.tooLarge,
    ],
  ])('refuses %s', (_name, xml, code) => {
    expect(parsed(xml)).toBe(code);
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        expect(() => parseAttributes(s)).not.toThrow();
        expect(() => parseAttributes(wrap(s))).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });

  it('refuses to format what it would refuse to parse', () => {
    expect(() => formatAttributes([{ name: 'peerrecordid', type: 'string', value: '' }])).toThrow(
      RangeError,
    );
    expect(() => formatAttributes([{ name: 'a', type: 'int', value: '1.5' }])).toThrow(RangeError);
    expect(() => formatAttributes([{ name: 'a', type: 'string', value: '\u0001' }])).toThrow(
      RangeError,
    );
  });
});
