/**
 * Properties of the wire codec (fast-check, seeded):
 * - every message type round-trips through encode and decode, AUTHORITY through fragmentation
 *   and reassembly in any order;
 * - the decoder never throws and never fails internally on arbitrary bytes, on a valid header
 *   followed by noise, or on valid datagrams mutated by bit flips, truncation, splices and
 *   overwritten length fields; whatever it accepts, the encoder can re-encode to the same value.
 * Over 100,000 decoder cases in all. Seed: PNRP_SEED, else a fixed default; printed on failure.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../../src/keys/endpoint.js';
import {
  type AuthorityBuffer,
  type AuthorityMessage,
  AuthorityReassembler,
  type Datagram,
  decodeMessage,
  encodeDatagrams,
  type Message,
  type ReasonCode,
  type ResolveCriteria,
  type RouteEntry,
  type SecurityElements,
  WIRE_ERROR_CODES,
} from '../../src/wire/index.js';
import { REASON_CODES, RESOLVE_CRITERIA_CODES } from '../../src/wire/types.js';

const seed = Number(process.env.PNRP_SEED ?? 20260611);
const KNOWN_CODES = new Set<string>(WIRE_ERROR_CODES);

/** fc.assert with the suite seed; the seed to replay is printed when it fails. */
function check<T>(property: fc.IRawProperty<T>, numRuns: number): void {
  try {
    fc.assert(property, { seed, numRuns });
  } catch (e) {
    console.error(`wire property failed; replay with PNRP_SEED=${seed}`);
    throw e;
  }
}

// ---- arbitraries for the message model ----

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const key = bytes(32);
const port = fc.integer({ min: 1025, max: 0xffff });
const version = fc.record({
  major: fc.integer({ min: 0, max: 255 }),
  minor: fc.integer({ min: 0, max: 255 }),
});
const messageId = fc.integer({ min: 0, max: 0xffffffff });
const opaque = fc.uint8Array({ maxLength: 40 });
const endpoint: fc.Arbitrary<Endpoint> = fc.record({ address: bytes(16), port });
const endpoints = (min: number, max: number) =>
  fc.array(endpoint, { minLength: min, maxLength: max, size: 'max' });
const routeEntry: fc.Arbitrary<RouteEntry> = fc.record({
  id: key,
  port,
  addresses: fc.array(bytes(16), { minLength: 1, maxLength: 20, size: 'max' }),
});
const ids = fc.array(key, { maxLength: 12 });
const classifier = fc
  .array(fc.integer({ min: 1, max: 0xffff }), { maxLength: 149, size: 'max' })
  .map((units) => String.fromCharCode(...units));
const security: fc.Arbitrary<SecurityElements> = fc.record(
  { credential: opaque, signature: opaque, keyIdentifier: opaque },
  { requiredKeys: ['credential', 'signature'] },
);
const criteria = fc.constantFrom(...(Object.keys(RESOLVE_CRITERIA_CODES) as ResolveCriteria[]));
const reason = fc.constantFrom(...(Object.keys(REASON_CODES) as ReasonCode[]));
const header = { messageId, version };

const solicit = fc.record(
  {
    type: fc.constant('solicit' as const),
    ...header,
    solicitType: fc.constantFrom('any' as const, 'local' as const),
    routeEntry,
    hashedNonce: bytes(20),
  },
  { requiredKeys: ['type', 'messageId', 'version', 'hashedNonce'] },
);
const advertise = fc.record({
  type: fc.constant('advertise' as const),
  ...header,
  ackedMessageId: messageId,
  ids,
  hashedNonce: bytes(20),
});
const request = fc.record(
  { type: fc.constant('request' as const), ...header, nonce: bytes(16), ids, security },
  { requiredKeys: ['type', 'messageId', 'version', 'nonce', 'ids'] },
);
const flood = fc.record(
  {
    type: fc.constant('flood' as const),
    ...header,
    dontAck: fc.boolean(),
    validateId: key,
    revokeCpa: opaque,
    routeEntry,
    alreadyFlooded: endpoints(0, 22),
  },
  { requiredKeys: ['type', 'messageId', 'version', 'dontAck', 'validateId', 'alreadyFlooded'] },
);
const inquire = fc.record(
  {
    type: fc.constant('inquire' as const),
    ...header,
    flags: fc.record({
      wantCpa: fc.boolean(),
      wantExtendedPayload: fc.boolean(),
      wantCertChain: fc.boolean(),
    }),
    validateId: key,
    nonce: bytes(16),
    security,
  },
  { requiredKeys: ['type', 'messageId', 'version', 'flags', 'validateId'] },
);
/** Buffers with a cert chain of chainMin..chainMax bytes (required when chainMin > 0). */
const authorityBuffer = (chainMin: number, chainMax: number): fc.Arbitrary<AuthorityBuffer> =>
  fc.record(
    {
      flags: fc.record({
        suspicious: fc.boolean(),
        busy: fc.boolean(),
        notRegistered: fc.boolean(),
      }),
      certChain: fc.uint8Array({ minLength: chainMin, maxLength: chainMax, size: 'max' }),
      classifier,
      extendedPayload: opaque,
      routeEntry,
      validateCpa: opaque,
    },
    { requiredKeys: chainMin > 0 ? ['flags', 'certChain'] : ['flags'] },
  );
