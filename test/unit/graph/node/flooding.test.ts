import { describe, expect, it } from 'vitest';
import { guidKey } from '../../../../src/graph/core.js';
import { digestHex, endpointOf, GraphNet, type SimNode } from './harness.js';

const APP_TYPE = Uint8Array.from([0xa0, ...new Array(15).fill(3)]);

/** Node 0 creates; node i joins through a node drawn from the earlier ones, 2 s apart. */
function buildGraph(seed: number, size: number): GraphNet {
  const net = new GraphNet(seed);
  const first = net.add();
  net.command(first, (n, t) => n.create(t, { maxPresenceRecords: 0 }));
  let pick = seed;
  for (let i = 1; i < size; i++) {
    net.runFor(2_000);
    const sim = net.add();
    pick = (pick * 1103515245 + 12345) % 2147483648;
    const via = net.nodes[pick % i]!;
    net.command(sim, (n, t) => n.open(t));
    net.command(sim, (n, t) => n.connect(t, endpointOf(via)));
  }
  return net;
}

function floodsOf(net: GraphNet, id: Uint8Array, sinceMs: number): number {
  const key = guidKey(id);
  return net.trace.filter(
    (t) => t.atMs >= sinceMs && t.message.type === 'flood' && guidKey(t.message.record.id) === key,
  ).length;
}

describe('GraphNode: flooding and neighbour management in a 20-node graph', () => {
  const net = buildGraph(20, 20);
  net.runFor(30 * 60_000);

  it('keeps every neighbour count between Minimum (2) and Maximum (7) Neighbors under joins', () => {
    const counts = net.nodes.map((s) => s.node.neighbours().length);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...counts)).toBeLessThanOrEqual(7);
    expect(net.nodes.every((s) => s.node.status === 'connected')).toBe(true);
  });

  it('a record reaches every node exactly once; the duplicates are 2E - 2(N - 1)', () => {
    const publisher = net.nodes[5]!;
    const edges = net.neighbourEdges();
    const start = net.nowMs;
    const before = net.nodes.map((s) => s.node.stats.floodsDuplicate);
    const r = net.command(publisher, (n, t) =>
      n.addRecord(t, { type: APP_TYPE, payload: Uint8Array.of(42), lifetimeMs: 3_600_000 }),
    );
    if (!r.ok) throw new Error(r.reason);
    net.runFor(2_000);
    expect(net.neighbourEdges()).toBe(edges);
    const n = net.nodes.length;
    expect(edges).toBeGreaterThan(n - 1); // cycles exist, so there are duplicates to count
    const key = guidKey(r.record.id);
    for (const sim of net.nodes) {
      const added = sim.events.filter(
        (e) => e.type === 'record-changed' && e.change === 'added' && guidKey(e.record.id) === key,
      );
      expect(added).toHaveLength(1);
      expect(added[0]!.type === 'record-changed' && added[0]!.local).toBe(sim === publisher);
    }
    // The publisher floods to all its neighbours; every other node re-floods to all but the sender.
    expect(floodsOf(net, r.record.id, start)).toBe(2 * edges - (n - 1));
    const duplicates = net.nodes.reduce(
      (sum, s, i) => sum + s.node.stats.floodsDuplicate - before[i]!,
      0,
    );
    expect(duplicates).toBe(2 * edges - 2 * (n - 1));
    const digest = digestHex(net.nodes[0]!);
    expect(net.nodes.every((s) => digestHex(s) === digest)).toBe(true);
  });
});

describe('GraphNode: pruning the least useful neighbour', () => {
  function star(seed: number): { net: GraphNet; hub: SimNode; leaves: SimNode[] } {
    const net = new GraphNet(seed);
    const hub = net.add();
    net.command(hub, (n, t) => n.create(t, { maxPresenceRecords: 0 }));
    const leaves: SimNode[] = [];
    for (let i = 0; i < 4; i++) {
      net.runFor(1_000);
      // Leaves are content with one neighbour, so only the hub exceeds its ideal count.
      const leaf = net.add({ limits: { neighboursMin: 1, neighboursIdeal: 1 } });
      net.command(leaf, (n, t) => n.open(t));
      net.command(leaf, (n, t) => n.connect(t, endpointOf(hub)));
      leaves.push(leaf);
    }
    net.runFor(5_000);
    return { net, hub, leaves };
  }

  it('with equal utility the hub disconnects its newest neighbour (least-useful) at the maintenance timer', () => {
    const { net, hub, leaves } = star(31);
    expect(hub.node.neighbours()).toHaveLength(4);
    net.runFor(300_000);
    expect(hub.node.stats.neighboursPruned).toBe(1);
    const pruned = leaves[3]!;
    const seen = pruned.events.find((e) => e.type === 'neighbour-disconnected');
    expect(seen).toMatchObject({ reason: 'least-useful', nodeId: hub.node.nodeId });
    const gone = hub.events.filter((e) => e.type === 'neighbour-disconnected');
    expect(gone).toEqual([
      expect.objectContaining({ nodeId: pruned.node.nodeId, reason: 'sent-least-useful' }),
    ]);
  });

  it('the neighbour of lowest utility is the one pruned', () => {
    const { net, hub, leaves } = star(32);
    const r = net.command(hub, (n, t) =>
      n.addRecord(t, { type: APP_TYPE, payload: Uint8Array.of(1), lifetimeMs: 3_600_000 }),
    );
    if (!r.ok) throw new Error(r.reason);
    net.runFor(1_000);
    // Leaves 1 and 0 update the record at the same instant. Leaf 1's version wins (its peer ID is
    // higher, §3.1.7.32) and reaches the hub first, so leaf 0's FLOOD is "old" at the hub and the
    // hub's copy flooded back duplicates the re-flood: leaf 0's link carries the useless FLOODs.
    net.command(leaves[1]!, (n, t) =>
      n.updateRecord(t, r.record.id, { payload: Uint8Array.of(2) }),
    );
    net.command(leaves[0]!, (n, t) =>
      n.updateRecord(t, r.record.id, { payload: Uint8Array.of(3) }),
    );
    net.runFor(1_000);
    const utilities = hub.node.neighbours().map((n) => n.utility);
    const lowest = hub.node.neighbours().reduce((a, b) => (b.utility < a.utility ? b : a));
    expect(utilities.filter((u) => u === lowest.utility)).toHaveLength(1);
    expect(lowest.nodeId).toBe(leaves[0]!.node.nodeId);
    net.runFor(300_000);
    expect(hub.node.stats.neighboursPruned).toBe(1);
    const gone = hub.events.filter((e) => e.type === 'neighbour-disconnected');
    expect(gone).toEqual([
      expect.objectContaining({ nodeId: lowest.nodeId, reason: 'sent-least-useful' }),
    ]);
  });
});
