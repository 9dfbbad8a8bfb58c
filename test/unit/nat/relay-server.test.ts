/**
 * nat/relay-server: the reservation handshake, limits (slots, per-source share, byte and datagram
 * budgets), expiry and refresh, an unreserved slot, anti-amplification toward unproven peers
 * (credit, KNOCK/OPEN proof, the held datagram) and hostile input (fast-check: never throws and
 * never sends an address more than it sent). Called directly, virtual time, seeded rng.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Endpoint, endpointKey, parseEndpoint } from '../../../src/keys/endpoint.js';
import {
  decodeRelayMessage,
  encodeRelayMessage,
  type RelayMessage,
} from '../../../src/nat/relay-codec.js';
import { RelayServer } from '../../../src/nat/relay-server.js';
import type { RelayServerOptions } from '../../../src/nat/relay-types.js';
import { drainNode, type Transmit } from '../../../src/sans-io.js';
import { seededRng } from '../../../src/util/rng.js';

const CONTROL = parseEndpoint('203.0.113.10:3540');
const slot = (port: number): Endpoint => parseEndpoint(`203.0.113.10:${port}`);
const CLIENT = parseEndpoint('203.0.113.31:40000');
const PEER = parseEndpoint('203.0.113.21:3540');

function relay(options: Partial<RelayServerOptions> = {}): RelayServer {
  return new RelayServer({ rng: seededRng('relay'), slots: [slot(3541), slot(3542)], ...options });
}

/** Feeds one datagram and returns what the relay sends. */
function feed(r: RelayServer, now: number, from: Endpoint, bytes: Uint8Array, local = CONTROL) {
  r.handleDatagram(now, from, bytes, local);
  const out: Transmit[] = [];
  drainNode(r, { transmit: (t) => out.push(t), event: () => {} });
  return out;
}
const msg = (t: Transmit): RelayMessage => {
  const d = decodeRelayMessage(t.payload);
  if (!d.ok) throw new Error('not a relay message');
  return d.value;
};

/** Runs the handshake for `client`; returns the relayed endpoint. */
function reserve(r: RelayServer, now: number, client: Endpoint): RelayMessage {
  const [challenge] = feed(r, now, client, encodeRelayMessage({ type: 'reserve', requestId: 1 }));
  const c = msg(challenge!);
  if (c.type !== 'challenge') throw new Error(`expected a challenge, got ${c.type}`);
  const [answer] = feed(
    r,
    now,
    client,
    encodeRelayMessage({ type: 'reserve', requestId: 1, cookie: c.cookie }),
  );
  return msg(answer!);
}

