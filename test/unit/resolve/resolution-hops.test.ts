/**
 * The resolver hop by hop: which LOOKUP goes where, with which flagged path, what happens on
 * silence (retransmit, unreachable), on dead ends (backtracking), loops, and N/B replies; and
 * what the path records say. Time moves only through the `nowMs` the tests pass.
 */
import { describe, expect, it } from 'vitest';
import { ADDRESS_FLAGS } from '../../../src/resolve/path.js';
import { normalizeSearch } from '../../../src/resolve/search-spec.js';
import {
  drive,
  entry,
  ep,
  FakeNetwork,
  host,
  k,
  NO_FLAGS,
  networkResponder,
  PORT,
  resolution,
  SELF,
  T,
  TARGET,
} from './fake-network.js';

const deadEnd = { flags: NO_FLAGS };

describe('resolve: next hops and flagged path', () => {
  it('resolve: asks the initial hops closest first, four of them, with its own endpoints flagged', () => {
    const hops = [10n, -20n, 30n, -40n, 50n].map((d, i) => entry(T + d, 11 + i));
    const r = resolution({ initialHops: hops, selfEndpoints: [ep(1), ep(2), ep(1)] });
    const run = drive(r, () => ({ afterMs: 10, reply: deadEnd }));
    expect(run.log[0]!.action).toEqual({
      type: 'lookup',
      hop: hops[0],
      endpoint: ep(11),
      flaggedPath: [ep(1), ep(2)],
      bestMatch: undefined,
      acceptAny: false,
      retransmit: false,
    });
    // Every dead end sends the search down the stack; the fifth entry is never used.
    expect(run.lines).toEqual([
      'lookup 10.0.0.11:3540 path=2',
      'lookup 10.0.0.12:3540 path=3',
      'lookup 10.0.0.13:3540 path=4',
      'lookup 10.0.0.14:3540 path=5',
      'done 0 not-found',
    ]);
    expect(run.endMs).toBe(40);
    const five = drive(resolution({ initialHops: hops, initialHopsMax: 5 }), () => ({
      afterMs: 10,
      reply: deadEnd,
    }));
    expect(five.lines.filter((l) => l.startsWith('lookup'))).toHaveLength(5);
  });

  it('resolve: carries the initial best match and the A flag in every LOOKUP', () => {
    const own = entry(T - 1n, 1);
    const net = new FakeNetwork();
    const a = entry(T + 1000n, 11);
    const b = entry(T + 10n, 12);
    net.add({ keys: [a.id], endpoint: ep(11), cache: [b] });
    net.add({ keys: [b.id], endpoint: ep(12), cache: [] });
    const r = resolution({ initialHops: [a], initialBestMatch: own, acceptAny: true });
    const run = drive(r, networkResponder(net, TARGET));
    const lookups = run.log.flatMap((l) => (l.action.type === 'lookup' ? [l.action] : []));
    expect(lookups.length).toBeGreaterThanOrEqual(2);
    for (const lookup of lookups) {
      expect(lookup.bestMatch).toBe(own);
      expect(lookup.acceptAny).toBe(true);
    }
  });
});

