import { beforeAll, describe, expect, it } from 'vitest';
import { nodeCrypto } from '../../src/adapters/node/node-crypto.js';
import { parseAddress } from '../../src/keys/endpoint.js';
import { createIdentity } from '../../src/keys/identity.js';
import { formatTrace } from '../../src/pnrp/trace-format.js';
import { PnrpCloud } from '../../src/sim/pnrp-cloud.js';
import { equalBytes, toHex } from '../../src/util/bytes.js';

const SEED = Number(process.env.PNRP_SEED ?? 4);
console.log(`pnrp-cloud scenarios: PNRP_SEED=${SEED}`);

function cloudOf(count: number, seed = SEED): PnrpCloud {
  const cloud = new PnrpCloud({ seed, crypto: nodeCrypto, securedFraction: 0.5, settleMs: 20_000 });
  cloud.build(count);
  return cloud;
}

describe('pnrp cloud: names', () => {
  let cloud: PnrpCloud;
  beforeAll(() => {
    cloud = cloudOf(24);
  });

  it('resolve: a secured name returns its verified CPA, endpoints and friendly name', () => {
    const alice = createIdentity(new Uint8Array(32).fill(1), nodeCrypto);
    const owner = cloud.join({
      peerName: `${alice.authority}.alice`,
      identity: alice,
      friendlyName: "Alice's laptop",
    });
    cloud.sim.runFor(10_000);
    const out = cloud.resolveOnce(cloud.members[0]!, `${alice.authority}.alice`);
    expect(out.failure).toBeUndefined();
    const r = out.results[0]!;
    expect(r.peerName).toBe(`${alice.authority}.alice`);
    expect(r.secured).toBe(true);
    expect(r.friendlyName).toBe("Alice's laptop");
    expect(equalBytes(r.pnrpId, owner.registration.pnrpId)).toBe(true);
    expect(equalBytes(r.cpa.publicKey, alice.publicKey)).toBe(true);
    expect(r.endpoints[0]!.port).toBe(owner.handle.endpoint.port);
    expect(equalBytes(r.pnrpEndpoints[0]!.address, owner.handle.endpoint.address)).toBe(true);
  });

  it('resolve: an unsecured 0. name resolves and is marked unprotected', () => {
    const owner = cloud.join({ peerName: '0.printer' });
    expect(owner.registration.secured).toBe(false);
    cloud.sim.runFor(10_000);
    const out = cloud.resolveOnce(cloud.members[1]!, '0.printer');
    expect(out.failure).toBeUndefined();
    expect(out.results[0]!.secured).toBe(false);
    expect(out.results[0]!.cpa.binaryAuthority).toBeUndefined();
  });

  it('resolve: a name nobody registered fails with not-found and no result', () => {
    const out = cloud.resolveOnce(cloud.members[2]!, '0.nobody-has-this');
    expect(out.results).toHaveLength(0);
    expect(out.failure).toBeDefined();
  });

  it('resolve: many instances of one name come back as distinct PNRP IDs', () => {
    const owners = [0, 1, 2, 3].map(() => cloud.join({ peerName: '0.shared' }));
    cloud.sim.runFor(15_000);
    const out = cloud.resolveOnce(cloud.members[4]!, '0.shared', {
      criteria: 'nearest-peer-name',
      maxResults: 4,
    });
    const ids = new Set(out.results.map((r) => toHex(r.pnrpId)));
    expect(ids.size).toBeGreaterThanOrEqual(3);
    const registered = new Set(owners.map((o) => toHex(o.registration.pnrpId)));
    for (const id of ids) expect(registered.has(id)).toBe(true);
  });

  it('resolve: every criterion finds the owner (none, any, nearest, nearest64, upper-bits)', () => {
    const owner = cloud.join({ peerName: '0.criteria' });
    cloud.sim.runFor(10_000);
    const from = cloud.members[5]!;
    const sl = owner.registration.pnrpId.slice(16);
    const prefix = owner.handle.endpoint.address.slice(0, 8);
    const cases = [
      { criteria: 'none', serviceLocation: sl },
      { criteria: 'any-peer-name' },
      { criteria: 'nearest-peer-name' },
      { criteria: 'nearest64-peer-name', prefix },
      { criteria: 'upper-bits', precision: 128 },
    ] as const;
    for (const options of cases) {
      const out = cloud.resolveOnce(from, '0.criteria', options);
      expect(out.failure, options.criteria).toBeUndefined();
      expect(equalBytes(out.results[0]!.pnrpId, owner.registration.pnrpId)).toBe(true);
    }
    // A /64 nobody publishes under: nearest64 must not fall back to another prefix.
    const other = cloud.resolveOnce(from, '0.criteria', {
      criteria: 'nearest64-peer-name',
      prefix: parseAddress('2001:db9::').slice(0, 8),
    });
    expect(other.results).toHaveLength(0);
  });

  it('register: an address change within the /64 is seen by resolvers at once', () => {
    const owner = cloud.join({ peerName: '0.moving' });
    cloud.sim.runFor(10_000);
    const from = cloud.members[6]!;
    expect(cloud.resolveOnce(from, '0.moving').results[0]!.endpoints[0]!.port).toBe(3540);
    const address = owner.handle.endpoint.address;
    cloud.sim.call(owner.handle, (node, now) =>
      node.updateEndpoints(now, owner.registration.id, [{ address, port: 8080, protocol: 6 }]),
    );
    const after = cloud.resolveOnce(from, '0.moving').results[0]!;
    expect(after.endpoints[0]).toMatchObject({ port: 8080, protocol: 6 });
  });

  it('register: a new /64 revokes the old PNRP ID and publishes the new one at once', () => {
    const owner = cloud.join({ peerName: '0.renumbered' });
    cloud.sim.runFor(10_000);
    const from = cloud.members[7]!;
    const address = parseAddress('2001:db8:77::5');
    const reg = cloud.sim.call(owner.handle, (node, now) =>
      node.updateEndpoints(now, owner.registration.id, [{ address, port: 9000 }]),
    );
    expect(toHex(reg.pnrpId.slice(16, 24))).toBe(toHex(address.slice(0, 8)));
    cloud.sim.runFor(5_000);
    const out = cloud.resolveOnce(from, '0.renumbered');
    expect(out.failure).toBeUndefined();
    expect(equalBytes(out.results[0]!.pnrpId, reg.pnrpId)).toBe(true);
    expect(equalBytes(out.results[0]!.endpoints[0]!.address, address)).toBe(true);
  });

  it('unregister: resolvers stop getting the name at once', () => {
    const owner = cloud.join({ peerName: '0.leaving' });
    cloud.sim.runFor(10_000);
    const from = cloud.members[8]!;
    expect(cloud.resolveOnce(from, '0.leaving').failure).toBeUndefined();
    cloud.sim.call(owner.handle, (node, now) => node.unregister(now, owner.registration.id));
    cloud.sim.runFor(100);
    const out = cloud.resolveOnce(from, '0.leaving');
    expect(out.results).toHaveLength(0);
  });

  it('traceroute: one netsh-style line per hop, the owner twice (found, then the INQUIRE)', () => {
    const target = cloud.members[9]!;
    const out = cloud.resolveOnce(cloud.members[10]!, target.registration.peerName);
    const lines = formatTrace(out.path).split('\n');
    const ownerPort = `]:${target.handle.endpoint.port},`;
    const lookedUpOwner = out.path.some(
      (h) => h.endpoint.port === target.handle.endpoint.port && (h.flags & 0x80) === 0,
    );
    // The owner gets a "found" line of its own unless a LOOKUP already reached it.
    expect(lines.length).toBe(out.path.length + (lookedUpOwner ? 0 : 1));
    expect(lines.filter((l) => l.includes(ownerPort))).toHaveLength(2);
    expect(lines.at(-2)).toMatch(/, Accepted$/);
    for (const line of lines) {
      expect(line).toMatch(
        /^ {2}\[[0-9a-f:.]+\]:\d+, \(\d+\), \((\d+|-) ms\), (Accepted|Rejected)/,
      );
    }
    expect(lines[lines.length - 1]).toContain(`]:${target.handle.endpoint.port}`);
    expect(lines[lines.length - 1]).toMatch(/Accepted \(Inquire\)$/);
  });

  it('stats: the five performance counters and drops by reason, per cloud and in sum', () => {
    const m = cloud.members[11]!;
    cloud.resolveOnce(m, cloud.members[12]!.registration.peerName);
    const s = cloud.sim.call(m.handle, (node, now) => node.stats(now));
    expect(s.idsRegistered).toBe(1);
    expect(s.resolves).toBeGreaterThanOrEqual(1);
    expect(s.bytesReceivedPerSecond).toBeGreaterThan(0);
    expect(s.bytesSentPerSecond).toBeGreaterThan(0);
    expect(s.staleCacheEntryHits).toBeGreaterThanOrEqual(0);
    expect(s.clouds.Global_!.resolvesSucceeded).toBeGreaterThanOrEqual(1);
    expect(s.clouds.Global_!.signatureVerifications).toBeGreaterThan(0);
    expect(typeof s.dropped).toBe('object');
  });
});

