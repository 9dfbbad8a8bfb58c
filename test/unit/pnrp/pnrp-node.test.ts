import { describe, expect, it } from 'vitest';
import { nodeCrypto } from '../../../src/adapters/node/node-crypto.js';
import { staticBootstrap } from '../../../src/drt/bootstrap-provider.js';
import { type Endpoint, endpointKey, parseEndpoint } from '../../../src/keys/endpoint.js';
import { createIdentity } from '../../../src/keys/identity.js';
import { p2pIdOf } from '../../../src/keys/ids.js';
import { cpaSecurityProvider } from '../../../src/pnrp/cpa-security-provider.js';
import { PnrpNode } from '../../../src/pnrp/pnrp-node.js';
import type { PnrpEvent } from '../../../src/pnrp/types.js';
import type { Transmit } from '../../../src/sans-io.js';
import { concatBytes } from '../../../src/util/bytes.js';
import { seededRng } from '../../../src/util/rng.js';

const alice = createIdentity(new Uint8Array(32).fill(2), nodeCrypto);

/** Two nodes, each in Global_ and LinkLocal_x with separate endpoints, wired by hand. */
function pair() {
  const ep = (s: string) => parseEndpoint(s);
  const a = {
    g: ep('[2001:db8:1::1]:3540'),
    l: ep('[fe80::1]:3541'),
  };
  const b = {
    g: ep('[2001:db8:2::2]:3540'),
    l: ep('[fe80::2]:3541'),
  };
  const make = (seed: number, me: typeof a, other: typeof a) =>
    new PnrpNode({
      rng: seededRng(seed),
      crypto: nodeCrypto,
      clouds: [
        { name: 'Global_', localEndpoints: [me.g], bootstrap: staticBootstrap([other.g]) },
        { name: 'LinkLocal_x', localEndpoints: [me.l], bootstrap: staticBootstrap([other.l]) },
      ],
    });
  const nodes = [make(1, a, b), make(2, b, a)] as const;
  const owner = new Map<string, PnrpNode>();
  for (const e of [a.g, a.l]) owner.set(endpointKey(e), nodes[0]);
  for (const e of [b.g, b.l]) owner.set(endpointKey(e), nodes[1]);
  const events: PnrpEvent[] = [];
  const transmits: Transmit[] = [];
  let now = 0;
  const pump = (untilMs: number) => {
    const queue: { at: number; to: Endpoint; from: Endpoint; payload: Uint8Array }[] = [];
    for (;;) {
      for (const n of nodes) {
        for (let o = n.poll(); o.type !== 'timeout'; o = n.poll()) {
          if (o.type === 'event') events.push(o.event);
          else {
            transmits.push(o);
            queue.push({ at: now + 5, to: o.to, from: o.from!, payload: o.payload });
          }
        }
      }
      const timers = nodes.map((n) => {
        const o = n.poll();
        return o.type === 'timeout' ? o.atMs : now;
      });
      const next = Math.min(queue[0]?.at ?? Number.POSITIVE_INFINITY, ...timers);
      if (next > untilMs) {
        now = untilMs;
        return;
      }
      now = Math.max(now, next);
      const d = queue[0];
      if (d && d.at <= now) {
        queue.shift();
        owner.get(endpointKey(d.to))!.handleDatagram(now, d.from, d.payload, d.to);
      } else for (const n of nodes) n.handleTimeout(now);
    }
  };
  return { nodes, events, transmits, owner, pump, now: () => now };
}