describe('RelayServer', () => {
  it('challenges a first RESERVE, grants a slot to the one that repeats the cookie', () => {
    const r = relay();
    const first = feed(r, 0, CLIENT, encodeRelayMessage({ type: 'reserve', requestId: 9 }));
    expect(first.map((t) => msg(t).type)).toEqual(['challenge']);
    expect(r.reservationCount).toBe(0);
    const wrong = feed(
      r,
      1,
      CLIENT,
      encodeRelayMessage({ type: 'reserve', requestId: 9, cookie: new Uint8Array(8).fill(7) }),
    );
    expect(msg(wrong[0]!).type).toBe('challenge');
    const granted = reserve(r, 2, CLIENT);
    expect(granted).toMatchObject({ type: 'reserved', lifetimeSeconds: 120, relayed: slot(3541) });
    expect(r.stats.reservationsGranted).toBe(1);
    expect(r.stats.challengesSent).toBe(3);
  });

  it('refuses with reasons: every slot taken (full), one source over its share (source-limit)', () => {
    const r = relay({ reservationsPerSourceMax: 1 });
    expect(reserve(r, 0, CLIENT).type).toBe('reserved');
    const sameIp = parseEndpoint('203.0.113.31:40001');
    expect(reserve(r, 0, sameIp)).toMatchObject({ type: 'refused', reason: 'source-limit' });
    expect(reserve(r, 0, parseEndpoint('203.0.113.32:40000')).type).toBe('reserved');
    expect(reserve(r, 0, parseEndpoint('203.0.113.33:40000'))).toMatchObject({
      type: 'refused',
      reason: 'full',
    });
    expect(r.stats.refused).toMatchObject({ full: 1, 'source-limit': 1 });
  });

  it('a reservation expires without refresh, lives on with one, and its slot goes to another', () => {
    const r = relay({ lifetimeMs: 30_000, slots: [slot(3541)] });
    reserve(r, 0, CLIENT);
    const refresh = feed(r, 20_000, CLIENT, encodeRelayMessage({ type: 'reserve', requestId: 2 }));
    expect(msg(refresh[0]!)).toMatchObject({ type: 'reserved', requestId: 2 });
    r.handleTimeout(45_000);
    expect(r.reservationCount).toBe(1);
    r.handleTimeout(50_000);
    expect(r.reservationCount).toBe(0);
    expect(r.stats.reservationsExpired).toBe(1);
    expect(reserve(r, 50_001, parseEndpoint('203.0.113.32:40000'))).toMatchObject({
      type: 'reserved',
      relayed: slot(3541),
    });
  });

  it('drops datagrams to an unreserved slot and refuses a SEND without a reservation', () => {
    const r = relay();
    expect(feed(r, 0, PEER, Uint8Array.of(0, 0x10, 1, 2), slot(3541))).toEqual([]);
    expect(r.stats.dropped['unreserved-slot']).toBe(1);
    const send = encodeRelayMessage({ type: 'send', peer: PEER, payload: new Uint8Array(40) });
    const out = feed(r, 0, CLIENT, send);
    expect(out.map(msg)).toMatchObject([{ type: 'refused', reason: 'no-reservation' }]);
    expect(out[0]!.payload.length).toBeLessThan(send.length);
  });

  it('forwards a peer datagram to the client as DATA, KNOCKs the peer from the slot, and lets the reply through within its credit', () => {
    const r = relay();
    reserve(r, 0, CLIENT);
    const inbound = new Uint8Array(100).fill(3);
    const out = feed(r, 10, PEER, inbound, slot(3541));
    expect(out.map((t) => [msg(t).type, endpointKey(t.to)])).toEqual([
      ['knock', endpointKey(PEER)],
      ['data', endpointKey(CLIENT)],
    ]);
    expect(out[0]!.from).toEqual(slot(3541));
    expect(msg(out[1]!)).toMatchObject({ peer: PEER, payload: inbound });
    // 100 received, 14 spent on the KNOCK: 86 bytes may go back before the peer is proven.
    const small = feed(
      r,
      20,
      CLIENT,
      encodeRelayMessage({ type: 'send', peer: PEER, payload: new Uint8Array(80) }),
    );
    expect(small).toHaveLength(1);
    expect(small[0]).toMatchObject({ to: PEER, from: slot(3541) });
    expect(small[0]!.payload.length).toBe(80);
    const big = feed(
      r,
      30,
      CLIENT,
      encodeRelayMessage({ type: 'send', peer: PEER, payload: new Uint8Array(500) }),
    );
    expect(big).toEqual([]); // held: the credit left (6 bytes) cannot cover it; KNOCK interval not over
  });

  it('holds a SEND to an unknown peer, KNOCKs it from the control endpoint, forwards once the OPEN echoes the nonce', () => {
    const r = relay();
    reserve(r, 0, CLIENT);
    const payload = new Uint8Array(600).fill(5);
    const out = feed(r, 10, CLIENT, encodeRelayMessage({ type: 'send', peer: PEER, payload }));
    expect(out).toHaveLength(1);
    const knock = msg(out[0]!);
    expect(knock).toMatchObject({ type: 'knock', slotPort: 3541 });
    expect(out[0]!.from).toBeUndefined(); // the control endpoint: the peer's NAT knows it
    if (knock.type !== 'knock') throw new Error();
    const badOpen = encodeRelayMessage({ type: 'open', nonce: new Uint8Array(8).fill(1) });
    const none = feed(r, 20, PEER, badOpen, slot(3541));
    expect(none.every((t) => msg(t).type !== 'send')).toBe(true);
    expect(
      none.some((t) => endpointKey(t.to) === endpointKey(PEER) && t.payload.length === 600),
    ).toBe(false);
    const open = encodeRelayMessage({ type: 'open', nonce: knock.nonce });
    const flushed = feed(r, 30, PEER, open, slot(3541));
    expect(flushed).toHaveLength(1);
    expect(flushed[0]).toMatchObject({ to: PEER, from: slot(3541), payload });
    expect(r.stats.peersProven).toBe(1);
    // Proven: a large SEND now goes straight through.
    const next = feed(r, 40, CLIENT, encodeRelayMessage({ type: 'send', peer: PEER, payload }));
    expect(next).toHaveLength(1);
  });

  it('bounds each reservation by its byte and datagram budgets', () => {
    const r = relay({
      bytesPerSecond: 1000,
      burstBytes: 2000,
      datagramsPerSecond: 10,
      burstDatagrams: 10,
    });
    reserve(r, 0, CLIENT);
    let forwarded = 0;
    for (let i = 0; i < 50; i++)
      forwarded += feed(r, 0, PEER, new Uint8Array(100), slot(3541)).filter(
        (t) => endpointKey(t.to) === endpointKey(CLIENT),
      ).length;
    expect(forwarded).toBe(10); // the datagram burst
    expect(r.stats.dropped['rate-limited']).toBe(40);
    forwarded = 0;
    for (let i = 0; i < 5; i++)
      forwarded += feed(r, 10_000, PEER, new Uint8Array(900), slot(3541)).length > 0 ? 1 : 0;
    expect(forwarded).toBe(2); // the byte burst: 2 x 900 of 2000
  });

  it('keeps peers per reservation bounded (least recently used forgotten)', () => {
    const r = relay({ peersMax: 2 });
    reserve(r, 0, CLIENT);
    for (let i = 0; i < 5; i++)
      feed(
        r,
        0,
        CLIENT,
        encodeRelayMessage({
          type: 'send',
          peer: parseEndpoint(`203.0.113.${50 + i}:4000`),
          payload: new Uint8Array(30),
        }),
      );
    expect(r.stats.dropped['held-expired']).toBe(3);
  });

  it('never throws on hostile input and, with no reservation granted, never sends an address more than it sent', () => {
    // Per address, not endpoint: an OPEN answers a KNOCK at the knocker's own IP, another port.
    const ip = (e: Endpoint): string => endpointKey({ address: e.address, port: 0 });
    const sources = ['203.0.113.31:40000', '203.0.113.32:4000', '198.51.100.1:5000'].map(
      parseEndpoint,
    );
    const relayMessage = fc
      .oneof(
        fc.record({ type: fc.constant('reserve' as const), requestId: fc.nat() }),
        fc.record({
          type: fc.constant('send' as const),
          peer: fc.constantFrom(...sources),
          payload: fc.uint8Array({ maxLength: 200 }),
        }),
        fc.record({ type: fc.constant('ping' as const), sequence: fc.nat(), padding: fc.nat(64) }),
        fc.record({
          type: fc.constant('knock' as const),
          slotPort: fc.integer({ min: 0, max: 65535 }),
          nonce: fc.uint8Array({ minLength: 8, maxLength: 8 }),
        }),
        fc.record({
          type: fc.constant('open' as const),
          nonce: fc.uint8Array({ minLength: 8, maxLength: 8 }),
        }),
      )
      .map((m) => encodeRelayMessage(m as RelayMessage));
    const datagram = fc.record({
      from: fc.constantFrom(...sources),
      local: fc.constantFrom(CONTROL, slot(3541), slot(3542)),
      bytes: fc.oneof(fc.uint8Array({ maxLength: 300 }), relayMessage),
      dtMs: fc.nat(2000),
    });
    fc.assert(
      fc.property(fc.array(datagram, { maxLength: 60 }), (list) => {
        const r = relay();
        const sent = new Map<string, number>();
        const received = new Map<string, number>();
        let now = 0;
        for (const d of list) {
          now += d.dtMs;
          const k = ip(d.from);
          received.set(k, (received.get(k) ?? 0) + d.bytes.length);
          for (const t of feed(r, now, d.from, d.bytes, d.local))
            sent.set(ip(t.to), (sent.get(ip(t.to)) ?? 0) + t.payload.length);
          r.handleTimeout(now);
        }
        for (const [k, n] of sent) expect(n).toBeLessThanOrEqual(received.get(k) ?? 0);
        expect(r.reservationCount).toBe(0);
      }),
      { numRuns: 500, seed: 16 },
    );
  });
  it('with a reservation held, sends a peer no more than it sent plus the SENDs the client addressed to it', () => {
    const peers = ['203.0.113.21:3540', '203.0.113.22:4000', '198.51.100.1:5000'].map(
      parseEndpoint,
    );
    const ip = (e: Endpoint): string => endpointKey({ address: e.address, port: 0 });
    const step = fc.oneof(
      fc.record({
        kind: fc.constant('peer' as const),
        from: fc.constantFrom(...peers),
        bytes: fc.uint8Array({ maxLength: 300 }),
      }),
      fc.record({
        kind: fc.constant('send' as const),
        to: fc.constantFrom(...peers),
        payload: fc.uint8Array({ maxLength: 600 }),
      }),
      fc.record({
        kind: fc.constant('open' as const),
        from: fc.constantFrom(...peers),
        nonce: fc.uint8Array({ minLength: 8, maxLength: 8 }),
      }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const r = relay();
        reserve(r, 0, CLIENT);
        const allowance = new Map<string, number>();
        const sent = new Map<string, number>();
        const add = (m: Map<string, number>, k: string, n: number) => m.set(k, (m.get(k) ?? 0) + n);
        let now = 1;
        for (const st of steps) {
          now += 50;
          let out: Transmit[];
          if (st.kind === 'send') {
            // The client pays with its whole SEND (a KNOCK may cost more than a tiny payload).
            const m = encodeRelayMessage({ type: 'send', peer: st.to, payload: st.payload });
            add(allowance, ip(st.to), m.length);
            out = feed(r, now, CLIENT, m);
          } else {
            const bytes =
              st.kind === 'open' ? encodeRelayMessage({ type: 'open', nonce: st.nonce }) : st.bytes;
            add(allowance, ip(st.from), bytes.length);
            out = feed(r, now, st.from, bytes, slot(3541));
          }
          for (const t of out) if (ip(t.to) !== ip(CLIENT)) add(sent, ip(t.to), t.payload.length);
        }
        for (const [k, n] of sent) expect(n).toBeLessThanOrEqual(allowance.get(k) ?? 0);
      }),
      { numRuns: 300, seed: 16 },
    );
  });
});

