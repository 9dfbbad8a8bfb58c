/**
 * Wire codec throughput: encode, decode, and both, in messages per second, for a LOOKUP (the
 * message of every resolve hop), a small AUTHORITY (its usual reply) and a 4 KB AUTHORITY that
 * travels as four fragments and is put back together by an AuthorityReassembler.
 * Run: npx tsx bench/run.ts wire
 */
import {
  type AuthorityMessage,
  AuthorityReassembler,
  decodeMessage,
  encodeDatagrams,
  type LookupMessage,
  PNRP_VERSION,
  type RouteEntry,
} from '../src/wire/index.js';
import { opsPerSecond, printTable } from './table.js';

const key = (fill: number) => new Uint8Array(32).fill(fill);
const address = (last: number) =>
  Uint8Array.from([0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), last]);
const entry: RouteEntry = { id: key(0xee), port: 3540, addresses: [address(1), address(2)] };

const lookup: LookupMessage = {
  type: 'lookup',
  messageId: 0x1234,
  version: PNRP_VERSION,
  controls: {
    acceptAny: false,
    precision: 0,
    resolveCriteria: 'nearest-peer-name',
    reasonCode: 'app-request',
  },
  target: key(1),
  validateId: key(2),
  bestMatch: entry,
  flaggedPath: Array.from({ length: 4 }, (_, i) => ({ address: address(i), port: 3540 })),
};
const flags = { suspicious: false, busy: false, notRegistered: false };
const small: AuthorityMessage = {
  type: 'authority',
  messageId: 0x5678,
  version: PNRP_VERSION,
  ackedMessageId: 0x1234,
  buffer: { flags, routeEntry: entry },
};
const large: AuthorityMessage = {
  ...small,
  buffer: {
    flags,
    classifier: 'MyApplication',
    extendedPayload: new Uint8Array(3500).fill(7),
    routeEntry: entry,
    validateCpa: new Uint8Array(420).fill(9),
  },
};

/** Decodes a message's datagrams (reassembling fragments) and returns the message. */
function decodeAll(datagrams: readonly Uint8Array[], reassembler: AuthorityReassembler): unknown {
  let out: unknown;
  for (const d of datagrams) {
    const r = decodeMessage(d);
    if (!r.ok) throw new Error(r.error.detail);
    if (r.value.type !== 'authority-fragment') out = r.value;
    else {
      const done = reassembler.add(0, 'peer', r.value);
      if (done.type === 'complete') out = done.message;
    }
  }
  if (out === undefined) throw new Error('nothing decoded');
  return out;
}

const rows: (string | number)[][] = [];
for (const [name, message] of [
  ['LOOKUP (4-hop path)', lookup],
  ['AUTHORITY, small', small],
  ['AUTHORITY, 4 KB in fragments', large],
] as const) {
  const datagrams = encodeDatagrams(message);
  const reassembler = new AuthorityReassembler();
  const bytes = datagrams.reduce((n, d) => n + d.length, 0);
  const encode = opsPerSecond(() => {
    encodeDatagrams(message);
  });
  const decode = opsPerSecond(() => {
    decodeAll(datagrams, reassembler);
  });
  const both = opsPerSecond(() => {
    decodeAll(encodeDatagrams(message), reassembler);
  });
  rows.push([
    name,
    datagrams.length,
    bytes,
    Math.round(encode),
    Math.round(decode),
    Math.round(both),
  ]);
}

printTable(
  'wire codec throughput (messages/s, median of 5)',
  ['message', 'datagrams', 'bytes', 'encode/s', 'decode/s', 'encode+decode/s'],
  rows,
);