describe('PnrpNode', () => {
  it('keeps clouds apart: a name registered in one cloud resolves there only', () => {
    const { nodes, events, transmits, owner, pump, now } = pair();
    nodes[0].start(0);
    nodes[1].start(0);
    nodes[0].register(0, { peerName: '0.g0' });
    nodes[1].register(0, { peerName: '0.g1' });
    nodes[0].register(0, {
      peerName: `${alice.authority}.link`,
      identity: alice,
      cloud: 'LinkLocal_x',
    });
    pump(20_000);
    for (const t of transmits) {
      // Every transmit names the node endpoint it leaves from, in the cloud of its destination.
      expect(t.from && owner.has(endpointKey(t.from))).toBe(true);
      expect(t.to.port).toBe(t.from!.port);
    }
    const inLink = nodes[1].resolve(now(), `${alice.authority}.link`, { cloud: 'LinkLocal_x' });
    const inGlobal = nodes[1].resolve(now(), `${alice.authority}.link`, { cloud: 'Global_' });
    pump(now() + 40_000);
    const done = (id: number) =>
      events.find((e) => e.type === 'resolve-done' && e.resolveId === id) as Extract<
        PnrpEvent,
        { type: 'resolve-done' }
      >;
    expect(done(inLink).failure).toBeUndefined();
    expect(nodes[1].drtOf('Global_').status).toBe('active');
    expect(done(inGlobal).failure).toBe('not-found');
    const result = events.find((e) => e.type === 'resolve-result');
    expect(result?.type === 'resolve-result' && result.result.cloud).toBe('LinkLocal_x');
  });

  it('drops a datagram no cloud claims, counting it as no-cloud', () => {
    const { nodes } = pair();
    nodes[0].handleDatagram(0, parseEndpoint('[2001:db8::9]:4000'), new Uint8Array(12));
    nodes[0].handleDatagram(
      0,
      parseEndpoint('[2001:db8::9]:4000'),
      new Uint8Array(12),
      parseEndpoint('[2001:db8::5]:1'),
    );
    expect(nodes[0].stats(0).dropped['no-cloud']).toBe(2);
  });

  it('register() refuses a secured name without its identity, bad limits and unknown clouds', () => {
    const { nodes } = pair();
    const n = nodes[0];
    expect(() => n.register(0, { peerName: `${alice.authority}.x` })).toThrow(/secured name/);
    const ep = { address: new Uint8Array(16), port: 80 };
    expect(() => n.register(0, { peerName: '0.x', endpoints: Array(11).fill(ep) })).toThrow(
      /at most 10/,
    );
    expect(() => n.register(0, { peerName: '0.x', cloud: 'Nope_' })).toThrow(/not in cloud/);
    expect(() => n.register(0, { peerName: '0.x', friendlyName: 'x'.repeat(79) })).toThrow(
      RangeError,
    );
    expect(() => n.register(0, { peerName: '0.x', extendedPayload: new Uint8Array(4097) })).toThrow(
      RangeError,
    );
    expect(n.registered()).toHaveLength(0);
    const reg = n.register(0, { peerName: '0.x', extendedPayload: new Uint8Array(4096) });
    expect(reg.secured).toBe(false);
    expect(n.stats(0).idsRegistered).toBe(1);
  });

  it('register() checks the identity against its key and the name, and delegation needs a chain', () => {
    const { nodes } = pair();
    const n = nodes[0];
    const bob = createIdentity(new Uint8Array(32).fill(0x0b));
    // A hand-made identity claiming alice's authority with bob's key.
    const forged = { ...bob, authority: alice.authority };
    expect(() => n.register(0, { peerName: `${alice.authority}.x`, identity: forged })).toThrow(
      /hashes to/,
    );
    expect(() => n.register(0, { peerName: `${alice.authority}.x`, identity: bob })).toThrow(
      /needs certChain/,
    );
    const chain = new Uint8Array([1, 2, 3]);
    expect(() => n.register(0, { peerName: '0.x', certChain: chain })).toThrow(/unsecured/);
    // With a chain, bob publishes alice's name; the chain goes out with the CPA (C flag).
    const reg = n.register(0, {
      peerName: `${alice.authority}.x`,
      identity: bob,
      certChain: chain,
    });
    expect(reg.secured).toBe(true);
    const security = n.securityOf('Global_');
    expect(Array.from(security.certChain!(reg.pnrpId)!)).toEqual([1, 2, 3]);
    expect(security.getRegistration(reg.pnrpId)?.identity.authority).toBe(alice.authority);
  });

  it('register() takes the service location prefix from the first IPv6 endpoint or the hint', () => {
    const { nodes } = pair();
    const address = parseEndpoint('[2001:db8:aa:bb::1]:80').address;
    const a = nodes[0].register(0, { peerName: '0.a', endpoints: [{ address, port: 80 }] });
    expect(Array.from(a.pnrpId.slice(16, 24))).toEqual(Array.from(address.slice(0, 8)));
    const hint = new Uint8Array(8).fill(0x42);
    const b = nodes[0].register(0, { peerName: '0.b', serviceLocationPrefix: hint });
    expect(Array.from(b.pnrpId.slice(16, 24))).toEqual(Array.from(hint));
  });
});

