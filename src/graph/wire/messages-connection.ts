/**
 * @module graph/wire/messages-connection
 * The connection messages of [MS-PPGRH]: AUTH_INFO (§2.2.2.1), CONNECT (§2.2.2.2), WELCOME
 * (§2.2.2.3), REFUSE (§2.2.2.4) and DISCONNECT (§2.2.2.5), with the receive checks of §3.1.5.1.1
 * and §3.1.5.2.1-4. Flag bits are numbered most significant first, as the diagrams draw them:
 * CONNECT's U is 0x08, D 0x04, N 0x01. Encoders write a zero Address Offset when there are no
 * addresses (what §3.1.5.2.1 prescribes for WELCOME and REFUSE), omit an empty friendly name or
 * destination peer ID (offset = Message Size), and place variable fields in diagram order.
 * Semantic checks that need the local node (graph ID and destination peer ID match) are the
 * node's; the codec checks only the bytes.
 */

import { ByteReader, fail } from '../../util/byte-reader.js';
import { ByteWriter } from '../../util/byte-writer.js';
import {
  CONNECTION_TYPE,
  DISCONNECT_REASON,
  type GraphAddress,
  type GraphMessage,
  MESSAGE_TYPE,
  REFUSE_CODE,
} from '../model.js';
import { GRAPH_WIRE_ERROR as E } from './errors.js';
import {
  checkArray,
  checkCount,
  checkOffset,
  checkOrder,
  MESSAGE_HEADER_BYTES,
  needSize,
  writeHeader,
} from './layout.js';
import type { GraphWireLimits } from './limits.js';
import {
  IN6_ADDRESS_BYTES,
  readIn6Address,
  readU64be,
  readUtf8z,
  utf8z,
  writeIn6Address,
  writeU64be,
} from './primitives.js';

type Msg<T extends GraphMessage['type']> = Extract<GraphMessage, { type: T }>;

const AUTH_INFO_FIXED = 16;
const CONNECT_FIXED = 24;
const WELCOME_FIXED = 32;
const REFUSE_FIXED = 12;
const FLAG_UPDATE = 0x08;
const FLAG_DIRECT = 0x04;
const FLAG_NEIGHBORS = 0x01;
const EMPTY = new Uint8Array(0);

function writeAddresses(w: ByteWriter, addresses: readonly GraphAddress[]): void {
  for (const a of addresses) writeIn6Address(w, a);
}

function readAddresses(data: Uint8Array, offset: number, count: number): GraphAddress[] {
  const r = new ByteReader(data, offset, offset + count * IN6_ADDRESS_BYTES);
  const out: GraphAddress[] = [];
  for (let i = 0; i < count; i++) out.push(readIn6Address(r));
  return out;
}

function nonEmpty(text: string, what: string): string {
  if (text.length === 0) fail(E.emptyString, `${what} is empty`);
  return text;
}

/** AUTH_INFO (§2.2.2.1): Graph ID, Source and (optional) Destination Peer IDs, UTF-8. */
export function encodeAuthInfo(m: Msg<'auth-info'>): Uint8Array {
  if (m.graphId.length === 0 || m.sourcePeerId.length === 0) {
    throw new RangeError('AUTH_INFO needs a graph ID and a source peer ID (§3.1.5.1.1)');
  }
  const graph = utf8z(m.graphId, 'graph ID');
  const source = utf8z(m.sourcePeerId, 'source peer ID');
  const destination =
    m.destinationPeerId.length === 0 ? EMPTY : utf8z(m.destinationPeerId, 'destination peer ID');
  const sourceOffset = AUTH_INFO_FIXED + graph.length;
  const destinationOffset = sourceOffset + source.length;
  const size = destinationOffset + destination.length;
  const w = new ByteWriter(size);
  writeHeader(w, MESSAGE_TYPE.authInfo, size);
  w.u8(CONNECTION_TYPE[m.connectionType]).u8(0);
  w.u16be(AUTH_INFO_FIXED).u16be(sourceOffset).u16be(destinationOffset);
  w.bytes(graph).bytes(source).bytes(destination);
  return w.finish();
}

