/**
 * The Kademlia DHT baseline by hand: its codec (round trips, hostile bytes never throw, no
 * answer larger than its request) and a KadDhtNode answering STORE and FIND_VALUE, then putting
 * and getting through a peer it knows. Time moves only through the nowMs passed in.
 */
import { describe, expect, it } from 'vitest';
import { immutableRecord } from '../../../src/dht/record.js';
import {
  decodeKadDhtMessage,
  encodeKadDhtMessage,
  KAD_DHT_MESSAGE_BYTES_MAX,
  type KadDhtMessage,
} from '../../../src/kad/dht-codec.js';
import { KadDhtNode } from '../../../src/kad/dht-node.js';
import type { KadDhtEvent } from '../../../src/kad/dht-types.js';
import { nobleCrypto } from '../../../src/keys/crypto-backend.js';
import type { Endpoint } from '../../../src/keys/endpoint.js';
import { simEndpoint } from '../../../src/sim/sim-endpoints.js';
import { seededRng } from '../../../src/util/rng.js';

const sender = new Uint8Array(32).fill(7);
const record = immutableRecord(new TextEncoder().encode('hello'), nobleCrypto);

function idOf(first: number): Uint8Array {
  const id = new Uint8Array(32);
  id[0] = first;
  return id;
}

function drain(node: KadDhtNode): {
  sent: { to: Endpoint; m: KadDhtMessage }[];
  events: KadDhtEvent[];
} {
  const sent: { to: Endpoint; m: KadDhtMessage }[] = [];
  const events: KadDhtEvent[] = [];
  for (;;) {
    const out = node.poll();
    if (out.type === 'timeout') return { sent, events };
    if (out.type === 'event') events.push(out.event);
    else {
      const r = decodeKadDhtMessage(out.payload);
      if (r.ok) sent.push({ to: out.to, m: r.value });
    }
  }
}

describe('kad/dht-codec', () => {
  it('decodeKadDhtMessage() round-trips every message type', () => {
    const messages: KadDhtMessage[] = [
      { type: 'store', txid: 1, sender, ttlSeconds: 60, record },
      { type: 'store', txid: 2, sender, ttlSeconds: 60, record, cas: 3 },
      { type: 'find-value', txid: 3, sender, key: record.key },
      { type: 'value', txid: 4, sender, ttlSeconds: 9, record },
      {
        type: 'closer',
        txid: 5,
        sender,
        contacts: [{ id: idOf(1), endpoint: simEndpoint(3) }],
      },
      { type: 'stored', txid: 6, sender, refusal: undefined },
      { type: 'stored', txid: 7, sender, refusal: 'writer-quota' },
    ];
    for (const m of messages) {
      const bytes = encodeKadDhtMessage(m);
      const r = decodeKadDhtMessage(bytes);
      expect(r.ok).toBe(true);
      if (r.ok) expect(encodeKadDhtMessage(r.value)).toEqual(bytes);
    }
    expect(encodeKadDhtMessage(messages[2]!).length).toBe(KAD_DHT_MESSAGE_BYTES_MAX);
  });

  it('decodeKadDhtMessage() returns a reason for hostile bytes and never throws', () => {
    const good = encodeKadDhtMessage({ type: 'value', txid: 4, sender, ttlSeconds: 9, record });
    expect(decodeKadDhtMessage(good.subarray(0, 20))).toMatchObject({
      ok: false,
      error: { code: 'truncated' },
    });
    const badKind = good.slice();
    badKind[40] = 9;
    expect(decodeKadDhtMessage(badKind)).toMatchObject({ ok: false, error: { code: 'bad-kind' } });
    const badInner = good.slice();
    badInner[41] = 0;
    expect(decodeKadDhtMessage(badInner)).toMatchObject({
      ok: false,
      error: { code: 'bad-inner' },
    });
    const padded = encodeKadDhtMessage({ type: 'find-value', txid: 3, sender, key: record.key });
    padded[padded.length - 1] = 1;
    expect(decodeKadDhtMessage(padded)).toMatchObject({
      ok: false,
      error: { code: 'bad-padding' },
    });
    expect(decodeKadDhtMessage(new Uint8Array(KAD_DHT_MESSAGE_BYTES_MAX + 1))).toMatchObject({
      ok: false,
    });
    const rng = seededRng(5);
    for (let i = 0; i < 500; i++) {
      const bytes = rng.bytes(rng.nextInt(200));
      if (bytes.length > 2) {
        bytes[0] = 0x4b;
        bytes[1] = 1;
        bytes[2] = 5 + rng.nextInt(4);
      }
      expect(() => decodeKadDhtMessage(bytes)).not.toThrow();
    }
  });
});