describe('pnrp cloud: measured', () => {
  it('resolve: 100 resolves of secured names on 40 nodes all succeed', () => {
    const cloud = new PnrpCloud({ seed: SEED + 1, crypto: nodeCrypto, settleMs: 20_000 });
    cloud.build(40);
    const report = cloud.runResolves(100);
    expect(report.successRate).toBe(1);
    expect(report.verificationsPerResolve).toBeGreaterThanOrEqual(1);
    expect(report.avgHops).toBeLessThan(3);
  });

  it('determinism: one seed twice gives the same trace hash and results', () => {
    const run = () => {
      const cloud = cloudOf(12, SEED + 2);
      const report = cloud.runResolves(20);
      return { hash: cloud.sim.traceHash, report };
    };
    const a = run();
    const b = run();
    expect(a.hash).toBe(b.hash);
    expect(a.report).toEqual(b.report);
  });
});

describe('pnrp cloud: churn', () => {
  it('resolve: after 20% of members vanish and 10% leave, live names resolve and dead ones never do', () => {
    const cloud = new PnrpCloud({ seed: SEED + 3, crypto: nodeCrypto, settleMs: 20_000 });
    cloud.build(50);
    for (let i = 0; i < 10; i++) cloud.fail(cloud.pick());
    for (let i = 0; i < 5; i++) cloud.leave(cloud.pick());
    cloud.sim.runFor(30_000); // maintenance notices the dead
    const report = cloud.runResolves(100);
    expect(report.successRate).toBeGreaterThanOrEqual(0.97);
    // A vanished owner cannot answer the INQUIRE: its name is never returned.
    const dead = cloud.members.find((m) => !m.live)!;
    expect(cloud.resolveOnce(cloud.pick(), dead.registration.peerName).results).toHaveLength(0);
  });
});
