/**
 * Each receive check of [MS-PPGRH] §3.1.5.1.1 and §3.1.5.2.x, broken once on an otherwise valid
 * message, must be refused with its stable code; each base message is accepted as is, so every
 * row tests exactly one rule.
 */
import { describe, expect, it } from 'vitest';
import type { GraphMessage, GraphRecord } from '../../../../src/graph/model.js';
import { RECORD_TYPE } from '../../../../src/graph/model.js';
import { GRAPH_WIRE_ERROR as E, encodeGraphMessage } from '../../../../src/graph/wire/index.js';
import { be, bytes, fill, outcome, patch, resize } from './helpers.js';

const address = { address: new Uint8Array(16).fill(9), port: 1 };
const id = new Uint8Array(16).fill(5);
const record: GraphRecord = {
  type: RECORD_TYPE.presence,
  id,
  version: 1,
  deleted: false,
  creatorId: 'c',
  modifiedById: '',
  securityData: new Uint8Array(0),
  createdAt: 1n,
  expiresAt: 2n,
  modifiedAt: 1n,
  graphId: 'g',
  payload: new Uint8Array([1]),
  attributes: '',
};

function enc(m: GraphMessage): Uint8Array {
  return encodeGraphMessage(m);
}

/** AUTH_INFO from its fields (§2.2.2.1), to place offsets and strings freely. */
function authInfo(
  type: number,
  g: number,
  s: number,
  d: number,
  tail: number[],
  size?: number,
): Uint8Array {
  const b = bytes(fill(4), 0x10, 0x01, 0, 0, type, 0, be(g, 2), be(s, 2), be(d, 2), tail);
  return size === undefined ? resize(b, b.length) : patch(b, 0, be(size, 4));
}

const authOk = authInfo(1, 16, 18, 20, [0x67, 0, 0x73, 0]); // "g", "s", no destination
const connect = enc({
  type: 'connect',
  update: true,
  direct: false,
  wantNeighbors: false,
  nodeId: 1n,
  addresses: [address],
  friendlyName: 'f',
});
const welcome = enc({
  type: 'welcome',
  nodeId: 1n,
  peerTime: 2n,
  addresses: [address],
  peerId: 'p',
  friendlyName: 'f',
});
const refuse = enc({ type: 'refuse', code: 1, addresses: [address] });
const disconnect = enc({ type: 'disconnect', reason: 1, addresses: [address] });
const solicitNew = enc({ type: 'solicit-new', filter: { mode: 'include', types: [id] } });
const solicitTime = enc({
  type: 'solicit-time',
  filter: { mode: 'include', types: [id] },
  modifiedSince: 3n,
});
const solicitHash = enc({
  type: 'solicit-hash',
  filter: { mode: 'exclude', types: [id] },
  entries: [{ hash: id, modifiedAt: 1n, id }],
});
const advertise = enc({
  type: 'advertise',
  boundaries: [{ lowerModifiedAt: 1n, lowerId: id, upperModifiedAt: 2n, upperId: id, count: 1 }],
  abstracts: [{ id, version: 1 }],
});
const request = enc({ type: 'request', abstracts: [{ id, version: 1 }] });
const flood = enc({ type: 'flood', record });
const syncEnd = enc({ type: 'sync-end' });
const pt2pt = enc({ type: 'pt2pt', dataType: id, payload: new Uint8Array([1, 2]) });
const ack = enc({ type: 'ack', acks: [{ id, useful: true }] });

const bases: [string, Uint8Array][] = [
  ['AUTH_INFO', authOk],
  ['CONNECT', connect],
  ['WELCOME', welcome],
  ['REFUSE', refuse],
  ['DISCONNECT', disconnect],
  ['SOLICIT_NEW', solicitNew],
  ['SOLICIT_TIME', solicitTime],
  ['SOLICIT_HASH', solicitHash],
  ['ADVERTISE', advertise],
  ['REQUEST', request],
  ['FLOOD', flood],
  ['SYNC_END', syncEnd],
  ['PT2PT', pt2pt],
  ['ACK', ack],
];

