/**
 * The node:dgram transport on real loopback sockets (127.0.0.1 and ::1 only): datagrams and their
 * sources, dual-stack IPv4-mapped sources, the reserved-port drop, send failures and option checks.
 */
import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createUdpTransport,
  parseHostAddress,
  type UdpTransport,
} from '../../../src/adapters/node/index.js';
import type { Endpoint } from '../../../src/keys/endpoint.js';
import { formatEndpoint, parseEndpoint } from '../../../src/keys/endpoint.js';
import { equalBytes } from '../../../src/util/bytes.js';
import { seededRng } from '../../../src/util/rng.js';
import { LOOPBACK_NODE_OPTIONS, UdpCloud, waitUntil } from './udp-cloud.js';

const open: UdpTransport[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

async function udp(options: Parameters<typeof createUdpTransport>[0] = {}): Promise<UdpTransport> {
  const t = await createUdpTransport(options);
  open.push(t);
  return t;
}

function nextDatagram(t: UdpTransport): Promise<{ from: Endpoint; payload: Uint8Array }> {
  return new Promise((resolve) =>
    t.attach({ datagram: (from, payload) => resolve({ from, payload }), sendError: () => {} }),
  );
}

describe('createUdpTransport()', () => {
  it('binds an ephemeral dual-stack port and reports loopback endpoints for a wildcard bind', async () => {
    const t = await udp();
    expect(t.family).toBe('udp6');
    expect(t.port).toBeGreaterThan(1024);
    expect(t.localEndpoints().map(formatEndpoint)).toEqual([
      `127.0.0.1:${t.port}`,
      `[::1]:${t.port}`,
    ]);
  });

  it('carries a datagram between two IPv4 sockets and names the IPv4-mapped source', async () => {
    const a = await udp({ host: '127.0.0.1' });
    const b = await udp({ host: '127.0.0.1' });
    expect(a.family).toBe('udp4');
    const got = nextDatagram(b);
    a.send(b.localEndpoints()[0]!, new Uint8Array([1, 2, 3]));
    const { from, payload } = await got;
    expect(formatEndpoint(from)).toBe(`127.0.0.1:${a.port}`);
    expect([...payload]).toEqual([1, 2, 3]);
    expect(Object.getPrototypeOf(payload)).toBe(Uint8Array.prototype);
    expect(a.stats.datagramsSent).toBe(1);
    expect(b.stats.datagramsReceived).toBe(1);
  });

  it('close() lets the datagrams already sent leave before the socket closes', async () => {
    const a = await createUdpTransport({ host: '127.0.0.1' });
    const b = await udp({ host: '127.0.0.1' });
    let received = 0;
    b.attach({ datagram: () => received++, sendError: () => {} });
    for (let i = 0; i < 60; i++) a.send(b.localEndpoints()[0]!, new Uint8Array(100).fill(i));
    await a.close(); // straight after the sends, as a node's last revokes are
    expect(() => a.send(b.localEndpoints()[0]!, new Uint8Array(1))).toThrow(/closed/);
    await waitUntil(() => received === 60, 3_000);
    expect(received).toBe(60);
  });

  it('a dual-stack socket hears IPv4 peers as ::ffff:a.b.c.d and IPv6 peers as themselves', async () => {
    const dual = await udp();
    const v4 = await udp({ host: '127.0.0.1' });
    const v6 = await udp({ host: '::1', ipv6Only: true });
    let got = nextDatagram(dual);
    v4.send(parseEndpoint(`127.0.0.1:${dual.port}`), new Uint8Array([4]));
    expect(formatEndpoint((await got).from)).toBe(`127.0.0.1:${v4.port}`);
    got = nextDatagram(dual);
    v6.send(parseEndpoint(`[::1]:${dual.port}`), new Uint8Array([6]));
    expect(formatEndpoint((await got).from)).toBe(`[::1]:${v6.port}`);
    // and answers both through the one socket
    const back4 = nextDatagram(v4);
    dual.send(parseEndpoint(`127.0.0.1:${v4.port}`), new Uint8Array([1]));
    expect((await back4).payload[0]).toBe(1);
    const back6 = nextDatagram(v6);
    dual.send(parseEndpoint(`[::1]:${v6.port}`), new Uint8Array([2]));
    expect((await back6).payload[0]).toBe(2);
  });

  // Binding a port <= 1024 needs root (or CAP_NET_BIND_SERVICE).
  it.skipIf(process.getuid?.() !== 0)(
    'drops and counts datagrams from source ports <= 1024',
    async () => {
      const t = await udp({ host: '127.0.0.1' });
      const seen: Endpoint[] = [];
      t.attach({ datagram: (from) => seen.push(from), sendError: () => {} });
      const low = createSocket('udp4');
      try {
        await new Promise<void>((resolve, reject) => {
          low.once('error', reject);
          low.bind(1000 + Math.floor(Math.random() * 24), '127.0.0.1', resolve);
        });
        await new Promise<void>((resolve) =>
          low.send(new Uint8Array([0]), t.port, '127.0.0.1', () => resolve()),
        );
        const high = await udp({ host: '127.0.0.1' });
        const got = new Promise<void>((resolve) =>
          t.attach({
            datagram: (from) => {
              seen.push(from);
              resolve();
            },
            sendError: () => {},
          }),
        );
        high.send(t.localEndpoints()[0]!, new Uint8Array([1]));
        await got; // in-order on loopback: the reserved-port datagram was handled first
        expect(t.stats.droppedReservedPort).toBe(1);
        expect(seen.map((ep) => ep.port)).toEqual([high.port]);
      } finally {
        low.close();
      }
    },
  );

  it('counts a send it cannot make and throws it to runNode, not into the core', async () => {
    const v4 = await udp({ host: '127.0.0.1' });
    expect(() => v4.send(parseEndpoint('[::1]:4000'), new Uint8Array(1))).toThrow(RangeError);
    expect(() => v4.send(parseEndpoint('127.0.0.1:0'), new Uint8Array(1))).toThrow();
    expect(v4.stats.sendErrors).toBe(1);
    await v4.close();
    await v4.close(); // idempotent
    expect(() => v4.send(parseEndpoint('127.0.0.1:4000'), new Uint8Array(1))).toThrow(Error);
  });

  it('reports the advertised addresses instead of the bound one', async () => {
    const t = await udp({ host: '127.0.0.1', advertise: ['192.0.2.7', '2001:db8::7'] });
    expect(t.localEndpoints().map(formatEndpoint)).toEqual([
      `192.0.2.7:${t.port}`,
      `[2001:db8::7]:${t.port}`,
    ]);
  });

  it('validates its options once, with RangeError/TypeError', async () => {
    await expect(createUdpTransport({ port: 80 })).rejects.toThrow(RangeError);
    await expect(createUdpTransport({ port: 70_000 })).rejects.toThrow(RangeError);
    await expect(createUdpTransport({ host: 'localhost' })).rejects.toThrow(RangeError);
    await expect(createUdpTransport({ host: '127.0.0.1', ipv6Only: true })).rejects.toThrow(
      RangeError,
    );
    await expect(createUdpTransport({ advertise: [] })).rejects.toThrow(RangeError);
    await expect(createUdpTransport({ advertise: ['nope'] })).rejects.toThrow(RangeError);
    await expect(createUdpTransport({ ipv6Only: 'yes' as unknown as boolean })).rejects.toThrow(
      TypeError,
    );
  });

  it('rejects when the port is taken', async () => {
    const t = await udp({ host: '127.0.0.1' });
    await expect(createUdpTransport({ host: '127.0.0.1', port: t.port })).rejects.toThrow(
      /EADDRINUSE/,
    );
  });

  it('parseHostAddress() reads the forms Node.js prints', () => {
    const mapped = parseHostAddress('::ffff:127.0.0.1');
    expect(mapped && formatEndpoint({ address: mapped, port: 2000 })).toBe('127.0.0.1:2000');
    expect(parseHostAddress('fe80::1%eth0')?.[0]).toBe(0xfe);
    expect(parseHostAddress('bogus')).toBeUndefined();
  });

  it('four DrtNodes on IPv6 loopback (::1) join and resolve each other over real sockets', async () => {
    const cloud = new UdpCloud({ rng: seededRng(3), host: '::1', node: LOOPBACK_NODE_OPTIONS });
    try {
      await cloud.grow(4);
      expect(
        await waitUntil(() => cloud.members.every((m) => m.registration === 'resolvable'), 10_000),
      ).toBe(true);
      expect(formatEndpoint(cloud.members[0]!.endpoint)).toMatch(/^\[::1\]:\d+$/);
      for (const from of cloud.members) {
        const to = cloud.members[(from.index + 1) % 4]!;
        const out = await cloud.search(from, to.key, { timeoutMs: 5_000 });
        expect(out.failure).toBeUndefined();
        expect(out.results.some((r) => equalBytes(r.key, to.key))).toBe(true);
      }
    } finally {
      await cloud.close();
    }
  });
});
