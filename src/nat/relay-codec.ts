/**
 * @module nat/relay-codec
 * The relay's own datagram format (issue 16 Build 3; not an [MS-PNRP] format). Every message is
 * one datagram, most significant byte first:
 *
 *     0  magic 0x52 0x59 ('RY')   2  version 1   3  type
 *
 * | type | name      | body                                                           | bytes |
 * | ---- | --------- | -------------------------------------------------------------- | ----- |
 * | 1    | RESERVE   | request ID (u32), cookie (8; zeros: none), 16 zero bytes        | 32    |
 * | 2    | CHALLENGE | request ID (u32), cookie (8): repeat the RESERVE with it        | 16    |
 * | 3    | RESERVED  | request ID (u32), lifetime s (u16), relayed endpoint (16 + 2)   | 28    |
 * | 4    | REFUSED   | request ID (u32), reason (u8, index in RELAY_REFUSALS)          | 9     |
 * | 5    | SEND      | peer endpoint (16 + 2), payload: client to relay, for the peer  | 22+n  |
 * | 6    | DATA      | peer endpoint (16 + 2), payload: relay to client, from the peer | 22+n  |
 * | 7    | KNOCK     | slot port (u16), nonce (8): send OPEN to our address, that port | 14    |
 * | 8    | OPEN      | nonce (8): the answer to a KNOCK, sent to the slot              | 12    |
 * | 9    | PING      | sequence (u32), padding (0..1392): answered by a PONG as long   | 8+n   |
 * | 10   | PONG      | sequence (u32), the PING's padding                              | 8+n   |
 * | 11   | RELEASE   | request ID (u32): the client gives its reservation back        | 8     |
 *
 * Told apart from the other formats on the same socket by the first bytes: MS-PNRP starts
 * 0x00 0x10, the DHT 'DH', STUN with two zero bits and its cookie at bytes 4-7 (the PNRP decoder
 * refuses every relay message; tested). Every answer is no larger than what asked for it (the
 * RESERVE's padding pays for RESERVED). {@link decodeRelayMessage} never throws and refuses
 * trailing bytes where the length is fixed, so every decoded message re-encodes to its bytes.
 */
import type { Endpoint } from '../keys/endpoint.js';
import { ByteReader, decodeWith, fail } from '../util/byte-reader.js';
import { ByteWriter } from '../util/byte-writer.js';
import type { Result } from '../util/result.js';

/** The first two bytes of every relay message ('RY'). */
export const RELAY_MAGIC: readonly [number, number] = [0x52, 0x59];
/** The format version. */
export const RELAY_VERSION = 1;
/** Magic, version, type. */
export const RELAY_HEADER_BYTES = 4;
/** SEND and DATA header: the 4 above and the peer endpoint. */
export const RELAY_DATA_OVERHEAD: number = RELAY_HEADER_BYTES + 18;
/** Largest payload a SEND or DATA carries (an MS-PNRP AUTHORITY fragment is 1,188 bytes). */
export const RELAY_PAYLOAD_MAX = 1400;
/** Largest PING padding (a PING then fits a SEND or DATA payload). */
export const RELAY_PING_PADDING_MAX = 1392;
/** Why a relay refused a reservation or a SEND. */
export const RELAY_REFUSALS = [
  /** Every slot is taken. */
  'full',
  /** This source address holds its share of the slots already. */
  'source-limit',
  /** Too many RESERVEs from everyone at once. */
  'rate-limited',
  /** A SEND from an endpoint that holds no reservation (expired, or never made). */
  'no-reservation',
] as const;
/** A refusal reason. */
export type RelayRefusal = (typeof RELAY_REFUSALS)[number];

const TYPES = {
  reserve: 1,
  challenge: 2,
  reserved: 3,
  refused: 4,
  send: 5,
  data: 6,
  knock: 7,
  open: 8,
  ping: 9,
  pong: 10,
  release: 11,
} as const;
const TYPE_NAMES = Object.keys(TYPES) as (keyof typeof TYPES)[];
const RESERVE_PADDING = 16;

/** One relay message, discriminated by `type`. */
export type RelayMessage =
  | { readonly type: 'reserve'; readonly requestId: number; readonly cookie?: Uint8Array }
  | { readonly type: 'challenge'; readonly requestId: number; readonly cookie: Uint8Array }
  | {
      readonly type: 'reserved';
      readonly requestId: number;
      readonly lifetimeSeconds: number;
      /** What peers send to: the relay's address and the slot's port. */
      readonly relayed: Endpoint;
    }
  | { readonly type: 'refused'; readonly requestId: number; readonly reason: RelayRefusal }
  | { readonly type: 'send'; readonly peer: Endpoint; readonly payload: Uint8Array }
  | { readonly type: 'data'; readonly peer: Endpoint; readonly payload: Uint8Array }
  | { readonly type: 'knock'; readonly slotPort: number; readonly nonce: Uint8Array }
  | { readonly type: 'open'; readonly nonce: Uint8Array }
  | { readonly type: 'ping'; readonly sequence: number; readonly padding: number }
  | { readonly type: 'pong'; readonly sequence: number; readonly padding: number }
  | { readonly type: 'release'; readonly requestId: number };

/**
 * True when `payload` starts with the relay magic (how a shared socket routes it).
 * @example isRelayDatagram(encodeRelayMessage({ type: 'open', nonce })) // true
 */
export function isRelayDatagram(payload: Uint8Array): boolean {
  return payload.length >= 2 && payload[0] === RELAY_MAGIC[0] && payload[1] === RELAY_MAGIC[1];
}