const cases: [string, Uint8Array, string][] = [
  // PEER_MESSAGE (§2.2.1.2, §3.1.5.2)
  ['fewer than 4 bytes', bytes(0, 0, 0), E.truncated],
  ['Message Size below 8', patch(syncEnd, 0, be(4, 4)), E.tooShort],
  ['Message Size not the unit length', patch(syncEnd, 0, be(13, 4)), E.sizeMismatch],
  ['Version 0x11', patch(syncEnd, 4, [0x11]), E.badVersion],
  ['Message Type 0x00', patch(syncEnd, 5, [0x00]), E.unknownType],
  ['Message Type 0x0F', patch(syncEnd, 5, [0x0f]), E.unknownType],
  // AUTH_INFO (§3.1.5.1.1)
  ['AUTH_INFO under 0x10 bytes', resize(authOk, 15), E.tooShort],
  ['AUTH_INFO Connection Type 3', patch(authOk, 8, [3]), E.badConnectionType],
  [
    'AUTH_INFO Graph ID Offset not below Source',
    authInfo(1, 18, 18, 20, [0x67, 0, 0x73, 0]),
    E.offsetOrder,
  ],
  [
    'AUTH_INFO Source not below Destination',
    authInfo(1, 16, 18, 18, [0x67, 0, 0x73, 0]),
    E.offsetOrder,
  ],
  [
    'AUTH_INFO Destination beyond Message Size',
    authInfo(1, 16, 18, 21, [0x67, 0, 0x73, 0]),
    E.offsetOutOfBounds,
  ],
  [
    'AUTH_INFO Graph ID Offset in the header',
    authInfo(1, 8, 18, 20, [0x67, 0, 0x73, 0]),
    E.offsetOutOfBounds,
  ],
  ['AUTH_INFO empty Source Peer ID', authInfo(1, 16, 18, 19, [0x67, 0, 0]), E.emptyString],
  ['AUTH_INFO empty Graph ID', authInfo(1, 16, 17, 19, [0, 0x73, 0]), E.emptyString],
  [
    'AUTH_INFO empty Destination present',
    authInfo(1, 16, 18, 20, [0x67, 0, 0x73, 0, 0]),
    E.emptyString,
  ],
  [
    'AUTH_INFO unterminated Graph ID',
    authInfo(1, 16, 18, 20, [0x67, 0x68, 0x73, 0]),
    E.unterminatedString,
  ],
  ['AUTH_INFO Graph ID not UTF-8', authInfo(1, 16, 18, 20, [0xff, 0, 0x73, 0]), E.invalidUtf8],
  // CONNECT (§3.1.5.2.1)
  ['CONNECT under 0x18 bytes', resize(connect, 23), E.tooShort],
  ['CONNECT addresses beyond Message Size', patch(connect, 9, [2]), E.arrayOutOfBounds],
  ['CONNECT Friendly Name inside the addresses', patch(connect, 12, be(40, 2)), E.offsetOrder],
  [
    'CONNECT Friendly Name Offset beyond Message Size',
    patch(connect, 12, be(0x100, 2)),
    E.offsetOutOfBounds,
  ],
  ['CONNECT Address Offset in the header', patch(connect, 10, be(4, 2)), E.offsetOutOfBounds],
  [
    'CONNECT Update with no address',
    patch(patch(connect, 9, [0]), 10, be(0, 2)),
    E.updateWithoutAddresses,
  ],
  ['CONNECT address family not 0x0017', patch(connect, 24, [0x00, 0x02]), E.badAddress],
  // WELCOME (§3.1.5.2.2)
  ['WELCOME under 0x20 bytes', resize(welcome, 31), E.tooShort],
  [
    'WELCOME addresses reaching Message Size',
    patch(welcome, 26, be(welcome.length - 20, 2)),
    E.arrayOutOfBounds,
  ],
  ['WELCOME Peer ID inside the addresses', patch(welcome, 28, be(40, 2)), E.offsetOrder],
  [
    'WELCOME Friendly Name Offset not above Peer ID Offset',
    patch(welcome, 30, be(52, 2)),
    E.offsetOrder,
  ],
  [
    'WELCOME Friendly Name Offset beyond Message Size',
    patch(welcome, 30, be(0x200, 2)),
    E.offsetOutOfBounds,
  ],
  // REFUSE (§3.1.5.2.3), DISCONNECT (§3.1.5.2.4)
  ['REFUSE under 0x0C bytes', resize(refuse, 11), E.tooShort],
  ['REFUSE addresses beyond Message Size', patch(refuse, 9, [2]), E.arrayOutOfBounds],
  ['REFUSE Error Code 0', patch(refuse, 8, [0]), E.badRefuseCode],
  ['REFUSE Error Code 5', patch(refuse, 8, [5]), E.badRefuseCode],
  ['DISCONNECT under 0x0C bytes', resize(disconnect, 11), E.tooShort],
  [
    'DISCONNECT addresses beyond Message Size',
    patch(disconnect, 10, be(13, 2)),
    E.arrayOutOfBounds,
  ],
  ['DISCONNECT Reason 4', patch(disconnect, 8, [4]), E.badDisconnectReason],
  // SOLICIT_NEW (§3.1.5.2.5), SOLICIT_TIME (§3.1.5.2.6)
  ['SOLICIT_NEW under 0x0C bytes', resize(solicitNew, 11), E.tooShort],
  ['SOLICIT_NEW inclusion and exclusion', patch(solicitNew, 9, [1]), E.includeAndExclude],
  ['SOLICIT_NEW Inclusion Count 2', patch(solicitNew, 8, [2]), E.inclusionCount],
  ['SOLICIT_NEW types beyond Message Size', patch(solicitNew, 10, be(13, 2)), E.arrayOutOfBounds],
  ['SOLICIT_TIME under 20 bytes', resize(solicitTime, 19), E.tooShort],
  ['SOLICIT_TIME inclusion and exclusion', patch(solicitTime, 9, [1]), E.includeAndExclude],
  ['SOLICIT_TIME Inclusion Count 2', patch(solicitTime, 8, [2]), E.inclusionCount],
  ['SOLICIT_TIME types beyond Message Size', patch(solicitTime, 10, be(21, 2)), E.arrayOutOfBounds],
  // SOLICIT_HASH (§3.1.5.2.7): Hash Count × 40 + Hash Entry Offset (the spec's typo read as such)
  ['SOLICIT_HASH under 0x14 bytes', resize(solicitHash, 19), E.tooShort],
  ['SOLICIT_HASH inclusion and exclusion', patch(solicitHash, 8, [1]), E.includeAndExclude],
  [
    'SOLICIT_HASH types past Hash Entry Offset',
    patch(solicitHash, 16, be(35, 2)),
    E.arrayOutOfBounds,
  ],
  [
    'SOLICIT_HASH entries beyond Message Size',
    patch(solicitHash, 12, be(2, 4)),
    E.arrayOutOfBounds,
  ],
  [
    'SOLICIT_HASH Hash Entry Offset beyond Message Size',
    patch(patch(solicitHash, 12, be(0, 4)), 16, be(0x100, 2)),
    E.offsetOutOfBounds,
  ],
  // ADVERTISE (§3.1.5.2.8)
  ['ADVERTISE under 0x18 bytes', resize(advertise, 23), E.tooShort],
  [
    'ADVERTISE Boundary Offset above Abstracts Offset',
    patch(advertise, 16, be(80, 2)),
    E.offsetOrder,
  ],
  [
    'ADVERTISE Abstracts Offset beyond Message Size',
    patch(advertise, 20, be(0x1000, 4)),
    E.offsetOutOfBounds,
  ],
  ['ADVERTISE boundaries past Abstracts Offset', patch(advertise, 8, be(2, 4)), E.arrayOutOfBounds],
  ['ADVERTISE abstracts beyond Message Size', patch(advertise, 12, be(2, 4)), E.arrayOutOfBounds],
  // REQUEST (§3.1.5.2.9)
  ['REQUEST under 16 bytes', resize(request, 15), E.tooShort],
  [
    'REQUEST Abstracts Offset beyond Message Size',
    patch(patch(request, 8, be(0, 4)), 12, be(37, 4)),
    E.offsetOutOfBounds,
  ],
  ['REQUEST abstracts beyond Message Size', patch(request, 8, be(2, 4)), E.arrayOutOfBounds],
  // FLOOD (§3.1.5.2.10)
  ['FLOOD under 0x10 bytes', resize(flood, 15), E.tooShort],
  ['FLOOD Record Offset beyond Message Size', patch(flood, 8, be(0x1000, 2)), E.offsetOutOfBounds],
  ['FLOOD Reserved2 not zero', patch(flood, 10, [0, 1]), E.reservedNotZero],
  ['FLOOD record truncated', resize(flood, flood.length - 1), E.truncated],
  // SYNC_END (§3.1.5.2.11)
  ['SYNC_END under 0x0C bytes', resize(syncEnd, 11), E.tooShort],
  ['SYNC_END without Final', patch(syncEnd, 8, [0xfe]), E.syncEndNotFinal],
  // PT2PT (§3.1.5.2.13)
  ['PT2PT shorter than its Data Type', resize(pt2pt, 27), E.tooShort],
  ['PT2PT Data Offset beyond Message Size', patch(pt2pt, 8, be(31, 2)), E.offsetOutOfBounds],
  ['PT2PT Data Offset inside the Data Type', patch(pt2pt, 8, be(20, 2)), E.offsetOutOfBounds],
  // ACK (§3.1.5.2.12)
  ['ACK under 0x0C bytes', resize(ack, 11), E.tooShort],
  [
    'ACK ACKs Offset beyond Message Size',
    patch(patch(ack, 8, be(0, 2)), 10, be(33, 2)),
    E.offsetOutOfBounds,
  ],
  ['ACK acks beyond Message Size', patch(ack, 8, be(2, 2)), E.arrayOutOfBounds],
];

