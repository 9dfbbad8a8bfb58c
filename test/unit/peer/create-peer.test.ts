/**
 * createPeer: the async API over runNode(), on the in-memory network with a manual clock (no
 * sleeps, no fake-timer library). Registration, resolve, trace, raw and iterative searches,
 * AbortSignal cancelling mid-flight with nothing left behind, close rejecting what is pending,
 * errors as PnrpError codes, and rejoining from an exported cache snapshot.
 */
import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../../../src/keys/endpoint.js';
import { createIdentity } from '../../../src/keys/identity.js';
import { addToKey } from '../../../src/keys/key256.js';
import { createMemoryNetwork, type MemoryNetwork } from '../../../src/memory-network.js';
import { createPeer, type Peer, PnrpError, peerNameBootstrap } from '../../../src/peer.js';
import {
  cacheSnapshotBootstrap,
  decodeCacheSnapshot,
  encodeCacheSnapshot,
} from '../../../src/pnrp/cache-snapshot.js';
import type { CloudDrtOptions } from '../../../src/pnrp/types.js';
import type { DatagramTransport } from '../../../src/transport-adapter.js';
import { seededRng } from '../../../src/util/rng.js';
import { ManualTimers } from '../transport/manual-timers.js';

const SEED = Number(process.env.PNRP_SEED ?? 4);

interface Cloud {
  readonly net: MemoryNetwork;
  readonly timers: ManualTimers;
  readonly peers: Peer[];
  /** Each peer's transport: closing one crashes the peer (no revoke, no answer). */
  readonly transports: DatagramTransport[];
}

/**
 * `count` peers, each publishing `0.member-<i>` (a cloud is made of registered IDs: a node that
 * publishes nothing is never advertised); the first starts alone, the others bootstrap from it.
 */
async function buildCloud(count: number, drt?: CloudDrtOptions): Promise<Cloud> {
  const net = createMemoryNetwork();
  const timers = new ManualTimers();
  const peers: Peer[] = [];
  const transports: DatagramTransport[] = [];
  const seeds: Endpoint[] = [];
  for (let i = 0; i < count; i++) {
    const transport = net.createTransport();
    transports.push(transport);
    const peer = createPeer({
      transport,
      timers,
      rng: seededRng(`${SEED}/${i}`),
      bootstrap: seeds,
      clouds: [{ name: 'Global_', ...(drt ? { drt } : {}) }],
    });
    peers.push(peer);
    if (i === 0) seeds.push(transport.localEndpoints()[0]!);
    await timers.advanceTo(timers.now + 200);
    const registered = peer.register({ peerName: `0.member-${i}` });
    await timers.advanceTo(timers.now + 3_000);
    expect((await registered).state).toBe(i === 0 ? 'unresolvable' : 'resolvable');
  }
  await timers.advanceTo(timers.now + 5_000);
  return { net, timers, peers, transports };
}

/** Lets the manual clock run while `p` settles. */
async function settle<T>(cloud: Cloud, p: Promise<T>, ms = 10_000): Promise<T> {
  const caught = p.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  await cloud.timers.advanceTo(cloud.timers.now + ms);
  const r = await caught;
  if ('error' in r) throw r.error;
  return r.value;
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(PnrpError);
    return (e as PnrpError).code;
  }
  return 'resolved';
}

