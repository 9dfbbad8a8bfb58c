/**
 * @module graph/wire/attributes
 * Record attributes ([MS-PPGRH] §2.2.3.5): name/value pairs as a tiny XML document,
 * `<attributes><attribute name="Owner" type="string">Scott</attribute>…</attributes>`. The
 * parser is strict and accepts exactly this schema: an optional XML declaration, the root
 * `attributes` (empty, `<attributes/>`, allowed) holding only `attribute` elements, each with
 * exactly the attributes `name` and `type` and a text body; whitespace between elements; the five
 * predefined entities and numeric character references. No comments, DTDs, CDATA or nesting.
 * Names are 1..40 ASCII letters and digits and not one of the reserved names (compared ignoring
 * case, a decision); `int` values are all digits; `date` values are ISO-8601 calendar dates with
 * an optional time and zone. Input is bounded by {@link ATTRIBUTES_XML_CHARS_MAX} and
 * {@link ATTRIBUTES_COUNT_MAX}. The empty string means "no attributes" (Attributes Length 0).
 * graph/ must not import gmc/ (gmc builds on graph), so gmc/xml.ts is not reused: its flat
 * documents refuse repeated children, which this schema needs.
 */
import { err, ok, type Result } from '../../util/result.js';
import { GRAPH_WIRE_ERROR as E } from './errors.js';

/** One name/value pair of §2.2.3.5. */
export interface RecordAttribute {
  /** 1..40 ASCII letters and digits, not reserved. */
  readonly name: string;
  readonly type: 'string' | 'int' | 'date';
  /** The text value: any string for `string`, digits for `int`, ISO-8601 for `date`. */
  readonly value: string;
}

/** Longest attributes document accepted, in characters. */
export const ATTRIBUTES_XML_CHARS_MAX: number = 512 * 1024;
/** Most attributes in one document. */
export const ATTRIBUTES_COUNT_MAX = 1024;
/** Longest attribute name (§2.2.3.5). */
export const ATTRIBUTE_NAME_CHARS_MAX = 40;

/** Names reserved by the Peer Infrastructure (§2.2.3.5). */
export const RESERVED_ATTRIBUTE_NAMES: readonly string[] = Object.freeze([
  'peerlastmodifiedby',
  'peercreatorid',
  'peerlastmodificationtime',
  'peerrecordid',
  'peerrecordtype',
  'peercreationtime',
]);

const NAME = /^[A-Za-z0-9]{1,40}$/;
const DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))?)?$/;
const ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
};
const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#13;',
};

/** Why a pair breaks §2.2.3.5, or undefined when it is fine. */
function checkAttribute(a: RecordAttribute): string | undefined {
  if (!NAME.test(a.name)) return `name "${a.name.slice(0, 50)}" is not 1..40 letters and digits`;
  if (RESERVED_ATTRIBUTE_NAMES.includes(a.name.toLowerCase())) return `name ${a.name} is reserved`;
  if (a.type === 'int') return /^\d+$/.test(a.value) ? undefined : `int value is not all digits`;
  if (a.type === 'date') return isIsoDate(a.value) ? undefined : `date value is not ISO-8601`;
  if (a.type !== 'string') return `type ${String(a.type)} is not string, int or date`;
  return undefined;
}

function isIsoDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const [, y, mo, d, h, mi, s, zh, zm] = m.map((v) => (v === undefined ? 0 : Number(v)));
  const leap = y! % 4 === 0 && (y! % 100 !== 0 || y! % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo! - 1] ?? 0;
  return (
    mo! >= 1 &&
    mo! <= 12 &&
    d! >= 1 &&
    d! <= days &&
    h! <= 23 &&
    mi! <= 59 &&
    s! <= 60 &&
    zh! <= 23 &&
    zm! <= 59
  );
}

