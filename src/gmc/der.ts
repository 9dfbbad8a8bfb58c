/**
 * @module gmc/der
 * A minimal DER (X.690) reader and writer for the few structures @peculiar/x509 does not model for
 * us: the values of the PNRP certificate extensions ([MS-PNRP] §2.2.3.5.1) and the TBSCertificate
 * span whose Ed25519 signature the chain validator checks. Only definite lengths, at most 4 length
 * bytes; the reader fails (inside `decodeWith`) on anything else. Nothing cryptographic here.
 */
import { fail } from '../util/byte-reader.js';
import { concatBytes } from '../util/bytes.js';

/** One TLV: its tag byte, its content and the whole encoding. */
export interface DerNode {
  readonly tag: number;
  readonly content: Uint8Array;
  /** Tag, length and content together. */
  readonly encoded: Uint8Array;
}

/**
 * Reads the TLV at `offset`; fails with `der` on a bad length. Use inside `decodeWith`.
 * @example const tbs = readDer(certDer, readDer(certDer, 0).headerLength).encoded;
 */
export function readDer(bytes: Uint8Array, offset = 0): DerNode & { readonly end: number } {
  if (offset + 2 > bytes.length) fail('der', 'truncated TLV header');
  const tag = bytes[offset]!;
  if ((tag & 0x1f) === 0x1f) fail('der', 'multi-byte tags are not used here');
  let length = bytes[offset + 1]!;
  let header = 2;
  if (length & 0x80) {
    const n = length & 0x7f;
    if (n === 0 || n > 4) fail('der', `unsupported length form 0x${length.toString(16)}`);
    if (offset + 2 + n > bytes.length) fail('der', 'truncated length');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + bytes[offset + 2 + i]!;
    header += n;
  }
  const end = offset + header + length;
  if (end > bytes.length) fail('der', `TLV of ${length} bytes runs past the end`);
  return {
    tag,
    content: bytes.subarray(offset + header, end),
    encoded: bytes.subarray(offset, end),
    end,
  };
}

/**
 * The TLVs inside a constructed value's content, in order; fails on trailing garbage.
 * @example const [oid, value] = readDerChildren(otherName.content);
 */
export function readDerChildren(content: Uint8Array): DerNode[] {
  const out: DerNode[] = [];
  for (let offset = 0; offset < content.length; ) {
    const node = readDer(content, offset);
    out.push(node);
    offset = node.end;
  }
  return out;
}

/**
 * Encodes one TLV.
 * @example derTlv(0x04, new Uint8Array([1, 0, 2, 0])) // OCTET STRING
 */
export function derTlv(tag: number, content: Uint8Array): Uint8Array {
  const n = content.length;
  let header: number[];
  if (n < 0x80) header = [tag, n];
  else if (n < 0x100) header = [tag, 0x81, n];
  else if (n < 0x10000) header = [tag, 0x82, n >> 8, n & 0xff];
  else header = [tag, 0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return concatBytes(new Uint8Array(header), content);
}

/**
 * Encodes a dotted OBJECT IDENTIFIER (tag 0x06).
 * @example derOid('1.3.6.1.4.1.311.44.0.2')
 */
export function derOid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  if (arcs.length < 2 || arcs.some((a) => !Number.isSafeInteger(a) || a < 0)) {
    throw new RangeError(`not an OID: ${dotted}`);
  }
  const bytes: number[] = [];
  const push = (value: number) => {
    const stack = [value & 0x7f];
    for (value = Math.floor(value / 128); value > 0; value = Math.floor(value / 128)) {
      stack.unshift((value & 0x7f) | 0x80);
    }
    bytes.push(...stack);
  };
  push(arcs[0]! * 40 + arcs[1]!);
  for (const arc of arcs.slice(2)) push(arc);
  return derTlv(0x06, new Uint8Array(bytes));
}

/**
 * Decodes OBJECT IDENTIFIER content (without tag and length) to dotted text.
 * @example oidText(readDer(derOid('1.2.3')).content) // '1.2.3'
 */
export function oidText(content: Uint8Array): string {
  if (content.length === 0) fail('der', 'empty OID');
  const arcs: number[] = [];
  let value = 0;
  for (let i = 0; i < content.length; i++) {
    const b = content[i]!;
    value = value * 128 + (b & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128) fail('der', 'OID arc too large');
    if ((b & 0x80) === 0) {
      if (arcs.length === 0)
        arcs.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else arcs.push(value);
      value = 0;
    } else if (i === content.length - 1) fail('der', 'OID ends inside an arc');
  }
  return arcs.join('.');
}

/**
 * Encodes text as a DER UniversalString (tag 0x1c, UCS-4 big-endian).
 * @example derUniversalString('participant')
 */
export function derUniversalString(text: string): Uint8Array {
  const points = Array.from(text, (c) => c.codePointAt(0)!);
  const out = new Uint8Array(points.length * 4);
  const view = new DataView(out.buffer);
  for (const [i, p] of points.entries()) view.setUint32(i * 4, p);
  return derTlv(0x1c, out);
}