describe('KadDhtNode', () => {
  const a = simEndpoint(1);
  const b = simEndpoint(2);

  it('stores on STORE, answers FIND_VALUE with the value, else with closer contacts', () => {
    const node = new KadDhtNode({ id: idOf(0x10), rng: seededRng(1) });
    node.startWarm(0, [{ id: idOf(0x20), endpoint: b }]);
    drain(node);
    node.handleDatagram(
      10,
      a,
      encodeKadDhtMessage({ type: 'store', txid: 9, sender, ttlSeconds: 60, record }),
    );
    const stored = drain(node).sent;
    expect(stored).toHaveLength(1);
    expect(stored[0]!.m).toMatchObject({ type: 'stored', txid: 9, refusal: undefined });
    expect(node.held(record.key)?.value).toEqual(record.value);
    const ask = encodeKadDhtMessage({ type: 'find-value', txid: 10, sender, key: record.key });
    node.handleDatagram(20, a, ask);
    const [answer] = drain(node).sent;
    expect(answer!.m).toMatchObject({ type: 'value', txid: 10 });
    expect(encodeKadDhtMessage(answer!.m).length).toBeLessThanOrEqual(ask.length);
    node.handleDatagram(
      30,
      a,
      encodeKadDhtMessage({ type: 'find-value', txid: 11, sender, key: idOf(0x21) }),
    );
    const [closer] = drain(node).sent;
    expect(closer!.m).toMatchObject({ type: 'closer', txid: 11 });
    // The requester itself (now in the table) is not offered back; the other contact is.
    if (closer!.m.type === 'closer') expect(closer!.m.contacts.map((c) => c.id[0])).toEqual([0x20]);
    // A bad signature-free record whose key is not its hash is refused with a reason.
    const forged = { ...record, key: idOf(0x33) };
    node.handleDatagram(
      40,
      a,
      encodeKadDhtMessage({ type: 'store', txid: 12, sender, ttlSeconds: 60, record: forged }),
    );
    expect(drain(node).sent[0]!.m).toMatchObject({ type: 'stored', refusal: 'key-mismatch' });
    expect(node.stats.refused['key-mismatch']).toBe(1);
  });

  it('gets through a contact that holds the value, counting requests and answers', () => {
    const node = new KadDhtNode({ id: idOf(0x10), rng: seededRng(2) });
    node.startWarm(0, [{ id: idOf(0x20), endpoint: b }]);
    drain(node);
    const opId = node.get(100, record.key);
    const { sent } = drain(node);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.m.type).toBe('find-value');
    node.handleDatagram(
      150,
      b,
      encodeKadDhtMessage({
        type: 'value',
        txid: sent[0]!.m.txid,
        sender: idOf(0x20),
        ttlSeconds: 60,
        record,
      }),
    );
    const done = drain(node).events.find((e) => e.type === 'get-done');
    expect(done).toMatchObject({ type: 'get-done', opId, failure: undefined, messages: 2 });
    // An answer from another endpoint than the one asked is dropped.
    node.handleDatagram(
      160,
      a,
      encodeKadDhtMessage({ type: 'stored', txid: 1, sender: idOf(0x20), refusal: undefined }),
    );
    expect(node.stats.dropped.unsolicited).toBe(1);
  });

  it('puts at the closest node found and retransmits once before giving up on it', () => {
    const node = new KadDhtNode({ id: idOf(0x10), rng: seededRng(3), k: 2 });
    node.startWarm(0, [{ id: idOf(0x20), endpoint: b }]);
    drain(node);
    const { opId } = node.put(100, record.value);
    const lookup = drain(node).sent;
    expect(lookup).toHaveLength(0); // FIND_NODE belongs to the inner KadNode's codec
    node.handleTimeout(1100);
    node.handleTimeout(2100);
    node.handleTimeout(3100);
    const events = drain(node).events;
    const done = events.find((e) => e.type === 'put-done');
    // Nobody answered the lookup: the node stored its own copy (it is among the k closest).
    expect(done).toMatchObject({ type: 'put-done', opId, failure: undefined });
    expect(node.held(record.key)).toBeDefined();
  });
});
