/**
 * nat/address-discovery: a node behind an emulated NAT asks two servers (AddressDiscovery nodes
 * without servers of their own, i.e. plain responders) where they see it. A cone NAT (one public
 * port for every destination, port-restricted filtering): candidate, then confirmed by the other
 * server's dial-back. A symmetric NAT (a port per destination): unconfirmed, reason
 * endpoint-dependent-mapping. One server: no-helper. A NAT that rebinds: lost, then confirmed
 * with `previous`. Virtual time and a seeded rng: deterministic.
 */
import { describe, expect, it } from 'vitest';
import {
  type Endpoint,
  endpointKey,
  formatEndpoint,
  parseEndpoint,
} from '../../../src/keys/endpoint.js';
import { AddressDiscovery, type AddressEvent } from '../../../src/nat/index.js';
import { seededRng } from '../../../src/util/rng.js';

const PRIVATE = parseEndpoint('10.0.1.2:3540');
const PUBLIC_IP = '203.0.113.21';
const A = parseEndpoint('203.0.113.10:3540');
const B = parseEndpoint('203.0.113.11:3540');

/** A NAT in front of PRIVATE: a mapping per destination (symmetric) or one for all (cone). */
class Nat {
  private readonly out = new Map<string, number>(); // destination (or '*') -> public port
  private readonly allowed = new Set<string>(); // public port + remote that may come in
  private nextPort = 40000;
  constructor(
    private readonly symmetric: boolean,
    public dropAll = false,
  ) {}
  outbound(to: Endpoint): Endpoint {
    const key = this.symmetric ? endpointKey(to) : '*';
    let port = this.out.get(key);
    if (port === undefined) {
      port = this.nextPort++;
      this.out.set(key, port);
    }
    this.allowed.add(`${port}/${endpointKey(to)}`);
    return parseEndpoint(`${PUBLIC_IP}:${port}`);
  }
  inbound(from: Endpoint, to: Endpoint): boolean {
    return !this.dropAll && this.allowed.has(`${to.port}/${endpointKey(from)}`);
  }
  rebind(): void {
    this.out.clear();
    this.allowed.clear();
    this.nextPort += 100;
  }
}

/** Runs the client and both servers on virtual time with 10 ms one-way delay. */
function world(symmetric: boolean, servers: Endpoint[]) {
  const nat = new Nat(symmetric);
  const client = new AddressDiscovery({
    rng: seededRng('client'),
    servers,
    localEndpoints: [PRIVATE],
  });
  const nodes = new Map<string, AddressDiscovery>([
    [endpointKey(A), new AddressDiscovery({ rng: seededRng('a') })],
    [endpointKey(B), new AddressDiscovery({ rng: seededRng('b') })],
  ]);
  const selfOf = new Map<AddressDiscovery, Endpoint>(
    [...nodes].map(([key, n]) => [n, key === endpointKey(A) ? A : B]),
  );
  const events: AddressEvent[] = [];
  const wire: { at: number; from: Endpoint; to: Endpoint; payload: Uint8Array }[] = [];
  let now = 0;
  const timers = new Map<AddressDiscovery, number>();
  const drain = (node: AddressDiscovery, self: Endpoint | undefined): void => {
    for (;;) {
      const o = node.poll();
      if (o.type === 'timeout') {
        timers.set(node, o.atMs);
        return;
      }
      if (o.type === 'event') events.push(o.event);
      else {
        const from = self ?? nat.outbound(o.to);
        wire.push({ at: now + 10, from, to: o.to, payload: o.payload });
      }
    }
  };
  const run = (untilMs: number): void => {
    for (;;) {
      wire.sort((x, y) => x.at - y.at);
      const nextTimer = Math.min(...timers.values());
      const nextWire = wire[0]?.at ?? Infinity;
      const next = Math.min(nextTimer, nextWire);
      if (next > untilMs) {
        now = untilMs;
        return;
      }
      now = next;
      if (nextWire <= nextTimer) {
        const d = wire.shift()!;
        const server = nodes.get(endpointKey(d.to));
        if (server) {
          server.handleDatagram(now, d.from, d.payload);
          drain(server, d.to);
        } else if (nat.inbound(d.from, d.to)) {
          client.handleDatagram(now, d.from, d.payload);
          drain(client, undefined);
        }
      } else {
        for (const [node, at] of timers)
          if (at <= now) {
            node.handleTimeout(now);
            drain(node, selfOf.get(node));
          }
      }
    }
  };
  for (const [n, self] of selfOf) drain(n, self);
  client.start(0);
  drain(client, undefined);
  const kick = (): void => drain(client, undefined);
  return { client, nat, events, run, kick, types: () => events.map((e) => e.type) };
}