describe('decodeGraphMessage receive checks (§3.1.5.1.1, §3.1.5.2.x)', () => {
  it.each(bases)('accepts the unbroken %s', (_name, b) => {
    expect(outcome(b)).toBe('ok');
  });

  it.each(cases)('refuses %s', (_name, b, code) => {
    expect(outcome(b)).toBe(code);
  });

  it('ignores Reserved fields and Z bits', () => {
    expect(outcome(patch(syncEnd, 6, [0xff, 0xff]))).toBe('ok');
    expect(outcome(patch(syncEnd, 8, [0xff, 0xff, 0xff, 0xff]))).toBe('ok');
    expect(outcome(patch(connect, 8, [0xf8 | 0x02 | 0x08]))).toBe('ok');
    expect(outcome(patch(authOk, 9, [0xff]))).toBe('ok');
    expect(outcome(patch(ack, 12 + 16, [0xff, 0xff, 0xff, 0xfe]))).toBe('ok');
  });

  it('applies the limits before allocating', () => {
    expect(outcome(connect, { maxAddresses: 0 })).toBe(E.limitExceeded);
    expect(outcome(solicitHash, { maxHashEntries: 0 })).toBe(E.limitExceeded);
    expect(outcome(advertise, { maxAbstracts: 0 })).toBe(E.limitExceeded);
    expect(outcome(ack, { maxAcks: 0 })).toBe(E.limitExceeded);
    expect(outcome(flood, { maxRecordSize: 0 })).toBe(E.recordTooLarge);
    expect(outcome(flood, { maxUnitBytes: flood.length - 1 })).toBe(E.tooLarge);
  });
});
