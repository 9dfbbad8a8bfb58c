/**
 * Operations wait for the join (issue 12 part 1): `register`, `resolve`, `trace` and `search` on
 * a peer that is still joining wait for it within their own deadline, and fail with a code that
 * says why, naming the endpoints. A bootstrap-only node (`seed`) lets joiners join and resolvers
 * resolve. In-memory network, manual clock.
 */
import { describe, expect, it } from 'vitest';
import { formatEndpoint } from '../../../src/keys/endpoint.js';
import { createMemoryNetwork, type MemoryNetwork } from '../../../src/memory-network.js';
import { createPeer, type Peer, PnrpError } from '../../../src/peer.js';
import { seededRng } from '../../../src/util/rng.js';
import { ManualTimers } from '../transport/manual-timers.js';

const SEED = Number(process.env.PNRP_SEED ?? 12);

/** Settles `p` while the clock runs `ms` forward; returns its value or error. */
async function run<T>(
  timers: ManualTimers,
  p: Promise<T>,
  ms: number,
): Promise<{ value: T } | { error: unknown }> {
  const caught = p.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  await timers.advanceTo(timers.now + ms);
  return caught;
}

function world(): { net: MemoryNetwork; timers: ManualTimers; peers: Peer[] } {
  return { net: createMemoryNetwork(), timers: new ManualTimers(), peers: [] };
}

describe(`operations wait for the join (seed ${SEED})`, () => {
  it('createPeer -> register -> resolve through a bootstrap-only node works without whenActive', async () => {
    const w = world();
    const seedTransport = w.net.createTransport();
    const seed = createPeer({
      transport: seedTransport,
      timers: w.timers,
      rng: seededRng(`${SEED}/seed`),
      seed: true,
    });
    const bootstrap = seedTransport.localEndpoints();
    const alice = createPeer({
      transport: w.net.createTransport(),
      timers: w.timers,
      rng: seededRng(`${SEED}/alice`),
      bootstrap,
    });
    const bob = createPeer({
      transport: w.net.createTransport(),
      timers: w.timers,
      rng: seededRng(`${SEED}/bob`),
      bootstrap,
    });
    w.peers.push(seed, alice, bob);
    expect(alice.status()).toBe('alone');
    // Issued at once, while both are still joining.
    const registered = await run(w.timers, alice.register({ peerName: '0.alice' }), 20_000);
    expect('value' in registered && registered.value.state).toBe('resolvable');
    const resolved = await run(w.timers, bob.resolve('0.alice'), 10_000);
    if (!('value' in resolved)) throw resolved.error;
    const [found] = resolved.value;
    expect(found.peerName).toBe('0.alice');
    expect(alice.status()).toBe('active');
    for (const p of w.peers) await p.close();
    expect(w.timers.armed.size).toBe(0);
  });

  it('whenActive on a joiner of a bootstrap-only node succeeds; of a node that publishes nothing it says ALONE', async () => {
    for (const seedFlag of [true, false]) {
      const w = world();
      const t = w.net.createTransport();
      const boot = createPeer({
        transport: t,
        timers: w.timers,
        rng: seededRng(`${SEED}/boot`),
        seed: seedFlag,
      });
      const joiner = createPeer({
        transport: w.net.createTransport(),
        timers: w.timers,
        rng: seededRng(`${SEED}/joiner`),
        bootstrap: t.localEndpoints(),
      });
      if (seedFlag) {
        const r = await run(w.timers, joiner.whenActive({ timeoutMs: 10_000 }), 10_000);
        expect(r).toEqual({ value: undefined });
        expect(joiner.node.drtOf('Global_').cache.size).toBe(1);
      } else {
        // The bootstrap answers with an empty ADVERTISE: the register fails, naming it.
        const r = await run(w.timers, joiner.register({ peerName: '0.x' }), 10_000);
        expect('error' in r).toBe(true);
        const error = (r as { error: PnrpError }).error;
        expect(error).toBeInstanceOf(PnrpError);
        expect(error.code).toBe('ALONE');
        const where = formatEndpoint(t.localEndpoints()[0]!);
        expect(error.endpoints).toEqual([where]);
        expect(error.message).toContain(where);
      }
      await joiner.close();
      await boot.close();
      expect(w.timers.armed.size).toBe(0);
    }
  });

  it('an unreachable bootstrap fails resolve, trace and search with NO_BOOTSTRAP_ANSWER naming it, within seconds', async () => {
    const w = world();
    const gone = w.net.createTransport();
    const dead = gone.localEndpoints()[0]!;
    await gone.close();
    const peer = createPeer({
      transport: w.net.createTransport(),
      timers: w.timers,
      rng: seededRng(`${SEED}/lost`),
      bootstrap: [dead],
    });
    const start = w.timers.now;
    let failedAt = Number.NaN;
    const resolved = await run(
      w.timers,
      peer.resolve('0.anyone').finally(() => {
        failedAt = w.timers.now;
      }),
      5_000,
    );
    const error = (resolved as { error: PnrpError }).error;
    expect(error.code).toBe('NO_BOOTSTRAP_ANSWER');
    expect(error.endpoints).toEqual([formatEndpoint(dead)]);
    expect(failedAt - start).toBeLessThanOrEqual(2_000);
    // A later operation solicits again, and fails the same way.
    const traced = await run(w.timers, peer.trace('0.anyone'), 5_000);
    expect((traced as { error: PnrpError }).error.code).toBe('NO_BOOTSTRAP_ANSWER');
    const it = peer.search(new Uint8Array(32));
    const searched = await run(w.timers, it.next(), 5_000);
    expect((searched as { error: PnrpError }).error.code).toBe('NO_BOOTSTRAP_ANSWER');
    // whenActive keeps waiting through failed attempts and says why at its deadline.
    const waited = await run(w.timers, peer.whenActive({ timeoutMs: 20_000 }), 20_000);
    expect((waited as { error: PnrpError }).error.code).toBe('NO_BOOTSTRAP_ANSWER');
    await peer.close();
    expect(w.timers.armed.size).toBe(0);
  });

  it('a join slower than the deadline rejects TIMEOUT, and an abort while waiting CANCELLED', async () => {
    const w = world();
    const t = w.net.createTransport();
    const seed = createPeer({ transport: t, timers: w.timers, rng: seededRng(1), seed: true });
    const gone = w.net.createTransport();
    const silent = gone.localEndpoints()[0]!;
    await gone.close();
    const joiner = createPeer({
      transport: w.net.createTransport(),
      timers: w.timers,
      rng: seededRng(2),
      bootstrap: [silent],
    });
    // The SOLICIT goes unanswered for 2 s; a 1 s deadline expires first.
    const early = await run(w.timers, joiner.resolve('0.x', { timeoutMs: 1_000 }), 1_500);
    expect((early as { error: PnrpError }).error.code).toBe('TIMEOUT');
    expect((early as { error: PnrpError }).error.message).toContain('still joining');
    const late = createPeer({
      transport: w.net.createTransport(),
      timers: w.timers,
      rng: seededRng(3),
      bootstrap: t.localEndpoints(),
    });
    const controller = new AbortController();
    const pending = late.register({ peerName: '0.late', signal: controller.signal });
    controller.abort();
    const aborted = await run(w.timers, pending, 1_000);
    expect((aborted as { error: PnrpError }).error.code).toBe('CANCELLED');
    expect(late.node.registered()).toEqual([]);
    for (const p of [seed, joiner, late]) await p.close();
    expect(w.timers.armed.size).toBe(0);
  });
});