describe(`createPeer (seed ${SEED})`, () => {
  it('registers secured and unsecured names and resolves them from every other peer', async () => {
    const cloud = await buildCloud(8);
    const alice = createIdentity(seededRng(`${SEED}/alice`).bytes(32));
    for (const p of cloud.peers.slice(1)) expect(p.status()).toBe('active');
    const reg = await settle(
      cloud,
      cloud.peers[3]!.register({
        peerName: `${alice.authority}.chat`,
        identity: alice,
        friendlyName: 'Alice',
      }),
    );
    expect(reg.secured).toBe(true);
    expect(reg.state).toBe('resolvable');
    await settle(cloud, cloud.peers[5]!.register({ peerName: '0.printer' }));
    for (const [i, p] of cloud.peers.entries()) {
      if (i === 3) continue;
      const [found] = await settle(cloud, p.resolve(`${alice.authority}.chat`));
      expect(found?.friendlyName).toBe('Alice');
      expect(found?.secured).toBe(true);
      expect(found?.peerName).toBe(`${alice.authority}.chat`);
    }
    const printer = await settle(cloud, cloud.peers[1]!.resolve('0.printer'));
    expect(printer.map((r) => r.secured)).toEqual([false]);
    for (const p of cloud.peers) await p.close();
  });

  it("a registration's state follows its walks: published alone, resolvable once others join", async () => {
    const net = createMemoryNetwork();
    const timers = new ManualTimers();
    const ta = net.createTransport();
    const a = createPeer({ transport: ta, timers, rng: seededRng(`${SEED}/lone`) });
    const reg = await a.register({ peerName: '0.lone' });
    expect(reg.state).toBe('unresolvable');
    const b = createPeer({
      transport: net.createTransport(),
      timers,
      rng: seededRng(`${SEED}/second`),
      bootstrap: ta.localEndpoints(),
    });
    // b registers while still joining: the promise waits for the join, then for the walk.
    const pendingB = b.register({ peerName: '0.second' });
    await timers.advanceTo(timers.now + 20_000);
    const regB = await pendingB;
    expect(reg.state).toBe('resolvable');
    expect(regB.state).toBe('resolvable');
    await reg.unregister();
    expect(reg.active).toBe(false);
    for (const p of [a, b]) await p.close();
    expect(timers.armed.size).toBe(0);
  });

  it('traces a resolve hop by hop, and reports a failed one with its failure instead of throwing', async () => {
    const cloud = await buildCloud(6);
    await settle(cloud, cloud.peers[2]!.register({ peerName: '0.traced' }));
    const trace = await settle(cloud, cloud.peers[4]!.trace('0.traced'));
    expect(trace.failure).toBeUndefined();
    expect(trace.results).toHaveLength(1);
    expect(trace.path.length).toBeGreaterThan(0);
    expect(trace.text.split('\n')[0]).toBe('Tracing route to 0.traced');
    expect(trace.text).toContain('Accepted');
    const missing = await settle(cloud, cloud.peers[4]!.trace('0.nobody-has-this'));
    expect(missing.failure).toBe('not-found');
    expect(missing.error?.code).toBe('NOT_FOUND');
    expect(await codeOf(settle(cloud, cloud.peers[4]!.resolve('0.nobody-has-this')))).toBe(
      'NOT_FOUND',
    );
    for (const p of cloud.peers) await p.close();
  });

  it('an AbortSignal cancels a resolve mid-flight and leaves no pending state or listener', async () => {
    const cloud = await buildCloud(6);
    await settle(cloud, cloud.peers[1]!.register({ peerName: '0.slow' }));
    const peer = cloud.peers[4]!;
    // Everyone else crashes: the resolve stays in flight (retransmits, timeouts) until aborted.
    for (const t of cloud.transports) if (t !== cloud.transports[4]) await t.close();
    const controller = new AbortController();
    let listeners = 0;
    const signal = controller.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((...args: Parameters<typeof add>) => {
      listeners++;
      add(...args);
    }) as typeof add;
    signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
      listeners--;
      remove(...args);
    }) as typeof remove;
    const pending = peer.resolve('0.slow', { signal, timeoutMs: 60_000 });
    const outcome = pending.then(
      () => 'resolved',
      (e: unknown) => (e as PnrpError).code,
    );
    await cloud.timers.advanceTo(cloud.timers.now + 1_500);
    expect(peer.node.pendingResolves).toBe(1);
    controller.abort(new Error('user gave up'));
    expect(await outcome).toBe('CANCELLED');
    expect(peer.node.pendingResolves).toBe(0);
    expect(listeners).toBe(0);
    // Already aborted: rejected before anything starts.
    expect(await codeOf(peer.resolve('0.slow', { signal }))).toBe('CANCELLED');
    expect(peer.node.pendingResolves).toBe(0);
    for (const p of cloud.peers) await p.close();
    expect(cloud.timers.armed.size).toBe(0);
  });

  it('close() rejects pending operations with CLOSED and refuses new ones', async () => {
    const cloud = await buildCloud(4);
    const peer = cloud.peers[2]!;
    for (const t of cloud.transports) if (t !== cloud.transports[2]) await t.close();
    const pending = codeOf(peer.resolve('0.never', { timeoutMs: 60_000 }));
    await peer.whenActive({ cloud: 'Global_' }); // it is active already
    const iterator = peer.search(new Uint8Array(32), { iterative: true });
    const pulled = codeOf(iterator.next());
    await cloud.timers.advanceTo(cloud.timers.now + 100);
    await peer.close();
    expect(await pending).toBe('CLOSED');
    expect(await pulled).toBe('CLOSED');
    expect((await iterator.next()).done).toBe(true);
    expect(await codeOf(peer.resolve('0.x'))).toBe('CLOSED');
    expect(await codeOf(peer.register({ peerName: '0.x' }))).toBe('CLOSED');
    await peer.close(); // idempotent
    for (const p of cloud.peers) await p.close();
    expect(cloud.timers.armed.size).toBe(0);
  });

  it('refused arguments reject with PnrpError codes', async () => {
    const cloud = await buildCloud(3);
    const peer = cloud.peers[1]!;
    const stranger = createIdentity(seededRng(`${SEED}/stranger`).bytes(32));
    const owner = createIdentity(seededRng(`${SEED}/owner`).bytes(32));
    expect(
      await codeOf(peer.register({ peerName: `${owner.authority}.x`, identity: stranger })),
    ).toBe('INVALID_ARGUMENT');
    expect(await codeOf(peer.resolve('not a peer name'))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(peer.whenActive({ timeoutMs: Number.NaN }))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(peer.register({ peerName: '0.t', timeoutMs: -1 }))).toBe(
      'INVALID_ARGUMENT',
    );
    // A provider that throws at start: createPeer throws and leaves nothing running.
    const transport = cloud.net.createTransport();
    const broken = {
      endpoints: (): never => {
        throw new Error('no directory');
      },
    };
    expect(() =>
      createPeer({ transport, timers: cloud.timers, bootstrap: broken, rng: seededRng(1) }),
    ).toThrow('no directory');
    const armed = cloud.timers.armed.size;
    // The transport was detached: datagrams to it are now undeliverable, and no timer was left.
    const undeliverable = cloud.net.stats.undeliverable;
    cloud.transports[0]!.send(transport.localEndpoints()[0]!, new Uint8Array(4));
    await cloud.timers.advanceTo(cloud.timers.now + 1);
    expect(cloud.net.stats.undeliverable).toBe(undeliverable + 1);
    expect(cloud.timers.armed.size).toBe(armed);
    // One name bootstrap provider serves one cloud.
    const shared = peerNameBootstrap('0.nodes');
    createPeer({
      transport: cloud.net.createTransport(),
      timers: cloud.timers,
      bootstrap: shared,
      rng: seededRng(2),
    }).close();
    expect(() =>
      createPeer({
        transport: cloud.net.createTransport(),
        timers: cloud.timers,
        bootstrap: shared,
        rng: seededRng(3),
      }),
    ).toThrow(/one cloud of one peer/);
    const key = new Uint8Array(32);
    const range = peer.search(key, { minKey: addToKey(key, 1), maxKey: addToKey(key, 5) });
    expect(await codeOf(range.next())).toBe('INVALID_SEARCH_RANGE');
    expect(await codeOf(peer.search(key, { iterative: true, maxEndpoints: 2 }).next())).toBe(
      'INVALID_MAX_ENDPOINTS',
    );
    for (const p of cloud.peers) await p.close();
  });

  it('search() iterates nearest-N results, and leaving a loop early ends the search', async () => {
    const cloud = await buildCloud(10);
    const regs = [];
    for (const p of cloud.peers) regs.push(p.node.registered()[0]!);
    const searcher = cloud.peers[0]!;
    const target = regs[7]!.pnrpId;
    const nearest: string[] = [];
    const run = (async () => {
      for await (const r of searcher.search(target, {
        minKey: addToKey(target, 1),
        maxKey: target,
        maxEndpoints: 3,
      }))
        nearest.push(r.type);
    })();
    await settle(cloud, run);
    expect(nearest).toHaveLength(3);
    expect(nearest[0]).toBe('exact');

    for (const p of cloud.peers) await p.close();
  });

  it('an iterative search yields one intermediate result per hop, only as the caller pulls', async () => {
    // Enough peers that some are outside the searcher's cache; no maintenance, so nothing else
    // is sent while the caller pauses.
    const cloud = await buildCloud(48, { maintenanceIntervalMs: 3_600_000 });
    const searcher = cloud.peers[0]!;
    const cache = searcher.node.drtOf('Global_').cache;
    const far = cloud.peers
      .slice(1)
      .map((p) => p.node.registered()[0]!.pnrpId)
      .filter((k) => !cache.has(k));
    expect(far.length).toBeGreaterThan(0);
    const lookups = (): number => searcher.node.drtOf('Global_').stats.sent.lookup ?? 0;
    let intermediates = 0;
    for (const target of far.slice(0, 4)) {
      // The search's deadline covers the caller's pauses too.
      const it = searcher.search(target, { iterative: true, timeoutMs: 600_000 });
      const types: string[] = [];
      for (;;) {
        const next = await settle(cloud, it.next(), 5_000);
        if (next.done) break;
        types.push(next.value.type);
        // Not pulling: the walk waits (no LOOKUP leaves) however long the caller takes.
        const before = lookups();
        await cloud.timers.advanceTo(cloud.timers.now + 10_000);
        expect(lookups()).toBe(before);
      }
      expect(types.at(-1)).toBe('exact');
      expect(types.slice(0, -1).every((t) => t === 'intermediate')).toBe(true);
      intermediates += types.length - 1;
    }
    expect(intermediates).toBeGreaterThan(0);
    for (const p of cloud.peers) await p.close();
  });

  it('a restarted peer rejoins from the cache snapshot it exported', async () => {
    const cloud = await buildCloud(8);
    const old = cloud.peers[6]!;
    const text = encodeCacheSnapshot(old.exportCache());
    await old.close();
    const decoded = decodeCacheSnapshot(text);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.value.endpoints.length).toBeGreaterThanOrEqual(5);
    await settle(cloud, cloud.peers[2]!.register({ peerName: '0.after-restart' }));
    const restarted = createPeer({
      transport: cloud.net.createTransport(),
      timers: cloud.timers,
      rng: seededRng(`${SEED}/restarted`),
      bootstrap: cacheSnapshotBootstrap(decoded.value),
    });
    await settle(cloud, restarted.whenActive());
    const [found] = await settle(cloud, restarted.resolve('0.after-restart'));
    expect(found?.peerName).toBe('0.after-restart');
    await restarted.close();
    for (const p of cloud.peers) await p.close();
  });
});