describe('resolve: retransmission and unreachable hops', () => {
  it('resolve: repeats an unanswered LOOKUP at +1000 ms, gives the hop up at +2000 ms and moves on', () => {
    const a = entry(T + 10n, 11);
    const b = entry(T + 20n, 12);
    const r = resolution({ initialHops: [a, b] });
    const toA = {
      type: 'lookup',
      hop: a,
      endpoint: ep(11),
      flaggedPath: [SELF],
      bestMatch: undefined,
      acceptAny: false,
      retransmit: false,
    } as const;
    expect(r.poll(0)).toEqual(toA);
    expect(r.awaiting).toMatchObject({ kind: 'lookup', entry: a });
    expect(r.poll(0)).toEqual({ type: 'wait', untilMs: 1000 });
    expect(r.poll(999)).toEqual({ type: 'wait', untilMs: 1000 });
    expect(r.poll(1000)).toEqual({ ...toA, retransmit: true });
    expect(r.poll(1000)).toEqual({ type: 'wait', untilMs: 2000 });
    expect(r.poll(1999)).toEqual({ type: 'wait', untilMs: 2000 });
    expect(r.poll(2000)).toEqual({ type: 'stale', entry: a });
    expect(r.path).toEqual([
      {
        endpoint: ep(11),
        key: a.id,
        nearness: 252, // 2^200 + 10 first differs from 2^200 at the bit worth 8
        rttMs: undefined,
        flags: ADDRESS_FLAGS.unreachable,
        deadEnd: false,
      },
    ]);
    expect(r.poll(2000)).toMatchObject({
      type: 'lookup',
      hop: b,
      endpoint: ep(12),
      retransmit: false,
    });
    expect(r.stats).toEqual({
      lookups: 2,
      inquires: 0,
      retransmits: 1,
      usefulHops: 0,
      suspicious: 0,
      timeouts: 1,
      paths: 1,
      refusedProofs: 0,
      contradictions: 0,
      liars: 0,
    });
  });

  it('resolve: never asks an unreachable (key, endpoint) again, but asks the key at another endpoint', () => {
    const a = entry(T + 10n, 11);
    const b = entry(T + 20n, 12);
    const r = resolution({ initialHops: [a, b] });
    let asked = 0;
    const run = drive(r, (action) => {
      if (action.type !== 'lookup' || action.endpoint.address[15] === 11) return undefined;
      // b refers to a's key at another address the first time, then has nothing. That is
      // another route entry (issue 10): a's silence says nothing about it, so it is asked.
      asked++;
      return {
        afterMs: 10,
        reply: asked === 1 ? { flags: NO_FLAGS, routeEntry: entry(T + 10n, 21) } : deadEnd,
      };
    });
    // Flagged-path lengths left out: whether an unreachable hop joins the path is disputed.
    expect(run.lines.map((l) => l.replace(/ path=\d+/, ''))).toEqual([
      'lookup 10.0.0.11:3540',
      'wait 1000',
      'lookup 10.0.0.11:3540 retransmit',
      'wait 2000',
      'stale 10.0.0.11:3540',
      'lookup 10.0.0.12:3540',
      'lookup 10.0.0.21:3540',
      'lookup 10.0.0.12:3540',
      'done 0 not-found',
    ]);
    expect(r.stats.contradictions).toBe(1);
  });

  it('resolve: ends with failure "timeout" at start + timeoutMs, clipping waits to it', () => {
    const s = 10_000; // the deadline counts from startMs, not from zero
    const r = resolution({
      spec: normalizeSearch(TARGET, { timeoutMs: 2500 }),
      startMs: s,
      initialHops: [entry(T + 10n, 11), entry(T + 20n, 12)],
    });
    expect(r.poll(s).type).toBe('lookup');
    expect(r.poll(s + 1000)).toMatchObject({ type: 'lookup', retransmit: true });
    expect(r.poll(s + 2000)).toMatchObject({ type: 'stale' });
    expect(r.poll(s + 2000)).toMatchObject({ type: 'lookup', endpoint: ep(12), retransmit: false });
    expect(r.poll(s + 2000)).toEqual({ type: 'wait', untilMs: s + 2500 });
    expect(r.poll(s + 2499)).toEqual({ type: 'wait', untilMs: s + 2500 });
    expect(r.poll(s + 2500)).toEqual({ type: 'done', results: 0, failure: 'timeout' });
    expect(r.done).toBe(true);
    expect(r.awaiting).toBeUndefined();
    expect(r.poll(99_999)).toEqual({ type: 'done', results: 0, failure: 'timeout' });
  });

  it('resolve: with no initial hops ends at once with "not-found"', () => {
    const r = resolution({});
    expect(r.poll(0)).toEqual({ type: 'done', results: 0, failure: 'not-found' });
    expect(r.stats.lookups).toBe(0);
  });

  it('resolve: cancel() ends it with "cancelled" and later replies change nothing', () => {
    const r = resolution({ initialHops: [entry(T + 10n, 11)] });
    expect(r.poll(0).type).toBe('lookup');
    r.cancel();
    expect(r.done).toBe(true);
    expect(r.poll(5)).toEqual({ type: 'done', results: 0, failure: 'cancelled' });
    r.onLookupReply(6, { flags: NO_FLAGS, routeEntry: entry(T, 12) });
    r.cancel();
    expect(r.poll(7)).toEqual({ type: 'done', results: 0, failure: 'cancelled' });
    expect(r.path).toEqual([]);
    expect(r.stats.usefulHops).toBe(0);
  });

  it('resolve: ignores a reply of the wrong kind for the outstanding request', () => {
    const r = resolution({ initialHops: [entry(T + 10n, 11)] });
    r.onLookupReply(0, deadEnd); // nothing outstanding yet
    expect(r.poll(0).type).toBe('lookup');
    r.onInquireReply(5, { ok: true, proof: 'x' });
    expect(r.awaiting).toMatchObject({ kind: 'lookup' });
    expect(r.path).toEqual([]);
    expect(r.poll(5)).toEqual({ type: 'wait', untilMs: 1000 });
  });
});

