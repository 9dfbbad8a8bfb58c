/**
 * @module nat/rendezvous-codec
 * The datagrams of keep-alives, rendezvous and hole punching (issue 16, docs/design.md §5, NAT).
 * They share the node's socket with MS-PNRP, STUN, the DHT (`DH`) and relays (`RY`), told apart by
 * the first two bytes, the magic `RV` (0x52 0x56); the MS-PNRP decoder refuses them (an MS-PNRP
 * header starts 0x00 0x10). Every field is big-endian; an endpoint is 18 bytes: port (2) and the
 * 16-byte address (IPv4 as `::ffff:a.b.c.d`).
 *
 * ```
 *  0  magic 0x52 0x56 ('RV')   2  version 1   3  type
 *  type 1 KEEPALIVE      4 cookie (8)                              12 bytes
 *  type 2 KEEPALIVE_ACK  4 cookie (8)                              12 bytes
 *  type 3 CONNECT        4 txid (8)  12 target (18)  30 padding    54..64 bytes
 *  type 4 FORWARD        4 txid (8)  12 initiator (18)  30 cookie (8)  38 bytes
 *  type 5 CONNECT_REPLY  4 txid (8)  12 status (1)                 13 bytes
 *  type 6 PROBE          4 txid (8)  12 flags (1)  13 seq (1)      14 bytes
 * ```
 *
 * Sizes are chosen for the no-amplification rule: a rendezvous answers a CONNECT with a FORWARD to
 * the target and a CONNECT_REPLY to the sender, 51 bytes, so a CONNECT carries at least
 * {@link CONNECT_PADDING_MIN} bytes of padding (54 bytes in all); a target answers a FORWARD (38
 * bytes) with at most two PROBEs (28 bytes) to the unproven initiator. A FORWARD carries the
 * keep-alive cookie the rendezvous gave the target, which only the two of them (and the path
 * between them) know: a target acts on no FORWARD without it, so an attacker who forges the
 * rendezvous's address can not make the target probe a victim or fill its punch table. A KEEPALIVE_ACK is as long as
 * the KEEPALIVE it answers, a PROBE's acknowledgement as long as the PROBE. Decoding never throws.
 */
import type { Endpoint } from '../keys/endpoint.js';
import { err, ok, type Result } from '../util/result.js';

/** The first two bytes of every rendezvous datagram: ASCII `RV`. */
export const RENDEZVOUS_MAGIC: readonly [number, number] = [0x52, 0x56];
/** The only version this module reads and writes. */
export const RENDEZVOUS_VERSION = 1;
/** Padding a CONNECT carries at least, paying for the FORWARD and the CONNECT_REPLY it causes. */
export const CONNECT_PADDING_MIN = 24;
/** Longest rendezvous datagram decoded. */
export const RENDEZVOUS_BYTES_MAX = 64;
/** Bytes of a keep-alive cookie. */
export const COOKIE_BYTES = 8;
/** Bytes of a punch transaction ID. */
export const TXID_BYTES = 8;

const HEADER = 4;
const ENDPOINT = 18;

/** Why a rendezvous refused a CONNECT (or `forwarded` when it did not). */
export type ConnectStatus = 'forwarded' | 'unknown-target' | 'rate-limited';
const STATUS: readonly ConnectStatus[] = ['forwarded', 'unknown-target', 'rate-limited'];

/** PROBE flag: this probe acknowledges one received. */
export const PROBE_ACK = 0x01;

/**
 * A rendezvous datagram, a union on `type`.
 * @example encodeRendezvous({ type: 'probe', txid, ack: false, seq: 0 })
 */
