/**
 * Behaviour of src/resolve/resolution.ts that we believe is wrong, written as the tests the
 * correct behaviour would pass and marked `it.fails` so the suite stays green until the source is
 * fixed (then vitest reports them as unexpectedly passing and the marker must go). Each test says
 * what the specification or the rest of the code base expects and which line is at fault.
 */
import { describe, expect, it } from 'vitest';
import {
  drive,
  entry,
  ep,
  FakeNetwork,
  NO_FLAGS,
  networkResponder,
  resolution,
  T,
  TARGET,
} from './fake-network.js';

describe('resolve: fixed defects (regression tests)', () => {
  // A node may publish several keys ([MS-PNRP] §3.2.5.2 ClosestLocalMatch; DrtNode's own
  // responder returns `core.locals` entries at its own endpoints). Asked under key U, node X
  // answers with its other key T at X's own address, because X was not in the flagged path it
  // received. onLookupReply flags X (`this.flag(out.endpoint)`) *before* the loop check, so the
  // entry is taken for a loop and the key can never be found: every other node now excludes
  // X's address too. Fix: run the loop check against the flagged path as it was sent (move
  // `this.flag(out.endpoint)` after the check), or exempt the answering endpoint from it.
  it('resolve: finds the target published by a hop it asked under another key', () => {
    const net = new FakeNetwork();
    const u = entry(T + 1000n, 11);
    net.add({ keys: [u.id, TARGET], endpoint: ep(11), cache: [] });
    const r = resolution({ initialHops: [u] });
    const run = drive(r, networkResponder(net, TARGET));
    expect(run.lines).toEqual([
      'lookup 10.0.0.11:3540 path=1',
      'inquire 10.0.0.11:3540',
      'result 10.0.0.11:3540',
      'done 1 ok',
    ]);
  });

  // Reference §7.2 step 5 ([MS-PNRP] §3.1.5.6.1): the returned entry is pushed "if closer than
  // the hop that returned it, or if own cache < 8 entries" - the same condition under which the
  // resolver sets the LOOKUP A flag (`acceptAny`, DrtNode: `core.cache.size < 8`) so responders
  // may return entries that are not closer. onLookupReply pushes only
  // `closer || this.amongNearest(next)`, ignoring `this.acceptAny`, so a node with a tiny cache
  // whose only contact is near the target (but does not know it) can never get past it.
  // Fix: keep the caller's `init.acceptAny` apart (say `smallCache`; `acceptAny` is also forced on
  // for nearest-N, where `amongNearest` must stay the rule) and push on
  // `closer || this.smallCache || this.amongNearest(next)`; the use count still bounds the walk.
  it('resolve: with the A flag set follows an entry that is not closer than the hop', () => {
    const net = new FakeNetwork();
    const a = entry(T + 10n, 11);
    const b = entry(T + 50n, 12);
    const t = entry(T, 20);
    net.add({ keys: [a.id], endpoint: ep(11), cache: [b] });
    net.add({ keys: [b.id], endpoint: ep(12), cache: [t] });
    net.add({ keys: [t.id], endpoint: ep(20), cache: [] });
    const r = resolution({ initialHops: [a], acceptAny: true });
    const run = drive(r, networkResponder(net, TARGET));
    expect(run.done).toEqual({ type: 'done', results: 1, failure: undefined });
    expect(run.lines.slice(0, 2)).toEqual([
      'lookup 10.0.0.11:3540 path=1',
      'lookup 10.0.0.12:3540 path=2',
    ]);
  });

  // [MS-PNRP] §3.1.5.6.1 step 4: with N set the resolver clears CurrentNextHop and evicts it,
  // and "in either case, continue processing": step 7 still takes the Route Entry of the reply
  // as NewNextHop. DrtNode's responder does send one with N (answerLookup computes its matches
  // whatever `validateLocal` is). onLookupReply sets `usable = false` for N and drops
  // `reply.routeEntry` (`const next = usable ? reply.routeEntry : undefined`), so a node that
  // re-keyed but still knows the target sends the search back down the stack.
  // Fix: `const next = reply.flags.busy ? undefined : reply.routeEntry`, and never re-push the
  // N hop (it is already forgotten, so `useOf(hop)` is at the limit).
  it('resolve: follows the route entry carried by an N-flagged reply', () => {
    const a = entry(T + 1000n, 11);
    const t = entry(T, 20);
    const r = resolution({ initialHops: [a] });
    expect(r.poll(0)).toMatchObject({ type: 'lookup', endpoint: ep(11) });
    r.onLookupReply(10, { flags: { ...NO_FLAGS, notRegistered: true }, routeEntry: t });
    expect(r.poll(10)).toEqual({ type: 'stale', entry: a });
    expect(r.poll(10)).toEqual({
      type: 'inquire',
      candidate: t,
      endpoint: ep(20),
      retransmit: false,
    });
  });

  // A hop that never answers is forgotten (use count at the limit) but its endpoint is not put
  // in the flagged path (pollOutstanding records UNREACHABLE and returns `stale` only). The
  // node that referred us to it is asked again with the same flagged path, returns the same
  // dead entry (the closest one not flagged), which is skipped - and so on until that node's
  // three uses are spent. Everything else it knows stays hidden: one dead cache entry is enough
  // to end the search. The same happens with an INQUIRE candidate that timed out or failed.
  // Under churn ("20% of nodes vanish without notice", DESIGN §7) this is the common case.
  // Fix: on a LOOKUP/INQUIRE timeout, `this.flag(out.endpoint)` as well (it was asked; the
  // flagged path is "endpoints already asked"), so responders stop returning it.
  it('resolve: routes around a dead entry that the previous hop keeps returning', () => {
    const net = new FakeNetwork();
    const a = entry(T + 1000n, 11);
    const dead = entry(T + 10n, 12);
    const c = entry(T + 20n, 13);
    const t = entry(T, 20);
    net.add({ keys: [a.id], endpoint: ep(11), cache: [dead, c] });
    net.add({ keys: [dead.id], endpoint: ep(12), cache: [t], alive: false });
    net.add({ keys: [c.id], endpoint: ep(13), cache: [t] });
    net.add({ keys: [t.id], endpoint: ep(20), cache: [] });
    const r = resolution({ initialHops: [a] });
    const run = drive(r, networkResponder(net, TARGET));
    expect(run.done).toEqual({ type: 'done', results: 1, failure: undefined });
  });
});
