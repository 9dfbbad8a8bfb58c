/**
 * KadNode (src/kad/node.ts) driven by hand: answers, ping before eviction, the amplification
 * rule, retries and timeouts, hostile bytes. Time moves only through the nowMs passed in.
 */
import { describe, expect, it } from 'vitest';
import { decodeKadMessage, encodeKadMessage, type KadMessage } from '../../../src/kad/codec.js';
import { KadNode } from '../../../src/kad/node.js';
import type { KadEvent, KadNodeOptions } from '../../../src/kad/types.js';
import type { Endpoint } from '../../../src/keys/endpoint.js';
import type { Output } from '../../../src/sans-io.js';
import { simEndpoint } from '../../../src/sim/sim-endpoints.js';
import { seededRng } from '../../../src/util/rng.js';

/** An ID whose first byte is `first` and the rest `fill`. */
function idOf(first: number, fill = 0): Uint8Array {
  const id = new Uint8Array(32).fill(fill);
  id[0] = first;
  return id;
}

function drain(node: KadNode): {
  sent: { to: Endpoint; m: KadMessage }[];
  events: KadEvent[];
  atMs: number;
} {
  const sent: { to: Endpoint; m: KadMessage }[] = [];
  const events: KadEvent[] = [];
  for (;;) {
    const out: Output<KadEvent> = node.poll();
    if (out.type === 'timeout') return { sent, events, atMs: out.atMs };
    if (out.type === 'event') events.push(out.event);
    else {
      const r = decodeKadMessage(out.payload);
      if (!r.ok) throw new Error(`node sent undecodable bytes: ${r.error.code}`);
      sent.push({ to: out.to, m: r.value });
    }
  }
}

function makeNode(options: Partial<KadNodeOptions> = {}): KadNode {
  return new KadNode({ id: idOf(0), rng: seededRng('kad-node-test'), ...options });
}

const ping = (sender: Uint8Array, txid = 9): Uint8Array =>
  encodeKadMessage({ type: 'ping', txid, sender });

