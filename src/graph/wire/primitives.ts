/**
 * @module graph/wire/primitives
 * The small pieces every [MS-PPGRH] structure is built from (§2.2): big-endian 64-bit integers
 * (node IDs and FILETIMEs; §2.2 says "all fields big-endian unless noted" and nothing notes
 * otherwise), GUIDs as their 16 wire bytes, null-terminated UTF-8 strings located by offsets
 * (messages), counted null-terminated "Unicode" strings (records and internal payloads: UTF-16LE,
 * as Windows writes WCHAR strings; the length counts characters, i.e. UTF-16 code units, with the
 * terminating null), PEER_IN6_ADDRESS (§2.2.1.3, 20 bytes) and PEER_ADDRESS (§2.2.1.5, 32 bytes).
 * Readers run inside `decodeWith` and fail with {@link GRAPH_WIRE_ERROR} codes; writers throw on
 * local misuse.
 */

import { type ByteReader, fail } from '../../util/byte-reader.js';
import type { ByteWriter } from '../../util/byte-writer.js';
import { utf8Decode, utf8Encode } from '../../util/bytes.js';
import type { GraphAddress, Guid } from '../model.js';
import { GRAPH_WIRE_ERROR as E } from './errors.js';

/** PEER_IN6_ADDRESS / PEER_ADDRESS Protocol Family: AF_INET6 (0x0017). */
export const AF_INET6 = 0x0017;
/** Bytes of one PEER_IN6_ADDRESS (§2.2.1.3). */
export const IN6_ADDRESS_BYTES = 20;
/** Bytes of one PEER_ADDRESS (§2.2.1.5); also its Size field. */
export const PEER_ADDRESS_BYTES = 32;

const U64_MAX = (1n << 64n) - 1n;

/** Reads a big-endian u64 (node IDs, FILETIMEs). */
export function readU64be(r: ByteReader): bigint {
  const hi = r.u32be();
  const lo = r.u32be();
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Writes a big-endian u64; `RangeError` outside 0..2^64-1. */
export function writeU64be(w: ByteWriter, v: bigint, what = 'u64'): void {
  if (typeof v !== 'bigint') throw new TypeError(`${what} must be a bigint`);
  if (v < 0n || v > U64_MAX) throw new RangeError(`${what} ${v} outside 0..2^64-1`);
  w.u32be(Number(v >> 32n)).u32be(Number(v & 0xffffffffn));
}

/** Checks a GUID (16 bytes) before writing it. */
export function checkGuid(g: Guid, what = 'GUID'): Guid {
  if (!(g instanceof Uint8Array)) throw new TypeError(`${what} must be a Uint8Array`);
  if (g.length !== 16) throw new RangeError(`${what} must be 16 bytes, got ${g.length}`);
  return g;
}

/** Checks a u32 field value (local input). */
export function checkU32(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
    throw new RangeError(`${what} ${v} outside 0..0xffffffff`);
  }
  return v;
}

function checkNoNull(text: string, what: string): void {
  if (typeof text !== 'string') throw new TypeError(`${what} must be a string`);
  if (text.includes('\0')) throw new TypeError(`${what} must not contain a null character`);
}

/** UTF-8 bytes of a string plus its terminating null (messages, §2.2.2). */
export function utf8z(text: string, what: string): Uint8Array {
  checkNoNull(text, what);
  const body = utf8Encode(text);
  const out = new Uint8Array(body.length + 1);
  out.set(body);
  return out;
}

/**
 * Reads the null-terminated UTF-8 string that starts at `start` and may run up to `end` (the next
 * field's offset or Message Size). A decision: the first null ends it; bytes after it, up to the
 * next field, are ignored (the specification asks for no alignment, so there should be none).
 */
export function readUtf8z(data: Uint8Array, start: number, end: number, what: string): string {
  const nul = data.subarray(start, end).indexOf(0);
  if (nul < 0) fail(E.unterminatedString, `${what} has no terminating null`);
  const text = utf8Decode(data.subarray(start, start + nul));
  if (text === undefined) fail(E.invalidUtf8, `${what} is not UTF-8`);
  return text;
}

/**
 * Writes a counted "Unicode" string: u32 length in characters including the null, then UTF-16LE
 * code units and the null. An empty string with `emptyAbsent` is written as length 0 and no
 * characters (the "MUST NOT be present" form of §2.2.1.9 and §2.2.3). `maxChars` counts the null.
 */
