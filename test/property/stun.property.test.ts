/**
 * Properties of the STUN codec (fast-check, seeded): every Binding message round-trips; the decoder
 * never throws and never fails internally on arbitrary bytes, on a valid header followed by noise,
 * or on mutated valid messages; whatever it accepts re-encodes to a message that decodes the same.
 * Seed: PNRP_SEED, else a fixed default; printed on failure.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../../src/keys/endpoint.js';
import { decodeStun, encodeStun, type StunMessage } from '../../src/nat/index.js';

const seed = Number(process.env.PNRP_SEED ?? 20260611);

function check<T>(property: fc.IRawProperty<T>, numRuns: number): void {
  try {
    fc.assert(property, { seed, numRuns });
  } catch (e) {
    console.error(`stun property failed; replay with PNRP_SEED=${seed}`);
    throw e;
  }
}

const endpoint: fc.Arbitrary<Endpoint> = fc.oneof(
  fc.record({
    address: fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => {
      const a = new Uint8Array(16);
      a[10] = 0xff;
      a[11] = 0xff;
      a.set(b, 12);
      return a;
    }),
    port: fc.integer({ min: 0, max: 0xffff }),
  }),
  fc.record({
    // Not IPv4-mapped: an IPv6 address (the first byte keeps it out of ::ffff:0:0/96).
    address: fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => {
      b[0] = 0x20;
      return b;
    }),
    port: fc.integer({ min: 0, max: 0xffff }),
  }),
);

const message: fc.Arbitrary<StunMessage> = fc
  .record({
    cls: fc.constantFrom('request', 'indication', 'success', 'error' as const),
    transactionId: fc.uint8Array({ minLength: 12, maxLength: 12 }),
    mapped: fc.option(endpoint, { nil: undefined }),
    dialBack: fc.option(endpoint, { nil: undefined }),
    padding: fc.option(
      fc.integer({ min: 1, max: 64 }).map((n) => n * 4),
      { nil: undefined },
    ),
  })
  .map((m) => Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)) as never);

function decodesSafely(bytes: Uint8Array): void {
  const r = decodeStun(bytes);
  if (!r.ok) {
    expect(r.error.code).not.toBe('internal');
    return;
  }
  const again = decodeStun(encodeStun(r.value));
  expect(again).toEqual(r);
}

describe('STUN codec properties', () => {
  it('round-trips every Binding message', () => {
    check(
      fc.property(message, (m) => {
        expect(decodeStun(encodeStun(m))).toEqual({ ok: true, value: m });
      }),
      2_000,
    );
  });

  it('never throws on arbitrary bytes or a valid header followed by noise', () => {
    check(fc.property(fc.uint8Array({ maxLength: 600 }), decodesSafely), 5_000);
    check(
      fc.property(message, fc.uint8Array({ maxLength: 64 }), (m, noise) => {
        const head = encodeStun(m).subarray(0, 20);
        const bytes = new Uint8Array(20 + noise.length);
        bytes.set(head);
        bytes.set(noise, 20);
        bytes[2] = noise.length >> 8;
        bytes[3] = noise.length & 0xff;
        decodesSafely(bytes);
      }),
      5_000,
    );
  });

  it('never throws on mutated valid messages', () => {
    check(
      fc.property(message, fc.nat(), fc.nat(255), (m, at, value) => {
        const bytes = encodeStun(m).slice();
        bytes[at % bytes.length] = value;
        decodesSafely(bytes);
        decodesSafely(bytes.subarray(0, at % (bytes.length + 1)));
      }),
      5_000,
    );
  });
});
