/**
 * dnsBootstrap (issue 16 Build 5, DrtCreateDnsBootstrapResolver): with an injected resolver (no
 * network) it answers the addresses of the name with the port, or the SRV targets with their
 * ports in priority/weight order, falls back to the name when there is no SRV record, keeps at
 * most endpointsMax, looks up again only after refreshMs, runs one lookup at a time and keeps the
 * last endpoints when a lookup fails; a peer bootstraps through it. Against the system resolver,
 * `localhost` (from /etc/hosts) gives a loopback endpoint.
 */
import { describe, expect, it } from 'vitest';
import {
  type DnsBootstrapResolver,
  dnsBootstrap,
} from '../../../src/adapters/node/dns-bootstrap.js';
import { formatEndpoint } from '../../../src/keys/endpoint.js';
import { createMemoryNetwork } from '../../../src/memory-network.js';
import { createPeer } from '../../../src/peer.js';
import { seededRng } from '../../../src/util/rng.js';
import { ManualTimers } from '../transport/manual-timers.js';

/** A resolver over fixed tables that counts its calls. */
function fakeResolver(
  hosts: Record<string, string[]>,
  srv: Record<string, { name: string; port: number; priority: number; weight: number }[]> = {},
): DnsBootstrapResolver & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    lookup: async (name) => {
      calls.push(`lookup ${name}`);
      const found = hosts[name];
      if (!found) throw Object.assign(new Error(`ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
      return found;
    },
    resolveSrv: async (name) => {
      calls.push(`srv ${name}`);
      const found = srv[name];
      if (!found) throw Object.assign(new Error(`ENODATA ${name}`), { code: 'ENODATA' });
      return found;
    },
  };
}

const texts = (eps: readonly { address: Uint8Array; port: number }[]) => eps.map(formatEndpoint);

describe('dnsBootstrap', () => {
  it('answers the addresses of the name with the given port', async () => {
    const resolver = fakeResolver({ 'seeds.lan': ['2001:db8::1', '192.0.2.7'] });
    const b = dnsBootstrap('seeds.lan', 3540, { resolver });
    expect(b.endpoints(0)).toEqual([]); // nothing known yet; the lookup starts
    expect(texts(await b.refresh())).toEqual(['[2001:db8::1]:3540', '192.0.2.7:3540']);
    expect(texts(b.endpoints(1))).toEqual(['[2001:db8::1]:3540', '192.0.2.7:3540']);
  });

  it('with srv, uses _pnrp._udp targets by priority then weight, with their ports', async () => {
    const resolver = fakeResolver(
      { a: ['192.0.2.1'], b: ['192.0.2.2'], c: ['192.0.2.3'], 'seeds.lan': ['192.0.2.9'] },
      {
        '_pnrp._udp.seeds.lan': [
          { name: 'c', port: 4000, priority: 20, weight: 0 },
          { name: 'a', port: 4001, priority: 10, weight: 1 },
          { name: 'b', port: 4002, priority: 10, weight: 5 },
          { name: 'gone', port: 4003, priority: 30, weight: 0 },
        ],
      },
    );
    const b = dnsBootstrap('seeds.lan', 3540, { srv: true, resolver });
    expect(texts(await b.refresh())).toEqual([
      '192.0.2.2:4002',
      '192.0.2.1:4001',
      '192.0.2.3:4000',
    ]);
    const none = dnsBootstrap('plain.lan', 3540, {
      srv: true,
      resolver: fakeResolver({ 'plain.lan': ['192.0.2.5'] }),
    });
    expect(texts(await none.refresh())).toEqual(['192.0.2.5:3540']);
  });

  it('is bounded: endpointsMax, one lookup in flight, refreshMs between lookups', async () => {
    const many = Array.from({ length: 40 }, (_, i) => `192.0.2.${i + 1}`);
    const resolver = fakeResolver({ big: many });
    const b = dnsBootstrap('big', 3540, { resolver, endpointsMax: 5, refreshMs: 1000 });
    const [x, y] = [b.refresh(), b.refresh()];
    expect(x).toBe(y);
    expect(await x).toHaveLength(5);
    expect(resolver.calls).toEqual(['lookup big']);
    b.endpoints(0);
    b.endpoints(500);
    b.endpoints(999);
    await new Promise((r) => setTimeout(r, 0));
    expect(resolver.calls).toHaveLength(2); // the first endpoints() call looked up once more
    b.endpoints(1000);
    await new Promise((r) => setTimeout(r, 0));
    expect(resolver.calls).toHaveLength(3);
  });

  it('keeps the last endpoints when a lookup fails, and says why', async () => {
    const hosts: Record<string, string[]> = { flaky: ['192.0.2.1'] };
    const b = dnsBootstrap('flaky', 3540, { resolver: fakeResolver(hosts) });
    await b.refresh();
    delete hosts.flaky;
    expect(texts(await b.refresh())).toEqual(['192.0.2.1:3540']);
    expect(String(b.lastError)).toContain('ENOTFOUND');
    expect(() => dnsBootstrap('', 3540)).toThrow(TypeError);
    expect(() => dnsBootstrap('x', 0)).toThrow(RangeError);
  });

  it('a peer joins through it once the lookup ends', async () => {
    const net = createMemoryNetwork();
    const timers = new ManualTimers();
    const a = net.createTransport();
    const seed = createPeer({ transport: a, timers, rng: seededRng(1), seed: true });
    const seedAddress = formatEndpoint(a.localEndpoints()[0]!).replace(/^\[(.*)\]:\d+$/, '$1');
    const bootstrap = dnsBootstrap('seeds.lan', 3540, {
      resolver: fakeResolver({ 'seeds.lan': [seedAddress] }),
    });
    const peer = createPeer({
      transport: net.createTransport(),
      timers,
      rng: seededRng(2),
      bootstrap,
    });
    try {
      const active = peer.whenActive({ timeoutMs: 20_000 });
      await timers.advanceTo(20_000);
      await active;
      expect(peer.status()).toBe('active');
    } finally {
      await peer.close();
      await seed.close();
    }
  });

  it('finds localhost through the system resolver (/etc/hosts)', async () => {
    const b = dnsBootstrap('localhost', 3540);
    const found = texts(await b.refresh());
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((t) => t === '127.0.0.1:3540' || t === '[::1]:3540')).toBe(true);
  });
});