export function writeUtf16Counted(
  w: ByteWriter,
  text: string,
  what: string,
  maxChars: number,
  emptyAbsent: boolean,
): void {
  checkNoNull(text, what);
  if (text.length === 0 && emptyAbsent) {
    w.u32be(0);
    return;
  }
  if (text.length + 1 > maxChars) {
    throw new RangeError(`${what} of ${text.length} characters (at most ${maxChars - 1})`);
  }
  w.u32be(text.length + 1);
  for (let i = 0; i < text.length; i++) w.u16le(text.charCodeAt(i));
  w.u16le(0);
}

/**
 * Reads a counted "Unicode" string: length `2..maxChars`, or 0 (absent, read as '') when
 * `allowAbsent`. A decision: a length of 1 (the null alone) is refused, as is a null inside the
 * string, so every accepted string re-encodes to the same bytes (signatures and digests are taken
 * over re-encoded records); §3.1.7.27 already refuses 1 for Last Modified By.
 */
export function readUtf16Counted(
  r: ByteReader,
  what: string,
  maxChars: number,
  allowAbsent: boolean,
): string {
  const chars = r.u32be();
  if (chars === 0 && allowAbsent) return '';
  if (chars < 2 || chars > maxChars) {
    const range = `${allowAbsent ? '0 or ' : ''}2..${maxChars}`;
    fail(E.badStringLength, `${what} length ${chars} outside ${range}`);
  }
  if (chars * 2 > r.remaining) fail(E.truncated, `${what} of ${chars} characters`);
  const units: number[] = [];
  for (let i = 0; i < chars - 1; i++) {
    const u = r.u16le();
    if (u === 0) fail(E.unterminatedString, `${what} has a null inside`);
    units.push(u);
  }
  if (r.u16le() !== 0) fail(E.unterminatedString, `${what} has no terminating null`);
  let out = '';
  for (let i = 0; i < units.length; i += 4096) {
    out += String.fromCharCode(...units.slice(i, i + 4096));
  }
  return out;
}

function checkAddress(a: GraphAddress, what: string): void {
  if (!(a.address instanceof Uint8Array) || a.address.length !== 16) {
    throw new RangeError(`${what}: address must be 16 bytes`);
  }
  if (!Number.isInteger(a.port) || a.port < 0 || a.port > 0xffff) {
    throw new RangeError(`${what}: port ${a.port} outside 0..65535`);
  }
}

/** Writes one PEER_IN6_ADDRESS (§2.2.1.3): family, port, 16 address bytes (flow info dropped). */
export function writeIn6Address(w: ByteWriter, a: GraphAddress): void {
  checkAddress(a, 'PEER_IN6_ADDRESS');
  w.u16be(AF_INET6).u16be(a.port).bytes(a.address);
}

/** Reads one PEER_IN6_ADDRESS; a family other than 0x0017 is refused. */
export function readIn6Address(r: ByteReader): GraphAddress {
  const family = r.u16be();
  if (family !== AF_INET6) fail(E.badAddress, `Protocol Family 0x${family.toString(16)}`);
  const port = r.u16be();
  return { address: r.bytes(16), port };
}

/** Writes one PEER_ADDRESS (§2.2.1.5): Size 0x20, family, port, flow info, address, zero. */
export function writePeerAddress(w: ByteWriter, a: GraphAddress): void {
  checkAddress(a, 'PEER_ADDRESS');
  const flowInfo = checkU32(a.flowInfo ?? 0, 'PEER_ADDRESS flow info');
  w.u32be(PEER_ADDRESS_BYTES).u16be(AF_INET6).u16be(a.port).u32be(flowInfo).bytes(a.address);
  w.u32be(0);
}

/**
 * Reads one PEER_ADDRESS. Size must be 0x20 and the family 0x0017; the trailing Zero field is
 * ignored (a decision: being lenient there costs nothing).
 */
export function readPeerAddress(r: ByteReader): GraphAddress {
  const size = r.u32be();
  if (size !== PEER_ADDRESS_BYTES) fail(E.badAddress, `PEER_ADDRESS Size ${size}`);
  const family = r.u16be();
  if (family !== AF_INET6) fail(E.badAddress, `Protocol Family 0x${family.toString(16)}`);
  const port = r.u16be();
  const flowInfo = r.u32be();
  const address = r.bytes(16);
  r.skip(4);
  return { address, port, flowInfo };
}
