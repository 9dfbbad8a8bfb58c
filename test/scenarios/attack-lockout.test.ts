/**
 * Issue 10 item 4, no lockouts from cheap spoofing: a joiner and a resolver succeed while 1,000
 * spoofed SOLICITs per second hit their bootstrap node, and a resolve that needs a fragmented
 * AUTHORITY succeeds while one source floods fragments. Small warm clouds on a deterministic
 * in-memory network (attack-net.ts); counts, not times. On main (49d5d3c) both fail: 32 spoofed
 * SOLICITs fill the conversation table for 15 s (the resolver gets an empty ADVERTISE and stays
 * `alone`), and fragments under many message IDs hold all 64 reassembly slots.
 */
import { describe, expect, it } from 'vitest';
import { staticBootstrap } from '../../src/drt/bootstrap-provider.js';
import type { NodeEvent, SearchResult } from '../../src/drt/events.js';
import { type Endpoint, endpointKey, ipv4Mapped, parseEndpoint } from '../../src/keys/endpoint.js';
import type { Key } from '../../src/keys/key256.js';
import { toHex } from '../../src/util/bytes.js';
import { type Rng, seededRng } from '../../src/util/rng.js';
import { decodeMessage, encodeDatagrams, encodeMessage } from '../../src/wire/index.js';
import type { RouteEntry } from '../../src/wire/types.js';
import { AttackNet, type NetNode } from './attack-net.js';

const VERSION = { major: 6, minor: 101 };
const VICTIM = parseEndpoint('198.51.100.7:4000');

function key(rng: Rng): Key {
  return rng.bytes(32);
}

/** Five nodes with keys, each seeded with the others' entries (a warm cloud). */
function warmCloud(
  net: AttackNet,
  rng: Rng,
  appData?: (i: number) => Uint8Array,
): { members: NetNode[]; keys: Key[] } {
  const members: NetNode[] = [];
  const keys: Key[] = [];
  const entries: RouteEntry[] = [];
  for (let i = 0; i < 5; i++) {
    const ep = parseEndpoint(`[2001:db8::${i + 1}]:3540`);
    const n = net.add(ep, 100 + i);
    const k = key(rng);
    net.call(0, n, (node, now) => node.registerKey(now, k, appData?.(i)));
    members.push(n);
    keys.push(k);
    entries.push({ id: k, port: ep.port, addresses: [ep.address] });
  }
  for (const n of members) net.call(0, n, (node, now) => node.seedCache(now, entries));
  return { members, keys };
}

function results(n: NetNode): SearchResult[] {
  return n.events.flatMap((e: NodeEvent) => (e.type === 'search-result' ? [e.result] : []));
}

/** A spoofed source: a random IPv4 address in a random /24 and a random port above 1024. */
function spoofed(rng: Rng): Endpoint {
  const b = rng.bytes(4);
  return { address: ipv4Mapped(b[0]!, b[1]!, b[2]!, b[3]!), port: 1025 + (rng.nextU32() % 60000) };
}

