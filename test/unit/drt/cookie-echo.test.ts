/**
 * Cookies carried ahead of the need (issue 13, drt/address-proof.ts): a LOOKUP to an unproven
 * endpoint carries our cookie as its message ID, so that endpoint's check of the entry we offered
 * it (an INQUIRE asking for the proof) echoes it and is answered in full at once; a check of an
 * entry offered by a datagram from the entry's own endpoint echoes that datagram's message ID;
 * maintenance probes go to silent leaf-set members before random entries.
 */
import { describe, expect, it } from 'vitest';
import { DrtNode } from '../../../src/drt/node.js';
import { type Endpoint, endpointsEqual, parseEndpoint } from '../../../src/keys/endpoint.js';
import { keyFromBigInt } from '../../../src/keys/key256.js';
import { seededRng } from '../../../src/util/rng.js';
import { encodeMessage } from '../../../src/wire/index.js';
import type { InquireMessage, Message, RouteEntry } from '../../../src/wire/types.js';
import { A, B, C, drain, KEY, owner, type Sent, VERSION } from './proof-fixtures.js';

function inquireFor(messageId: number): InquireMessage {
  return {
    type: 'inquire',
    messageId,
    version: VERSION,
    flags: { wantCpa: true, wantExtendedPayload: false, wantCertChain: false },
    validateId: KEY,
    nonce: new Uint8Array(16).fill(9),
  };
}

describe('cookies carried in requests', () => {
  it("a LOOKUP to an unproven endpoint carries our cookie: that endpoint's check echoes it and gets the proof at once", () => {
    const n = owner();
    n.search(10, keyFromBigInt(5001n));
    const lookup = drain(n).find((s) => s.message?.type === 'lookup')!;
    expect(endpointsEqual(lookup.to, C)).toBe(true);
    // C has not answered yet: an INQUIRE for the proof under any other ID is challenged.
    n.handleDatagram(11, C, encodeMessage(inquireFor((lookup.message!.messageId + 1) >>> 0)));
    expect(drain(n).map((s) => s.bytes)).toEqual([36]);
    expect(n.stats.addressChallenges).toBe(1);
    // Under the LOOKUP's message ID it is an echo of our cookie: the full answer, no challenge.
    n.handleDatagram(12, C, encodeMessage(inquireFor(lookup.message!.messageId)));
    expect(drain(n).length).toBe(4);
    expect(n.stats.addressesProven).toBe(1);
    expect(n.stats.addressChallenges).toBe(1);
  });

  it('a LOOKUP to a proven endpoint keeps a random ID (no cookie is needed there)', () => {
    const n = owner();
    // C proves itself by echoing the cookie of a challenge.
    n.handleDatagram(1, C, encodeMessage(inquireFor(78)));
    const cookie = drain(n)[0]!.message!.messageId;
    n.handleDatagram(2, C, encodeMessage(inquireFor(cookie)));
    drain(n);
    n.search(10, keyFromBigInt(5001n));
    const lookup = drain(n).find((s) => s.message?.type === 'lookup')!;
    expect(lookup.message!.messageId).not.toBe(cookie);
  });

  it("the check of a flooder's own entry echoes the FLOOD's message ID; a third party's entry gets a fresh one", () => {
    const n = owner();
    const own: RouteEntry = { id: keyFromBigInt(1010n), port: B.port, addresses: [B.address] };
    const flood = (messageId: number, routeEntry: RouteEntry): Message => ({
      type: 'flood',
      messageId,
      version: VERSION,
      dontAck: false,
      validateId: KEY,
      routeEntry,
      alreadyFlooded: [],
    });
    n.handleDatagram(1, B, encodeMessage(flood(4242, own)));
    const check = drain(n).find((s) => s.message?.type === 'inquire')!;
    expect(endpointsEqual(check.to, B)).toBe(true);
    // In our leaf set: the check asks for the proof, under the flooder's own message ID.
    expect(check.message?.type === 'inquire' && check.message.flags.wantCpa).toBe(true);
    expect(check.message!.messageId).toBe(4242);
    // An entry at another endpoint (C's) is checked there, under an ID of our own.
    const third: RouteEntry = { id: keyFromBigInt(990n), port: C.port, addresses: [C.address] };
    n.handleDatagram(2, B, encodeMessage(flood(4343, third)));
    const other = drain(n).find((s) => s.message?.type === 'inquire')!;
    expect(endpointsEqual(other.to, C)).toBe(true);
    expect(other.message!.messageId).not.toBe(4343);
  });
});

describe('maintenance probes', () => {
  it('go to silent leaf-set members before random entries', () => {
    const endpointOf = (i: number) => parseEndpoint(`[2001:db8::1:${i.toString(16)}]:3540`);
    // 60 entries over the ring; KEY's leaf set holds the 5 nearest on each side.
    const entries: RouteEntry[] = Array.from({ length: 60 }, (_, i) => {
      const ep = endpointOf(i);
      return {
        id: keyFromBigInt(BigInt(i < 30 ? 970 + i : 2n ** 200n * BigInt(i))),
        ...toRoute(ep),
      };
    });
    const n = new DrtNode({ rng: seededRng(3), localEndpoints: [A], maintenanceInquiries: 3 });
    n.registerKey(0, KEY);
    n.seedCache(0, entries);
    drain(n);
    const { below, above } = n.cache.leafSet(KEY);
    const leaf = new Set([...below, ...above].map((e) => e.addresses[0]![15]!));
    expect(leaf.size).toBe(10);
    // The first tick: its 3 probes all go to leaf-set members.
    let probes: Sent[] = [];
    for (let t = 1_000; t <= 60_000 && probes.length === 0; t += 1_000) {
      n.handleTimeout(t);
      probes = drain(n).filter((s) => s.message?.type === 'inquire' && !s.message.flags.wantCpa);
    }
    expect(probes.length).toBe(3);
    for (const p of probes) expect(leaf.has(p.to.address[15]!)).toBe(true);
  });
});

function toRoute(ep: Endpoint): { port: number; addresses: Uint8Array[] } {
  return { port: ep.port, addresses: [ep.address] };
}