/**
 * Decodes UniversalString content; fails on a length not a multiple of 4 or a bad code point.
 * @example universalStringText(readDer(derUniversalString('a')).content) // 'a'
 */
export function universalStringText(content: Uint8Array): string {
  if (content.length % 4 !== 0) fail('der', 'UniversalString length is not a multiple of 4');
  const view = new DataView(content.buffer, content.byteOffset, content.byteLength);
  let text = '';
  for (let i = 0; i < content.length; i += 4) {
    const p = view.getUint32(i);
    if (p === 0 || p > 0x10ffff || (p >= 0xd800 && p <= 0xdfff)) {
      fail('der', `code point 0x${p.toString(16)} in a UniversalString`);
    }
    text += String.fromCodePoint(p);
  }
  return text;
}

/**
 * True when a TLV's length is encoded in the fewest bytes (DER, X.690 §10.1).
 * @example isMinimalDer(readDer(bytes)) // false for 0x04 0x81 0x01 0x00
 */
export function isMinimalDer(node: DerNode): boolean {
  const header = node.encoded.length - node.content.length;
  const n = node.content.length;
  const expected = n < 0x80 ? 2 : n < 0x100 ? 3 : n < 0x10000 ? 4 : n < 0x1000000 ? 5 : 6;
  return header === expected;
}

/**
 * The DER TBSCertificate of a DER certificate (the span its signature covers) and the raw
 * signature bits. Use inside `decodeWith`.
 * @example const { tbs, signature } = certificateParts(der);
 */
export function certificateParts(der: Uint8Array): {
  readonly tbs: Uint8Array;
  readonly signature: Uint8Array;
} {
  const outer = readDer(der, 0);
  if (outer.tag !== 0x30 || outer.end !== der.length) fail('der', 'not a single DER SEQUENCE');
  const [tbs, algorithm, bits, ...rest] = readDerChildren(outer.content);
  if (!tbs || !algorithm || !bits || rest.length > 0 || tbs.tag !== 0x30 || bits.tag !== 0x03) {
    fail('der', 'certificate is not SEQUENCE { tbs, algorithm, BIT STRING }');
  }
  if (bits.content[0] !== 0) fail('der', 'signature BIT STRING has unused bits');
  // Canonical outside the signed span too (issue 11): one certificate, one byte string, so caches
  // keyed by the DER cannot be flooded with re-encoded copies of one genuine certificate.
  if (![outer, tbs, algorithm, bits].every(isMinimalDer)) fail('der', 'non-minimal DER length');
  if (
    algorithm.content.length >= 5 &&
    algorithm.content[0] === 0x06 &&
    algorithm.content[1] === 0x03 &&
    algorithm.content[2] === 0x2b &&
    algorithm.content[3] === 0x65 &&
    algorithm.content[4] === 0x70 &&
    (algorithm.content.length !== 5 || bits.content.length !== 65)
  ) {
    fail('der', 'Ed25519 AlgorithmIdentifier with parameters, or a signature not 64 bytes');
  }
  return { tbs: tbs.encoded, signature: bits.content.subarray(1) };
}

/** The pieces of a TBSCertificate the chain rules read straight from DER. */
export interface TbsParts {
  readonly issuer: Uint8Array;
  readonly subject: Uint8Array;
  readonly spki: Uint8Array;
  /** Each extension's OID, criticality and extnValue content. */
  readonly extensions: readonly { oid: string; critical: boolean; value: Uint8Array }[];
}

/**
 * Splits a DER TBSCertificate (RFC 5280 §4.1) into names, key and extensions. Use inside
 * `decodeWith`; the certificate has already been parsed by @peculiar/x509, this only avoids
 * re-encoding what it parsed.
 * @example const { spki, extensions } = tbsParts(certificateParts(der).tbs);
 */
export function tbsParts(tbs: Uint8Array): TbsParts {
  const children = readDerChildren(readDer(tbs).content);
  let i = children[0]?.tag === 0xa0 ? 1 : 0;
  const [, , issuer, , subject, spki] = children.slice(i, i + 6);
  i += 6;
  if (!issuer || !subject || !spki) fail('der', 'TBSCertificate is too short');
  const extensions: { oid: string; critical: boolean; value: Uint8Array }[] = [];
  for (const child of children.slice(i)) {
    if (child.tag !== 0xa3) continue;
    const [list] = readDerChildren(child.content);
    if (list?.tag !== 0x30) fail('der', 'extensions are not a SEQUENCE');
    for (const ext of readDerChildren(list.content)) {
      const parts = readDerChildren(ext.content);
      const oid = parts[0];
      const hasFlag = parts[1]?.tag === 0x01;
      const value = parts[hasFlag ? 2 : 1];
      if (oid?.tag !== 0x06 || value?.tag !== 0x04 || parts.length !== (hasFlag ? 3 : 2)) {
        fail('der', 'malformed Extension');
      }
      const critical = hasFlag && parts[1]!.content.length === 1 && parts[1]!.content[0] !== 0;
      extensions.push({ oid: oidText(oid.content), critical, value: value.content });
    }
  }
  return { issuer: issuer.encoded, subject: subject.encoded, spki: spki.encoded, extensions };
}