describe('resolve: dead ends, loops and refusals', () => {
  it('resolve: backtracks to the previous hop after a dead end, with a longer flagged path', () => {
    const net = new FakeNetwork();
    const a = entry(T + 1000n, 11);
    const b = entry(T + 10n, 12);
    const c = entry(T + 20n, 13);
    net.add({ keys: [a.id], endpoint: ep(11), cache: [b, c] });
    net.add({ keys: [b.id], endpoint: ep(12), cache: [] });
    net.add({ keys: [c.id], endpoint: ep(13), cache: [] });
    const r = resolution({ initialHops: [a] });
    const run = drive(r, networkResponder(net, TARGET));
    expect(run.lines).toEqual([
      'lookup 10.0.0.11:3540 path=1', // a -> b
      'lookup 10.0.0.12:3540 path=2', // b: dead end
      'lookup 10.0.0.11:3540 path=3', // back to a, b now flagged -> c
      'lookup 10.0.0.13:3540 path=3', // c: dead end
      'lookup 10.0.0.11:3540 path=4', // back to a (third and last use): dead end
      'done 0 not-found',
    ]);
    const backtrack = run.log[2]!.action;
    expect(backtrack.type === 'lookup' && backtrack.flaggedPath).toEqual([SELF, ep(11), ep(12)]);
    expect(r.path.map((h) => [h.endpoint.address[15], h.flags, h.deadEnd])).toEqual([
      [11, ADDRESS_FLAGS.accepted, false],
      [12, ADDRESS_FLAGS.accepted, true],
      [11, ADDRESS_FLAGS.accepted, false],
      [13, ADDRESS_FLAGS.accepted, true],
      [11, ADDRESS_FLAGS.accepted, true],
    ]);
    expect(r.stats.usefulHops).toBe(5);
  });

  it('resolve: discards an entry at an address already in the flagged path and records LOOP', () => {
    const r = resolution({ initialHops: [entry(T + 1000n, 11)] });
    expect(r.poll(0).type).toBe('lookup');
    // The key is the target itself, but it claims to live at our own address.
    r.onLookupReply(7, {
      flags: NO_FLAGS,
      routeEntry: { id: TARGET, port: PORT, addresses: [host(1)] },
    });
    expect(r.path[0]).toMatchObject({
      flags: ADDRESS_FLAGS.accepted | ADDRESS_FLAGS.loop,
      deadEnd: true,
    });
    expect(r.poll(7)).toEqual({ type: 'done', results: 0, failure: 'not-found' });
    expect(r.stats.inquires).toBe(0);
  });

  it('resolve: detects a loop on any address of the returned entry, then backtracks', () => {
    const a = entry(T + 1000n, 11);
    const b = entry(T + 100n, 12);
    const r = resolution({ initialHops: [a] });
    expect(r.poll(0)).toMatchObject({ type: 'lookup', endpoint: ep(11) });
    r.onLookupReply(10, { flags: NO_FLAGS, routeEntry: b });
    expect(r.poll(10)).toMatchObject({ type: 'lookup', endpoint: ep(12) });
    // Second address of the entry is a's, which answered before.
    r.onLookupReply(20, { flags: NO_FLAGS, routeEntry: entry(T + 1n, 30, 11) });
    expect(r.path[1]).toMatchObject({
      flags: ADDRESS_FLAGS.accepted | ADDRESS_FLAGS.loop,
      deadEnd: true,
    });
    expect(r.poll(20)).toMatchObject({
      type: 'lookup',
      endpoint: ep(11),
      flaggedPath: [SELF, ep(11), ep(12)],
    });
    r.onLookupReply(30, deadEnd);
    expect(r.poll(30)).toEqual({ type: 'done', results: 0, failure: 'not-found' });
    // Hosts 30 was never asked.
    expect(r.stats.lookups).toBe(3);
  });

  it('resolve: an N reply records BAD_VALIDATE_ID, yields stale, and that (key, endpoint) is never asked again', () => {
    const a = entry(T + 10n, 11);
    const b = entry(T + 20n, 12);
    const r = resolution({ initialHops: [a, b] });
    expect(r.poll(0)).toMatchObject({ type: 'lookup', endpoint: ep(11) });
    r.onLookupReply(10, { flags: { ...NO_FLAGS, notRegistered: true } });
    expect(r.path[0]).toMatchObject({
      flags: ADDRESS_FLAGS.rejected | ADDRESS_FLAGS.badValidateId,
      rttMs: 10,
      deadEnd: false,
    });
    expect(r.poll(10)).toEqual({ type: 'stale', entry: a });
    // The N reply still counts as an answer: a's endpoint is flagged.
    expect(r.poll(10)).toMatchObject({
      type: 'lookup',
      endpoint: ep(12),
      flaggedPath: [SELF, ep(11)],
    });
    // b refers to a's key at a new address: another route entry (issue 10), so it is asked; the
    // N reply of 10.0.0.11 said nothing about 10.0.0.21.
    r.onLookupReply(20, { flags: NO_FLAGS, routeEntry: entry(T + 10n, 21) });
    expect(r.poll(20)).toMatchObject({
      type: 'lookup',
      endpoint: ep(21),
      flaggedPath: [SELF, ep(11), ep(12)],
    });
    r.onLookupReply(30, deadEnd);
    // b again, with a longer flagged path; then a, at 10.0.0.11, is never asked again.
    expect(r.poll(30)).toMatchObject({
      type: 'lookup',
      endpoint: ep(12),
      flaggedPath: [SELF, ep(11), ep(12), ep(21)],
    });
    r.onLookupReply(40, deadEnd);
    expect(r.poll(40)).toEqual({ type: 'done', results: 0, failure: 'not-found' });
    expect(r.stats).toMatchObject({ lookups: 4, usefulHops: 4 });
  });

  it('resolve: a B reply records TOO_BUSY and REJECTED and its route entry is not followed', () => {
    const a = entry(T + 10n, 11);
    const b = entry(T + 20n, 12);
    const r = resolution({ initialHops: [a, b] });
    const run = drive(r, (action) => {
      if (action.type !== 'lookup') return undefined;
      if (action.endpoint.address[15] === 11) {
        return {
          afterMs: 5,
          reply: { flags: { ...NO_FLAGS, busy: true }, routeEntry: entry(T + 1n, 30) },
        };
      }
      return { afterMs: 5, reply: deadEnd };
    });
    expect(run.lines).toEqual([
      'lookup 10.0.0.11:3540 path=1',
      'lookup 10.0.0.12:3540 path=2',
      'done 0 not-found',
    ]);
    expect(r.path[0]).toMatchObject({
      flags: ADDRESS_FLAGS.tooBusy | ADDRESS_FLAGS.rejected,
      deadEnd: false,
    });
  });
});