const authorityWith = (chainMin: number, chainMax: number): fc.Arbitrary<AuthorityMessage> =>
  fc.record({
    type: fc.constant('authority' as const),
    ...header,
    ackedMessageId: messageId,
    buffer: authorityBuffer(chainMin, chainMax),
  });
const ack = fc.record({
  type: fc.constant('ack' as const),
  ...header,
  ackedMessageId: messageId,
  notRegistered: fc.boolean(),
});
const lookup = fc.record(
  {
    type: fc.constant('lookup' as const),
    ...header,
    controls: fc.oneof(
      fc.record({
        acceptAny: fc.boolean(),
        precision: fc.integer({ min: 0, max: 256 }),
        resolveCriteria: fc.constant('upper-bits' as const),
        reasonCode: reason,
      }),
      fc.record({
        acceptAny: fc.boolean(),
        precision: fc.integer({ min: 0, max: 0xffff }),
        resolveCriteria: criteria.filter((c) => c !== 'upper-bits'),
        reasonCode: reason,
      }),
    ),
    target: key,
    validateId: key,
    bestMatch: routeEntry,
    flaggedPath: endpoints(1, 22),
    security,
  },
  {
    requiredKeys: [
      'type',
      'messageId',
      'version',
      'controls',
      'target',
      'validateId',
      'flaggedPath',
    ],
  },
);

const byType: Record<Message['type'], fc.Arbitrary<Message>> = {
  solicit,
  advertise,
  request,
  flood,
  inquire,
  authority: authorityWith(0, 2500), // about half of them fragment
  ack,
  lookup,
};
const anyMessage: fc.Arbitrary<Message> = fc.oneof(...Object.values(byType));

// ---- helpers ----

/** Decodes and checks the decoder's contract: a result, never an internal failure. */
function decodeSafely(datagram: Uint8Array): ReturnType<typeof decodeMessage> {
  const result = decodeMessage(datagram);
  if (!result.ok && !KNOWN_CODES.has(result.error.code)) {
    throw new Error(`decoder failed with ${result.error.code}: ${result.error.detail}`);
  }
  return result;
}

/** Whatever decodes re-encodes (fragments aside) and decodes to the same value. */
function reencodes(value: Datagram): boolean {
  if (value.type === 'authority-fragment') return true;
  const again = encodeDatagrams(value);
  if (again.length !== 1) return true;
  expect(decodeMessage(again[0]!)).toEqual({ ok: true, value });
  return true;
}

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'splice'; at: number; remove: number; insert: Uint8Array }
  | { kind: 'u16'; at: number; value: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('flip' as const),
    at: fc.nat(),
    bit: fc.integer({ min: 0, max: 7 }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('splice' as const),
    at: fc.nat(),
    remove: fc.nat(8),
    insert: fc.uint8Array({ maxLength: 8 }),
  }),
  fc.record({
    kind: fc.constant('u16' as const),
    at: fc.nat(),
    value: fc.integer({ min: 0, max: 0xffff }),
  }),
);

