/**
 * dht/responder: the writer of an unsigned (immutable) record is the address that sent the
 * STORE, whatever its port, so one host can not multiply its per-writer quota by sending from
 * many ports (a UDP socket per port costs nothing) and fill a node's store. And since a signed
 * record's writer is its public key, which costs nothing to mint, every address also has a share
 * of the records it sent (STOREs, and REPLICATEs from anyone but a proven leaf-set neighbour):
 * minting keys does not let one host fill a node and lock out everyone else's values.
 */
import { describe, expect, it } from 'vitest';
import { type DhtMessage, decodeDhtMessage, encodeDhtMessage } from '../../../src/dht/codec.js';
import { DhtNode } from '../../../src/dht/dht-node.js';
import { immutableRecord, mutableRecord } from '../../../src/dht/record.js';
import { nobleCrypto } from '../../../src/keys/crypto-backend.js';
import type { Endpoint } from '../../../src/keys/endpoint.js';
import { createIdentity } from '../../../src/keys/identity.js';
import { utf8Encode } from '../../../src/util/bytes.js';
import { seededRng } from '../../../src/util/rng.js';

const host = (n: number, port: number): Endpoint => ({
  address: Uint8Array.of(0x20, 1, 0xd, 0xb8, ...new Array(11).fill(0), n),
  port,
});

function storeAck(node: DhtNode, from: Endpoint, message: DhtMessage): DhtMessage | undefined {
  node.handleDatagram(1, from, encodeDhtMessage(message));
  let ack: DhtMessage | undefined;
  for (let o = node.poll(); o.type !== 'timeout'; o = node.poll()) {
    if (o.type !== 'transmit') continue;
    const d = decodeDhtMessage(o.payload);
    if (d.ok && d.value.type === 'store-ack') ack = d.value;
  }
  return ack;
}

describe('DhtNode writer quota', () => {
  it('counts the immutable records of one address over all its ports', () => {
    const node = new DhtNode({
      rng: seededRng(7),
      localEndpoints: [host(1, 3540)],
      recordsPerWriterMax: 2,
    });
    node.start(0);
    while (node.poll().type !== 'timeout');
    const acks = [1, 2, 3].map((i) =>
      storeAck(node, host(66, 40000 + i), {
        type: 'store',
        requestId: i,
        ttlSeconds: 60,
        record: immutableRecord(utf8Encode(`value ${i}`), nobleCrypto),
      }),
    );
    expect(acks.map((a) => (a?.type === 'store-ack' ? (a.refusal ?? 'stored') : a?.type))).toEqual([
      'stored',
      'stored',
      'writer-quota',
    ]);
    const other = storeAck(node, host(7, 3540), {
      type: 'store',
      requestId: 9,
      ttlSeconds: 60,
      record: immutableRecord(utf8Encode('honest'), nobleCrypto),
    });
    expect(other).toEqual({ type: 'store-ack', requestId: 9 });
  });
});

describe('DhtNode source quota', () => {
  it('one address minting keys fills at most recordsPerSourceMax records, by STORE or REPLICATE', () => {
    const node = new DhtNode({
      rng: seededRng(8),
      localEndpoints: [host(1, 3540)],
      recordsPerSourceMax: 4,
    });
    node.start(0);
    while (node.poll().type !== 'timeout');
    const outcome = (a: DhtMessage | undefined) =>
      a?.type === 'store-ack' ? (a.refusal ?? 'stored') : a?.type;
    const minted = (i: number) =>
      mutableRecord(
        createIdentity(new Uint8Array(32).fill(40 + i)),
        { seq: 1, value: utf8Encode(`squat ${i}`) },
        nobleCrypto,
      );
    const results = [1, 2, 3, 4, 5].map((i) =>
      outcome(
        storeAck(node, host(66, 40000 + i), {
          type: 'store',
          requestId: i,
          ttlSeconds: 60,
          record: minted(i),
        }),
      ),
    );
    // It proves its address (as echoing a cookie in a FIND_VALUE does): still no neighbour.
    node.cookies.prove(1, host(66, 41000));
    results.push(
      outcome(
        storeAck(node, host(66, 41000), {
          type: 'replicate',
          requestId: 6,
          ttlSeconds: 60,
          record: minted(6),
        }),
      ),
    );
    expect(results).toEqual([
      'stored',
      'stored',
      'stored',
      'stored',
      'writer-quota',
      'writer-quota',
    ]);
    const honest = storeAck(node, host(7, 3540), {
      type: 'store',
      requestId: 9,
      ttlSeconds: 60,
      record: minted(9),
    });
    expect(outcome(honest)).toBe('stored');
  });
});
