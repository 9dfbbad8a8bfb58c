/**
 * The DRT search kinds on top of the walk ([MC-DRT]; drt.h DRT_SEARCH_INFO, reference §10.2):
 * exact (INQUIRE as soon as the key is seen, result only after a valid proof), nearest-N over a
 * ~50-node fake cloud checked against brute force, and range searches. Seeded; replay with
 * PNRP_SEED. Iterative searches and determinism: resolution-iterative.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { keyFromBigInt, keyInRange, keyToBigInt, RING_SIZE } from '../../../src/keys/key256.js';
import { ADDRESS_FLAGS } from '../../../src/resolve/path.js';
import type { InquireVerdict } from '../../../src/resolve/resolution.js';
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
  type Responder,
  resolution,
  ringResolution,
  SEED,
  SELF,
  SplitMix64,
  T,
  TARGET,
  WHOLE_RING,
} from './fake-network.js';

const resultsOf = (lines: readonly string[]): string[] =>
  lines.filter((l) => l.startsWith('result'));
const idHex = (e: RouteEntry): string => keyToBigInt(e.id).toString(16);

describe('resolve: exact search', () => {
  it('resolve: INQUIREs an entry equal to the target at once, without a LOOKUP to it', () => {
    const net = new FakeNetwork();
    const a = entry(T + 1000n, 11);
    const b = entry(T + 2000n, 12);
    const t = entry(T, 20);
    net.add({ keys: [a.id], endpoint: ep(11), cache: [t] });
    net.add({ keys: [t.id], endpoint: ep(20), cache: [] });
    const r = resolution({ initialHops: [a, b] });
    const run = drive(r, networkResponder(net, TARGET));
    expect(run.lines).toEqual([
      'lookup 10.0.0.11:3540 path=1',
      'inquire 10.0.0.20:3540',
      'result 10.0.0.20:3540',
      'done 1 ok',
    ]);
    expect(run.log[2]!.action).toEqual({
      type: 'result',
      entry: t,
      proof: `proof:${T.toString(16)}`,
    });
    expect(r.stats).toMatchObject({ lookups: 1, inquires: 1 });
  });

  it('resolve: starts with an INQUIRE when an initial hop is the target itself', () => {
    const t = entry(T, 20);
    const r = resolution({ initialHops: [entry(T + 5n, 11), t] });
    expect(r.poll(0)).toEqual({
      type: 'inquire',
      candidate: t,
      endpoint: ep(20),
      retransmit: false,
    });
  });

  it('resolve: reports the result only after onInquireReply(ok), then ends', () => {
    const t = entry(T, 20);
    const r = resolution({ initialHops: [t] });
    expect(r.poll(0).type).toBe('inquire');
    expect(r.poll(0)).toEqual({ type: 'wait', untilMs: 1000 });
    expect(r.poll(500)).toEqual({ type: 'wait', untilMs: 1000 });
    r.onInquireReply(600, { ok: true, proof: { cpa: 1 } });
    expect(r.done).toBe(false);
    expect(r.poll(600)).toEqual({ type: 'result', entry: t, proof: { cpa: 1 } });
    expect(r.poll(600)).toEqual({ type: 'done', results: 1, failure: undefined });
    expect(r.path.at(-1)).toMatchObject({
      flags: ADDRESS_FLAGS.inquire | ADDRESS_FLAGS.accepted,
      rttMs: 600,
    });
  });

  it('resolve: after an N-refused INQUIRE it goes on walking with the refused endpoint flagged, and yields stale', () => {
    const a = entry(T + 1000n, 11);
    const t = entry(T, 20);
    const r = resolution({ initialHops: [a] });
    expect(r.poll(0)).toMatchObject({ type: 'lookup', endpoint: ep(11) });
    r.onLookupReply(10, { flags: NO_FLAGS, routeEntry: t });
    expect(r.poll(10)).toMatchObject({ type: 'inquire', endpoint: ep(20) });
    r.onInquireReply(20, { ok: false, reason: 'not-registered' });
    expect(r.poll(20)).toEqual({ type: 'stale', entry: t });
    // Not the candidate again: the walk goes on with the hop that was re-pushed (a stale entry
    // blames nobody), and the flagged path now names the endpoint that refused (issue 10).
    expect(r.poll(20)).toMatchObject({
      type: 'lookup',
      endpoint: ep(11),
      flaggedPath: [SELF, ep(11), ep(20)],
    });
    r.onLookupReply(30, { flags: NO_FLAGS });
    expect(r.poll(30)).toEqual({ type: 'done', results: 0, failure: 'not-found' });
    expect(r.stats).toMatchObject({ refusedProofs: 1, liars: 0 });
  });

  it('resolve: a proof refused without an N flag brands the endpoint and the hop that named it liars', () => {
    const a = entry(T + 1000n, 11);
    const t = entry(T, 20);
    const r = resolution({ initialHops: [a] });
    expect(r.poll(0)).toMatchObject({ type: 'lookup', endpoint: ep(11) });
    r.onLookupReply(10, { flags: NO_FLAGS, routeEntry: t });
    expect(r.poll(10)).toMatchObject({ type: 'inquire', endpoint: ep(20) });
    r.onInquireReply(20, { ok: false, reason: 'bad-signature' });
    // The hop was re-pushed, but a liar is never asked again; no reserve: the search ends.
    expect(r.poll(20)).toEqual({ type: 'done', results: 0, failure: 'not-found' });
    expect(r.stats).toMatchObject({ refusedProofs: 1, liars: 2, lookups: 1 });
  });

  it('resolve: ends "not-found" when the key does not exist in a 50-node cloud', () => {
    const ring = buildRing(SEED, 50);
    const absent = keyFromBigInt(keyToBigInt(ring.entries[17]!.id) + 1n);
    const r = ringResolution(ring, absent, {}, SEED + 1);
    const run = drive(r, networkResponder(ring.net, absent));
    expect(run.done, `seed ${SEED}`).toEqual({ type: 'done', results: 0, failure: 'not-found' });
    expect(r.stats.inquires).toBe(0);
    // The walk reached the nodes on both sides of the absent key.
    const asked = new Set(
      run.log.flatMap((l) => (l.action.type === 'lookup' ? [l.action.endpoint.address[15]] : [])),
    );
    expect(asked.has(100 + 17)).toBe(true);
    expect(asked.has(100 + 18)).toBe(true);
  });

  it('resolve: finds every key of a 50-node cloud by exact search', () => {
    const ring = buildRing(SEED, 50);
    ring.entries.forEach((e, i) => {
      const r = ringResolution(ring, e.id, {}, SEED + i);
      const run = drive(r, networkResponder(ring.net, e.id));
      expect(run.done, `seed ${SEED}, key ${i}`).toEqual({
        type: 'done',
        results: 1,
        failure: undefined,
      });
      expect(resultsOf(run.lines)).toEqual([`result 10.0.0.${100 + i}:3540`]);
      expect(r.stats.inquires).toBe(1);
    });
  });
});

describe('resolve: nearest-N and range searches', () => {
  it('resolve: nearest-5 over 50 nodes returns exactly the 5 closest keys, closest first', () => {
    const ring = buildRing(SEED, 50);
    const rng = new SplitMix64(SEED ^ 0x5eed);
    for (let trial = 0; trial < 10; trial++) {
      const target = keyFromBigInt(rng.key());
      const r = ringResolution(ring, target, { ...WHOLE_RING, maxEndpoints: 5 }, SEED + trial);
      const run = drive(r, networkResponder(ring.net, target));
      const results = run.log.flatMap((l) => (l.action.type === 'result' ? [l.action.entry] : []));
      expect(results.map(idHex), `seed ${SEED}, trial ${trial}`).toEqual(
        closestByBruteForce(ring.entries, target, 5).map(idHex),
      );
      expect(run.done).toEqual({ type: 'done', results: 5, failure: undefined });
      // Nearest-N always sets the A flag (the responder may answer with any closest entry).
      for (const l of run.log)
        if (l.action.type === 'lookup') expect(l.action.acceptAny).toBe(true);
      // All LOOKUPs come before all INQUIREs: the walk ends, then candidates are validated.
      const kinds = run.log
        .map((l) => l.action.type)
        .filter((t) => t === 'lookup' || t === 'inquire');
      expect(kinds.indexOf('inquire')).toBeGreaterThan(kinds.lastIndexOf('lookup'));
    }
  });

  it('resolve: nearest-N skips a candidate whose INQUIRE fails and takes the next closest', () => {
    const ring = buildRing(SEED, 50);
    const target = keyFromBigInt(keyToBigInt(ring.entries[30]!.id) + 3n);
    const expected = closestByBruteForce(ring.entries, target, 4);
    const liar = expected[1]!;
    const base = networkResponder(ring.net, target);
    const respond: Responder = (action, now) =>
      action.type === 'inquire' && keyToBigInt(action.candidate.id) === keyToBigInt(liar.id)
        ? { afterMs: 10, reply: { ok: false, reason: 'bad-signature' } satisfies InquireVerdict }
        : base(action, now);
    const r = ringResolution(ring, target, { ...WHOLE_RING, maxEndpoints: 3 }, SEED);
    const run = drive(r, respond);
    const results = run.log.flatMap((l) => (l.action.type === 'result' ? [l.action.entry] : []));
    expect(results.map(idHex), `seed ${SEED}`).toEqual(
      [expected[0]!, expected[2]!, expected[3]!].map(idHex),
    );
  });

  it('resolve: nearest-N also explores an entry that is farther than its hop but among the N nearest', () => {
    // a is nearest; it only knows b (farther than a), b only knows c (farther still).
    const net = new FakeNetwork();
    const a = entry(T + 10n, 11);
    const b = entry(T + 50n, 12);
    const c = entry(T - 60n, 13);
    const far = entry(T + 5000n, 14);
    net.add({ keys: [a.id], endpoint: ep(11), cache: [b] });
    net.add({ keys: [b.id], endpoint: ep(12), cache: [c] });
    net.add({ keys: [c.id], endpoint: ep(13), cache: [far] });
    net.add({ keys: [far.id], endpoint: ep(14), cache: [] });
    const r = resolution({
      spec: normalizeSearch(TARGET, { ...WHOLE_RING, maxEndpoints: 3 }),
      initialHops: [a],
    });
    const run = drive(r, networkResponder(net, TARGET));
    expect(run.lines).toEqual([
      'lookup 10.0.0.11:3540 path=1', // -> b: farther than a, but only a is closer: among 3
      'lookup 10.0.0.12:3540 path=2', // -> c: a and b closer: still among 3
      'lookup 10.0.0.13:3540 path=3', // -> far: three closer already, seen but not explored
      'lookup 10.0.0.12:3540 path=4', // backtracking: b, then a, have nothing new
      'lookup 10.0.0.11:3540 path=4',
      'inquire 10.0.0.11:3540',
      'result 10.0.0.11:3540',
      'inquire 10.0.0.12:3540',
      'result 10.0.0.12:3540',
      'inquire 10.0.0.13:3540',
      'result 10.0.0.13:3540',
      'done 3 ok',
    ]);
  });

  it('resolve: nearest-N never reports a hop that answered N or did not answer', () => {
    const hops = [10n, 20n, 30n, 40n].map((d, i) => entry(T + d, 11 + i));
    const r = resolution({
      spec: normalizeSearch(TARGET, { ...WHOLE_RING, maxEndpoints: 2 }),
      initialHops: hops,
    });
    const run = drive(r, (action) => {
      const host = action.endpoint.address[15];
      if (host === 12) return undefined; // silent
      if (action.type === 'inquire') return { afterMs: 10, reply: { ok: true, proof: host } };
      return { afterMs: 10, reply: { flags: { ...NO_FLAGS, notRegistered: host === 11 } } };
    });
    expect(resultsOf(run.lines)).toEqual(['result 10.0.0.13:3540', 'result 10.0.0.14:3540']);
    expect(run.lines.filter((l) => l.startsWith('stale'))).toEqual([
      'stale 10.0.0.11:3540',
      'stale 10.0.0.12:3540',
    ]);
  });

  it('resolve: a range search without anyMatch returns the key in range closest to the target', () => {
    const ring = buildRing(SEED, 50);
    const i = 20;
    const lo = keyToBigInt(ring.entries[i]!.id);
    const hi = keyToBigInt(ring.entries[i + 3]!.id);
    // Target just below the next key up, which is outside the range: the closest key overall
    // (at distance 1) must not be the result.
    const target = keyFromBigInt(hi - 1n);
    const range = { minKey: keyFromBigInt(lo), maxKey: keyFromBigInt(hi - 1n) };
    const inRange = ring.entries.filter((e) => keyInRange(e.id, range.minKey, range.maxKey));
    expect(inRange).toHaveLength(3);
    const r = ringResolution(ring, target, range, SEED);
    const run = drive(r, networkResponder(ring.net, target));
    expect(resultsOf(run.lines)).toEqual([`result 10.0.0.${100 + i + 2}:3540`]);
    expect(run.done.results).toBe(1);
  });

  it('resolve: anyMatchInRange INQUIREs the first key seen in range at once and stops at it', () => {
    const ring = buildRing(SEED, 50);
    const target = keyFromBigInt(keyToBigInt(ring.entries[40]!.id) + 5n);
    const span = RING_SIZE / 8n;
    const t = keyToBigInt(target);
    const range = { minKey: keyFromBigInt(t - span), maxKey: keyFromBigInt(t + span) };
    const inRange = (e: RouteEntry): boolean => keyInRange(e.id, range.minKey, range.maxKey);
    expect(ring.entries.filter(inRange).length, `seed ${SEED}`).toBeGreaterThan(3);
    // The resolver starts from keys outside the range, so the first in-range key comes from a hop.
    const outside = ring.entries.filter((e) => !inRange(e));
    const initialHops = closestByBruteForce(outside, target, 4);
    /** Runs the search, noting the entry each LOOKUP reply carried, in order. */
    const runRange = (anyMatchInRange: boolean) => {
      const base = networkResponder(ring.net, target);
      const carried: (RouteEntry | undefined)[] = [];
      const r = resolution({
        spec: normalizeSearch(target, { ...range, anyMatchInRange }),
        initialHops,
      });
      const result = drive(r, (action, now) => {
        const answer = base(action, now);
        if (action.type === 'lookup') {
          carried.push(answer && 'flags' in answer.reply ? answer.reply.routeEntry : undefined);
        }
        return answer;
      });
      return { result, carried };
    };
    const { result, carried } = runRange(true);
    const firstInRange = carried.findIndex((e) => e !== undefined && inRange(e));
    expect(firstInRange, `seed ${SEED}`).toBeGreaterThanOrEqual(0);
    const found = carried[firstInRange]!;
    const name = `10.0.0.${found.addresses[0]![15]}:3540`;
    // LOOKUPs up to the reply that carried the first in-range key, then its INQUIRE at once.
    expect(result.lines.slice(firstInRange + 1)).toEqual([
      `inquire ${name}`,
      `result ${name}`,
      'done 1 ok',
    ]);
    expect(result.lines.slice(0, firstInRange + 1).every((l) => l.startsWith('lookup'))).toBe(true);
    // Without anyMatchInRange the walk goes on after that reply (closest in range wanted).
    const closest = runRange(false);
    expect(closest.result.lines[firstInRange + 1]).toMatch(/^lookup /);
    const best = closestByBruteForce(ring.entries.filter(inRange), target, 1)[0]!;
    expect(resultsOf(closest.result.lines)).toEqual([
      `result 10.0.0.${best.addresses[0]![15]}:3540`,
    ]);
  });
});
