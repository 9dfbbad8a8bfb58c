/**
 * nat/rendezvous: the table of proven keep-alive peers is shared by everyone who keeps alive with
 * a node, so one host must not be able to fill it from many ports (each port proves itself with
 * the cookie it is sent, which costs two datagrams) and push honest peers out, making their
 * rendezvous answer `unknown-target` until their next keep-alive.
 */
import { describe, expect, it } from 'vitest';
import { type Endpoint, parseEndpoint } from '../../../src/keys/endpoint.js';
import { PROVEN_PEERS_MAX, RendezvousServer } from '../../../src/nat/rendezvous.js';
import { decodeRendezvous } from '../../../src/nat/rendezvous-codec.js';
import { seededRng } from '../../../src/util/rng.js';

const counters = () => ({
  keepAliveAcks: 0,
  keepAlivesProven: 0,
  connectsForwarded: 0,
  connectsUnknownTarget: 0,
  connectsRateLimited: 0,
});

/** A keep-alive without a cookie, then one echoing the cookie answered: proves `from`. */
function prove(rv: RendezvousServer, now: number, from: Endpoint): void {
  const [ack] = rv.onKeepAlive(now, from, new Uint8Array(8));
  const m = decodeRendezvous(ack!.payload);
  if (!m.ok || m.value.type !== 'keepalive-ack') throw new Error('no ack');
  rv.onKeepAlive(now, from, m.value.cookie);
}

describe('RendezvousServer proven table', () => {
  it('one address proving from thousands of ports does not evict other hosts', () => {
    const rv = new RendezvousServer(seededRng('rv-hostile'), 30_000, 5, counters());
    const honest = parseEndpoint('203.0.113.22:40000');
    prove(rv, 0, honest);
    // 2 keep-alives per port at 400 a second (under the 500 answers a second), for 11 s.
    let now = 0;
    for (let port = 1025; port < 1025 + PROVEN_PEERS_MAX + 300; port++) {
      if (port % 200 === 0) now += 1000;
      prove(rv, now, parseEndpoint(`198.51.100.9:${port}`));
    }
    expect(rv.isLive(now, honest)).toBe(true);
    expect(rv.provenCount).toBeLessThan(PROVEN_PEERS_MAX);
  });
});

describe('RendezvousServer keep-alive answers', () => {
  it('a spoofed flood of keep-alives does not silence the answers to proven peers', () => {
    const rv = new RendezvousServer(seededRng('rv-flood'), 30_000, 5, counters());
    const honest = parseEndpoint('203.0.113.22:40000');
    prove(rv, 0, honest);
    const [first] = rv.onKeepAlive(0, honest, new Uint8Array(8));
    const cookie = first!.payload.slice(4, 12);
    let answered = 0;
    for (let s = 1; s <= 60; s++) {
      // 600 spoofed keep-alives a second (over the 500 answers a second), then the honest one.
      for (let i = 0; i < 600; i++)
        rv.onKeepAlive(
          s * 1000,
          parseEndpoint(`198.51.100.${1 + (i % 250)}:${2000 + i}`),
          new Uint8Array(8),
        );
      if (s % 25 === 0 && rv.onKeepAlive(s * 1000, honest, cookie).length === 1) answered++;
    }
    expect(answered).toBe(2);
    expect(rv.isLive(60_000, honest)).toBe(true);
  });
});
