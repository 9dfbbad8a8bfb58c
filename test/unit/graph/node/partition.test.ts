import { describe, expect, it } from 'vitest';
import { guidKey } from '../../../../src/graph/core.js';
import { digestHex, endpointOf, GraphNet } from './harness.js';

const APP_TYPE = Uint8Array.from([0xa0, ...new Array(15).fill(4)]);
const HOUR = 3_600_000;

describe('GraphNode: a partition heals to identical databases', () => {
  it('records published on both sides and a conflicting update converge everywhere', () => {
    const net = new GraphNet(41);
    const first = net.add();
    net.command(first, (n, t) => n.create(t, { maxPresenceRecords: 0 }));
    for (let i = 1; i < 10; i++) {
      net.runFor(2_000);
      const sim = net.add();
      net.command(sim, (n, t) => n.open(t));
      net.command(sim, (n, t) => n.connect(t, endpointOf(net.nodes[i - 1]!)));
    }
    net.runFor(20 * 60_000);
    const shared = net.command(net.nodes[0]!, (n, t) =>
      n.addRecord(t, { type: APP_TYPE, payload: Uint8Array.of(0), lifetimeMs: 10 * HOUR }),
    );
    if (!shared.ok) throw new Error(shared.reason);
    net.runFor(5_000);

    const left = net.nodes.slice(0, 5);
    const right = net.nodes.slice(5);
    net.partition(left, right);
    net.runFor(5_000);
    for (const s of left)
      for (const n of s.node.neighbours()) {
        expect(right.map((r) => r.node.nodeId)).not.toContain(n.nodeId);
      }
    // Each side publishes, and both update the shared record: to version 3 on the left, to
    // version 2 on the right. (Hash-based sync compares record IDs and versions only, §3.1.7.31,
    // so two different version-2 records would stay apart until one of them is flooded again.)
    const published = [left[1]!, left[3]!, right[0]!, right[2]!].map((sim, i) => {
      const r = net.command(sim, (n, t) =>
        n.addRecord(t, { type: APP_TYPE, payload: Uint8Array.of(10 + i), lifetimeMs: HOUR }),
      );
      if (!r.ok) throw new Error(r.reason);
      return r.record;
    });
    net.command(left[2]!, (n, t) =>
      n.updateRecord(t, shared.record.id, { payload: Uint8Array.of(1) }),
    );
    net.runFor(1_000);
    net.command(left[3]!, (n, t) =>
      n.updateRecord(t, shared.record.id, { payload: Uint8Array.of(3) }),
    );
    net.command(right[1]!, (n, t) =>
      n.updateRecord(t, shared.record.id, { payload: Uint8Array.of(2) }),
    );
    net.runFor(60_000);
    expect(digestHex(left[0]!)).not.toBe(digestHex(right[0]!));

    // Heal: one node of the left side leaves its neighbours and joins through the right side;
    // its own maintenance brings it back to the left side, and hash syncs carry both ways.
    net.heal();
    const bridge = left[4]!;
    for (const n of bridge.node.neighbours())
      net.command(bridge, (g, t) => g.disconnect(t, n.conn));
    net.command(bridge, (n, t) => n.connect(t, endpointOf(right[3]!)));
    net.runFor(30 * 60_000);

    const digest = digestHex(net.nodes[0]!);
    expect(net.nodes.map(digestHex)).toEqual(net.nodes.map(() => digest));
    for (const r of published) {
      for (const s of net.nodes) expect(s.node.getRecord(r.id)).toBeDefined();
    }
    // §3.1.7.32: the higher version wins everywhere, the right side's update included.
    for (const s of net.nodes) {
      const winner = s.node.getRecord(shared.record.id)!;
      expect(winner.version).toBe(3);
      expect(winner.modifiedById).toBe(`peer-${left[3]!.index}`);
      expect(winner.payload).toEqual(Uint8Array.of(3));
    }
    const changed = right[1]!.events.filter(
      (e) => e.type === 'record-changed' && guidKey(e.record.id) === guidKey(shared.record.id),
    );
    expect(changed.map((e) => e.type === 'record-changed' && [e.change, e.local])).toEqual([
      ['added', false],
      ['updated', true],
      ['updated', false],
    ]);
  });
});
