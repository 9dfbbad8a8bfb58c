/**
 * nat/relay-server against an off-path attacker who spoofs source addresses: a flood of RESERVEs
 * (or SENDs) from addresses it does not hold must not starve the refreshes of clients that hold a
 * reservation, nor the second (cookie-bearing) RESERVE of a client that answered its CHALLENGE.
 * Virtual time, seeded rng, deterministic counts.
 */
import { describe, expect, it } from 'vitest';
import { type Endpoint, parseEndpoint } from '../../../src/keys/endpoint.js';
import { RelayClient } from '../../../src/nat/relay-client.js';
import {
  decodeRelayMessage,
  encodeRelayMessage,
  type RelayMessage,
} from '../../../src/nat/relay-codec.js';
import { RelayServer } from '../../../src/nat/relay-server.js';
import type { RelayClientEvent } from '../../../src/nat/relay-types.js';
import { drainNode, type Transmit } from '../../../src/sans-io.js';
import { seededRng } from '../../../src/util/rng.js';
import { Nat, World } from './relay-world.js';

const CONTROL = parseEndpoint('203.0.113.10:3540');
const CLIENT = parseEndpoint('203.0.113.31:40000');
const spoofed = (i: number): Endpoint =>
  parseEndpoint(`198.51.100.${1 + (i % 250)}:${20000 + Math.floor(i / 250)}`);

function feed(r: RelayServer, now: number, from: Endpoint, bytes: Uint8Array): Transmit[] {
  r.handleDatagram(now, from, bytes, CONTROL);
  const out: Transmit[] = [];
  drainNode(r, { transmit: (t) => out.push(t), event: () => {} });
  return out;
}
const msg = (t: Transmit | undefined): RelayMessage | undefined => {
  if (t === undefined) return undefined;
  const d = decodeRelayMessage(t.payload);
  return d.ok ? d.value : undefined;
};

function reserve(r: RelayServer, now: number, client: Endpoint): RelayMessage | undefined {
  const c = msg(feed(r, now, client, encodeRelayMessage({ type: 'reserve', requestId: 1 }))[0]);
  if (c?.type !== 'challenge') return c;
  const again = encodeRelayMessage({ type: 'reserve', requestId: 1, cookie: c.cookie });
  return msg(feed(r, now, client, again)[0]);
}

describe('RelayServer under a spoofed flood', () => {
  it('keeps a held reservation alive: refreshes are not charged to the RESERVE rate a flood drains', () => {
    const r = new RelayServer({
      rng: seededRng('relay-flood'),
      slots: [parseEndpoint('203.0.113.10:3541')],
    });
    expect(reserve(r, 0, CLIENT)?.type).toBe('reserved');
    let sent = 0;
    let refreshesAnswered = 0;
    // 60 spoofed RESERVEs every second (more than the 50 a second the relay takes), and the
    // client's refresh every 10 s right after them, for 200 s (the lifetime is 120 s).
    for (let s = 1; s <= 200; s++) {
      const now = s * 1000;
      for (let i = 0; i < 60; i++)
        feed(r, now, spoofed(sent++), encodeRelayMessage({ type: 'reserve', requestId: i }));
      if (s % 10 === 0) {
        const out = feed(r, now, CLIENT, encodeRelayMessage({ type: 'reserve', requestId: 1 }));
        if (msg(out[0])?.type === 'reserved') refreshesAnswered++;
      }
      r.handleTimeout(now);
    }
    expect(refreshesAnswered).toBe(20);
    expect(r.reservationCount).toBe(1);
    expect(r.stats.reservationsExpired).toBe(0);
  });

  it('grants the slot to a client that repeats its cookie while a flood drains the RESERVE rate', () => {
    const r = new RelayServer({
      rng: seededRng('relay-flood-2'),
      slots: [parseEndpoint('203.0.113.10:3541')],
    });
    const c = msg(feed(r, 0, CLIENT, encodeRelayMessage({ type: 'reserve', requestId: 4 }))[0]);
    expect(c?.type).toBe('challenge');
    for (let i = 0; i < 80; i++)
      feed(r, 5, spoofed(i), encodeRelayMessage({ type: 'reserve', requestId: i }));
    const cookie = c?.type === 'challenge' ? c.cookie : new Uint8Array(8);
    const granted = feed(
      r,
      10,
      CLIENT,
      encodeRelayMessage({ type: 'reserve', requestId: 4, cookie }),
    );
    expect(msg(granted[0])?.type).toBe('reserved');
  });
});

describe('RelayClient under a spoofed REFUSED', () => {
  it('a REFUSED no-reservation forged with the relay address does not drop the reservation', () => {
    const world = new World();
    world.add(
      new RelayServer({ rng: seededRng('relay'), slots: [parseEndpoint('203.0.113.10:3541')] }),
      ['203.0.113.10:3540', '203.0.113.10:3541'],
    );
    const client = world.add(
      new RelayClient({ rng: seededRng('client'), relay: CONTROL }),
      ['10.0.3.2:3540'],
      new Nat('203.0.113.31', true),
    );
    world.command(client, (n, now) => n.start(now));
    world.run(1000);
    const reservedEvents = () =>
      world.events(client).filter((e) => (e as RelayClientEvent).type === 'reserved').length;
    expect(reservedEvents()).toBe(1);
    const forged = encodeRelayMessage({ type: 'refused', requestId: 0, reason: 'no-reservation' });
    for (let i = 0; i < 20; i++) {
      world.command(client, (n, now) => {
        n.handleDatagram(now, CONTROL, forged);
        n.send(now, parseEndpoint('203.0.113.11:3540'), new Uint8Array(30));
      });
      world.run(world.nowMs + 100);
    }
    expect(client.stats.unreserved).toBe(0); // every send went out through the relay
    expect(reservedEvents()).toBe(1); // no re-advertising of the relayed endpoint
    expect(client.relayed).toBeDefined();
  });
});

describe('RelayClient when the relay really forgot it', () => {
  it('checks with a RESERVE, and drops the relayed endpoint when the relay has no slot left', () => {
    const world = new World();
    const server = world.add(
      new RelayServer({ rng: seededRng('relay'), slots: [parseEndpoint('203.0.113.10:3541')] }),
      ['203.0.113.10:3540', '203.0.113.10:3541'],
    );
    const client = world.add(
      new RelayClient({ rng: seededRng('client'), relay: CONTROL }),
      ['10.0.3.2:3540'],
      new Nat('203.0.113.31', true),
    );
    world.command(client, (n, now) => n.start(now));
    world.run(1000);
    expect(client.relayed).toBeDefined();
    // The relay forgets the client, and someone else takes the only slot.
    (server as unknown as { byClient: Map<string, unknown> }).byClient.clear();
    reserve(server, world.nowMs, parseEndpoint('203.0.113.77:5000'));
    world.command(client, (n, now) =>
      n.send(now, parseEndpoint('203.0.113.11:3540'), new Uint8Array(30)),
    );
    world.run(world.nowMs + 2000);
    expect(world.events(client).map((e) => (e as RelayClientEvent).type)).toEqual([
      'reserved',
      'refused',
    ]);
    expect(client.relayed).toBeUndefined();
  });
});
