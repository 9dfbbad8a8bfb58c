/**
 * @module gmc/xml
 * A deliberately small, strict reader and writer for the flat XML documents of peer grouping
 * ([MS-PPSEC] invitations `PEERINVITATION`, identity exports `PEERIDENTITYINFO`): one root element
 * with attributes, and child elements holding only text. No DTD, no comments, no processing
 * instructions except the XML declaration, no nesting beyond one level, no duplicate children;
 * the five predefined entities and numeric character references only. Anything else fails.
 */
import { fail } from '../util/byte-reader.js';

/** A flat document: root name, its attributes and its children's text. */
export interface FlatXml {
  readonly name: string;
  readonly attributes: ReadonlyMap<string, string>;
  readonly children: ReadonlyMap<
    string,
    { readonly text: string; readonly attributes: ReadonlyMap<string, string> }
  >;
}

/**
 * Largest document accepted, in characters.
 * @example if (text.length > XML_CHARS_MAX) return 'too large';
 */
export const XML_CHARS_MAX: number = 256 * 1024;

const NAME = /^[A-Za-z_][\w.:-]*/;
const ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
};

/**
 * Escapes text for an element or a double-quoted attribute.
 * @example escapeXml('a<b') // 'a&lt;b'
 */
export function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => `&${Object.keys(ENTITIES).find((k) => ENTITIES[k] === c)!};`,
  );
}

function unescapeXml(text: string): string {
  return text.replace(/&([^;]{1,10});/g, (_all, entity: string) => {
    if (entity.startsWith('#')) {
      const code = entity.startsWith('#x')
        ? Number.parseInt(entity.slice(2), 16)
        : Number.parseInt(entity.slice(1), 10);
      if (
        !Number.isInteger(code) ||
        code <= 0 ||
        code > 0x10ffff ||
        (code >= 0xd800 && code <= 0xdfff)
      ) {
        fail('xml', `bad character reference &${entity};`);
      }
      return String.fromCodePoint(code);
    }
    const value = ENTITIES[entity];
    if (value === undefined) fail('xml', `unknown entity &${entity};`);
    return value;
  });
}

class Cursor {
  offset = 0;
  constructor(readonly text: string) {}
  skipSpace(): void {
    while (/\s/.test(this.text[this.offset] ?? '')) this.offset++;
  }
  expect(token: string): void {
    if (!this.text.startsWith(token, this.offset))
      fail('xml', `expected "${token}" at ${this.offset}`);
    this.offset += token.length;
  }
  name(): string {
    const m = NAME.exec(this.text.slice(this.offset, this.offset + 200));
    if (!m) fail('xml', `expected a name at ${this.offset}`);
    this.offset += m[0].length;
    return m[0];
  }
  /** Attributes up to `>` or `/>`; returns whether the tag self-closes. */
  attributes(into: Map<string, string>): boolean {
    for (;;) {
      this.skipSpace();
      if (this.text.startsWith('/>', this.offset)) {
        this.offset += 2;
        return true;
      }
      if (this.text[this.offset] === '>') {
        this.offset += 1;
        return false;
      }
      const key = this.name();
      this.skipSpace();
      this.expect('=');
      this.skipSpace();
      const quote = this.text[this.offset];
      if (quote !== '"' && quote !== "'") fail('xml', `attribute ${key} is not quoted`);
      const end = this.text.indexOf(quote, this.offset + 1);
      if (end < 0) fail('xml', `attribute ${key} is not closed`);
      const raw = this.text.slice(this.offset + 1, end);
      if (raw.includes('<')) fail('xml', `"<" inside attribute ${key}`);
      if (into.has(key)) fail('xml', `attribute ${key} repeated`);
      into.set(key, unescapeXml(raw));
      this.offset = end + 1;
    }
  }
}

/**
 * Parses a flat document; use inside `decodeWith` (fails with code `xml` or `limit`).
 * @example const doc = decodeWith(() => parseFlatXml(text));
 */
export function parseFlatXml(text: string): FlatXml {
  if (typeof text !== 'string') fail('xml', 'not a string');
  if (text.length > XML_CHARS_MAX) fail('limit', `document of ${text.length} characters`);
  const c = new Cursor(text.replace(/^\uFEFF/, ''));
  c.skipSpace();
  if (c.text.startsWith('<?xml', c.offset)) {
    const end = c.text.indexOf('?>', c.offset);
    if (end < 0) fail('xml', 'unterminated XML declaration');
    c.offset = end + 2;
    c.skipSpace();
  }
  if (/^<[!?]/.test(c.text.slice(c.offset, c.offset + 2)))
    fail('xml', 'DTDs, comments and processing instructions are refused');
  c.expect('<');
  const name = c.name();
  const attributes = new Map<string, string>();
  const children = new Map<string, { text: string; attributes: ReadonlyMap<string, string> }>();
  if (!c.attributes(attributes)) {
    for (;;) {
      c.skipSpace();
      if (c.text.startsWith('</', c.offset)) break;
      if (/^<[!?]/.test(c.text.slice(c.offset, c.offset + 2)))
        fail('xml', 'comments and processing instructions are refused');
      c.expect('<');
      const child = c.name();
      const childAttributes = new Map<string, string>();
      let value = '';
      if (!c.attributes(childAttributes)) {
        const end = c.text.indexOf('<', c.offset);
        if (end < 0) fail('xml', `element ${child} is not closed`);
        value = unescapeXml(c.text.slice(c.offset, end));
        c.offset = end;
        c.expect(`</${child}`);
        c.skipSpace();
        c.expect('>');
      }
      if (children.has(child)) fail('xml', `element ${child} repeated`);
      children.set(child, { text: value.trim(), attributes: childAttributes });
    }
    c.expect(`</${name}`);
    c.skipSpace();
    c.expect('>');
  }
  c.skipSpace();
  if (c.offset !== c.text.length) fail('xml', 'content after the root element');
  return { name, attributes, children };
}
