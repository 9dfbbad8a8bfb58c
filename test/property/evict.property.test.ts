/**
 * Property (issue 10): no cached entry is ever evicted by a datagram that does not come from that
 * entry's endpoint. A small simulated DRT cloud settles; then an attacker at its own address
 * sends arbitrary sequences of SOLICIT, LOOKUP and FLOOD datagrams whose route entries reuse the
 * IDs of the victim's cached entries at dead addresses, at other genuine nodes' endpoints or at
 * its own (where it answers every INQUIRE, with a proof), plus stray ACKs and AUTHORITYs,
 * interleaved with timer ticks. Every genuine node stays up, so every genuine entry must survive
 * at its own endpoint and the victim must stay `active`.
 * Seed: PNRP_SEED, else a fixed default; fast-check prints it with any counterexample.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { endpointKey } from '../../src/keys/endpoint.js';
import { DrtCloud } from '../../src/sim/drt-cloud.js';
import { toHex } from '../../src/util/bytes.js';
import type { Message, RouteEntry } from '../../src/wire/types.js';
import { ATTACKER, Claimer, carrying, forgedAt, VERSION } from '../scenarios/attack-helpers.js';

const seed = Number(process.env.PNRP_SEED ?? 20261202);

type Action =
  | {
      readonly kind: 'entry';
      readonly path: 'solicit' | 'lookup' | 'flood';
      readonly target: number;
      readonly at: 'dead' | 'genuine' | 'attacker';
      readonly n: number;
    }
  | { readonly kind: 'stray'; readonly type: 'ack' | 'authority'; readonly acked: number }
  | { readonly kind: 'tick'; readonly ms: number };

const arbAction: fc.Arbitrary<Action> = fc.oneof(
  fc.record({
    kind: fc.constant('entry' as const),
    path: fc.constantFrom('solicit' as const, 'lookup' as const, 'flood' as const),
    target: fc.nat(1000),
    at: fc.constantFrom('dead' as const, 'genuine' as const, 'attacker' as const),
    n: fc.nat(1000),
  }),
  fc.record({
    kind: fc.constant('stray' as const),
    type: fc.constantFrom('ack' as const, 'authority' as const),
    acked: fc.nat(0xffff_ffff),
  }),
  fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 1, max: 4000 }) }),
);

function stray(type: 'ack' | 'authority', acked: number, notRegistered: boolean): Message {
  const header = { messageId: 0, version: VERSION, ackedMessageId: acked };
  return type === 'ack'
    ? { type: 'ack', ...header, notRegistered }
    : {
        type: 'authority',
        ...header,
        buffer: { flags: { suspicious: false, busy: false, notRegistered } },
      };
}

describe(`no cached entry is evicted by datagrams from elsewhere (seed ${seed})`, () => {
  it('genuine entries survive any sequence of spoofed entries, strays and ticks', () => {
    fc.assert(
      fc.property(
        fc.array(arbAction, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 1000 }),
        (actions, cloudSeed) => {
          // Evictions of genuine entries, from the victim's trace (counted while attacked: the
          // cloud would soon teach an evicted entry back).
          let victimIndex = -1;
          let armed = false;
          const evicted: string[] = [];
          const cloud = new DrtCloud({
            seed: cloudSeed,
            settleMs: 20_000,
            trace: (index, line) => {
              if (armed && index === victimIndex && /^evict .* removed=true/.test(line))
                evicted.push(line);
            },
          });
          cloud.build(8);
          const victim = cloud.pick();
          victimIndex = victim.handle.index;
          armed = true;
          const node = victim.handle.node;
          const genuine: RouteEntry[] = [...node.cache.entries()];
          const before = new Map(genuine.map((e) => [toHex(e.id), endpointOf(e)]));
          const attacker = cloud.sim.addNode(() => new Claimer(ATTACKER), { endpoint: ATTACKER });
          const send = (m: Message) =>
            cloud.sim.call(attacker, (a) => a.send(victim.handle.endpoint, m));
          for (const a of actions) {
            if (a.kind === 'tick') cloud.sim.runFor(a.ms);
            else if (a.kind === 'stray') send(stray(a.type, a.acked, a.acked % 2 === 0));
            else {
              const id = genuine[a.target % genuine.length]!.id;
              let entry: RouteEntry;
              if (a.at === 'dead') entry = forgedAt(id, a.n % 256);
              else if (a.at === 'attacker')
                entry = { id, port: ATTACKER.port, addresses: [ATTACKER.address] };
              else {
                const other = genuine[a.n % genuine.length]!;
                entry = { id, port: other.port, addresses: other.addresses };
              }
              send(carrying(a.path, entry, victim.key));
            }
          }
          cloud.sim.runFor(20_000); // every check ends; a maintenance round probes
          const after = new Map([...node.cache.entries()].map((e) => [toHex(e.id), endpointOf(e)]));
          expect(evicted).toEqual([]);
          expect([...before].filter(([id, ep]) => after.get(id) !== ep)).toEqual([]);
          expect(node.status).toBe('active');
        },
      ),
      { seed, numRuns: 12 },
    );
  });
});

function endpointOf(e: RouteEntry): string {
  return endpointKey({ address: e.addresses[0]!, port: e.port });
}