export type RendezvousMessage =
  | { readonly type: 'keepalive'; readonly cookie: Uint8Array }
  | { readonly type: 'keepalive-ack'; readonly cookie: Uint8Array }
  | {
      readonly type: 'connect';
      readonly txid: Uint8Array;
      readonly target: Endpoint;
      /** Padding bytes; at least {@link CONNECT_PADDING_MIN}. @default 24 */
      readonly padding?: number;
    }
  | {
      readonly type: 'forward';
      readonly txid: Uint8Array;
      readonly initiator: Endpoint;
      /** The keep-alive cookie the rendezvous gave the target (proves the FORWARD is its own). */
      readonly cookie: Uint8Array;
    }
  | { readonly type: 'connect-reply'; readonly txid: Uint8Array; readonly status: ConnectStatus }
  | {
      readonly type: 'probe';
      readonly txid: Uint8Array;
      readonly ack: boolean;
      /** 0..255: which probe (the initiator numbers its exchange pings). */
      readonly seq: number;
    };

const TYPE_CODES = {
  keepalive: 1,
  'keepalive-ack': 2,
  connect: 3,
  forward: 4,
  'connect-reply': 5,
  probe: 6,
} as const;

/**
 * True when `bytes` starts with the rendezvous magic (what the socket split routes on).
 * @example isRendezvousDatagram(encodeRendezvous(m)) // true
 */
export function isRendezvousDatagram(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === RENDEZVOUS_MAGIC[0] && bytes[1] === RENDEZVOUS_MAGIC[1];
}

/**
 * Encodes a rendezvous datagram. Throws `RangeError` for a cookie or transaction ID of the wrong
 * length, an endpoint address that is not 16 bytes, a seq outside 0..255 or too little padding.
 * @example encodeRendezvous({ type: 'keepalive', cookie: new Uint8Array(8) })
 */
export function encodeRendezvous(m: RendezvousMessage): Uint8Array {
  let body: number;
  switch (m.type) {
    case 'keepalive':
    case 'keepalive-ack':
      body = COOKIE_BYTES;
      break;
    case 'connect': {
      const padding = m.padding ?? CONNECT_PADDING_MIN;
      if (!Number.isInteger(padding) || padding < CONNECT_PADDING_MIN)
        throw new RangeError(`a CONNECT carries at least ${CONNECT_PADDING_MIN} bytes of padding`);
      body = TXID_BYTES + ENDPOINT + padding;
      break;
    }
    case 'forward':
      body = TXID_BYTES + ENDPOINT + COOKIE_BYTES;
      break;
    case 'connect-reply':
      body = TXID_BYTES + 1;
      break;
    case 'probe':
      body = TXID_BYTES + 2;
      break;
  }
  const out = new Uint8Array(HEADER + body);
  if (out.length > RENDEZVOUS_BYTES_MAX) throw new RangeError('rendezvous datagram too long');
  out[0] = RENDEZVOUS_MAGIC[0];
  out[1] = RENDEZVOUS_MAGIC[1];
  out[2] = RENDEZVOUS_VERSION;
  out[3] = TYPE_CODES[m.type];
  if (m.type === 'keepalive' || m.type === 'keepalive-ack') {
    put(out, HEADER, m.cookie, COOKIE_BYTES, 'cookie');
    return out;
  }
  put(out, HEADER, m.txid, TXID_BYTES, 'txid');
  const at = HEADER + TXID_BYTES;
  if (m.type === 'connect') putEndpoint(out, at, m.target);
  else if (m.type === 'forward') {
    putEndpoint(out, at, m.initiator);
    put(out, at + ENDPOINT, m.cookie, COOKIE_BYTES, 'cookie');
  } else if (m.type === 'connect-reply') out[at] = STATUS.indexOf(m.status);
  else {
    if (!Number.isInteger(m.seq) || m.seq < 0 || m.seq > 255)
      throw new RangeError('a PROBE seq is 0..255');
    out[at] = m.ack ? PROBE_ACK : 0;
    out[at + 1] = m.seq;
  }
  return out;
}

/**
 * Decodes a rendezvous datagram; never throws. Refuses a wrong magic or version, an unknown type,
 * a length that is not the type's (a CONNECT: 54..64 bytes), unknown flags or status, and
 * padding that is not zero (so every accepted datagram re-encodes to the same bytes).
 * @example const r = decodeRendezvous(bytes); if (r.ok && r.value.type === 'probe') ...
 */
