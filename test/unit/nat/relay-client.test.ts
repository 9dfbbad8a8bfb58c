/**
 * nat/relay-client with nat/relay-server in a virtual-time world (relay-world.ts): a client
 * behind a symmetric NAT reserves at a public relay, refreshes (which keeps its mapping open),
 * re-reserves when the relay forgot it, and reports a silent relay. A peer behind a cone NAT
 * reaches it through the relayed endpoint (PING/PONG and plain datagrams) and it reaches the
 * peer (KNOCK from the relay's control endpoint, OPEN, the held datagram). Seeded, deterministic.
 */
import { describe, expect, it } from 'vitest';
import { type Endpoint, endpointKey, parseEndpoint } from '../../../src/keys/endpoint.js';
import { RelayClient } from '../../../src/nat/relay-client.js';
import { encodeRelayMessage } from '../../../src/nat/relay-codec.js';
import { RelayResponderNode } from '../../../src/nat/relay-peer.js';
import { RelayServer } from '../../../src/nat/relay-server.js';
import type { RelayClientEvent } from '../../../src/nat/relay-types.js';
import { seededRng } from '../../../src/util/rng.js';
import { Nat, World } from './relay-world.js';

const RELAY = '203.0.113.10:3540';
const SLOTS = ['203.0.113.10:3541', '203.0.113.10:3542'];

function setup(lifetimeMs = 120_000) {
  const world = new World();
  const server = world.add(
    new RelayServer({ rng: seededRng('relay'), slots: SLOTS.map(parseEndpoint), lifetimeMs }),
    [RELAY, ...SLOTS],
  );
  const client = world.add(
    new RelayClient({ rng: seededRng('client'), relay: parseEndpoint(RELAY) }),
    ['10.0.3.2:3540'],
    new Nat('203.0.113.31', true),
  );
  const peer = world.add(
    new RelayResponderNode(),
    ['10.0.1.2:3540'],
    new Nat('203.0.113.21', false),
  );
  world.command(client, (n, now) => n.start(now));
  world.run(1000);
  return { world, server, client, peer };
}
const events = (world: World, node: RelayClient) => world.events(node) as RelayClientEvent[];

describe('RelayClient with RelayServer', () => {
  it('reserves through the challenge and learns the relayed endpoint', () => {
    const { world, client, server } = setup();
    expect(client.relayed).toEqual(parseEndpoint(SLOTS[0]!));
    expect(events(world, client)).toEqual([
      { type: 'reserved', relayed: parseEndpoint(SLOTS[0]!), lifetimeSeconds: 120 },
    ]);
    expect(client.stats.reservesSent).toBe(2);
    expect(server.stats.reservationsGranted).toBe(1);
  });

  it('refreshes every 10 s, so a 30 s reservation and the NAT mapping outlive a minute', () => {
    const { world, client, server } = setup(30_000);
    world.run(90_000);
    expect(server.reservationCount).toBe(1);
    expect(server.stats.reservationsRefreshed).toBe(8);
    expect(client.relayed).toBeDefined();
  });

  it('a peer behind a cone NAT pings the relayed endpoint and gets the PONG through the relay', () => {
    const { world, client, peer, server } = setup();
    // The peer's node sends a PING to the relayed endpoint (as `pnrp ping` does).
    const ping = encodeRelayMessage({ type: 'ping', sequence: 5, padding: 32 });
    world.command(peer, (n, now) => n.send(now, parseEndpoint(SLOTS[0]!), ping));
    world.run(2000);
    expect(world.events(peer)).toEqual([
      { type: 'pong', from: parseEndpoint(SLOTS[0]!), sequence: 5, bytes: 40 },
    ]);
    expect(client.stats.pongsSent).toBe(1);
    expect(server.stats.toClientDatagrams).toBe(1);
    expect(server.stats.toPeerDatagrams).toBe(1);
  });

  it('the client reaches a cone peer that knows the relay: KNOCK, OPEN, then the held datagram', () => {
    const { world, client, peer, server } = setup();
    // The peer talks with the relay's node (its bootstrap): its NAT lets the relay's control
    // endpoint in, not the slot.
    const hello = encodeRelayMessage({ type: 'ping', sequence: 1, padding: 0 });
    world.command(peer, (n, now) => n.send(now, parseEndpoint(RELAY), hello));
    world.run(1500);
    const peerPublic: Endpoint = parseEndpoint('203.0.113.21:40000');
    const payload = Uint8Array.of(0, 0x10, 0, 12, 0x51, 1, 2, 3);
    world.command(client, (n, now) => n.send(now, peerPublic, payload));
    world.command(client, (n, now) =>
      n.send(now, peerPublic, encodeRelayMessage({ type: 'ping', sequence: 9, padding: 0 })),
    );
    world.run(3000);
    expect(server.stats.knocksSent).toBe(1);
    expect(server.stats.peersProven).toBe(1);
    expect(server.stats.dropped['held-replaced']).toBe(1); // one held datagram per peer
    expect(peer.stats.opensSent).toBe(1);
    // The PING (the newer one) reached the peer and its PONG came back through the relay.
    expect(events(world, client).filter((e) => e.type === 'pong')).toEqual([
      { type: 'pong', from: peerPublic, sequence: 9, bytes: 8 },
    ]);
    // The peer answered to the slot; nothing from the slot reached it before its OPEN.
    const slotKey = endpointKey(parseEndpoint(SLOTS[0]!));
    expect(world.delivered.filter(([from]) => endpointKey(from) === slotKey).length).toBe(1);
  });

  it('reserves afresh when the relay has forgotten it, and reports a relay that never answers', () => {
    const { world, client, server } = setup(30_000);
    // The relay forgets (expiry while the client is cut off is simulated by a RELEASE).
    world.command(client, (n, now) => n.release(now));
    world.run(2000);
    expect(server.reservationCount).toBe(0);
    const lone = new World();
    const silent = lone.add(
      new RelayClient({ rng: seededRng('c2'), relay: parseEndpoint('203.0.113.99:3540') }),
      ['10.0.3.2:3540'],
    );
    lone.command(silent, (n, now) => n.start(now));
    lone.run(20_000);
    expect(lone.events(silent)).toEqual([
      { type: 'no-answer', relay: parseEndpoint('203.0.113.99:3540') },
    ]);
    expect(silent.stats.reservesSent).toBe(4);
    // A SEND after the relay forgot the reservation is refused and the client reserves again.
    const again = setup(30_000);
    again.world.command(again.server, (n, now) => n.handleTimeout(now));
    (again.server as unknown as { byClient: Map<string, unknown> }).byClient.clear();
    again.world.command(again.client, (n, now) =>
      n.send(now, parseEndpoint('203.0.113.11:3540'), new Uint8Array(30)),
    );
    again.world.run(5000);
    expect(again.server.stats.refused['no-reservation']).toBe(1);
    expect(again.client.stats.reservesSent).toBe(4);
  });
});
