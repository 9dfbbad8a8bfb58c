/**
 * Bootstrap-only seeding in the simulator (issue 12): a PnrpNode that registers nothing but seeds
 * its cloud (`seed: true`) lets joiners join and resolvers resolve; without `seed` the same node
 * answers with an empty ADVERTISE and its joiners stay alone, each join attempt reported as
 * `join-failed` naming the node that answered. The simulator's logger hears nodes come and go,
 * and hands itself to the nodes (`ctx.logger`), which log the datagrams they drop.
 */
import { describe, expect, it } from 'vitest';
import { nodeCrypto } from '../../../src/adapters/node/node-crypto.js';
import { staticBootstrap } from '../../../src/drt/bootstrap-provider.js';
import type { Endpoint } from '../../../src/keys/endpoint.js';
import type { LogEvent } from '../../../src/log.js';
import { PnrpNode } from '../../../src/pnrp/pnrp-node.js';
import { type PnrpEvent, SEED_PEER_NAME } from '../../../src/pnrp/types.js';
import { Simulation } from '../../../src/sim/simulation.js';
import type { SimNodeContext } from '../../../src/sim/types.js';

const SEED = Number(process.env.PNRP_SEED ?? 12);

function pnrpNode(ctx: SimNodeContext, bootstrap: Endpoint[], seed = false): PnrpNode {
  return new PnrpNode({
    rng: ctx.rng,
    wallClock: ctx.wallClock,
    crypto: nodeCrypto,
    clouds: [
      {
        name: 'Global_',
        localEndpoints: [ctx.endpoint],
        bootstrap: staticBootstrap(bootstrap),
        seed,
        ...(ctx.logger ? { drt: { logger: ctx.logger } } : {}),
      },
    ],
  });
}

function cloud(seedFlag: boolean, log?: LogEvent[]) {
  const sim = new Simulation<PnrpEvent>({
    seed: SEED,
    ...(log ? { logger: (e: LogEvent) => log.push(e) } : {}),
  });
  const events: [number, PnrpEvent][] = [];
  sim.onEvent((h, e) => events.push([h.index, e]));
  const boot = sim.addNode((ctx) => pnrpNode(ctx, [], seedFlag));
  sim.call(boot, (n, now) => n.start(now));
  const publisher = sim.addNode((ctx) => pnrpNode(ctx, [boot.endpoint]));
  sim.call(publisher, (n, now) => {
    n.start(now);
    n.register(now, { peerName: '0.printer' });
  });
  const resolver = sim.addNode((ctx) => pnrpNode(ctx, [boot.endpoint]));
  sim.call(resolver, (n, now) => n.start(now));
  sim.runFor(20_000);
  return { sim, boot, publisher, resolver, events };
}

describe(`a bootstrap-only node in the simulator (seed ${SEED})`, () => {
  it('seeds the cloud: joiners become active through it and a resolver finds the publisher', () => {
    const c = cloud(true);
    expect(c.boot.node.registered().map((r) => r.peerName)).toEqual([SEED_PEER_NAME]);
    for (const h of [c.publisher, c.resolver])
      expect(h.node.drtOf('Global_').status).toBe('active');
    expect(c.events.some(([, e]) => e.type === 'cloud' && e.event.type === 'join-failed')).toBe(
      false,
    );
    let done: Extract<PnrpEvent, { type: 'resolve-done' }> | undefined;
    c.sim.onEvent((h, e) => {
      if (h.index === c.resolver.index && e.type === 'resolve-done') done = e;
    });
    c.sim.call(c.resolver, (n, now) => n.resolve(now, '0.printer'));
    c.sim.runUntil(() => done !== undefined, { maxTimeMs: 30_000 });
    expect(done?.failure).toBeUndefined();
    expect(done?.results).toBe(1);
  });

  it('without seed, the first joiner stays alone and each of its attempts reports join-failed naming the node that answered', () => {
    const c = cloud(false);
    // The resolver joins through the publisher the boot node learned from its SOLICIT; the
    // publisher, first in, gets an empty ADVERTISE every time (nobody else has an ID).
    expect(c.resolver.node.drtOf('Global_').status).toBe('active');
    for (const h of [c.publisher]) {
      expect(h.node.drtOf('Global_').status).toBe('alone');
      const failed = c.events.filter(
        ([i, e]) => i === h.index && e.type === 'cloud' && e.event.type === 'join-failed',
      );
      expect(failed.length).toBeGreaterThanOrEqual(1);
      const [, first] = failed[0]!;
      if (first.type !== 'cloud' || first.event.type !== 'join-failed') throw new Error('shape');
      expect(first.event.tried).toEqual([c.boot.endpoint]);
      expect(first.event.answered).toEqual([c.boot.endpoint]);
    }
  });

  it('the logger hears nodes added and crashed, and the drops of the nodes it was handed to', () => {
    const log: LogEvent[] = [];
    const c = cloud(true, log);
    const added = log.filter((e) => e.type === 'sim-node' && e.change === 'added');
    expect(added).toHaveLength(3);
    c.sim.crash(c.publisher);
    expect(log.at(-1)).toMatchObject({ type: 'sim-node', change: 'crashed' });
    // A datagram of garbage to the seed: its DrtNode drops it and logs why.
    c.sim.addNode((ctx) => ({
      handleDatagram() {},
      handleTimeout() {},
      poll: (() => {
        let sent = false;
        return () => {
          if (sent) return { type: 'timeout' as const, atMs: Number.POSITIVE_INFINITY };
          sent = true;
          return { type: 'transmit' as const, to: c.boot.endpoint, payload: new Uint8Array(8) };
        };
      })(),
      ctx,
    }));
    c.sim.runFor(1_000);
    const drops = log.filter((e) => e.type === 'drop');
    expect(drops.length).toBe(1);
    expect(drops[0]).toMatchObject({ type: 'drop', reason: expect.any(String) });
  });
});
