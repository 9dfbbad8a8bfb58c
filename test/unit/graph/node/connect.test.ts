import { describe, expect, it } from 'vitest';
import { digestHex, endpointOf, GraphNet, typesBetween } from './harness.js';

const APP_TYPE = Uint8Array.from([0xa0, ...new Array(15).fill(1)]);

describe('GraphNode: connecting and Sync All', () => {
  it('two nodes connect with AUTH_INFO, CONNECT, WELCOME exactly as §4.1', () => {
    const net = new GraphNet(1);
    const a = net.add();
    const b = net.add();
    net.command(a, (n, t) => n.create(t, { maxPresenceRecords: 0 }));
    net.command(b, (n, t) => n.open(t));
    net.command(b, (n, t) => n.connect(t, endpointOf(a)));
    net.runFor(1000);
    // The Ping of §3.1.5.2.2 follows the WELCOME, then the Sync All.
    expect(typesBetween(net, 1, 0).slice(0, 4)).toEqual([
      'auth-info',
      'connect',
      'pt2pt',
      'solicit-new',
    ]);
    expect(typesBetween(net, 0, 1)[0]).toBe('welcome');
    const connect = net.trace.find((t) => t.message.type === 'connect')!.message;
    expect(connect).toMatchObject({ update: false, direct: false, addresses: [] });
    expect(a.node.neighbours().map((n) => n.nodeId)).toEqual([b.node.nodeId]);
    expect(b.node.neighbours().map((n) => n.nodeId)).toEqual([a.node.nodeId]);
    expect(b.events.some((e) => e.type === 'neighbour-connected')).toBe(true);
  });

  it('Sync All moves every record, then the joiner listens and sends CONNECT with U (§4.2)', () => {
    const net = new GraphNet(2);
    const a = net.add();
    const b = net.add();
    net.command(a, (n, t) => n.create(t, { maxPresenceRecords: 0 }));
    for (let i = 0; i < 3; i++) {
      const r = net.command(a, (n, t) =>
        n.addRecord(t, { type: APP_TYPE, payload: Uint8Array.of(i), lifetimeMs: 3_600_000 }),
      );
      expect(r.ok).toBe(true);
    }
    net.command(b, (n, t) => n.open(t));
    expect(b.node.listening).toBe(false);
    net.command(b, (n, t) => n.connect(t, endpointOf(a)));
    net.runFor(2000);
    const fromB = typesBetween(net, 1, 0);
    // Graph info, presence, then everything else excluded from those (§3.1.7.29, §3.1.5.2.11).
    expect(fromB.filter((t) => t.startsWith('solicit'))).toEqual([
      'solicit-new',
      'solicit-new',
      'solicit-new',
    ]);
    const fromA = typesBetween(net, 0, 1);
    expect(fromA.filter((t) => t === 'sync-end')).toHaveLength(3);
    expect(fromA.filter((t) => t === 'flood').length).toBeGreaterThanOrEqual(4);
    const update = net.trace.find(
      (t) => t.from === 1 && t.message.type === 'connect' && t.message.update,
    );
    expect(update?.message).toMatchObject({ addresses: [b.address] });
    expect(b.node.listening).toBe(true);
    expect(b.node.records(APP_TYPE)).toHaveLength(3);
    expect(digestHex(b)).toBe(digestHex(a));
    const done = b.events.find((e) => e.type === 'sync-done');
    expect(done).toMatchObject({ kind: 'all' });
    expect(b.node.status).toBe('connected');
  });
});