/** Reads AUTH_INFO with the checks of §3.1.5.1.1. */
export function readAuthInfo(data: Uint8Array): Msg<'auth-info'> {
  const size = data.length;
  needSize(size, AUTH_INFO_FIXED, 'AUTH_INFO');
  const r = new ByteReader(data, MESSAGE_HEADER_BYTES);
  const code = r.u8();
  const connectionType =
    code === CONNECTION_TYPE.neighbor
      ? 'neighbor'
      : code === CONNECTION_TYPE.direct
        ? 'direct'
        : undefined;
  if (connectionType === undefined)
    fail(E.badConnectionType, `Connection Type 0x${code.toString(16)}`);
  r.skip(1); // Reserved2: ignored
  const graphOffset = r.u16be();
  const sourceOffset = r.u16be();
  const destinationOffset = r.u16be();
  checkOffset(graphOffset, AUTH_INFO_FIXED, size, true, 'Graph ID');
  checkOrder(
    graphOffset,
    sourceOffset,
    true,
    'Graph ID Offset must be below Source Peer ID Offset',
  );
  checkOrder(
    sourceOffset,
    destinationOffset,
    true,
    'Source Peer ID Offset must be below Destination Peer ID Offset',
  );
  checkOffset(destinationOffset, AUTH_INFO_FIXED, size, false, 'Destination Peer ID');
  const graphId = nonEmpty(readUtf8z(data, graphOffset, sourceOffset, 'Graph ID'), 'Graph ID');
  const sourcePeerId = nonEmpty(
    readUtf8z(data, sourceOffset, destinationOffset, 'Source Peer ID'),
    'Source Peer ID',
  );
  const destinationPeerId =
    destinationOffset < size
      ? nonEmpty(
          readUtf8z(data, destinationOffset, size, 'Destination Peer ID'),
          'Destination Peer ID',
        )
      : '';
  return { type: 'auth-info', connectionType, graphId, sourcePeerId, destinationPeerId };
}

/** CONNECT (§2.2.2.2): flags, node ID, PEER_IN6_ADDRESS array, optional UTF-8 friendly name. */
export function encodeConnect(m: Msg<'connect'>): Uint8Array {
  const count = checkCount(m.addresses.length, 0xff, 'CONNECT addresses');
  if (m.update && count === 0)
    throw new RangeError('CONNECT with Update needs addresses (§2.2.2.2)');
  const name = m.friendlyName.length === 0 ? EMPTY : utf8z(m.friendlyName, 'friendly name');
  const nameOffset = CONNECT_FIXED + count * IN6_ADDRESS_BYTES;
  const size = nameOffset + name.length;
  const w = new ByteWriter(size);
  writeHeader(w, MESSAGE_TYPE.connect, size);
  const flags =
    (m.update ? FLAG_UPDATE : 0) |
    (m.direct ? FLAG_DIRECT : 0) |
    (m.wantNeighbors ? FLAG_NEIGHBORS : 0);
  w.u8(flags)
    .u8(count)
    .u16be(count > 0 ? CONNECT_FIXED : 0)
    .u16be(nameOffset)
    .u16be(0);
  writeU64be(w, m.nodeId, 'node ID');
  writeAddresses(w, m.addresses);
  w.bytes(name);
  return w.finish();
}

/** Reads CONNECT with the checks of §3.1.5.2.1. */
export function readConnect(data: Uint8Array, limits: GraphWireLimits): Msg<'connect'> {
  const size = data.length;
  needSize(size, CONNECT_FIXED, 'CONNECT');
  const r = new ByteReader(data, MESSAGE_HEADER_BYTES);
  const flags = r.u8(); // Z bits: ignored
  const count = r.u8();
  const addressOffset = r.u16be();
  const nameOffset = r.u16be();
  r.skip(2); // Reserved2: ignored
  const nodeId = readU64be(r);
  const arrayEnd = checkArray(
    'addresses',
    count,
    IN6_ADDRESS_BYTES,
    addressOffset,
    CONNECT_FIXED,
    size,
    limits.maxAddresses,
  );
  checkOrder(
    arrayEnd,
    nameOffset,
    false,
    'Friendly Name Offset must be at least the address array end',
  );
  checkOffset(nameOffset, CONNECT_FIXED, size, nameOffset < size, 'Friendly Name');
  const update = (flags & FLAG_UPDATE) !== 0;
  if (update && count === 0) fail(E.updateWithoutAddresses, 'CONNECT Update bit with no address');
  return {
    type: 'connect',
    update,
    direct: (flags & FLAG_DIRECT) !== 0,
    wantNeighbors: (flags & FLAG_NEIGHBORS) !== 0,
    nodeId,
    addresses: readAddresses(data, addressOffset, count),
    friendlyName: nameOffset < size ? readUtf8z(data, nameOffset, size, 'Friendly Name') : '',
  };
}

/** WELCOME (§2.2.2.3): node ID, peer time, referral addresses, peer ID, optional friendly name. */
export function encodeWelcome(m: Msg<'welcome'>): Uint8Array {
  const count = checkCount(m.addresses.length, 0xff, 'WELCOME addresses');
  const peerId = utf8z(m.peerId, 'peer ID');
  const name = m.friendlyName.length === 0 ? EMPTY : utf8z(m.friendlyName, 'friendly name');
  const peerIdOffset = WELCOME_FIXED + count * IN6_ADDRESS_BYTES;
  const nameOffset = peerIdOffset + peerId.length;
  const size = nameOffset + name.length;
  const w = new ByteWriter(size);
  writeHeader(w, MESSAGE_TYPE.welcome, size);
  writeU64be(w, m.nodeId, 'node ID');
  writeU64be(w, m.peerTime, 'peer time');
  w.u8(count)
    .u8(0)
    .u16be(count > 0 ? WELCOME_FIXED : 0)
    .u16be(peerIdOffset)
    .u16be(nameOffset);
  writeAddresses(w, m.addresses);
  w.bytes(peerId).bytes(name);
  return w.finish();
}