/**
 * Encodes one message. Throws `RangeError` for fields out of range (programmer error).
 * @example encodeRelayMessage({ type: 'ping', sequence: 1, padding: 0 }).length // 8
 */
export function encodeRelayMessage(m: RelayMessage): Uint8Array {
  const w = new ByteWriter(64);
  w.u8(RELAY_MAGIC[0]).u8(RELAY_MAGIC[1]).u8(RELAY_VERSION).u8(TYPES[m.type]);
  switch (m.type) {
    case 'reserve':
      w.u32be(m.requestId).bytes(bytes8(m.cookie ?? new Uint8Array(8), 'cookie'));
      w.bytes(new Uint8Array(RESERVE_PADDING));
      break;
    case 'challenge':
      w.u32be(m.requestId).bytes(bytes8(m.cookie, 'cookie'));
      break;
    case 'reserved':
      w.u32be(m.requestId).u16be(m.lifetimeSeconds);
      writeEndpoint(w, m.relayed);
      break;
    case 'refused':
      w.u32be(m.requestId).u8(RELAY_REFUSALS.indexOf(m.reason));
      break;
    case 'send':
    case 'data':
      if (m.payload.length > RELAY_PAYLOAD_MAX) throw new RangeError('relay payload too long');
      writeEndpoint(w, m.peer);
      w.bytes(m.payload);
      break;
    case 'knock':
      w.u16be(m.slotPort).bytes(bytes8(m.nonce, 'nonce'));
      break;
    case 'open':
      w.bytes(bytes8(m.nonce, 'nonce'));
      break;
    case 'ping':
    case 'pong':
      if (!Number.isInteger(m.padding) || m.padding < 0 || m.padding > RELAY_PING_PADDING_MAX)
        throw new RangeError(`ping padding must be 0..${RELAY_PING_PADDING_MAX}`);
      w.u32be(m.sequence).bytes(new Uint8Array(m.padding));
      break;
    case 'release':
      w.u32be(m.requestId);
      break;
  }
  return w.finish();
}

/**
 * Decodes one message; never throws.
 * @example const r = decodeRelayMessage(bytes); if (r.ok && r.value.type === 'data') deliver(r.value);
 */
export function decodeRelayMessage(bytes: Uint8Array): Result<RelayMessage> {
  return decodeWith(() => {
    const r = new ByteReader(bytes);
    if (r.u8() !== RELAY_MAGIC[0] || r.u8() !== RELAY_MAGIC[1]) fail('not-relay', 'no RY magic');
    const version = r.u8();
    if (version !== RELAY_VERSION) fail('version', `relay version ${version}`);
    const code = r.u8();
    const type = TYPE_NAMES.find((t) => TYPES[t] === code);
    if (type === undefined) fail('type', `unknown relay message type ${code}`);
    const m = decodeBody(type, r);
    if (r.remaining > 0) fail('trailing', `${r.remaining} bytes after the message`);
    return m;
  });
}

function decodeBody(type: keyof typeof TYPES, r: ByteReader): RelayMessage {
  switch (type) {
    case 'reserve': {
      const requestId = r.u32be();
      const cookie = r.bytes(8);
      const padding = r.bytes(RESERVE_PADDING);
      if (padding.some((b) => b !== 0)) fail('padding', 'RESERVE padding not zero');
      return cookie.some((b) => b !== 0)
        ? { type, requestId, cookie: cookie.slice() }
        : { type, requestId };
    }
    case 'challenge':
      return { type, requestId: r.u32be(), cookie: r.bytes(8).slice() };
    case 'reserved': {
      const requestId = r.u32be();
      const lifetimeSeconds = r.u16be();
      if (lifetimeSeconds === 0) fail('lifetime', 'a reservation lifetime of 0');
      return { type, requestId, lifetimeSeconds, relayed: readEndpoint(r) };
    }
    case 'refused': {
      const requestId = r.u32be();
      const reason = RELAY_REFUSALS[r.u8()];
      if (reason === undefined) fail('reason', 'unknown refusal reason');
      return { type, requestId, reason };
    }
    case 'send':
    case 'data': {
      const peer = readEndpoint(r);
      if (r.remaining > RELAY_PAYLOAD_MAX) fail('too-long', `payload of ${r.remaining} bytes`);
      return { type, peer, payload: r.bytes(r.remaining).slice() };
    }
    case 'knock':
      return { type, slotPort: r.u16be(), nonce: r.bytes(8).slice() };
    case 'open':
      return { type, nonce: r.bytes(8).slice() };
    case 'ping':
    case 'pong': {
      const sequence = r.u32be();
      const padding = r.remaining;
      if (padding > RELAY_PING_PADDING_MAX) fail('too-long', `ping padding of ${padding} bytes`);
      if (r.bytes(padding).some((b) => b !== 0)) fail('padding', 'ping padding not zero');
      return { type, sequence, padding };
    }
    case 'release':
      return { type, requestId: r.u32be() };
  }
}

function bytes8(b: Uint8Array, what: string): Uint8Array {
  if (!(b instanceof Uint8Array) || b.length !== 8) throw new RangeError(`${what} must be 8 bytes`);
  return b;
}

function writeEndpoint(w: ByteWriter, ep: Endpoint): void {
  if (ep.address.length !== 16) throw new RangeError('endpoint address must be 16 bytes');
  w.bytes(ep.address).u16be(ep.port);
}

function readEndpoint(r: ByteReader): Endpoint {
  const address = r.bytes(16).slice();
  const port = r.u16be();
  if (port === 0) fail('port', 'endpoint port 0');
  return { address, port };
}
