/**
 * @module keys/endpoint
 * Endpoints: an IPv6 address (16 bytes; IPv4 as IPv4-mapped `::ffff:a.b.c.d`) and a UDP port, the
 * IPV6_ENDPOINT of [MS-PNRP] §2.2.3.6. Every transport maps its peers onto this shape (the WebRTC
 * transport uses synthetic unique-local addresses), so the core has one address type.
 */

/** An address and port. `address` is always 16 bytes. */
export interface Endpoint {
  readonly address: Uint8Array;
  readonly port: number;
  /**
   * IPv6 zone (scope) ID of a link-local address (`eth0`, or an interface index): which link to
   * send on. A hint for the transport only: route entries on the wire carry none, and
   * `endpointKey`/`endpointsEqual` ignore it.
   */
  readonly zone?: string;
}

/** Ports at or below this are refused in remote input ([MS-PNRP] §2.2.3.4, §3.1.5.2). */
export const PORT_RESERVED_MAX = 1024;

/**
 * Checks an endpoint given by local code; throws `TypeError`/`RangeError`.
 * @example assertEndpoint({ address: new Uint8Array(16), port: 3540 });
 */
export function assertEndpoint(ep: Endpoint, what = 'endpoint'): void {
  if (typeof ep !== 'object' || ep === null) throw new TypeError(`${what} must be an object`);
  if (!(ep.address instanceof Uint8Array))
    throw new TypeError(`${what}.address must be a Uint8Array`);
  if (ep.address.length !== 16) {
    throw new RangeError(
      `${what}.address must be 16 bytes (IPv6 or IPv4-mapped), got ${ep.address.length}`,
    );
  }
  if (!Number.isInteger(ep.port) || ep.port < 0 || ep.port > 0xffff) {
    throw new RangeError(`${what}.port must be 0..65535, got ${ep.port}`);
  }
}

/**
 * Endpoint keys handed out, each string once (issue 13 Build 3: every node's proven set,
 * credits and outstanding requests keyed the same few thousand endpoints with a fresh 9-char
 * string each, ~6 KB per simulated node). Bounded: emptied when full, which only costs sharing.
 */
const KEY_INTERN_MAX = 1 << 16;
const keyIntern = new Map<string, string>();

/**
 * A compact string identifying the endpoint, for use as a Map key. Equal endpoints get the
 * same string instance while it is in the (bounded) intern table, so Maps that hold the key
 * share it instead of each keeping a copy.
 * @example endpointKey(ep) === endpointKey(sameEp) // true
 */
export function endpointKey(ep: Endpoint): string {
  const a = ep.address;
  const port = ep.port;
  // A direct-mapped cache of recent keys in front of the intern table: a hit compares 16 bytes and
  // the port instead of building a 9-char string and hashing it in a Map (issue 13 Build 3: a
  // datagram's endpoints are keyed several times on its way through a node).
  const w2 = ((a[8]! << 24) | (a[9]! << 16) | (a[10]! << 8) | a[11]!) >>> 0;
  const w3 = ((a[12]! << 24) | (a[13]! << 16) | (a[14]! << 8) | a[15]!) >>> 0;
  const slot = Math.imul(w3 ^ Math.imul(w2, 0x9e3779b1) ^ port, 0x85ebca6b) >>> KEY_CACHE_SHIFT;
  const o = slot * 16;
  if (cachePorts[slot] === port) {
    let same = true;
    for (let i = 0; i < 16; i++) {
      if (cacheBytes[o + i] !== a[i]) {
        same = false;
        break;
      }
    }
    if (same) return cacheKeys[slot]!;
  }
  const key = internedKey(a, port);
  for (let i = 0; i < 16; i++) cacheBytes[o + i] = a[i]!;
  cachePorts[slot] = port;
  cacheKeys[slot] = key;
  return key;
}

/** Slots of the key cache: 2^(32 - shift). */
const KEY_CACHE_SHIFT = 20;
const KEY_CACHE_SLOTS = 1 << (32 - KEY_CACHE_SHIFT);
const cacheBytes = new Uint8Array(KEY_CACHE_SLOTS * 16);
/** -1: empty slot (no port is negative). */
const cachePorts = new Int32Array(KEY_CACHE_SLOTS).fill(-1);
const cacheKeys: string[] = new Array<string>(KEY_CACHE_SLOTS).fill('');

function internedKey(a: Uint8Array, port: number): string {
  const s = String.fromCharCode(
    (a[0]! << 8) | a[1]!,
    (a[2]! << 8) | a[3]!,
    (a[4]! << 8) | a[5]!,
    (a[6]! << 8) | a[7]!,
    (a[8]! << 8) | a[9]!,
    (a[10]! << 8) | a[11]!,
    (a[12]! << 8) | a[13]!,
    (a[14]! << 8) | a[15]!,
    port,
  );
  const interned = keyIntern.get(s);
  if (interned !== undefined) return interned;
  if (keyIntern.size >= KEY_INTERN_MAX) keyIntern.clear();
  keyIntern.set(s, s);
  return s;
}

/**
 * True when both endpoints have the same address and port.
 * @example endpointsEqual(a, b)
 */
export function endpointsEqual(a: Endpoint, b: Endpoint): boolean {
  if (a.port !== b.port) return false;
  for (let i = 0; i < 16; i++) if (a.address[i] !== b.address[i]) return false;
  return true;
}