describe('cpaSecurityProvider()', () => {
  it('refuses keys it has no registration for, and lifetimes outside 12 h .. 1 week', () => {
    const p = cpaSecurityProvider({ crypto: nodeCrypto });
    expect(p.checkRegistration(new Uint8Array(32), new Uint8Array(0))).toMatch(
      /no CPA registration/,
    );
    expect(() => cpaSecurityProvider({ lifetimeMs: 3_600_000 })).toThrow(RangeError);
    expect(() => cpaSecurityProvider({ lifetimeMs: 8 * 24 * 3_600_000 })).toThrow(RangeError);
  });

  it('signs a CPA bound to the nonce that validates once and is memoized', () => {
    const p = cpaSecurityProvider({ crypto: nodeCrypto });
    const { nodes } = pair();
    const reg = nodes[0].register(0, { peerName: `${alice.authority}.m`, identity: alice });
    const inner = nodes[0].securityOf('Global_').getRegistration(reg.pnrpId)!;
    p.setRegistration(inner);
    const nonce = new Uint8Array(16).fill(5);
    const endpoints = [parseEndpoint('[2001:db8::1]:3540')];
    const bytes = p.secureRecord(
      { key: reg.pnrpId, appData: new Uint8Array(0), endpoints, nonce, revoke: false },
      1_767_225_600_000,
    );
    const expect1 = { key: reg.pnrpId, nonce, revoke: false, nowWallMs: 1_767_225_600_000 };
    expect(p.validateRecord(bytes, expect1).ok).toBe(true);
    expect(p.validateRecord(bytes, expect1).ok).toBe(true);
    expect(p.crypto.verifyMisses).toBe(1);
    expect(p.crypto.verifyHits).toBe(1);
    const wrong = p.validateRecord(bytes, { ...expect1, nonce: new Uint8Array(16) });
    expect(wrong.ok === false && wrong.reason).toBe('nonce-mismatch');
    const late = p.validateRecord(bytes, {
      ...expect1,
      nowWallMs: 1_767_225_600_000 + 13 * 3_600_000,
    });
    expect(late.ok === false && late.reason).toBe('expired');
    expect(p.counters.rejected).toEqual({ 'nonce-mismatch': 1, expired: 1 });
  });
});

describe('PnrpNode resolve lifecycle', () => {
  it('cancel() ends a resolve with cancelled and forgets its extended-payload request', () => {
    const { nodes, events, pump, now } = pair();
    nodes[0].register(0, { peerName: '0.a' });
    nodes[1].register(0, { peerName: '0.b' });
    nodes[0].start(0);
    nodes[1].start(0);
    pump(10_000);
    expect(nodes[1].drtOf('Global_').status).toBe('active');
    const id = nodes[1].resolve(now(), '0.nobody', { wantExtendedPayload: true });
    expect(nodes[1].cancel(now(), id)).toBe(true);
    pump(now() + 1000);
    const done = events.find((e) => e.type === 'resolve-done' && e.resolveId === id);
    expect(done?.type === 'resolve-done' && done.failure).toBe('cancelled');
    expect(nodes[1].cancel(now(), id)).toBe(false);
    const p2pId = p2pIdOf('0.nobody', nodeCrypto);
    expect(
      nodes[1].securityOf('Global_').wantExtendedPayload?.(concatBytes(p2pId, new Uint8Array(16))),
    ).toBe(false);
    const stats = nodes[1].stats(now()).clouds.Global_!;
    expect(stats.resolves).toBe(1);
    expect(stats.resolvesFailed).toBe(1);
  });

  it('cloudScopeOf() tells the scope from the cloud name', async () => {
    const { cloudScopeOf, linkLocalCloudName } = await import('../../../src/pnrp/cloud-names.js');
    expect(cloudScopeOf('Global_')).toBe('global');
    expect(cloudScopeOf(linkLocalCloudName('2001:db8::/64'))).toBe('link-local');
    expect(cloudScopeOf('SiteLocal_x')).toBe('site-local');
    expect(cloudScopeOf('MyGame')).toBe('application');
  });
});

describe('PnrpNode extended payload on the wire', () => {
  it('sets the INQUIRE X flag only for resolves that want the extended payload', async () => {
    const { decodeMessage } = await import('../../../src/wire/codec.js');
    const { nodes, events, transmits, pump, now } = pair();
    const payload = new Uint8Array(3000).fill(7);
    nodes[0].register(0, { peerName: '0.big', extendedPayload: payload });
    nodes[1].register(0, { peerName: '0.other' });
    nodes[0].start(0);
    nodes[1].start(0);
    pump(20_000);
    const inquireFlags = () =>
      transmits
        .splice(0)
        .filter((t) => t.from?.port === 3540)
        .map((t) => decodeMessage(t.payload))
        .flatMap((d) =>
          d.ok && d.value.type === 'inquire' ? [d.value.flags.wantExtendedPayload] : [],
        );
    inquireFlags();
    const plain = nodes[1].resolve(now(), '0.big');
    pump(now() + 5_000);
    expect(inquireFlags()).not.toContain(true);
    const wanted = nodes[1].resolve(now(), '0.big', { wantExtendedPayload: true });
    pump(now() + 5_000);
    expect(inquireFlags()).toContain(true);
    const results = events.flatMap((e) => (e.type === 'resolve-result' ? [e.result] : []));
    expect(results.find((r) => r.resolveId === plain)?.extendedPayload).toBeUndefined();
    const ext = results.find((r) => r.resolveId === wanted)?.extendedPayload;
    expect(ext?.type === 'binary' && ext.bytes.length).toBe(3000);
  });
});
