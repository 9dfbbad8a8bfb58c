/**
 * Properties of the Kademlia baseline's codec (src/kad/codec.ts), fast-check, seeded:
 * - every message round-trips through encode and decode;
 * - the decoder never throws and never fails internally on arbitrary bytes, on a valid header
 *   followed by noise, or on valid messages with bit flips, truncations and extensions; what it
 *   accepts re-encodes to the same bytes, and is never larger than the format's bound.
 * Seed: PNRP_SEED, else a fixed default; printed on failure.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeKadMessage,
  encodeKadMessage,
  KAD_DECODE_ERROR_CODES,
  KAD_MESSAGE_BYTES_MAX,
  type KadMessage,
} from '../../src/kad/codec.js';

const seed = Number(process.env.PNRP_SEED ?? 20261202);
const KNOWN = new Set<string>(KAD_DECODE_ERROR_CODES);

function check<T>(property: fc.IRawProperty<T>, numRuns: number): void {
  try {
    fc.assert(property, { seed, numRuns });
  } catch (e) {
    console.error(`kad codec property failed; replay with PNRP_SEED=${seed}`);
    throw e;
  }
}

const id = fc.uint8Array({ minLength: 32, maxLength: 32 });
const txid = fc.nat({ max: 0xffff_ffff });
const contact = fc.record({
  id,
  endpoint: fc.record({
    address: fc.uint8Array({ minLength: 16, maxLength: 16 }),
    port: fc.integer({ min: 1, max: 0xffff }),
  }),
});
const message: fc.Arbitrary<KadMessage> = fc.oneof(
  fc.record({ type: fc.constantFrom('ping' as const, 'pong' as const), txid, sender: id }),
  fc.record({
    type: fc.constant('find-node' as const),
    txid,
    sender: id,
    target: id,
    padTo: fc.integer({ min: 72, max: KAD_MESSAGE_BYTES_MAX }),
  }),
  fc.record({
    type: fc.constant('nodes' as const),
    txid,
    sender: id,
    contacts: fc.array(contact, { maxLength: 20 }),
  }),
);

/** Decodes and checks the never-throw contract; returns the result. */
function decodeSafely(bytes: Uint8Array): ReturnType<typeof decodeKadMessage> {
  const r = decodeKadMessage(bytes);
  if (r.ok) {
    expect(bytes.length).toBeLessThanOrEqual(KAD_MESSAGE_BYTES_MAX);
    expect(encodeKadMessage(r.value)).toEqual(bytes);
  } else {
    expect(KNOWN.has(r.error.code)).toBe(true);
  }
  return r;
}

describe('kad codec properties', () => {
  it('encodeKadMessage() and decodeKadMessage() round-trip every message', () => {
    check(
      fc.property(message, (m) => {
        const bytes = encodeKadMessage(m);
        const r = decodeKadMessage(bytes);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(encodeKadMessage(r.value)).toEqual(bytes);
        expect(r.value.type).toBe(m.type);
        expect(r.value.txid).toBe(m.txid);
        if (m.type === 'nodes' && r.value.type === 'nodes') {
          expect(r.value.contacts.length).toBe(m.contacts.length);
        }
      }),
      500,
    );
  });

  it('decodeKadMessage() never throws on arbitrary bytes', () => {
    check(
      fc.property(fc.uint8Array({ maxLength: 1200 }), (bytes) => {
        decodeSafely(bytes);
      }),
      5000,
    );
  });

  it('decodeKadMessage() never throws on a valid header followed by noise', () => {
    check(
      fc.property(
        fc.integer({ min: 0, max: 9 }),
        txid,
        id,
        fc.uint8Array({ maxLength: 1100 }),
        (type, t, sender, noise) => {
          const head = encodeKadMessage({ type: 'ping', txid: t, sender });
          head[2] = type;
          const bytes = new Uint8Array(head.length + noise.length);
          bytes.set(head);
          bytes.set(noise, head.length);
          decodeSafely(bytes);
        },
      ),
      5000,
    );
  });

  it('decodeKadMessage() never throws on mutated valid messages', () => {
    check(
      fc.property(
        message,
        fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: -50, max: 50 }),
        (m, flips, resize) => {
          const bytes = encodeKadMessage(m);
          for (const f of flips) {
            const at = f % bytes.length;
            bytes[at] = bytes[at]! ^ (1 << (f % 8));
          }
          const size = Math.max(0, bytes.length + resize);
          const out = new Uint8Array(size);
          out.set(bytes.subarray(0, Math.min(size, bytes.length)));
          decodeSafely(out);
        },
      ),
      5000,
    );
  });

  it('decodeKadMessage() refuses oversized datagrams, reserved types and over-long NODES', () => {
    const sender = new Uint8Array(32).fill(1);
    const big = new Uint8Array(KAD_MESSAGE_BYTES_MAX + 1);
    big.set(encodeKadMessage({ type: 'ping', txid: 1, sender }));
    expect(decodeKadMessage(big)).toMatchObject({ ok: false, error: { code: 'too-long' } });
    const reserved = encodeKadMessage({ type: 'ping', txid: 1, sender });
    reserved[2] = 6;
    expect(decodeKadMessage(reserved)).toMatchObject({
      ok: false,
      error: { code: 'reserved-type' },
    });
    const nodes = encodeKadMessage({ type: 'nodes', txid: 1, sender, contacts: [] });
    nodes[40] = 21;
    expect(decodeKadMessage(nodes)).toMatchObject({
      ok: false,
      error: { code: 'too-many-contacts' },
    });
  });
});