/** Reads WELCOME with the checks of §3.1.5.2.2. */
export function readWelcome(data: Uint8Array, limits: GraphWireLimits): Msg<'welcome'> {
  const size = data.length;
  needSize(size, WELCOME_FIXED, 'WELCOME');
  const r = new ByteReader(data, MESSAGE_HEADER_BYTES);
  const nodeId = readU64be(r);
  const peerTime = readU64be(r);
  const count = r.u8();
  r.skip(1); // Reserved2: ignored
  const addressOffset = r.u16be();
  const peerIdOffset = r.u16be();
  const nameOffset = r.u16be();
  // §3.1.5.2.2: Address Count * 20 + Address Offset MUST be less than Message Size (strict).
  const arrayEnd = checkArray(
    'addresses',
    count,
    IN6_ADDRESS_BYTES,
    addressOffset,
    WELCOME_FIXED,
    size,
    limits.maxAddresses,
    true,
  );
  checkOrder(
    arrayEnd,
    peerIdOffset,
    false,
    'Peer ID Offset must be at least the address array end',
  );
  checkOffset(peerIdOffset, WELCOME_FIXED, size, true, 'Peer ID');
  checkOrder(
    peerIdOffset,
    nameOffset,
    true,
    'Friendly Name Offset must be greater than Peer ID Offset',
  );
  checkOffset(nameOffset, WELCOME_FIXED, size, false, 'Friendly Name');
  return {
    type: 'welcome',
    nodeId,
    peerTime,
    addresses: readAddresses(data, addressOffset, count),
    peerId: readUtf8z(data, peerIdOffset, nameOffset, 'Peer ID'),
    friendlyName: nameOffset < size ? readUtf8z(data, nameOffset, size, 'Friendly Name') : '',
  };
}

function encodeCodeAndAddresses(
  type: number,
  code: number,
  addresses: readonly GraphAddress[],
  what: string,
): Uint8Array {
  const count = checkCount(addresses.length, 0xff, `${what} addresses`);
  const size = REFUSE_FIXED + count * IN6_ADDRESS_BYTES;
  const w = new ByteWriter(size);
  writeHeader(w, type, size);
  w.u8(code)
    .u8(count)
    .u16be(count > 0 ? REFUSE_FIXED : 0);
  writeAddresses(w, addresses);
  return w.finish();
}

function readCodeAndAddresses(
  data: Uint8Array,
  limits: GraphWireLimits,
  what: string,
): { code: number; addresses: GraphAddress[] } {
  const size = data.length;
  needSize(size, REFUSE_FIXED, what);
  const r = new ByteReader(data, MESSAGE_HEADER_BYTES);
  const code = r.u8();
  const count = r.u8();
  const offset = r.u16be();
  checkArray(
    'addresses',
    count,
    IN6_ADDRESS_BYTES,
    offset,
    REFUSE_FIXED,
    size,
    limits.maxAddresses,
  );
  return { code, addresses: readAddresses(data, offset, count) };
}

const REFUSE_CODES: readonly number[] = Object.values(REFUSE_CODE);
const DISCONNECT_REASONS: readonly number[] = Object.values(DISCONNECT_REASON);

/** REFUSE (§2.2.2.4): error code 0x01..0x04 and referral addresses. */
export function encodeRefuse(m: Msg<'refuse'>): Uint8Array {
  if (!REFUSE_CODES.includes(m.code)) throw new RangeError(`REFUSE code ${m.code} not 1..4`);
  return encodeCodeAndAddresses(MESSAGE_TYPE.refuse, m.code, m.addresses, 'REFUSE');
}

/** Reads REFUSE with the checks of §3.1.5.2.3. */
export function readRefuse(data: Uint8Array, limits: GraphWireLimits): Msg<'refuse'> {
  const { code, addresses } = readCodeAndAddresses(data, limits, 'REFUSE');
  if (!REFUSE_CODES.includes(code)) fail(E.badRefuseCode, `Error Code 0x${code.toString(16)}`);
  return { type: 'refuse', code, addresses };
}

/** DISCONNECT (§2.2.2.5): reason 0x01..0x03 and addresses. */
export function encodeDisconnect(m: Msg<'disconnect'>): Uint8Array {
  if (!DISCONNECT_REASONS.includes(m.reason)) {
    throw new RangeError(`DISCONNECT reason ${m.reason} not 1..3`);
  }
  return encodeCodeAndAddresses(MESSAGE_TYPE.disconnect, m.reason, m.addresses, 'DISCONNECT');
}

/** Reads DISCONNECT with the checks of §3.1.5.2.4. */
export function readDisconnect(data: Uint8Array, limits: GraphWireLimits): Msg<'disconnect'> {
  const { code, addresses } = readCodeAndAddresses(data, limits, 'DISCONNECT');
  if (!DISCONNECT_REASONS.includes(code)) {
    fail(E.badDisconnectReason, `Reason 0x${code.toString(16)}`);
  }
  return { type: 'disconnect', reason: code, addresses };
}