function escapeText(text: string): string {
  return text.replace(/[&<>"'\r]/g, (c) => ESCAPES[c]!);
}

function unescapeText(raw: string): string | undefined {
  let bad = false;
  const out = raw.replace(/&(?:([^;&]{1,10});)?/g, (_all, entity: string | undefined) => {
    if (entity === undefined) {
      bad = true; // a bare "&"
      return '';
    }
    if (entity.startsWith('#')) {
      const hex = /^#x([0-9A-Fa-f]{1,6})$/.exec(entity);
      const dec = /^#(\d{1,7})$/.exec(entity);
      const code = hex ? Number.parseInt(hex[1]!, 16) : dec ? Number(dec[1]) : Number.NaN;
      if (!(code > 0 && code <= 0x10ffff) || (code >= 0xd800 && code <= 0xdfff)) {
        bad = true;
        return '';
      }
      return String.fromCodePoint(code);
    }
    const value = ENTITIES[entity];
    if (value === undefined) bad = true;
    return value ?? '';
  });
  return bad ? undefined : out;
}

/**
 * Formats attributes as the §2.2.3.5 document; an empty list gives '' (no attributes). A pair
 * that breaks the rules (bad name, reserved name, non-digit int, bad date, a control character
 * other than tab and line breaks) throws `RangeError`: it is local input.
 * @example formatAttributes([{ name: 'Owner', type: 'string', value: 'Scott' }])
 */
export function formatAttributes(attrs: readonly RecordAttribute[]): string {
  if (attrs.length === 0) return '';
  if (attrs.length > ATTRIBUTES_COUNT_MAX) {
    throw new RangeError(`${attrs.length} attributes (at most ${ATTRIBUTES_COUNT_MAX})`);
  }
  let out = '<attributes>';
  for (const a of attrs) {
    const why = checkAttribute(a);
    if (why !== undefined) throw new RangeError(`attribute: ${why}`);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
    if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(a.value)) {
      throw new RangeError(`attribute ${a.name}: a control character cannot be written in XML`);
    }
    out += `<attribute name="${a.name}" type="${a.type}">${escapeText(a.value)}</attribute>`;
  }
  out += '</attributes>';
  if (out.length > ATTRIBUTES_XML_CHARS_MAX) {
    throw new RangeError(`attributes document of ${out.length} characters`);
  }
  return out;
}

const DECLARATION = /^<\?xml[^<>?]{0,200}\?>/;
const OPEN = /^<attribute(\s[^<>]*)?>/;
const PAIR = /\s*([A-Za-z]+)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/y;

function readPairs(text: string): Map<string, string> | undefined {
  const pairs = new Map<string, string>();
  PAIR.lastIndex = 0;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    PAIR.lastIndex = at;
    const m = PAIR.exec(text);
    if (!m || pairs.has(m[1]!)) return undefined;
    const value = unescapeText(m[2] ?? m[3] ?? '');
    if (value === undefined) return undefined;
    pairs.set(m[1]!, value);
    at = PAIR.lastIndex;
  }
  return pairs;
}

/**
 * Parses an attributes document (§2.2.3.5). Never throws: a document outside the schema, a bad
 * name or value, or one over the bounds gives `bad-attributes` (or `too-large`).
 * @example parseAttributes('<attributes><attribute name="n" type="int">1</attribute></attributes>')
 */
export function parseAttributes(xml: string): Result<RecordAttribute[]> {
  if (typeof xml !== 'string') return err(E.badAttributes, 'not a string');
  if (xml.length > ATTRIBUTES_XML_CHARS_MAX) {
    return err(E.tooLarge, `attributes document of ${xml.length} characters`);
  }
  let rest = xml.replace(/^\uFEFF/, '').trimStart();
  if (rest.length === 0) return ok([]);
  const declaration = DECLARATION.exec(rest);
  if (declaration) rest = rest.slice(declaration[0].length).trimStart();
  const bad = (detail: string): Result<RecordAttribute[]> => err(E.badAttributes, detail);
  if (/^<attributes\s*\/>\s*$/.test(rest)) return ok([]);
  const root = /^<attributes\s*>/.exec(rest);
  if (!root) return bad('the root element is not <attributes>');
  rest = rest.slice(root[0].length);
  const out: RecordAttribute[] = [];
  for (;;) {
    rest = rest.trimStart();
    if (rest.startsWith('</attributes')) break;
    const open = OPEN.exec(rest);
    if (!open) return bad('expected <attribute> or </attributes>');
    const pairs = readPairs(open[1] ?? '');
    const name = pairs?.get('name');
    const type = pairs?.get('type');
    if (pairs === undefined || name === undefined || type === undefined || pairs.size !== 2) {
      return bad('an attribute element needs exactly name="…" and type="…"');
    }
    rest = rest.slice(open[0].length);
    const end = rest.indexOf('<');
    if (end < 0) return bad(`attribute ${name} is not closed`);
    const value = unescapeText(rest.slice(0, end));
    if (value === undefined) return bad(`attribute ${name}: bad entity`);
    rest = rest.slice(end);
    const close = /^<\/attribute\s*>/.exec(rest);
    if (!close) return bad(`attribute ${name} is not closed by </attribute>`);
    rest = rest.slice(close[0].length);
    const attribute = { name, type, value } as RecordAttribute;
    const why = checkAttribute(attribute);
    if (why !== undefined) return bad(why);
    if (out.length >= ATTRIBUTES_COUNT_MAX) {
      return err(E.tooLarge, `more than ${ATTRIBUTES_COUNT_MAX} attributes`);
    }
    out.push(attribute);
  }
  if (!/^<\/attributes\s*>\s*$/.test(rest)) return bad('content after </attributes>');
  return ok(out);
}
