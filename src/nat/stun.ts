/**
 * @module nat/stun
 * The small part of STUN (RFC 5389/8489) address discovery needs: Binding requests, success
 * responses and indications, the XOR-MAPPED-ADDRESS attribute, and one private comprehension-
 * optional attribute, DIAL-BACK (0xC0D1), asking a node to probe a candidate address with a
 * Binding indication that carries the request's transaction ID (docs/design.md §5, NAT). Other
 * attributes are skipped on decode (FINGERPRINT, SOFTWARE, ... of public STUN servers); a request
 * with an unknown comprehension-required attribute is refused, so it goes unanswered.
 *
 * A STUN datagram and an MS-PNRP one never look alike: STUN's bytes 4-7 are the magic cookie
 * 0x2112A442, an MS-PNRP header's byte 4 is 0x51 ({@link isStunDatagram}). Decoding never throws.
 */
import type { Endpoint } from '../keys/endpoint.js';
import { isIpv4Mapped } from '../keys/endpoint.js';
import { err, ok, type Result } from '../util/result.js';

/** STUN's magic cookie (RFC 5389 §6). */
export const STUN_MAGIC_COOKIE = 0x2112a442;
/** The fixed STUN header: type, length, cookie, 96-bit transaction ID. */
export const STUN_HEADER_BYTES = 20;
/** Longest STUN datagram decoded; larger ones are refused (ours are at most 76 bytes). */
export const STUN_BYTES_MAX = 548;
/** XOR-MAPPED-ADDRESS (RFC 5389 §15.2). */
export const ATTR_XOR_MAPPED_ADDRESS = 0x0020;
/** DIAL-BACK: private, comprehension-optional; same value layout as XOR-MAPPED-ADDRESS. */
export const ATTR_DIAL_BACK = 0xc0d1;
/** PADDING (RFC 5780 §7.6): skipped; a dial-back request carries some to pay for its probe. */
export const ATTR_PADDING = 0x0026;
/** The Binding method. */
const METHOD_BINDING = 0x001;

/** A STUN message class: request, indication, success or error response. */
export type StunClass = 'request' | 'indication' | 'success' | 'error';

const CLASS_BITS: Record<StunClass, number> = {
  request: 0x0000,
  indication: 0x0010,
  success: 0x0100,
  error: 0x0110,
};

/**
 * A Binding message as this module reads and writes it.
 * @example { cls: 'request', transactionId: rng.bytes(12) }
 */
export interface StunMessage {
  readonly cls: StunClass;
  /** 12 bytes. */
  readonly transactionId: Uint8Array;
  /** XOR-MAPPED-ADDRESS: where the sender saw the datagram come from (success responses). */
  readonly mapped?: Endpoint;
  /** DIAL-BACK: the candidate address the requester asks to be probed at (requests). */
  readonly dialBack?: Endpoint;
  /** Bytes of PADDING value (a multiple of 4, at most 528); decoded as the padded lengths' sum. */
  readonly padding?: number;
}

/**
 * True when `bytes` is shaped like a STUN message (the first two bits zero, the magic cookie,
 * a length that matches): what a socket shared with MS-PNRP demultiplexes on.
 * @example isStunDatagram(encodeStun({ cls: 'request', transactionId })) // true
 */
export function isStunDatagram(bytes: Uint8Array): boolean {
  return (
    bytes.length >= STUN_HEADER_BYTES &&
    (bytes[0]! & 0xc0) === 0 &&
    u32(bytes, 4) === STUN_MAGIC_COOKIE &&
    ((bytes[2]! << 8) | bytes[3]!) + STUN_HEADER_BYTES === bytes.length
  );
}

/**
 * Encodes a Binding message. Throws `RangeError` for a transaction ID that is not 12 bytes.
 * @example encodeStun({ cls: 'success', transactionId, mapped: from })
 */
export function encodeStun(m: StunMessage): Uint8Array {
  if (!(m.transactionId instanceof Uint8Array) || m.transactionId.length !== 12)
    throw new RangeError('a STUN transaction ID is 12 bytes');
  const attrs: [number, Endpoint][] = [];
  if (m.mapped) attrs.push([ATTR_XOR_MAPPED_ADDRESS, m.mapped]);
  if (m.dialBack) attrs.push([ATTR_DIAL_BACK, m.dialBack]);
  const padding = m.padding ?? 0;
  if (
    !Number.isInteger(padding) ||
    padding < 0 ||
    padding > STUN_BYTES_MAX - STUN_HEADER_BYTES ||
    padding % 4 !== 0
  )
    throw new RangeError(`padding must be a multiple of 4 in 0..528, got ${padding}`);
  const size =
    attrs.reduce((n, [, ep]) => n + 4 + addressValueBytes(ep), 0) + (padding > 0 ? 4 + padding : 0);
  const out = new Uint8Array(STUN_HEADER_BYTES + size);
  const type = METHOD_BINDING | CLASS_BITS[m.cls];
  put16(out, 0, type);
  put16(out, 2, size);
  put32(out, 4, STUN_MAGIC_COOKIE);
  out.set(m.transactionId, 8);
  let at = STUN_HEADER_BYTES;
  for (const [attr, ep] of attrs) at = writeXorAddress(out, at, attr, ep, m.transactionId);
  if (padding > 0) {
    put16(out, at, ATTR_PADDING);
    put16(out, at + 2, padding);
  }
  return out;
}