describe('attack: spoofed SOLICIT flood (1,000 per second)', () => {
  it('a joiner with a key and a resolver with none both join through the flooded node and resolve', () => {
    const rng = seededRng('solicit-flood');
    const net = new AttackNet(10);
    const { members: cloud, keys } = warmCloud(net, rng);
    const bootstrap = cloud[0]!;
    // 6 s of spoofed SOLICITs, one per ms: half from random sources anywhere, half from many
    // ports of one /24; each names a third party in its route entry.
    const oneNet = (i: number): Endpoint => ({
      address: ipv4Mapped(203, 0, 113, i % 256),
      port: 1025 + i,
    });
    for (let t = 0; t < 6000; t++) {
      const payload = encodeMessage({
        type: 'solicit',
        messageId: rng.nextU32(),
        version: VERSION,
        routeEntry: { id: key(rng), port: VICTIM.port, addresses: [VICTIM.address] },
        hashedNonce: rng.bytes(20),
      });
      net.inject(t, t % 2 === 0 ? spoofed(rng) : oneNet(t), bootstrap.endpoint, payload);
    }
    const joinerKey = key(rng);
    const joiner = net.add(parseEndpoint('[2001:db8::100]:3540'), 7, {
      bootstrap: staticBootstrap([bootstrap.endpoint]),
    });
    const resolver = net.add(parseEndpoint('[2001:db8::200]:3540'), 8, {
      bootstrap: staticBootstrap([bootstrap.endpoint]),
    });
    net.call(1000, joiner, (node, now) => {
      node.registerKey(now, joinerKey);
      node.start(now);
    });
    net.call(1000, resolver, (node, now) => node.start(now));
    const target = keys[3]!;
    net.call(2000, resolver, (node, now) => node.search(now, target));
    net.call(5500, resolver, (node, now) => node.search(now, joinerKey));
    net.runUntil(6000);

    expect(joiner.node.status).toBe('active');
    expect(resolver.node.status).toBe('active');
    const found = results(resolver).map((r) => toHex(r.key));
    expect(found).toEqual([toHex(target), toHex(joinerKey)]);
    // The flood did fill the table (evictions counted) ...
    const s = bootstrap.node.stats;
    expect(s.received.solicit).toBeGreaterThanOrEqual(6000);
    expect(s.boundHits.conversations).toBeGreaterThan(0);
    // ... and the third party received at most the probe budget: 2 INQUIREs (one retransmit)
    // per token, burst 40 + 20/s over 6 s.
    const atVictim = net.offNet.filter((d) => endpointKey(d.to) === endpointKey(VICTIM)).length;
    expect(atVictim).toBeLessThanOrEqual(2 * (40 + 20 * 6));
    // Either the rate or the unproven sources' one share of the pending-add table held them back.
    expect(
      (s.boundHits['probe-rate'] ?? 0) + (s.boundHits['pending-adds-source'] ?? 0),
    ).toBeGreaterThan(0);
  });
});

describe('attack: one source floods AUTHORITY fragments', () => {
  it('a resolve whose AUTHORITY is fragmented still succeeds', () => {
    const rng = seededRng('fragment-flood');
    const net = new AttackNet(10);
    // Every key carries 4 KB of app data, so the INQUIRE answer is a 4-fragment AUTHORITY.
    const appData = (i: number) => new Uint8Array(4000).fill(i + 1);
    const { members: cloud, keys } = warmCloud(net, rng, appData);
    const resolver = cloud[0]!;
    const owner = cloud[4]!;
    const flooder = parseEndpoint('203.0.113.9:5000');
    // A first fragment of a 2-fragment buffer (small, so slots run out before bytes), re-sent under a fresh message ID every 5 ms
    // (200 per second): from the flooder, and every fourth one spoofing the owner's address.
    const big = encodeDatagrams({
      type: 'authority',
      messageId: 1,
      version: VERSION,
      ackedMessageId: rng.nextU32(),
      buffer: {
        flags: { suspicious: false, busy: false, notRegistered: false },
        extendedPayload: new Uint8Array(1500),
      },
    })[0]!;
    for (let t = 0; t < 8000; t += 5) {
      const payload = big.slice();
      new DataView(payload.buffer).setUint32(8, rng.nextU32());
      net.inject(t, t % 20 === 0 ? owner.endpoint : flooder, resolver.endpoint, payload);
    }
    expect(decodeMessage(big)).toMatchObject({ ok: true, value: { type: 'authority-fragment' } });
    const target = keys[4]!;
    net.call(3000, resolver, (node, now) => node.search(now, target));
    net.runUntil(8000);

    const found = results(resolver);
    expect(found.map((r) => toHex(r.key))).toEqual([toHex(target)]);
    expect(found[0]!.appData).toEqual(appData(4));
    const s = resolver.node.stats;
    expect(s.dropped['fragment-unsolicited']).toBeGreaterThanOrEqual(1500);
    expect(s.dropped['fragment-contexts-full'] ?? 0).toBe(0);
  });
});