function mutate(input: Uint8Array, m: Mutation): Uint8Array {
  if (input.length === 0) return input;
  const at = m.at % input.length;
  switch (m.kind) {
    case 'flip': {
      const out = input.slice();
      out[at]! ^= 1 << m.bit;
      return out;
    }
    case 'truncate':
      return input.subarray(0, at);
    case 'splice': {
      const out = new Uint8Array(
        input.length - Math.min(m.remove, input.length - at) + m.insert.length,
      );
      out.set(input.subarray(0, at));
      out.set(m.insert, at);
      out.set(input.subarray(at + m.remove), at + m.insert.length);
      return out;
    }
    case 'u16': {
      // Overwrite a FieldID or Length position: elements start on 4-byte boundaries.
      const out = input.slice();
      const o = at & ~1;
      out[o] = m.value >> 8;
      if (o + 1 < out.length) out[o + 1] = m.value & 0xff;
      return out;
    }
  }
}

// ---- properties ----

describe(`wire properties (seed ${seed})`, () => {
  for (const [type, arbitrary] of Object.entries(byType)) {
    it(`round-trips every ${type} message`, () => {
      check(
        fc.property(arbitrary, (message) => {
          const datagrams = encodeDatagrams(message);
          const decoded = datagrams.map(decodeSafely);
          if (datagrams.length === 1) {
            expect(decoded[0]).toEqual({ ok: true, value: message });
            return;
          }
          expect(message.type).toBe('authority');
          const reassembler = new AuthorityReassembler();
          const results = decoded.map((d) => {
            if (!d.ok || d.value.type !== 'authority-fragment')
              throw new Error('expected fragments');
            return reassembler.add(0, 'peer', d.value);
          });
          expect(results.at(-1)).toEqual({ type: 'complete', message });
        }),
        1000,
      );
    });
  }

  it('reassembles a fragmented AUTHORITY from its fragments in any order', () => {
    const fragmented = authorityWith(1189, 9000);
    const withOrder = fragmented.chain((m) => {
      const n = encodeDatagrams(m).length;
      const indices = [...Array(n).keys()];
      return fc.tuple(fc.constant(m), fc.shuffledSubarray(indices, { minLength: n, maxLength: n }));
    });
    check(
      fc.property(withOrder, ([message, order]) => {
        const datagrams = encodeDatagrams(message);
        const reassembler = new AuthorityReassembler();
        const results = order.map((i) => {
          const d = decodeSafely(datagrams[i]!);
          if (!d.ok || d.value.type !== 'authority-fragment')
            throw new Error('expected a fragment');
          return reassembler.add(0, 'peer', d.value);
        });
        expect(results.slice(0, -1).every((r) => r.type === 'pending')).toBe(true);
        expect(results.at(-1)).toEqual({ type: 'complete', message });
      }),
      200,
    );
  });

  it('decodeMessage() returns a result for arbitrary bytes and never throws', () => {
    check(
      fc.property(fc.uint8Array({ maxLength: 300 }), (input) => {
        const result = decodeSafely(input);
        if (result.ok) reencodes(result.value);
      }),
      30_000,
    );
  });

  it('decodeMessage() survives a valid header followed by noise', () => {
    const codes = [1, 2, 3, 4, 7, 8, 9, 11];
    const datagram = fc
      .tuple(
        fc.constantFrom(...codes),
        fc.uint8Array({ minLength: 4, maxLength: 4 }),
        fc.uint8Array({ maxLength: 200 }),
      )
      .map(([type, id, tail]) =>
        Uint8Array.from([0, 0x10, 0, 0x0c, 0x51, 4, 0, type, ...id, ...tail]),
      );
    check(
      fc.property(datagram, (input) => {
        const result = decodeSafely(input);
        if (result.ok) reencodes(result.value);
      }),
      30_000,
    );
  });

  it('decodeMessage() survives mutated valid datagrams, and re-encodes what it accepts', () => {
    const mutated = fc.tuple(anyMessage, fc.array(mutation, { minLength: 1, maxLength: 4 }));
    check(
      fc.property(mutated, ([message, mutations]) => {
        let datagram = encodeDatagrams(message)[0]!;
        for (const m of mutations) datagram = mutate(datagram, m);
        const result = decodeSafely(datagram);
        if (result.ok) reencodes(result.value);
      }),
      40_000,
    );
  });
});
