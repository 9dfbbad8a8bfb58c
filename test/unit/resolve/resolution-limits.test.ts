/**
 * The stop rules of [MS-PNRP] §3.1.4.4.2 / §3.1.5.6.1 as the resolver applies them: more than 22
 * useful hops, more than 6 suspicious (L) replies, a route entry asked at most 3 times, and a
 * flagged path of at most 22 endpoints that starts with the resolver's own endpoints. Each rule is
 * shown on a network where it is the only reason to stop, with a control run one step past it.
 */
import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../../../src/keys/endpoint.js';
import { ADDRESS_FLAGS } from '../../../src/resolve/path.js';
import type { Resolution, ResolutionLimits } from '../../../src/resolve/resolution.js';
import {
  type DriveResult,
  drive,
  entry,
  ep,
  FakeNetwork,
  networkResponder,
  resolution,
  SELF,
  T,
  TARGET,
} from './fake-network.js';

/**
 * A chain of `length` nodes on hosts 11.., node i at distance 1000 - i from the target, each
 * knowing only node i + 1 (closer), so the search walks the chain hop by hop.
 */
function chain(
  length: number,
  suspicious = false,
): { net: FakeNetwork; first: ReturnType<typeof entry> } {
  const net = new FakeNetwork();
  const entries = Array.from({ length }, (_, i) => entry(T + 1000n - BigInt(i), 11 + i));
  entries.forEach((e, i) => {
    const next = entries[i + 1];
    net.add({ keys: [e.id], endpoint: ep(11 + i), cache: next ? [next] : [], suspicious });
  });
  return { net, first: entries[0]! };
}

function runChain(
  length: number,
  options: { suspicious?: boolean; limits?: Partial<ResolutionLimits>; self?: Endpoint[] } = {},
): { run: DriveResult; r: Resolution; net: FakeNetwork } {
  const { net, first } = chain(length, options.suspicious ?? false);
  const r = resolution({
    initialHops: [first],
    ...(options.self ? { selfEndpoints: options.self } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
  });
  return { run: drive(r, networkResponder(net, TARGET)), r, net };
}

const lookupHosts = (run: DriveResult): number[] =>
  run.log.flatMap((l) => (l.action.type === 'lookup' ? [l.action.endpoint.address[15]!] : []));

describe('resolve: stop rules', () => {
  it('resolve: stops after the 23rd useful hop (more than 22), with hops left on the stack', () => {
    // 13 hops down the chain, then backtracking re-asks 12, 11, ... which dead-end (their next
    // node is flagged). The flagged path stays at 14 endpoints, so only the hop rule can stop it.
    const { run, r } = runChain(13);
    const hosts = lookupHosts(run);
    expect(hosts).toHaveLength(23);
    expect(hosts.slice(0, 13)).toEqual(Array.from({ length: 13 }, (_, i) => 11 + i));
    expect(hosts.slice(13)).toEqual([22, 21, 20, 19, 18, 17, 16, 15, 14, 13]);
    expect(r.stats.usefulHops).toBe(23);
    expect(run.done).toEqual({ type: 'done', results: 0, failure: 'not-found' });
    const lastPath = run.log.at(-2)!.action;
    expect(lastPath.type === 'lookup' && lastPath.flaggedPath.length).toBe(14);
    // Control: with one more hop allowed the next hop on the stack (host 12) is asked.
    const control = runChain(13, { limits: { usefulHopsMax: 23 } });
    expect(lookupHosts(control.run)).toHaveLength(24);
    expect(lookupHosts(control.run).at(-1)).toBe(12);
  });

  it('resolve: stops after the 7th suspicious reply (more than 6)', () => {
    const { run, r } = runChain(12, { suspicious: true });
    expect(lookupHosts(run)).toEqual([11, 12, 13, 14, 15, 16, 17]);
    expect(r.stats.suspicious).toBe(7);
    expect(run.done.failure).toBe('not-found');
    expect(
      r.path.every(
        (h) => h.flags === (ADDRESS_FLAGS.accepted | ADDRESS_FLAGS.suspectUnregisteredId),
      ),
    ).toBe(true);
    const control = runChain(12, { suspicious: true, limits: { suspiciousMax: 7 } });
    expect(lookupHosts(control.run)).toEqual([11, 12, 13, 14, 15, 16, 17, 18]);
    // Without L flags the same chain is walked to its end (12 hops down, then backtracking).
    expect(lookupHosts(runChain(12).run).slice(0, 12)).toEqual(
      Array.from({ length: 12 }, (_, i) => 11 + i),
    );
  });

  it('resolve: asks one route entry at most 3 times, even when it still knows closer entries', () => {
    const net = new FakeNetwork();
    const a = entry(T + 1000n, 11);
    const closer = [10n, 20n, 30n, 40n].map((d, i) => entry(T + d, 12 + i));
    net.add({ keys: [a.id], endpoint: ep(11), cache: closer });
    closer.forEach((e, i) => {
      net.add({ keys: [e.id], endpoint: ep(12 + i), cache: [] });
    });
    const r = resolution({ initialHops: [a] });
    const run = drive(r, networkResponder(net, TARGET));
    // a -> 12, back to a -> 13, back to a (third use, not pushed again) -> 14; host 15 never asked.
    expect(lookupHosts(run)).toEqual([11, 12, 11, 13, 11, 14]);
    expect(run.done.failure).toBe('not-found');
    expect(net.lookupsAnswered.filter((h) => h === '10.0.0.11:3540')).toHaveLength(3);
    // Control: with four uses allowed, host 15 is reached.
    const r4 = resolution({
      initialHops: [a],
      limits: { useCountMax: 4 },
    });
    expect(lookupHosts(drive(r4, networkResponder(net, TARGET)))).toEqual([
      11, 12, 11, 13, 11, 14, 11, 15,
    ]);
  });

  it('resolve: never sends a flagged path longer than 22 and stops walking once it is full', () => {
    const { run, r } = runChain(40);
    const lookups = run.log.flatMap((l) => (l.action.type === 'lookup' ? [l.action] : []));
    expect(lookups[0]!.flaggedPath).toEqual([SELF]);
    expect(lookups.map((l) => l.flaggedPath.length)).toEqual(
      Array.from({ length: 22 }, (_, i) => i + 1),
    );
    // Each flagged path is the previous one plus the hop that answered, in order.
    for (let i = 1; i < lookups.length; i++) {
      expect(lookups[i]!.flaggedPath).toEqual([
        ...lookups[i - 1]!.flaggedPath,
        lookups[i - 1]!.endpoint,
      ]);
    }
    // The last LOOKUP carries exactly 22 endpoints; after its answer the path would exceed 22
    // and the walk ends.
    expect(r.stats.usefulHops).toBe(22);
    expect(run.done.failure).toBe('not-found');
  });

  it('resolve: seeds the flagged path with all its own endpoints, which count toward the 22', () => {
    const self = [ep(1), ep(2), ep(3)];
    const { run } = runChain(40, { self });
    const lookups = run.log.flatMap((l) => (l.action.type === 'lookup' ? [l.action] : []));
    expect(lookups[0]!.flaggedPath).toEqual(self);
    expect(lookups).toHaveLength(20);
    expect(Math.max(...lookups.map((l) => l.flaggedPath.length))).toBe(22);
  });

  it('resolve: honours a smaller flagged-path limit', () => {
    const { run } = runChain(40, { limits: { flaggedPathMax: 5 } });
    const lookups = run.log.flatMap((l) => (l.action.type === 'lookup' ? [l.action] : []));
    expect(lookups.map((l) => l.flaggedPath.length)).toEqual([1, 2, 3, 4, 5]);
  });
});