describe('AddressDiscovery', () => {
  it('behind a cone NAT: a candidate, confirmed by the other server', () => {
    const w = world(false, [A, B]);
    w.run(10_000);
    expect(w.types()).toEqual(['candidate', 'confirmed']);
    const confirmed = w.events[1] as Extract<AddressEvent, { type: 'confirmed' }>;
    expect(formatEndpoint(confirmed.endpoint)).toBe(`${PUBLIC_IP}:40000`);
    expect(formatEndpoint(confirmed.reportedBy)).toBe(formatEndpoint(A));
    expect(formatEndpoint(confirmed.confirmedBy)).toBe(formatEndpoint(B));
    expect(confirmed.natted).toBe(true);
    expect(w.client.confirmed && formatEndpoint(w.client.confirmed)).toBe(`${PUBLIC_IP}:40000`);
    // Refresh rounds keep it without new events.
    w.run(100_000);
    expect(w.types()).toEqual(['candidate', 'confirmed']);
  });

  it('behind a symmetric NAT: unconfirmed (endpoint-dependent mapping), said once', () => {
    const w = world(true, [A, B]);
    w.run(10_000);
    expect(w.types()).toEqual(['candidate', 'unconfirmed']);
    const e = w.events[1] as Extract<AddressEvent, { type: 'unconfirmed' }>;
    expect(e.reason).toBe('endpoint-dependent-mapping');
    expect(new Set(e.observed.map((o) => formatEndpoint(o.mapped))).size).toBe(2);
    w.run(200_000);
    expect(w.types()).toEqual(['candidate', 'unconfirmed']);
    expect(w.client.confirmed).toBeUndefined();
  });

  it('with one server: unconfirmed for want of a helper', () => {
    const w = world(false, [A]);
    w.run(10_000);
    expect(w.types()).toEqual(['candidate', 'unconfirmed']);
    expect((w.events[1] as { reason: string }).reason).toBe('no-helper');
  });

  it('a server added later dials back an unconfirmed candidate', () => {
    const w = world(false, [A]);
    w.run(5_000);
    expect(w.types()).toEqual(['candidate', 'unconfirmed']);
    w.client.addServers([B], 5_000);
    w.kick();
    w.run(10_000);
    expect(w.types()).toEqual(['candidate', 'unconfirmed', 'confirmed']);
  });

  it('when nobody answers: no-answer', () => {
    const w = world(false, [A, B]);
    w.nat.dropAll = true;
    w.run(10_000);
    expect(w.types()).toEqual(['no-answer']);
  });

  it('when the NAT rebinds: the address is lost, then the new one confirmed with previous', () => {
    const w = world(false, [A, B]);
    w.run(10_000);
    w.nat.rebind();
    w.run(60_000);
    expect(w.types()).toEqual(['candidate', 'confirmed', 'lost', 'candidate', 'confirmed']);
    const last = w.events[4] as Extract<AddressEvent, { type: 'confirmed' }>;
    expect(formatEndpoint(last.previous!)).toBe(`${PUBLIC_IP}:40000`);
    expect(formatEndpoint(last.endpoint)).not.toBe(`${PUBLIC_IP}:40000`);
  });

  it('ignores unknown bytes, foreign transactions and responses from elsewhere', () => {
    const d = new AddressDiscovery({ rng: seededRng(1), servers: [A] });
    d.start(0);
    d.handleDatagram(1, A, new Uint8Array([1, 2, 3]));
    d.handleDatagram(2, B, new Uint8Array(20));
    expect(d.stats.ignored).toBe(2);
    expect(() => d.handleTimeout(0)).toThrow(RangeError);
  });
});
