/**
 * fast-check arbitraries for the [MS-PPGRH] codec's tests: addresses, records and every
 * GraphMessage shape, within the ranges the encoder accepts.
 */
import fc from 'fast-check';
import type {
  GraphAddress,
  GraphMessage,
  GraphRecord,
  RecordTypeFilter,
} from '../../../../src/graph/model.js';

/** 16 bytes. */
export const guid: fc.Arbitrary<Uint8Array> = fc.uint8Array({ minLength: 16, maxLength: 16 });
/** A u64 (node IDs, peer times). */
export const u64: fc.Arbitrary<bigint> = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const u32 = fc.integer({ min: 0, max: 0xffffffff });

/** A UTF-8 message string (any code point but the null). */
export function utf8Text(minLength = 0, maxLength = 20): fc.Arbitrary<string> {
  return fc.string({ unit: 'binary', minLength, maxLength }).filter((s) => !s.includes('\0'));
}

/** A UTF-16 record string of `min..max` code units (lone surrogates included), no null. */
export function utf16Text(min: number, max: number): fc.Arbitrary<string> {
  return fc
    .array(fc.integer({ min: 1, max: 0xffff }), { minLength: min, maxLength: max })
    .map((units) => String.fromCharCode(...units));
}

/** A PEER_IN6_ADDRESS (no flow info). */
export const in6Address: fc.Arbitrary<GraphAddress> = fc.record({
  address: guid,
  port: fc.integer({ min: 0, max: 0xffff }),
});

/** A PEER_ADDRESS (with flow info). */
export const peerAddress: fc.Arbitrary<GraphAddress> = fc.record({
  address: guid,
  port: fc.integer({ min: 0, max: 0xffff }),
  flowInfo: u32,
});

/** Any record the codec accepts (not necessarily valid by §3.1.7.27). */
export const record: fc.Arbitrary<GraphRecord> = fc
  .record({
    type: guid,
    id: guid,
    version: u32,
    deleted: fc.boolean(),
    creatorId: utf16Text(1, 255),
    modifiedById: utf16Text(0, 255),
    securityData: fc.uint8Array({ maxLength: 64 }),
    createdAt: u64,
    expiresAt: u64,
    modifiedAt: u64,
    graphId: utf16Text(1, 255),
    payload: fc.uint8Array({ maxLength: 64 }),
    attributes: utf16Text(0, 80),
  })
  .map((r) => (r.deleted ? { ...r, payload: new Uint8Array(0) } : r));

function filter(maxInclude: number): fc.Arbitrary<RecordTypeFilter> {
  return fc.oneof(
    fc.constant<RecordTypeFilter>({ mode: 'all', types: [] }),
    fc
      .array(guid, { minLength: 1, maxLength: maxInclude })
      .map((types): RecordTypeFilter => ({ mode: 'include', types })),
    fc
      .array(guid, { minLength: 1, maxLength: 6 })
      .map((types): RecordTypeFilter => ({ mode: 'exclude', types })),
  );
}

const addresses = fc.array(in6Address, { maxLength: 6 });
const abstracts = fc.array(fc.record({ id: guid, version: u32 }), { maxLength: 6 });

/** Every GraphMessage shape. */
export const message: fc.Arbitrary<GraphMessage> = fc.oneof(
  fc.record({
    type: fc.constant('auth-info' as const),
    connectionType: fc.constantFrom('neighbor' as const, 'direct' as const),
    graphId: utf8Text(1),
    sourcePeerId: utf8Text(1),
    destinationPeerId: utf8Text(0),
  }),
  fc
    .record({
      type: fc.constant('connect' as const),
      update: fc.boolean(),
      direct: fc.boolean(),
      wantNeighbors: fc.boolean(),
      nodeId: u64,
      addresses,
      friendlyName: utf8Text(),
    })
    .map((m) => (m.addresses.length === 0 ? { ...m, update: false } : m)),
  fc.record({
    type: fc.constant('welcome' as const),
    nodeId: u64,
    peerTime: u64,
    addresses,
    peerId: utf8Text(),
    friendlyName: utf8Text(),
  }),
  fc.record({
    type: fc.constant('refuse' as const),
    code: fc.integer({ min: 1, max: 4 }),
    addresses,
  }),
  fc.record({
    type: fc.constant('disconnect' as const),
    reason: fc.integer({ min: 1, max: 3 }),
    addresses,
  }),
  fc.record({ type: fc.constant('solicit-new' as const), filter: filter(1) }),
  fc.record({ type: fc.constant('solicit-time' as const), filter: filter(1), modifiedSince: u64 }),
  fc.record({
    type: fc.constant('solicit-hash' as const),
    filter: filter(4),
    entries: fc.array(fc.record({ hash: guid, modifiedAt: u64, id: guid }), { maxLength: 5 }),
  }),
  fc.record({
    type: fc.constant('advertise' as const),
    boundaries: fc.array(
      fc.record({
        lowerModifiedAt: u64,
        lowerId: guid,
        upperModifiedAt: u64,
        upperId: guid,
        count: u32,
      }),
      { maxLength: 4 },
    ),
    abstracts,
  }),
  fc.record({ type: fc.constant('request' as const), abstracts }),
  fc.record({ type: fc.constant('flood' as const), record }),
  fc.constant({ type: 'sync-end' as const }),
  fc.record({
    type: fc.constant('pt2pt' as const),
    dataType: guid,
    payload: fc.uint8Array({ maxLength: 40 }),
  }),
  fc.record({
    type: fc.constant('ack' as const),
    acks: fc.array(fc.record({ id: guid, useful: fc.boolean() }), { maxLength: 6 }),
  }),
);