export function decodeRendezvous(bytes: Uint8Array): Result<RendezvousMessage> {
  if (!(bytes instanceof Uint8Array)) return err('not-bytes', 'expected a Uint8Array');
  if (bytes.length < HEADER) return err('truncated', `need ${HEADER} bytes, have ${bytes.length}`);
  if (!isRendezvousDatagram(bytes)) return err('bad-magic', 'not a rendezvous datagram');
  if (bytes[2] !== RENDEZVOUS_VERSION) return err('bad-version', `version ${bytes[2]}`);
  if (bytes.length > RENDEZVOUS_BYTES_MAX) return err('too-long', `${bytes.length} bytes`);
  const type = bytes[3]!;
  const n = bytes.length;
  const sized = (want: number): boolean => n === want;
  const cookie = (): Uint8Array => bytes.slice(HEADER, HEADER + COOKIE_BYTES);
  const txid = (): Uint8Array => bytes.slice(HEADER, HEADER + TXID_BYTES);
  const at = HEADER + TXID_BYTES;
  switch (type) {
    case 1:
      return sized(HEADER + COOKIE_BYTES) ? ok({ type: 'keepalive', cookie: cookie() }) : bad(n);
    case 2:
      return sized(HEADER + COOKIE_BYTES)
        ? ok({ type: 'keepalive-ack', cookie: cookie() })
        : bad(n);
    case 3: {
      const padding = n - at - ENDPOINT;
      if (padding < CONNECT_PADDING_MIN) return bad(n);
      for (let i = at + ENDPOINT; i < n; i++)
        if (bytes[i] !== 0) return err('bad-padding', 'CONNECT padding must be zero bytes');
      return ok({ type: 'connect', txid: txid(), target: getEndpoint(bytes, at), padding });
    }
    case 4:
      return sized(at + ENDPOINT + COOKIE_BYTES)
        ? ok({
            type: 'forward',
            txid: txid(),
            initiator: getEndpoint(bytes, at),
            cookie: bytes.slice(at + ENDPOINT, at + ENDPOINT + COOKIE_BYTES),
          })
        : bad(n);
    case 5: {
      if (!sized(at + 1)) return bad(n);
      const status = STATUS[bytes[at]!];
      if (status === undefined) return err('bad-status', `status ${bytes[at]}`);
      return ok({ type: 'connect-reply', txid: txid(), status });
    }
    case 6: {
      if (!sized(at + 2)) return bad(n);
      const flags = bytes[at]!;
      if ((flags & ~PROBE_ACK) !== 0) return err('bad-flags', `flags ${flags}`);
      return ok({ type: 'probe', txid: txid(), ack: flags === PROBE_ACK, seq: bytes[at + 1]! });
    }
    default:
      return err('bad-type', `type ${type}`);
  }
}

function bad(n: number): { readonly ok: false; readonly error: { code: string; detail: string } } {
  return err('bad-length', `${n} bytes`);
}

function put(out: Uint8Array, at: number, value: Uint8Array, len: number, what: string): void {
  if (!(value instanceof Uint8Array) || value.length !== len)
    throw new RangeError(`${what} must be ${len} bytes`);
  out.set(value, at);
}

function putEndpoint(out: Uint8Array, at: number, ep: Endpoint): void {
  if (!(ep.address instanceof Uint8Array) || ep.address.length !== 16)
    throw new RangeError('an endpoint address is 16 bytes');
  if (!Number.isInteger(ep.port) || ep.port < 0 || ep.port > 0xffff)
    throw new RangeError('an endpoint port is 0..65535');
  out[at] = ep.port >>> 8;
  out[at + 1] = ep.port & 0xff;
  out.set(ep.address, at + 2);
}

function getEndpoint(bytes: Uint8Array, at: number): Endpoint {
  return { port: (bytes[at]! << 8) | bytes[at + 1]!, address: bytes.slice(at + 2, at + 18) };
}