describe('resolve: path records', () => {
  it('resolve: records nearness, RTT from the first send, and ACCEPTED/INQUIRE flags per hop', () => {
    const a = entry(T + (1n << 100n), 11);
    const r = resolution({ initialHops: [a] });
    expect(r.poll(0)).toMatchObject({ type: 'lookup', retransmit: false });
    expect(r.poll(1000)).toMatchObject({ type: 'lookup', retransmit: true });
    r.onLookupReply(1500, { flags: NO_FLAGS, routeEntry: entry(T - 1n, 12) });
    expect(r.poll(1500)).toMatchObject({ type: 'lookup', endpoint: ep(12), retransmit: false });
    r.onLookupReply(1520, { flags: { ...NO_FLAGS, suspicious: true }, routeEntry: entry(T, 20) });
    expect(r.poll(1520)).toEqual({
      type: 'inquire',
      candidate: entry(T, 20),
      endpoint: ep(20),
      retransmit: false,
    });
    r.onInquireReply(1550, { ok: true, proof: 'proof' });
    expect(r.path).toEqual([
      // 2^200 + 2^100 first differs from 2^200 at bit 255 - 100.
      { endpoint: ep(11), key: a.id, nearness: 155, rttMs: 1500, flags: 0x01, deadEnd: false },
      // 2^200 - 1 first differs from 2^200 at bit 255 - 200.
      { endpoint: ep(12), key: k(T - 1n), nearness: 55, rttMs: 20, flags: 0x41, deadEnd: false },
      { endpoint: ep(20), key: TARGET, nearness: 256, rttMs: 30, flags: 0x81, deadEnd: false },
    ]);
    expect(r.stats).toEqual({
      lookups: 2,
      inquires: 1,
      retransmits: 1,
      usefulHops: 2,
      suspicious: 1,
      timeouts: 0,
      paths: 1,
      refusedProofs: 0,
      contradictions: 0,
      liars: 0,
    });
  });

  it('resolve: records INQUIRE|REJECTED for a refused proof and INQUIRE|UNREACHABLE for silence', () => {
    const r = resolution({ initialHops: [entry(T, 20), entry(T + 5n, 21)] });
    expect(r.poll(0)).toMatchObject({ type: 'inquire', endpoint: ep(20) });
    r.onInquireReply(40, { ok: false, reason: 'bad-signature' });
    expect(r.path[0]).toMatchObject({ flags: 0x82, rttMs: 40, nearness: 256 });
    expect(r.poll(40)).toMatchObject({ type: 'lookup', endpoint: ep(21) });
    // Same key, other address: another candidate (issue 10), so the refusal at 10.0.0.20 does
    // not keep it from being inquired, and it proves the key.
    r.onLookupReply(50, { flags: NO_FLAGS, routeEntry: entry(T, 22) });
    expect(r.poll(50)).toMatchObject({ type: 'inquire', endpoint: ep(22) });
    r.onInquireReply(60, { ok: true, proof: 'p' });
    expect(r.poll(60)).toEqual({ type: 'result', entry: entry(T, 22), proof: 'p' });
    expect(r.poll(60)).toEqual({ type: 'done', results: 1, failure: undefined });
    expect(r.stats).toMatchObject({ refusedProofs: 1, contradictions: 1, paths: 1 });

    // A silent owner gets two full attempts (each with one retransmission) before it is stale.
    const silent = resolution({ initialHops: [entry(T, 20)] });
    expect(silent.poll(0)).toMatchObject({ type: 'inquire', retransmit: false });
    expect(silent.poll(1000)).toMatchObject({ type: 'inquire', retransmit: true });
    expect(silent.poll(2000)).toMatchObject({ type: 'inquire', retransmit: false });
    expect(silent.path[0]).toMatchObject({ flags: 0x84, rttMs: undefined });
    expect(silent.poll(3000)).toMatchObject({ type: 'inquire', retransmit: true });
    expect(silent.poll(4000)).toEqual({ type: 'stale', entry: entry(T, 20) });
    expect(silent.path[1]).toMatchObject({ flags: 0x84, rttMs: undefined });
    expect(silent.poll(4000)).toEqual({ type: 'done', results: 0, failure: 'not-found' });
  });
});
