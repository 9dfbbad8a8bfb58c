import { describe, expect, it } from 'vitest';
import { RecordDatabase } from '../../../../src/graph/database.js';
import type { GraphRecord } from '../../../../src/graph/model.js';
import { digestHex, endpointOf, GraphNet, typesBetween } from './harness.js';

const APP_TYPE = Uint8Array.from([0xa0, ...new Array(15).fill(2)]);
const HOUR = 3_600_000;

function add(net: GraphNet, sim: ReturnType<GraphNet['add']>, tag: number): GraphRecord {
  const r = net.command(sim, (n, t) =>
    n.addRecord(t, { type: APP_TYPE, payload: Uint8Array.of(tag), lifetimeMs: HOUR }),
  );
  if (!r.ok) throw new Error(r.reason);
  return r.record;
}

describe('GraphNode: time-based then hash-based sync (§4.3)', () => {
  it('a node with an older database catches up both ways and every database ends identical', () => {
    const net = new GraphNet(3);
    const n1 = net.add();
    const n2 = net.add();
    net.command(n1, (n, t) => n.create(t, { maxPresenceRecords: 0 }));
    add(net, n1, 1);
    add(net, n1, 2);
    net.command(n2, (n, t) => n.open(t));
    net.command(n2, (n, t) => n.connect(t, endpointOf(n1)));
    net.runFor(5_000);

    // Node 3's persisted database: a copy of node 1's at this moment.
    const persisted = new RecordDatabase();
    for (const r of n1.node.database.records()) persisted.apply(r);
    const leftAt = n1.node.peerTime();
    net.runFor(1_000);
    const r3 = add(net, n1, 3);
    const r6 = add(net, n1, 6);
    net.runFor(1_000);

    const n3 = net.add({ database: persisted });
    net.command(n3, (n, t) => n.open(t, { leftAt }));
    const r4 = add(net, n3, 4);
    const r7 = add(net, n3, 7);
    net.command(n3, (n, t) => n.connect(t, endpointOf(n2)));
    net.runFor(5_000);

    const from3 = typesBetween(net, 2, 1);
    const solicits = from3.filter((t) => t.startsWith('solicit') || t === 'request');
    expect(solicits).toEqual([
      'solicit-time',
      'solicit-time',
      'solicit-time',
      'solicit-hash',
      'request',
    ]);
    // Node 2 advertised the differing range; the time-based sync had already brought records 3
    // and 6, so node 3 requests nothing. (Meanwhile node 3, below Minimum Neighbors and no longer
    // "never connected", also dials node 1 from node 2's referral, §3.1.5.2.2 and §3.1.7.14.)
    const request = net.trace.find(
      (t) => t.from === 2 && t.to === 1 && t.message.type === 'request',
    )!.message;
    expect(request.type === 'request' && request.abstracts).toEqual([]);
    // After node 2's final SYNC_END, node 3 floods what node 2 lacked (records 4 and 7).
    const after = net.trace.filter((t) => t.from === 2 && t.to === 1 && t.message.type === 'flood');
    const sent = after.map((t) => (t.message.type === 'flood' ? t.message.record.payload[0] : -1));
    expect(sent).toEqual(expect.arrayContaining([4, 7]));
    for (const r of [r3, r6]) expect(n3.node.getRecord(r.id)).toBeDefined();
    for (const r of [r4, r7]) {
      expect(n2.node.getRecord(r.id)).toBeDefined();
      expect(n1.node.getRecord(r.id)).toBeDefined();
    }
    expect(
      n3.events.filter((e) => e.type === 'sync-done').map((e) => e.type === 'sync-done' && e.kind),
    ).toEqual(expect.arrayContaining(['time', 'hash']));
    // Node 3 listens, finds node 1 through node 2's referral and hash-syncs with it too.
    net.runFor(60_000);
    expect(
      n3.node
        .neighbours()
        .map((n) => n.nodeId)
        .sort(),
    ).toEqual([n1.node.nodeId, n2.node.nodeId].sort());
    expect(digestHex(n3)).toBe(digestHex(n1));
    expect(digestHex(n2)).toBe(digestHex(n1));
  });

  it('a node that closed re-opens with its persisted state: time-based, then hash-based sync', () => {
    const net = new GraphNet(4);
    const a = net.add();
    const b = net.add();
    net.command(a, (n, t) => n.create(t, { maxPresenceRecords: 0 }));
    net.command(b, (n, t) => n.open(t));
    net.command(b, (n, t) => n.connect(t, endpointOf(a)));
    net.runFor(5_000);
    net.command(b, (n, t) => n.close(t));
    const persisted = b.node.persistedState();
    net.runFor(60_000);
    const missed = add(net, a, 8);
    net.runFor(60_000);
    net.command(b, (n, t) => n.open(t, persisted));
    net.command(b, (n, t) => n.connect(t, endpointOf(a)));
    net.runFor(5_000);
    const solicits = typesBetween(net, 1, 0).filter((t) => t.startsWith('solicit'));
    // The first connection: Sync All; after re-opening: time-based, then hash-based.
    expect(solicits).toEqual([
      'solicit-new',
      'solicit-new',
      'solicit-new',
      'solicit-time',
      'solicit-time',
      'solicit-time',
      'solicit-hash',
    ]);
    const since = net.trace.find((t) => t.message.type === 'solicit-time')!.message;
    expect(since.type === 'solicit-time' && since.modifiedSince).toBe(persisted.leftAt);
    expect(b.node.getRecord(missed.id)).toBeDefined();
    expect(digestHex(b)).toBe(digestHex(a));
  });
});
