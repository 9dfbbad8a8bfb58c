/**
 * Hostile bytes against every decoder merged for issues 15 and 16 (rendezvous, relay, Easy
 * Connect, DHT fragments and BLOB frames, STUN): random bytes, and valid messages with bytes
 * flipped, cut or appended, never make a decoder throw; what a decoder accepts re-encodes to the
 * same bytes (so a mutation can not smuggle a second meaning past it). Fixed fast-check seed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BlobFrameReader, decodeBlobFrame, encodeBlobFrame } from '../../../src/dht/blob-codec.js';
import { decodeDhtMessage } from '../../../src/dht/codec.js';
import { DHT_LARGE_VALUE_BYTES_MAX } from '../../../src/dht/constants.js';
import { decodeFragment, fragmentMessage } from '../../../src/dht/fragments.js';
import { decodeEasyConnect, encodeEasyConnect } from '../../../src/easy-connect/codec.js';
import { decodeRelayMessage, encodeRelayMessage } from '../../../src/nat/relay-codec.js';
import { decodeRendezvous, encodeRendezvous } from '../../../src/nat/rendezvous-codec.js';
import { decodeStun } from '../../../src/nat/stun.js';

const RUNS = { numRuns: 400, seed: 1616 };
const ep = {
  address: Uint8Array.of(...new Array(10).fill(0), 0xff, 0xff, 203, 0, 113, 7),
  port: 4000,
};
const id8 = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
const k32 = new Uint8Array(32).fill(9);

const samples: Record<string, Uint8Array[]> = {
  rendezvous: [
    encodeRendezvous({ type: 'keepalive', cookie: id8 }),
    encodeRendezvous({ type: 'connect', txid: id8, target: ep }),
    encodeRendezvous({ type: 'forward', txid: id8, initiator: ep, cookie: id8 }),
    encodeRendezvous({ type: 'probe', txid: id8, ack: true, seq: 3 }),
  ],
  relay: [
    encodeRelayMessage({ type: 'reserve', requestId: 7, cookie: id8 }),
    encodeRelayMessage({ type: 'send', peer: ep, payload: new Uint8Array(40).fill(1) }),
    encodeRelayMessage({ type: 'reserved', requestId: 7, lifetimeSeconds: 60, relayed: ep }),
    encodeRelayMessage({ type: 'ping', sequence: 1, padding: 20 }),
  ],
  easyConnect: [
    encodeEasyConnect({ type: 'hello', session: id8, share: k32 }),
    encodeEasyConnect({ type: 'done', session: id8, status: 'busy', tag: k32 }),
  ],
  blob: [
    encodeBlobFrame({
      type: 'put',
      manifest: { size: 70_000, chunkBytes: 65_536, chunkHashes: [k32, k32] },
    }).subarray(4),
    encodeBlobFrame({ type: 'chunk', index: 1, data: new Uint8Array(10) }).subarray(4),
  ],
  fragment: fragmentMessage(5, new Uint8Array(3000).fill(4)),
};

/** A sample with some bytes flipped, then possibly cut or extended. */
function mutated(pool: Uint8Array[]) {
  return fc
    .tuple(
      fc.constantFrom(...pool),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
      fc.integer({ min: -8, max: 8 }),
    )
    .map(([base, flips, delta]) => {
      const out = new Uint8Array(Math.max(0, base.length + delta));
      out.set(base.subarray(0, out.length));
      for (const [at, v] of flips) if (out.length > 0) out[at % out.length] = v;
      return out;
    });
}

const hostile = (pool: Uint8Array[]) => fc.oneof(fc.uint8Array({ maxLength: 1500 }), mutated(pool));

describe('decoders on hostile bytes', () => {
  it('rendezvous: never throws; what decodes re-encodes to the same bytes', () => {
    fc.assert(
      fc.property(hostile(samples.rendezvous!), (bytes) => {
        const r = decodeRendezvous(bytes);
        if (r.ok) expect(encodeRendezvous(r.value)).toEqual(bytes);
      }),
      RUNS,
    );
  });

  it('relay: never throws; what decodes re-encodes to the same bytes', () => {
    fc.assert(
      fc.property(hostile(samples.relay!), (bytes) => {
        const r = decodeRelayMessage(bytes);
        if (r.ok) expect(encodeRelayMessage(r.value)).toEqual(bytes);
      }),
      RUNS,
    );
  });

  it('Easy Connect: never throws; accepted messages are exactly 96 bytes', () => {
    fc.assert(
      fc.property(hostile(samples.easyConnect!), (bytes) => {
        const r = decodeEasyConnect(bytes);
        if (r.ok) expect(bytes.length).toBe(96);
      }),
      RUNS,
    );
  });

  it('BLOB frames: never throw, one frame or a stream cut anywhere', () => {
    fc.assert(
      fc.property(hostile(samples.blob!), fc.nat(), (bytes, cut) => {
        decodeBlobFrame(bytes);
        const reader = new BlobFrameReader(200_000);
        const framed = new Uint8Array(4 + bytes.length);
        new DataView(framed.buffer).setUint32(0, bytes.length);
        framed.set(bytes, 4);
        const at = cut % (framed.length + 1);
        const first = reader.push(framed.subarray(0, at));
        if (first.ok) reader.push(framed.subarray(at));
      }),
      RUNS,
    );
  });

  it('DHT fragments, DHT messages and STUN: never throw', () => {
    fc.assert(
      fc.property(hostile(samples.fragment!), (bytes) => {
        const f = decodeFragment(bytes);
        if (f.ok) expect(f.fragment.index).toBeLessThan(f.fragment.count);
        decodeDhtMessage(bytes, DHT_LARGE_VALUE_BYTES_MAX);
        decodeStun(bytes);
      }),
      RUNS,
    );
  });
});
