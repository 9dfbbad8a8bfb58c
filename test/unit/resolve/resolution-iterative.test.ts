/**
 * Iterative DRT searches (one `intermediate` per answered hop, nothing more until `continue()`;
 * reference §10.2) and the determinism contract: the same input gives the same actions at the
 * same times. Seeded; replay with PNRP_SEED.
 */
import { describe, expect, it } from 'vitest';
import { keyFromBigInt } from '../../../src/keys/key256.js';
import { normalizeSearch } from '../../../src/resolve/search-spec.js';
import {
  buildRing,
  describeAction,
  drive,
  entry,
  ep,
  FakeNetwork,
  NO_FLAGS,
  networkResponder,
  resolution,
  ringResolution,
  SEED,
  SplitMix64,
  T,
  TARGET,
  WHOLE_RING,
} from './fake-network.js';

describe('resolve: iterative search', () => {
  it('resolve: emits intermediate after every answered hop and waits until continue()', () => {
    const net = new FakeNetwork();
    const hops = [1000n, 100n, 10n].map((d, i) => entry(T + d, 11 + i));
    const t = entry(T, 20);
    hops.forEach((h, i) => {
      net.add({ keys: [h.id], endpoint: ep(11 + i), cache: [hops[i + 1] ?? t] });
    });
    net.add({ keys: [t.id], endpoint: ep(20), cache: [] });
    const r = resolution({
      spec: normalizeSearch(TARGET, { iterative: true, timeoutMs: 10_000 }),
      initialHops: [hops[0]!],
    });
    const pauses: string[] = [];
    const run = drive(r, networkResponder(net, TARGET), {
      onIntermediate: (res, now) => {
        // Nothing happens while paused, however much time passes (up to the deadline).
        for (const at of [now, now + 1, now + 5000]) {
          pauses.push(describeAction(res.poll(at)));
        }
        res.continue();
      },
    });
    expect(run.lines).toEqual([
      'lookup 10.0.0.11:3540 path=1',
      'intermediate 10.0.0.11:3540',
      'lookup 10.0.0.12:3540 path=2',
      'intermediate 10.0.0.12:3540',
      'lookup 10.0.0.13:3540 path=3',
      'intermediate 10.0.0.13:3540',
      'inquire 10.0.0.20:3540',
      'result 10.0.0.20:3540',
      'done 1 ok',
    ]);
    expect(pauses).toEqual(Array.from({ length: 9 }, () => 'wait 10000'));
  });

  it('resolve: an iterative search left paused past its deadline ends with "timeout"', () => {
    const r = resolution({
      spec: normalizeSearch(TARGET, { iterative: true, timeoutMs: 5000 }),
      initialHops: [entry(T + 1000n, 11)],
    });
    expect(r.poll(0).type).toBe('lookup');
    r.onLookupReply(10, { flags: NO_FLAGS, routeEntry: entry(T + 10n, 12) });
    expect(r.poll(10)).toEqual({ type: 'intermediate', hop: entry(T + 1000n, 11) });
    expect(r.poll(10)).toEqual({ type: 'wait', untilMs: 5000 });
    expect(r.poll(5000)).toEqual({ type: 'done', results: 0, failure: 'timeout' });
  });

  it('resolve: an iterative search emits no intermediate for a refused (B or N) reply', () => {
    const r = resolution({
      spec: normalizeSearch(TARGET, { iterative: true }),
      initialHops: [entry(T + 10n, 11), entry(T + 20n, 12), entry(T + 30n, 13)],
    });
    expect(r.poll(0)).toMatchObject({ type: 'lookup', endpoint: ep(11) });
    r.onLookupReply(10, { flags: { ...NO_FLAGS, busy: true } });
    expect(r.poll(10)).toMatchObject({ type: 'lookup', endpoint: ep(12) });
    r.onLookupReply(20, { flags: { ...NO_FLAGS, notRegistered: true } });
    expect(r.poll(20)).toEqual({ type: 'stale', entry: entry(T + 20n, 12) });
    expect(r.poll(20)).toMatchObject({ type: 'lookup', endpoint: ep(13) });
    r.onLookupReply(30, { flags: NO_FLAGS });
    expect(r.poll(30)).toEqual({ type: 'intermediate', hop: entry(T + 30n, 13) });
    expect(r.poll(30)).toEqual({ type: 'wait', untilMs: 30_000 });
    r.continue();
    expect(r.poll(30)).toEqual({ type: 'done', results: 0, failure: 'not-found' });
  });

  it('resolve: a non-iterative search never emits intermediate', () => {
    const ring = buildRing(SEED, 50);
    const r = ringResolution(ring, ring.entries[7]!.id, {}, SEED);
    const run = drive(r, networkResponder(ring.net, ring.entries[7]!.id), {
      onIntermediate: () => {
        throw new Error('intermediate in a non-iterative search');
      },
    });
    expect(run.done.results).toBe(1);
  });
});

describe('resolve: determinism', () => {
  it('resolve: two identical runs give identical action sequences, times and paths', () => {
    const once = () => {
      const ring = buildRing(SEED, 50);
      ring.nodes[3]!.alive = false; // some silence, so retransmits and timeouts are in the trace
      ring.nodes[27]!.alive = false;
      const target = keyFromBigInt(new SplitMix64(SEED ^ 0xd).key());
      const r = ringResolution(ring, target, { ...WHOLE_RING, maxEndpoints: 4 }, SEED);
      const run = drive(r, networkResponder(ring.net, target));
      return { trace: run.log.map((l) => `${l.atMs} ${describeAction(l.action)}`), path: r.path };
    };
    const a = once();
    const b = once();
    expect(a.trace.length).toBeGreaterThan(5);
    expect(b.trace).toEqual(a.trace);
    expect(b.path).toEqual(a.path);
  });
});
