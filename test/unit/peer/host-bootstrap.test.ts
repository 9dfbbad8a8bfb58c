/**
 * Host names in bootstrap lists (issue 12): looked up through the injected `resolveHost`, never
 * by the core; a peer whose only bootstrap is a host name waits for the lookup, then joins; a
 * name that resolves nowhere fails what waits with BOOTSTRAP_UNRESOLVED naming it; without a
 * resolver a host name is refused at once. Also the peer's logger: the events of a join, a
 * resolve, a failed join and a drop.
 */
import { describe, expect, it } from 'vitest';
import { formatEndpoint } from '../../../src/keys/endpoint.js';
import type { LogEvent } from '../../../src/log.js';
import { createMemoryNetwork } from '../../../src/memory-network.js';
import { createPeer, type HostResolver, type PnrpError } from '../../../src/peer.js';
import { seededRng } from '../../../src/util/rng.js';
import { ManualTimers } from '../transport/manual-timers.js';

async function settled<T>(timers: ManualTimers, p: Promise<T>, ms: number) {
  const caught = p.then(
    (value) => ({ value }) as const,
    (error: unknown) => ({ error: error as PnrpError }) as const,
  );
  await timers.advanceTo(timers.now + ms);
  return caught;
}

describe('bootstrap host names', () => {
  it('a host name is looked up through resolveHost, and the peer joins through what it found', async () => {
    const net = createMemoryNetwork();
    const timers = new ManualTimers();
    const t = net.createTransport();
    const seed = createPeer({ transport: t, timers, rng: seededRng(1), seed: true });
    const asked: string[] = [];
    const resolveHost: HostResolver = async (name) => {
      asked.push(name);
      return name === 'seed.test' ? [t.localEndpoints()[0]!.address] : [];
    };
    const port = t.localEndpoints()[0]!.port;
    const joiner = createPeer({
      transport: net.createTransport(),
      timers,
      rng: seededRng(2),
      bootstrap: [`seed.test:${port}`],
      resolveHost,
    });
    const r = await settled(timers, joiner.register({ peerName: '0.named' }), 10_000);
    expect('value' in r && r.value.state).toBe('resolvable');
    expect(asked).toEqual(['seed.test']);
    expect(joiner.status()).toBe('active');

    const lost = createPeer({
      transport: net.createTransport(),
      timers,
      rng: seededRng(3),
      bootstrap: [`nowhere.test:${port}`, `also.nowhere:${port}`],
      resolveHost,
    });
    const f = await settled(timers, lost.resolve('0.named'), 10_000);
    expect('error' in f && f.error.code).toBe('BOOTSTRAP_UNRESOLVED');
    if (!('error' in f)) throw new Error('resolved');
    expect(f.error.endpoints).toEqual([`nowhere.test:${port}`, `also.nowhere:${port}`]);
    expect(f.error.message).toContain('nowhere.test: no address');
    for (const p of [seed, joiner, lost]) await p.close();
    expect(timers.armed.size).toBe(0);
  });

  it('without resolveHost a host name is refused at once with a TypeError that says what to pass', () => {
    const net = createMemoryNetwork();
    expect(() =>
      createPeer({
        transport: net.createTransport(),
        timers: new ManualTimers(),
        bootstrap: ['localhost:3540'],
      }),
    ).toThrow(/host name: pass createPeer's resolveHost/);
  });
});

describe('the peer logger', () => {
  it('hears status, resolves, failed joins (endpoints tried) and drops with their reason', async () => {
    const net = createMemoryNetwork();
    const timers = new ManualTimers();
    const t = net.createTransport();
    const log: LogEvent[] = [];
    const logger = (e: LogEvent): void => {
      log.push(e);
    };
    const seed = createPeer({ transport: t, timers, rng: seededRng(4), seed: true, logger });
    const bob = createPeer({
      transport: net.createTransport(),
      timers,
      rng: seededRng(5),
      bootstrap: t.localEndpoints(),
      logger,
    });
    const r = await settled(timers, bob.resolve(`0.pnrp-seed`), 10_000);
    expect('value' in r).toBe(true);
    expect(log).toContainEqual({ type: 'status', cloud: 'Global_', status: 'active' });
    expect(log).toContainEqual(
      expect.objectContaining({ type: 'resolve', peerName: '0.pnrp-seed', results: 1 }),
    );
    expect(log.some((e) => e.type === 'datagram' && e.direction === 'in')).toBe(true);
    expect(log.some((e) => e.type === 'datagram' && e.direction === 'out')).toBe(true);

    // Garbage to the seed is dropped and logged with its reason and source.
    const rogue = net.createTransport();
    rogue.send(t.localEndpoints()[0]!, new Uint8Array([1, 2, 3]));
    await timers.advanceTo(timers.now + 10);
    const drop = log.find((e) => e.type === 'drop');
    expect(drop).toMatchObject({ from: formatEndpoint(rogue.localEndpoints()[0]!) });

    // A join attempt nobody answers.
    const gone = net.createTransport();
    const dead = gone.localEndpoints()[0]!;
    await gone.close();
    const lonely = createPeer({
      transport: net.createTransport(),
      timers,
      rng: seededRng(6),
      bootstrap: [dead],
      logger,
    });
    await timers.advanceTo(timers.now + 3_000);
    expect(log).toContainEqual({
      type: 'join-failed',
      cloud: 'Global_',
      tried: [formatEndpoint(dead)],
      answered: [],
    });
    const w = await settled(timers, lonely.whenActive({ timeoutMs: 100 }), 200);
    expect('error' in w && w.error.code).toBe('NO_BOOTSTRAP_ANSWER');
    expect(log).toContainEqual({ type: 'timeout', operation: 'whenActive', afterMs: 100 });
    for (const p of [seed, bob, lonely]) await p.close();
    await rogue.close();
  });
});