describe('KadNode', () => {
  it('answers PING with PONG echoing the transaction ID and learns the sender', () => {
    const node = makeNode();
    node.handleDatagram(0, simEndpoint(1), ping(idOf(0x80), 77));
    const { sent } = drain(node);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.m).toMatchObject({ type: 'pong', txid: 77 });
    expect(node.table.size).toBe(1);
  });

  it('answers FIND_NODE with the closest contacts, never the requester itself', () => {
    const node = makeNode();
    for (let i = 1; i <= 30; i++) node.handleDatagram(i, simEndpoint(i), ping(idOf(i)));
    drain(node);
    const requester = idOf(5);
    node.handleDatagram(
      40,
      simEndpoint(5),
      encodeKadMessage({
        type: 'find-node',
        txid: 3,
        sender: requester,
        target: idOf(6),
        padTo: 1041,
      }),
    );
    const { sent } = drain(node);
    const answer = sent[0]!.m;
    expect(answer.type).toBe('nodes');
    if (answer.type !== 'nodes') return;
    expect(answer.contacts).toHaveLength(20);
    expect(answer.contacts.some((c) => c.id[0] === 5)).toBe(false);
    // Closest by XOR to 0x06..: 0x06 itself, 0x07, 0x04, then 0x05 was the requester ...
    expect(answer.contacts.slice(0, 4).map((c) => c.id[0])).toEqual([6, 7, 4, 2]);
  });

  it('answers an address that never answered it with no more bytes than it received', () => {
    const node = makeNode();
    for (let i = 1; i <= 30; i++) node.handleDatagram(i, simEndpoint(i), ping(idOf(i)));
    drain(node);
    const small = encodeKadMessage({
      type: 'find-node',
      txid: 3,
      sender: idOf(0xf0),
      target: idOf(6),
    });
    node.handleDatagram(50, simEndpoint(99), small);
    const { sent } = drain(node);
    const bytes = encodeKadMessage(sent[0]!.m);
    expect(bytes.length).toBeLessThanOrEqual(small.length);
    expect(node.stats.answersTrimmed).toBe(1);
  });

  it('PINGs a silent bucket head before evicting it, and keeps it when it answers', () => {
    const node = makeNode({ k: 2, headFreshMs: 1000 });
    // Bucket 0 (first bit set): 0x80 then 0x81 fill it.
    node.handleDatagram(0, simEndpoint(1), ping(idOf(0x80)));
    node.handleDatagram(1, simEndpoint(2), ping(idOf(0x81)));
    drain(node);
    // A newcomer while the head is fresh: no PING, it waits as a replacement.
    node.handleDatagram(500, simEndpoint(3), ping(idOf(0x82)));
    expect(drain(node).sent.filter((s) => s.m.type === 'ping')).toHaveLength(0);
    // After the head has been silent for 1 s: the head (0x80) is PINGed.
    node.handleDatagram(2000, simEndpoint(4), ping(idOf(0x83)));
    const probe = drain(node).sent.find((s) => s.m.type === 'ping')!;
    expect(probe.to).toEqual(simEndpoint(1));
    node.handleDatagram(
      2050,
      simEndpoint(1),
      encodeKadMessage({ type: 'pong', txid: probe.m.txid, sender: idOf(0x80) }),
    );
    drain(node);
    const ids = [...node.table.entries()].map((e) => e.id[0]);
    expect(ids.sort()).toEqual([0x80, 0x81]);
    expect(node.stats.evictions).toBe(0);
  });

  it('evicts a head that does not answer its PING (after the retry) for the newcomer', () => {
    const node = makeNode({ k: 2, headFreshMs: 0 });
    node.handleDatagram(0, simEndpoint(1), ping(idOf(0x80)));
    node.handleDatagram(1, simEndpoint(2), ping(idOf(0x81)));
    node.handleDatagram(2, simEndpoint(3), ping(idOf(0x82)));
    const first = drain(node);
    expect(first.sent.filter((s) => s.m.type === 'ping')).toHaveLength(1);
    expect(first.atMs).toBe(1002);
    node.handleTimeout(1002);
    const retry = drain(node);
    expect(retry.sent.filter((s) => s.m.type === 'ping')).toHaveLength(1);
    expect(node.stats.retransmits).toBe(1);
    node.handleTimeout(retry.atMs);
    drain(node);
    const ids = [...node.table.entries()].map((e) => e.id[0]);
    expect(ids.sort()).toEqual([0x81, 0x82]);
    expect(node.stats.evictions).toBe(1);
  });

  it('drops answers nobody asked for and bytes it cannot decode, counting why', () => {
    const node = makeNode();
    node.handleDatagram(
      0,
      simEndpoint(1),
      encodeKadMessage({ type: 'pong', txid: 1, sender: idOf(1) }),
    );
    node.handleDatagram(0, simEndpoint(1), new Uint8Array([0x4b, 1, 3]));
    node.handleDatagram(0, simEndpoint(1), new Uint8Array(2000));
    node.handleDatagram(0, simEndpoint(1), ping(idOf(0)));
    expect(drain(node).sent).toHaveLength(0);
    expect(node.stats.dropped).toEqual({
      unsolicited: 1,
      truncated: 1,
      'too-long': 1,
      'own-id': 1,
    });
  });

  it('a lookup with no contacts ends at once; one through a dead seed fails after its retry', () => {
    const lonely = makeNode();
    const id = lonely.lookup(0, idOf(9));
    expect(drain(lonely).events).toEqual([
      expect.objectContaining({
        type: 'lookup-done',
        lookupId: id,
        found: false,
        failure: 'no-contacts',
      }),
    ]);
    const joiner = makeNode({ bootstrap: [simEndpoint(7)] });
    joiner.start(0);
    const a = drain(joiner);
    expect(a.sent.map((s) => s.m.type)).toEqual(['find-node']);
    expect(encodeKadMessage(a.sent[0]!.m).length).toBe(1041); // padded
    joiner.handleTimeout(a.atMs);
    const b = drain(joiner);
    expect(b.sent.map((s) => s.m.type)).toEqual(['find-node']);
    joiner.handleTimeout(b.atMs);
    expect(drain(joiner).events).toEqual([{ type: 'joined', contacts: 0 }]);
  });

  it('refuses time going backwards and bad options', () => {
    const node = makeNode();
    node.handleTimeout(10);
    expect(() => node.handleTimeout(5)).toThrow(RangeError);
    expect(() => makeNode({ k: 0 })).toThrow(RangeError);
    expect(() => makeNode({ k: 21 })).toThrow(RangeError);
    expect(() => new KadNode({ id: new Uint8Array(20), rng: seededRng(1) })).toThrow(RangeError);
  });
});