/**
 * Decodes a Binding message; never throws. Refuses other methods, bad lengths, an address family
 * other than IPv4 or IPv6, and (in requests) unknown comprehension-required attributes.
 * @example const r = decodeStun(bytes); if (r.ok && r.value.cls === 'request') answer(r.value);
 */
export function decodeStun(bytes: Uint8Array): Result<StunMessage> {
  if (!(bytes instanceof Uint8Array)) return err('not-bytes', 'a STUN message must be bytes');
  if (bytes.length > STUN_BYTES_MAX)
    return err('too-long', `${bytes.length} bytes, at most ${STUN_BYTES_MAX}`);
  if (!isStunDatagram(bytes)) return err('not-stun', 'no STUN header (cookie, length)');
  const type = (bytes[0]! << 8) | bytes[1]!;
  const method = (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2);
  if (method !== METHOD_BINDING)
    return err('unsupported-method', `method 0x${method.toString(16)}`);
  const cls = classOf(type & 0x0110);
  const transactionId = bytes.slice(8, 20);
  let mapped: Endpoint | undefined;
  let dialBack: Endpoint | undefined;
  let padding = 0;
  let at = STUN_HEADER_BYTES;
  while (at < bytes.length) {
    if (bytes.length - at < 4) return err('truncated', 'attribute header cut short');
    const attr = (bytes[at]! << 8) | bytes[at + 1]!;
    const len = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    const padded = (len + 3) & ~3;
    if (bytes.length - at - 4 < padded)
      return err('truncated', `attribute 0x${attr.toString(16)} needs ${padded} bytes`);
    const value = bytes.subarray(at + 4, at + 4 + len);
    if (attr === ATTR_XOR_MAPPED_ADDRESS || attr === ATTR_DIAL_BACK) {
      const ep = readXorAddress(value, transactionId);
      if (!ep.ok) return ep;
      if (attr === ATTR_XOR_MAPPED_ADDRESS) mapped ??= ep.value;
      else dialBack ??= ep.value;
    } else if (attr === ATTR_PADDING) {
      padding += padded;
    } else if (attr < 0x8000 && cls === 'request') {
      return err('unknown-attribute', `comprehension-required attribute 0x${attr.toString(16)}`);
    }
    at += 4 + padded;
  }
  return ok({
    cls,
    transactionId,
    ...(mapped ? { mapped } : {}),
    ...(dialBack ? { dialBack } : {}),
    ...(padding > 0 ? { padding } : {}),
  });
}

function classOf(bits: number): StunClass {
  if (bits === 0x0000) return 'request';
  if (bits === 0x0010) return 'indication';
  return bits === 0x0100 ? 'success' : 'error';
}

function addressValueBytes(ep: Endpoint): number {
  return isIpv4Mapped(ep.address) ? 8 : 20;
}

function writeXorAddress(
  out: Uint8Array,
  at: number,
  attr: number,
  ep: Endpoint,
  transactionId: Uint8Array,
): number {
  const v4 = isIpv4Mapped(ep.address);
  const len = v4 ? 8 : 20;
  put16(out, at, attr);
  put16(out, at + 2, len);
  out[at + 5] = v4 ? 0x01 : 0x02;
  put16(out, at + 6, (ep.port ^ (STUN_MAGIC_COOKIE >>> 16)) & 0xffff);
  const key = xorKey(transactionId);
  const address = v4 ? ep.address.subarray(12) : ep.address;
  for (let i = 0; i < address.length; i++) out[at + 8 + i] = address[i]! ^ key[i]!;
  return at + 4 + len;
}

function readXorAddress(value: Uint8Array, transactionId: Uint8Array): Result<Endpoint> {
  const family = value[1];
  const want = family === 0x01 ? 8 : family === 0x02 ? 20 : -1;
  if (want < 0) return err('bad-family', `address family ${family}`);
  if (value.length !== want) return err('bad-address', `family ${family} needs ${want} bytes`);
  const key = xorKey(transactionId);
  const address = new Uint8Array(16);
  if (family === 0x01) {
    address[10] = 0xff;
    address[11] = 0xff;
    for (let i = 0; i < 4; i++) address[12 + i] = value[4 + i]! ^ key[i]!;
  } else {
    for (let i = 0; i < 16; i++) address[i] = value[4 + i]! ^ key[i]!;
  }
  const port = (((value[2]! << 8) | value[3]!) ^ (STUN_MAGIC_COOKIE >>> 16)) & 0xffff;
  return ok({ address, port });
}

/** The cookie followed by the transaction ID: what X-Address bytes are XORed with. */
function xorKey(transactionId: Uint8Array): Uint8Array {
  const key = new Uint8Array(16);
  put32(key, 0, STUN_MAGIC_COOKIE);
  key.set(transactionId, 4);
  return key;
}

function u32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

function put16(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 8;
  b[at + 1] = v & 0xff;
}

function put32(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
}