/**
 * True for `::ffff:a.b.c.d`.
 * @example isIpv4Mapped(ipv4Mapped(127, 0, 0, 1)) // true
 */
export function isIpv4Mapped(address: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (address[i] !== 0) return false;
  return address[10] === 0xff && address[11] === 0xff;
}

/**
 * The IPv4-mapped IPv6 form of an IPv4 address.
 * @example ipv4Mapped(127, 0, 0, 1) // ::ffff:127.0.0.1
 */
export function ipv4Mapped(a: number, b: number, c: number, d: number): Uint8Array {
  const out = new Uint8Array(16);
  out[10] = 0xff;
  out[11] = 0xff;
  out.set([a, b, c, d], 12);
  return out;
}

/**
 * Text form of an address: dotted IPv4 for mapped addresses, RFC 5952 IPv6 otherwise.
 * @example formatAddress(ipv4Mapped(10, 0, 0, 1)) // '10.0.0.1'
 */
export function formatAddress(address: Uint8Array): string {
  if (isIpv4Mapped(address)) return Array.from(address.subarray(12)).join('.');
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((address[i]! << 8) | address[i + 1]!);
  // Longest run of two or more zero words is compressed to "::" (first one on a tie).
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/**
 * `[ipv6]:port` or `a.b.c.d:port`.
 * @example formatEndpoint({ address: ipv4Mapped(127, 0, 0, 1), port: 3540 }) // '127.0.0.1:3540'
 */
export function formatEndpoint(ep: Endpoint): string {
  const text = formatAddress(ep.address);
  if (isIpv4Mapped(ep.address)) return `${text}:${ep.port}`;
  return ep.zone === undefined ? `[${text}]:${ep.port}` : `[${text}%${ep.zone}]:${ep.port}`;
}

/**
 * True for an IPv6 link-local unicast address (`fe80::/10`), the only kind a zone ID applies to.
 * @example isLinkLocal(parseAddress('fe80::1')) // true
 */
export function isLinkLocal(address: Uint8Array): boolean {
  return address[0] === 0xfe && (address[1]! & 0xc0) === 0x80;
}

/** Interface names and indexes as they appear after `%` (RFC 6874 unreserved characters). */
const ZONE = /^[A-Za-z0-9._~-]{1,64}$/;

/**
 * Parses an address in text: dotted IPv4 (returned IPv4-mapped) or IPv6, `::` allowed.
 * @example parseAddress('::1')
 * @throws RangeError for anything else.
 */
export function parseAddress(text: string): Uint8Array {
  if (typeof text !== 'string') throw new TypeError('address must be a string');
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const parts = v4.slice(1).map(Number);
    if (parts.some((p) => p > 255)) throw new RangeError(`bad IPv4 address "${text}"`);
    return ipv4Mapped(parts[0]!, parts[1]!, parts[2]!, parts[3]!);
  }
  const halves = text.split('::');
  if (halves.length > 2) throw new RangeError(`bad IPv6 address "${text}"`);
  const parseWords = (s: string): number[] =>
    s === ''
      ? []
      : s.split(':').map((w) => {
          if (!/^[0-9a-fA-F]{1,4}$/.test(w)) throw new RangeError(`bad IPv6 address "${text}"`);
          return Number.parseInt(w, 16);
        });
  const head = parseWords(halves[0]!);
  const tail = halves.length === 2 ? parseWords(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || (halves.length === 2 && missing < 1)) {
    throw new RangeError(`bad IPv6 address "${text}"`);
  }
  const words = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const out = new Uint8Array(16);
  words.forEach((w, i) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  });
  return out;
}

/**
 * Parses `[ipv6]:port`, `a.b.c.d:port` or `host-less :port` forms.
 * @example parseEndpoint('[::1]:3540')
 * @throws RangeError when malformed.
 */
export function parseEndpoint(text: string): Endpoint {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([0-9.]+):(\d+)$/.exec(text);
  if (!m) throw new RangeError(`bad endpoint "${text}": expected [ipv6]:port or a.b.c.d:port`);
  const port = Number(m[2]);
  if (port > 0xffff) throw new RangeError(`bad port in "${text}"`);
  const percent = m[1]!.indexOf('%');
  const address = parseAddress(percent < 0 ? m[1]! : m[1]!.slice(0, percent));
  if (percent < 0) return { address, port };
  const zone = m[1]!.slice(percent + 1);
  if (!ZONE.test(zone)) throw new RangeError(`bad zone ID "${zone}" in "${text}"`);
  if (!isLinkLocal(address))
    throw new RangeError(`zone ID in "${text}": only link-local (fe80::/10) addresses take one`);
  return { address, port, zone };
}

/** `HOST:PORT` with a host name, as {@link splitHostPort} returns it. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/**
 * Splits `name:port` whose host is a DNS name (letters, digits, hyphens, dots; RFC 1123 labels).
 * Undefined for anything else, IP literals included (parse those with {@link parseEndpoint}).
 * @example splitHostPort('localhost:3540') // { host: 'localhost', port: 3540 }
 * @throws RangeError for a host name with a bad port.
 */
export function splitHostPort(text: string): HostPort | undefined {
  const m =
    /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?):(\d{1,5})$/.exec(
      text,
    );
  if (!m || /^[0-9.]+$/.test(m[1]!) || m[1]!.length > 253) return undefined;
  const port = Number(m[2]);
  if (port > 0xffff) throw new RangeError(`bad port in "${text}"`);
  return { host: m[1]!, port };
}
