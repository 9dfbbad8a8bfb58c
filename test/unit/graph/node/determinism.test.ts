import { describe, expect, it } from 'vitest';
import { digestHex, endpointOf, GraphNet } from './harness.js';

const APP_TYPE = Uint8Array.from([0xa0, ...new Array(15).fill(10)]);

function run(seed: number): { trace: string; digests: string[] } {
  const net = new GraphNet(seed);
  const first = net.add();
  net.command(first, (n, t) => n.create(t, { maxPresenceRecords: -1 }));
  for (let i = 1; i < 8; i++) {
    net.runFor(1_000);
    const sim = net.add();
    net.command(sim, (n, t) => n.open(t));
    net.command(sim, (n, t) => n.connect(t, endpointOf(net.nodes[(i * 5) % i]!)));
    net.command(sim, (n, t) =>
      n.addRecord(t, { type: APP_TYPE, payload: Uint8Array.of(i), lifetimeMs: 3_600_000 }),
    );
  }
  net.runFor(5 * 60_000);
  const trace = net.trace.map((t) => `${t.atMs}:${t.from}>${t.to}:${t.message.type}`).join('\n');
  return { trace, digests: net.nodes.map(digestHex) };
}

describe('GraphNode: determinism', () => {
  it('one seed gives the same message trace and databases twice; another seed does not', () => {
    const a = run(81);
    const b = run(81);
    expect(b.trace).toBe(a.trace);
    expect(b.digests).toEqual(a.digests);
    expect(run(82).trace).not.toBe(a.trace);
  });

  it('a joiner whose bootstrap node is unreachable asks the application for a node', () => {
    const net = new GraphNet(83);
    const a = net.add();
    const b = net.add();
    net.command(b, (n, t) => n.open(t));
    net.command(b, (n, t) => n.connect(t, endpointOf(a))); // nobody listens there
    net.runFor(1_000);
    expect(b.events.filter((e) => e.type === 'need-node')).toEqual([
      { type: 'need-node', reason: 'no-neighbours' },
    ]);
    expect(b.node.status).toBe('disconnected');
    expect(b.node.stats.terminated['peer-reset']).toBe(1); // A does not listen: it closed at once
  });
});