describe('RelayServer between two of its own clients', () => {
  it('hands a SEND to another slot over inside the relay, both ways, no larger than the SEND', () => {
    const r = relay();
    const a = parseEndpoint('198.51.100.7:40000');
    const b = parseEndpoint('198.51.100.8:40000');
    expect(reserve(r, 0, a)).toMatchObject({ type: 'reserved', relayed: slot(3541) });
    expect(reserve(r, 0, b)).toMatchObject({ type: 'reserved', relayed: slot(3542) });
    // A large payload, as an INQUIRE's answer is: no KNOCK, no credit needed between clients.
    const payload = new Uint8Array(1000).fill(5);
    const send = encodeRelayMessage({ type: 'send', peer: slot(3542), payload });
    const toB = feed(r, 1, a, send);
    expect(toB.map((t) => t.to)).toEqual([b]);
    expect(msg(toB[0]!)).toEqual({ type: 'data', peer: slot(3541), payload });
    expect(toB[0]!.payload.length).toBeLessThanOrEqual(send.length);
    const back = encodeRelayMessage({ type: 'send', peer: slot(3541), payload: Uint8Array.of(1) });
    const toA = feed(r, 2, b, back);
    expect(toA.map((t) => t.to)).toEqual([a]);
    expect(msg(toA[0]!)).toEqual({ type: 'data', peer: slot(3542), payload: Uint8Array.of(1) });
    expect(r.stats.hairpinned).toBe(2);
    expect(r.stats.knocksSent).toBe(0);
  });

  it('drops a SEND to the sender own slot or to a slot nobody holds, and charges both budgets', () => {
    const r = relay({ datagramsPerSecond: 1, burstDatagrams: 3 });
    const a = parseEndpoint('198.51.100.7:40000');
    reserve(r, 0, a);
    const to = (port: number) =>
      encodeRelayMessage({ type: 'send', peer: slot(port), payload: Uint8Array.of(1) });
    expect(feed(r, 1, a, to(3541))).toEqual([]);
    expect(r.stats.dropped['bad-peer']).toBe(1);
    expect(feed(r, 1, a, to(3542))).toEqual([]);
    expect(r.stats.dropped['unreserved-slot']).toBe(1);
    const b = parseEndpoint('198.51.100.8:40000');
    reserve(r, 1, b);
    // b's budget (3 datagrams, its RESERVE refresh not counted) pays for what it receives too.
    let delivered = 0;
    for (let i = 0; i < 6; i++) delivered += feed(r, 1, a, to(3542)).length;
    expect(delivered).toBeLessThan(6);
    expect(r.stats.dropped['rate-limited']).toBeGreaterThan(0);
  });
});
