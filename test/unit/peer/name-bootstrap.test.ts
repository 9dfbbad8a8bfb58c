/**
 * Bootstrapping one cloud through a peer name in another (DRT's PNRP bootstrap): peers in an
 * application cloud publish `0.app-nodes` in `Global_` with their application-cloud endpoints;
 * a newcomer resolves that name to find them, joins the application cloud, and resolves a name
 * there. Messages never cross clouds: each cloud runs over its own transport.
 */
import { describe, expect, it } from 'vitest';
import { type Endpoint, formatEndpoint } from '../../../src/keys/endpoint.js';
import { createMemoryNetwork } from '../../../src/memory-network.js';
import { createPeer, type Peer, peerNameBootstrap } from '../../../src/peer.js';
import { seededRng } from '../../../src/util/rng.js';
import { ManualTimers } from '../transport/manual-timers.js';

const SEED = Number(process.env.PNRP_SEED ?? 6);

describe(`peerNameBootstrap (seed ${SEED})`, () => {
  it('a newcomer finds the application cloud by resolving a name in Global_', async () => {
    const net = createMemoryNetwork();
    const timers = new ManualTimers();
    const run = async <T>(p: Promise<T>, ms = 20_000): Promise<T> => {
      const caught = p.then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      );
      await timers.advanceTo(timers.now + ms);
      const r = await caught;
      if ('error' in r) throw r.error;
      return r.value;
    };
    // A Global_ cloud of four peers.
    const global: Peer[] = [];
    const seeds: Endpoint[] = [];
    for (let i = 0; i < 4; i++) {
      const transport = net.createTransport();
      const peer = createPeer({
        transport,
        timers,
        rng: seededRng(`${SEED}/g${i}`),
        bootstrap: seeds,
      });
      if (i === 0) seeds.push(transport.localEndpoints()[0]!);
      global.push(peer);
      await run(peer.register({ peerName: `0.global-${i}` }), 3_000);
    }
    const appEndpoints = new Map<string, string>();
    const appPeer = (label: string): Peer => {
      const app = net.createTransport();
      appEndpoints.set(label, formatEndpoint(app.localEndpoints()[0]!));
      return createPeer({
        timers,
        rng: seededRng(`${SEED}/${label}`),
        clouds: [
          { name: 'Global_', transport: net.createTransport(), bootstrap: seeds },
          {
            name: 'App',
            transport: app,
            bootstrap: peerNameBootstrap('0.app-nodes', { cloud: 'Global_' }),
          },
        ],
      });
    };
    const first = appPeer('first');
    await run(first.whenActive({ cloud: 'Global_' }), 3_000);
    // Publishing in App makes the provider publish 0.app-nodes in Global_ with the App endpoint.
    const reg = await run(first.register({ peerName: '0.app-service', cloud: 'App' }), 3_000);
    expect(reg.cloud).toBe('App');
    expect(first.status('App')).toBe('alone');
    const published = await run(global[2]!.resolve('0.app-nodes'), 3_000);
    expect(published[0]?.endpoints.map((e) => formatEndpoint(e))).toEqual([
      appEndpoints.get('first'),
    ]);

    const newcomer = appPeer('newcomer');
    await run(newcomer.whenActive({ cloud: 'App', timeoutMs: 60_000 }), 60_000);
    expect(newcomer.status('App')).toBe('active');
    const [found] = await run(newcomer.resolve('0.app-service', { cloud: 'App' }), 5_000);
    expect(found?.cloud).toBe('App');
    // The App cloud's name is unknown in Global_: clouds do not mix.
    await expect(
      run(newcomer.resolve('0.app-service', { cloud: 'Global_' }), 5_000),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    for (const p of [...global, first, newcomer]) await p.close();
    expect(timers.armed.size).toBe(0);
  });
});
