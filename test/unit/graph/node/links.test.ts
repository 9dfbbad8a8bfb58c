import { describe, expect, it } from 'vitest';
import { FIXED_RECORD_ID } from '../../../../src/graph/model.js';
import { decodeSignature } from '../../../../src/graph/wire/index.js';
import { digestHex, endpointOf, GraphNet } from './harness.js';

const DATA_TYPE = Uint8Array.from([0xd0, ...new Array(15).fill(7)]);

describe('GraphNode: links', () => {
  it('simultaneous connects keep the connection initiated by the lower node ID, on both sides', () => {
    const net = new GraphNet(61);
    const a = net.add();
    const b = net.add();
    net.command(a, (n, t) => n.create(t, { maxPresenceRecords: 0 }));
    net.command(b, (n, t) => n.open(t));
    net.command(b, (n, t) => n.connect(t, endpointOf(a)));
    net.runFor(2_000);
    // B leaves A; neither knows anyone else, so B asks the application for a node.
    net.command(b, (n, t) => n.disconnect(t, n.neighbours()[0]!.conn));
    net.runFor(1_000);
    expect(b.events.some((e) => e.type === 'need-node' && e.reason === 'no-neighbours')).toBe(true);
    expect(a.node.neighbours()).toHaveLength(0);
    // Both dial each other at the same instant: each WELCOMEs the other's CONNECT first.
    net.command(a, (n, t) => n.connect(t, endpointOf(b)));
    net.command(b, (n, t) => n.connect(t, endpointOf(a)));
    net.runFor(2_000);
    const [na] = a.node.neighbours();
    const [nb] = b.node.neighbours();
    expect(a.node.neighbours()).toHaveLength(1);
    expect(b.node.neighbours()).toHaveLength(1);
    const aLower = a.node.nodeId < b.node.nodeId;
    expect(na!.conn > 0).toBe(aLower); // positive: this side initiated it
    expect(nb!.conn > 0).toBe(!aLower);
    expect(
      (a.node.stats.terminated.duplicate ?? 0) + (b.node.stats.terminated.duplicate ?? 0),
    ).toBe(2);
    expect(digestHex(a)).toBe(digestHex(b));
  });

  it('a direct connection carries PT2PT data when allowed and is refused otherwise', () => {
    const net = new GraphNet(62);
    const a = net.add();
    const b = net.add();
    const c = net.add();
    net.command(a, (n, t) => n.create(t, { maxPresenceRecords: 0 }));
    net.command(b, (n, t) => n.open(t));
    net.command(b, (n, t) => n.connect(t, endpointOf(a)));
    net.runFor(2_000);
    net.command(c, (n, t) => n.open(t));
    const refused = net.command(c, (n, t) => n.connect(t, endpointOf(a), { direct: true }));
    net.runFor(1_000);
    expect(c.events).toContainEqual(
      expect.objectContaining({
        type: 'refused',
        reason: 'direct-connection-disallowed',
        conn: refused,
      }),
    );
    a.node.allowDirectConnections(true);
    const conn = net.command(c, (n, t) =>
      n.connect(t, endpointOf(a), { direct: true, peerId: 'peer-0' }),
    );
    net.runFor(1_000);
    expect(c.node.neighbours()).toEqual([
      expect.objectContaining({ conn, direct: true, nodeId: a.node.nodeId }),
    ]);
    expect(net.command(c, (n, t) => n.sendDirect(t, conn, DATA_TYPE, Uint8Array.of(1, 2, 3)))).toBe(
      true,
    );
    net.runFor(1_000);
    expect(a.events).toContainEqual(
      expect.objectContaining({
        type: 'direct-data',
        peerId: 'peer-2',
        payload: Uint8Array.of(1, 2, 3),
      }),
    );
    // A direct link is no neighbour: no sync, no flooding, not counted.
    expect(c.node.records()).toHaveLength(0);
    expect(a.node.neighbours().filter((n) => !n.direct)).toHaveLength(1);
  });

  it('the lowest node ID ends up in the signature record; when it closes, the next lowest takes over', () => {
    const net = new GraphNet(63);
    const first = net.add();
    net.command(first, (n, t) => n.create(t, { maxPresenceRecords: 0 }));
    for (let i = 1; i < 5; i++) {
      net.runFor(2_000);
      const sim = net.add();
      net.command(sim, (n, t) => n.open(t));
      net.command(sim, (n, t) => n.connect(t, endpointOf(net.nodes[i - 1]!)));
    }
    net.runFor(10 * 60_000);
    const signature = (sim: (typeof net.nodes)[number]): bigint | undefined => {
      const r = sim.node.getRecord(FIXED_RECORD_ID.signature);
      if (!r || r.deleted) return undefined;
      const d = decodeSignature(r.payload);
      return d.ok ? d.value : undefined;
    };
    const ids = net.nodes.map((s) => s.node.nodeId).sort((x, y) => (x < y ? -1 : 1));
    for (const s of net.nodes) expect(signature(s)).toBe(ids[0]);
    const lowest = net.nodes.find((s) => s.node.nodeId === ids[0])!;
    net.command(lowest, (n, t) => n.close(t));
    net.runFor(10 * 60_000);
    for (const s of net.nodes) if (s !== lowest) expect(signature(s)).toBe(ids[1]);
  });

  it('a node that synchronised once listens even when it cannot connect (§1.3.2)', () => {
    const net = new GraphNet(64);
    const a = net.add();
    const b = net.add();
    net.command(a, (n, t) => n.create(t, { maxPresenceRecords: 0 }));
    net.command(b, (n, t) => n.open(t));
    net.command(b, (n, t) => n.connect(t, endpointOf(a)));
    net.runFor(5_000);
    net.command(b, (n, t) => n.close(t));
    net.crash(a);
    net.command(b, (n, t) => n.open(t, n.persistedState()));
    expect(b.node.listening).toBe(false);
    net.command(b, (n, t) => n.connect(t, endpointOf(a)));
    net.runFor(1_000);
    expect(b.node.listening).toBe(true);
    expect(b.node.status).toBe('listening');
  });
});
