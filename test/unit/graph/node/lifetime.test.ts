import { describe, expect, it } from 'vitest';
import { guidKey } from '../../../../src/graph/core.js';
import { FIXED_RECORD_ID, RECORD_TYPE } from '../../../../src/graph/model.js';
import { PeerClock } from '../../../../src/graph/peer-time.js';
import { endpointOf, GraphNet, type SimNode } from './harness.js';

const APP_TYPE = Uint8Array.from([0xa0, ...new Array(15).fill(5)]);

function pair(seed: number, maxPresenceRecords = 0): { net: GraphNet; a: SimNode; b: SimNode } {
  const net = new GraphNet(seed);
  const a = net.add();
  const b = net.add();
  net.command(a, (n, t) => n.create(t, { maxPresenceRecords }));
  net.command(b, (n, t) => n.open(t));
  net.command(b, (n, t) => n.connect(t, endpointOf(a)));
  net.runFor(2_000);
  return { net, a, b };
}

describe('GraphNode: record lifetime', () => {
  it('a record expires on every node within the 15 s granularity of the expiration timer', () => {
    const { net, a, b } = pair(51);
    const r = net.command(a, (n, t) => n.addRecord(t, { type: APP_TYPE, lifetimeMs: 20_000 }));
    if (!r.ok) throw new Error(r.reason);
    net.runFor(1_000);
    expect(b.node.getRecord(r.record.id)).toBeDefined();
    net.runFor(15_000);
    expect(b.node.getRecord(r.record.id)).toBeDefined();
    net.runFor(20_000);
    for (const sim of [a, b]) {
      expect(sim.node.getRecord(r.record.id)).toBeUndefined();
      const expired = sim.events.filter(
        (e) =>
          e.type === 'record-changed' &&
          e.change === 'expired' &&
          guidKey(e.record.id) === guidKey(r.record.id),
      );
      expect(expired).toHaveLength(1);
    }
  });

  it('the creator refreshes the graph info record before it expires (autorefresh, §3.1.7.22)', () => {
    const { net, a, b } = pair(52);
    const first = b.node.getRecord(FIXED_RECORD_ID.graphInfo)!;
    expect(first.version).toBe(1);
    net.runFor(20 * 60_000);
    const now = b.node.getRecord(FIXED_RECORD_ID.graphInfo)!;
    expect(now.version).toBeGreaterThanOrEqual(4);
    expect(now.expiresAt).toBeGreaterThan(b.node.peerTime());
    expect(a.node.stats.recordsRefreshed).toBeGreaterThanOrEqual(3);
    expect(now.modifiedById).toBe('peer-0');
  });

  it('a deleted record stays (deleted, empty) until it expires; an update may not shorten it', () => {
    const { net, a, b } = pair(53);
    const r = net.command(a, (n, t) =>
      n.addRecord(t, { type: APP_TYPE, payload: Uint8Array.of(9), lifetimeMs: 600_000 }),
    );
    if (!r.ok) throw new Error(r.reason);
    expect(net.command(a, (n, t) => n.updateRecord(t, r.record.id, { lifetimeMs: 1_000 }))).toEqual(
      {
        ok: false,
        reason: 'shorter-lifetime',
      },
    );
    expect(net.command(a, (n, t) => n.deleteRecord(t, r.record.id)).ok).toBe(true);
    net.runFor(1_000);
    const gone = b.node.getRecord(r.record.id)!;
    expect(gone).toMatchObject({ deleted: true, version: 2, payload: new Uint8Array(0) });
    expect(net.command(b, (n, t) => n.deleteRecord(t, r.record.id))).toEqual({
      ok: false,
      reason: 'deleted',
    });
    expect(
      net.command(b, (n, t) => n.addRecord(t, { type: RECORD_TYPE.presence, lifetimeMs: 1_000 })),
    ).toEqual({ ok: false, reason: 'reserved-type' });
  });
});

describe('GraphNode: presence', () => {
  it('a published presence reaches the neighbour and expires there after the presence lifetime', () => {
    const { net, a, b } = pair(54, 0);
    expect(net.command(b, (n, t) => n.publishPresence(t, '')).ok).toBe(true);
    net.runFor(1_000);
    const added = a.events.filter((e) => e.type === 'presence-changed' && e.change === 'added');
    expect(added).toEqual([
      expect.objectContaining({
        nodeId: b.node.nodeId,
        peerId: 'peer-1',
        addresses: [expect.objectContaining(b.address)],
      }),
    ]);
    expect(a.node.presenceCount).toBe(1);
    // Published at the application's request, it is not refreshed (§3.1.7.4): 300 s, then gone.
    net.runFor(330_000);
    expect(a.events.some((e) => e.type === 'presence-changed' && e.change === 'expired')).toBe(
      true,
    );
    expect(a.node.presenceCount).toBe(0);
  });

  it('with Max Presence Records -1 every listening node publishes and refreshes its presence', () => {
    const { net, a, b } = pair(55, -1);
    net.runFor(20 * 60_000);
    expect(a.node.presenceCount).toBe(2);
    expect(b.node.presenceCount).toBe(2);
  });

  it('closing deletes the presence record and says leaving to the neighbour', () => {
    const { net, a, b } = pair(56, -1);
    net.runFor(5_000);
    net.command(b, (n, t) => n.close(t));
    net.runFor(1_000);
    expect(a.events.some((e) => e.type === 'presence-changed' && e.change === 'deleted')).toBe(
      true,
    );
    const left = a.events.find((e) => e.type === 'neighbour-disconnected');
    expect(left).toMatchObject({ reason: 'leaving', nodeId: b.node.nodeId });
    expect(b.node.status).toBe('disconnected');
  });
});

describe('PeerClock', () => {
  const wall = { ms: 1_000_000, nowMs: () => wall.ms };
  it('takes the first neighbour’s time, then averages later ones with equal weights', () => {
    const clock = new PeerClock(wall);
    const utc = clock.utc();
    // First WELCOME: remote 60 s ahead, no round trip: delta becomes 60 s.
    expect(clock.onWelcome(utc + 600_000_000n, clock.now(), 1)).toBe(true);
    expect(clock.delta).toBe(600_000_000n);
    // Second neighbour: remote is 30 s ahead of UTC; average of 60 s and 30 s.
    expect(clock.onWelcome(clock.utc() + 300_000_000n, clock.now(), 2)).toBe(true);
    expect(clock.delta).toBe(450_000_000n);
    // A third 25 minutes away is ignored.
    expect(clock.onWelcome(clock.now() + 15_000_000_000n, clock.now(), 3)).toBe(false);
    expect(clock.delta).toBe(450_000_000n);
  });

  it('corrects the remote time by half the CONNECT-to-WELCOME round trip', () => {
    const clock = new PeerClock(wall);
    const sent = clock.now();
    wall.ms += 200;
    clock.onWelcome(sent, sent, 1);
    // The remote said `sent` when we were 100 ms in: we are 100 ms ahead of it.
    expect(clock.delta).toBe(-1_000_000n);
  });

  it('a joining node adopts the graph’s peer time despite its own skewed clock', () => {
    const net = new GraphNet(57);
    const a = net.add();
    const b = net.add({ skewMs: 90_000 });
    net.command(a, (n, t) => n.create(t, { maxPresenceRecords: 0 }));
    net.command(b, (n, t) => n.open(t));
    net.command(b, (n, t) => n.connect(t, endpointOf(a)));
    net.runFor(1_000);
    const gap = b.node.peerTime() - a.node.peerTime();
    expect(gap < 0n ? -gap : gap).toBeLessThanOrEqual(100_000n); // within 10 ms
  });
});
