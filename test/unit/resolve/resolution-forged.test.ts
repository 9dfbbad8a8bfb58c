/**
 * The resolver under forged referrals (issue 10, item 2): candidates, use counts and failures
 * keyed on (ID, endpoint); a hop that names itself as the target's owner and then cannot prove it
 * is never asked again; contradicting referrals for one ID are both tried; after a suspicion, a
 * walk that fails is followed by an alternative walk from an unasked first hop, disjoint from
 * the earlier walks. In a friendly cloud nothing of this costs a message (property over seeds).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyFromBigInt, RING_SIZE } from '../../../src/keys/key256.js';
import { ADDRESS_FLAGS } from '../../../src/resolve/path.js';
import {
  DEFAULT_RESOLUTION_LIMITS,
  resolutionSeedsWanted,
} from '../../../src/resolve/resolution.js';
import { normalizeSearch } from '../../../src/resolve/search-spec.js';
import type { RouteEntry } from '../../../src/wire/types.js';
import {
  buildRing,
  closestByBruteForce,
  drive,
  entry,
  ep,
  FakeNetwork,
  NO_FLAGS,
  networkResponder,
  resolution,
  SEED,
  SELF,
  SplitMix64,
  T,
  TARGET,
} from './fake-network.js';

const owner = (net: FakeNetwork): void => {
  net.add({ keys: [TARGET], endpoint: ep(50), cache: [] });
};

describe('resolve: forged referrals (issue 10)', () => {
  it('resolve: a forged referral wastes one hop; the forger is not asked again and the owner is found', () => {
    const net = new FakeNetwork();
    owner(net);
    const f = net.add({ keys: [entry(T + 10n).id], endpoint: ep(11), cache: [], forges: 'refuse' });
    const h = net.add({ keys: [entry(T + 20n).id], endpoint: ep(12), cache: [entry(T, 50)] });
    const r = resolution({
      initialHops: [FakeNetwork.entryOf(f, f.keys[0]!), FakeNetwork.entryOf(h, h.keys[0]!)],
    });
    const run = drive(r, networkResponder(net, TARGET));
    // Keyed by ID alone, the refusal at 10.0.0.11 failed the target's ID and 10.0.0.50 was
    // never inquired ("done 0 not-found"): the forgery shadowed the owner.
    expect(run.lines).toEqual([
      'lookup 10.0.0.11:3540 path=1',
      'inquire 10.0.0.11:3540',
      'stale 10.0.0.11:3540',
      'lookup 10.0.0.12:3540 path=2',
      'inquire 10.0.0.50:3540',
      'result 10.0.0.50:3540',
      'done 1 ok',
    ]);
    expect(net.lookupsAnswered).toEqual(['10.0.0.11:3540', '10.0.0.12:3540']);
    expect(r.stats).toMatchObject({ refusedProofs: 1, contradictions: 1, paths: 1 });
  });

  it('resolve: contradicting referrals for one ID are two candidates, tried in the order seen', () => {
    const a = entry(T + 10n, 11);
    const r = resolution({ initialHops: [a] });
    let answers = 0;
    const run = drive(r, (action) => {
      if (action.type === 'lookup') {
        answers++;
        // First a stale entry (21 no longer publishes T), then, with 21 flagged, the genuine one.
        const routeEntry = answers === 1 ? entry(T, 21) : entry(T, 50);
        return { afterMs: 10, reply: { flags: NO_FLAGS, routeEntry } };
      }
      const genuine = action.endpoint.address[15] === 50;
      return {
        afterMs: 10,
        reply: genuine ? { ok: true, proof: 'p' } : { ok: false, reason: 'not-registered' },
      };
    });
    expect(run.lines).toEqual([
      'lookup 10.0.0.11:3540 path=1',
      'inquire 10.0.0.21:3540',
      'stale 10.0.0.21:3540',
      'lookup 10.0.0.11:3540 path=3',
      'inquire 10.0.0.50:3540',
      'result 10.0.0.50:3540',
      'done 1 ok',
    ]);
    expect(r.path.map((h) => h.flags)).toEqual([
      ADDRESS_FLAGS.accepted,
      ADDRESS_FLAGS.inquire | ADDRESS_FLAGS.rejected,
      ADDRESS_FLAGS.accepted,
      ADDRESS_FLAGS.inquire | ADDRESS_FLAGS.accepted,
    ]);
    // An N refusal of an endpoint someone else named blames nobody: 10.0.0.11 was asked again.
    expect(r.stats).toMatchObject({ refusedProofs: 1, contradictions: 1, liars: 0, paths: 1 });
  });

  it('resolve: a hop naming a colluder whose proof fails is branded with it; the walk backtracks', () => {
    const a = entry(T + 10n, 11);
    const b = entry(T + 20n, 12);
    const r = resolution({ initialHops: [a, b] });
    const run = drive(r, (action) => {
      if (action.type === 'lookup') {
        // 11 names a colluder (21) as the owner; 12 names the genuine owner.
        const routeEntry = action.endpoint.address[15] === 11 ? entry(T, 21) : entry(T, 50);
        return { afterMs: 10, reply: { flags: NO_FLAGS, routeEntry } };
      }
      const genuine = action.endpoint.address[15] === 50;
      // The colluder claims the ID (no N flag) with no proof.
      return {
        afterMs: 10,
        reply: genuine ? { ok: true, proof: 'p' } : { ok: false, reason: 'missing-proof' },
      };
    });
    expect(run.lines).toEqual([
      'lookup 10.0.0.11:3540 path=1',
      'inquire 10.0.0.21:3540',
      'lookup 10.0.0.12:3540 path=3',
      'inquire 10.0.0.50:3540',
      'result 10.0.0.50:3540',
      'done 1 ok',
    ]);
    const lookups = run.log.flatMap((l) => (l.action.type === 'lookup' ? [l.action] : []));
    expect(lookups[1]!.flaggedPath).toEqual([SELF, ep(11), ep(21)]);
    expect(r.stats).toMatchObject({ refusedProofs: 1, contradictions: 1, liars: 2, paths: 1 });
  });

  /**
   * Walk 1 starts from an honest hop leading only to a forger, then three forgers; the reserve
   * holds E, which knows the honest hop (asked on walk 1) and G, which knows the owner.
   */
  function trappedCloud(mode: 'refuse' | 'bad-proof'): { net: FakeNetwork; seeds: RouteEntry[] } {
    const net = new FakeNetwork();
    owner(net);
    const h1 = entry(T + 10n, 11);
    const g = entry(T + 500n, 16);
    net.add({ keys: [h1.id], endpoint: ep(11), cache: [entry(T + 5n, 21)] });
    net.add({ keys: [entry(T + 5n).id], endpoint: ep(21), cache: [], forges: mode });
    const forgers = [12, 13, 14].map((host, i) => entry(T + 20n + 10n * BigInt(i), host));
    for (const f of forgers) {
      net.add({ keys: [f.id], endpoint: ep(f.addresses[0]![15]!), cache: [], forges: mode });
    }
    const e = entry(T + 1000n, 15);
    net.add({ keys: [e.id], endpoint: ep(15), cache: [h1, g] });
    net.add({ keys: [g.id], endpoint: ep(16), cache: [entry(T, 50)] });
    return { net, seeds: [h1, ...forgers, e] };
  }

  it('resolve: after refused proofs, an alternative walk from an unasked first hop finds the owner', () => {
    for (const mode of ['refuse', 'bad-proof'] as const) {
      const { net, seeds } = trappedCloud(mode);
      const r = resolution({ initialHops: seeds });
      const run = drive(r, networkResponder(net, TARGET));
      const walk1 = [
        'lookup 10.0.0.11:3540 path=1',
        'lookup 10.0.0.21:3540 path=2',
        'inquire 10.0.0.21:3540',
        ...(mode === 'refuse' ? ['stale 10.0.0.21:3540'] : []),
        'lookup 10.0.0.11:3540 path=3',
        ...[12, 13, 14].flatMap((host, i) => [
          `lookup 10.0.0.${host}:3540 path=${3 + i}`,
          `inquire 10.0.0.${host}:3540`,
          ...(mode === 'refuse' ? [`stale 10.0.0.${host}:3540`] : []),
        ]),
      ];
      // Walk 2 flags us and the four liars. E names 10.0.0.11 first, a node of walk 1: that
      // counts as a loop, so E is asked again with it flagged and names G instead.
      const walk2 = [
        'lookup 10.0.0.15:3540 path=5',
        'lookup 10.0.0.15:3540 path=7',
        'lookup 10.0.0.16:3540 path=7',
        'inquire 10.0.0.50:3540',
        'result 10.0.0.50:3540',
        'done 1 ok',
      ];
      expect(run.lines).toEqual([...walk1, ...walk2]);
      expect(r.stats).toMatchObject({ paths: 2, refusedProofs: 4 });
      const flagged = run.log.flatMap((l) => (l.action.type === 'lookup' ? [l.action] : []));
      expect(flagged[flagged.length - 1]!.flaggedPath).toEqual([
        SELF,
        ep(21),
        ep(12),
        ep(13),
        ep(14),
        ep(11),
        ep(15),
      ]);
      expect(r.path.filter((h) => h.flags & ADDRESS_FLAGS.loop)).toHaveLength(1);
    }
  });

  it('resolve: with alternatePathsMax 0 (the MS-PNRP resolver) the trapped walk ends not-found', () => {
    const { net, seeds } = trappedCloud('refuse');
    const r = resolution({ initialHops: seeds, limits: { alternatePathsMax: 0 } });
    const run = drive(r, networkResponder(net, TARGET));
    expect(run.done).toEqual({ type: 'done', results: 0, failure: 'not-found' });
    expect(net.lookupsAnswered).not.toContain('10.0.0.15:3540');
    expect(r.stats.paths).toBe(1);
  });

  it('resolve: alternative walks stop at alternatePathsMax, each starting from unasked seeds', () => {
    // Eight forgers as seeds, no owner reachable: 1 + 1 alternative walks of 4 seeds each.
    const net = new FakeNetwork();
    const seeds = Array.from({ length: 12 }, (_, i) => entry(T + 10n * BigInt(i + 1), 11 + i));
    for (const s of seeds) {
      net.add({ keys: [s.id], endpoint: ep(s.addresses[0]![15]!), cache: [], forges: 'refuse' });
    }
    const r = resolution({ initialHops: seeds, limits: { alternatePathsMax: 1 } });
    const run = drive(r, networkResponder(net, TARGET));
    expect(run.done.failure).toBe('not-found');
    expect(net.lookupsAnswered).toEqual(
      seeds.slice(0, 8).map((s) => `10.0.0.${s.addresses[0]![15]}:3540`),
    );
    expect(r.stats).toMatchObject({ paths: 2, refusedProofs: 8, lookups: 8, inquires: 8 });
  });

  it('resolve: refuses alternatePathsMax outside 0..8', () => {
    for (const bad of [-1, 9, 1.5, Number.NaN]) {
      expect(() => resolution({ limits: { alternatePathsMax: bad } })).toThrow(RangeError);
    }
    expect(resolutionSeedsWanted()).toBe(4 * (1 + DEFAULT_RESOLUTION_LIMITS.alternatePathsMax));
    expect(resolutionSeedsWanted({ alternatePathsMax: 0 })).toBe(4);
  });

  it('resolve: in a friendly cloud the reserve and alternative walks change no action (property)', () => {
    const ring = buildRing(SEED, 60);
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: RING_SIZE - 1n }),
        fc.nat(1000),
        fc.boolean(),
        (t, seed, present) => {
          const target = present ? ring.entries[seed % ring.entries.length]!.id : keyFromBigInt(t);
          const rng = new SplitMix64(seed);
          const known = new Set<number>();
          while (known.size < 20) known.add(rng.below(ring.entries.length));
          const cache = [...known].map((i) => ring.entries[i]!);
          const run = (withReserve: boolean) =>
            drive(
              resolution({
                spec: normalizeSearch(target),
                initialHops: closestByBruteForce(cache, target, withReserve ? 16 : 4),
                limits: { alternatePathsMax: withReserve ? 3 : 0 },
              }),
              networkResponder(ring.net, target),
            ).lines;
          const lines = run(true);
          expect(lines).toEqual(run(false));
          expect(lines[lines.length - 1]).toBe(present ? 'done 1 ok' : 'done 0 not-found');
        },
      ),
      { seed: SEED, numRuns: 60 },
    );
  });
});
