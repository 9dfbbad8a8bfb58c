/**
 * Address proofs (issue 10 item 3, drt/address-proof.ts): an unproven source gets small answers
 * carrying a cookie in the message ID; echoing the cookie, or answering a message the node sent
 * to that endpoint, proves the address and unlocks the full answer; two real nodes resolve each
 * other through the extra round trip; a joiner echoes the SOLICIT challenge.
 */
import { describe, expect, it } from 'vitest';
import { AddressProofs } from '../../../src/drt/address-proof.js';
import { staticBootstrap } from '../../../src/drt/bootstrap-provider.js';
import type { NodeEvent } from '../../../src/drt/events.js';
import { DrtNode } from '../../../src/drt/node.js';
import { nobleCrypto } from '../../../src/keys/crypto-backend.js';
import { type Endpoint, endpointsEqual, parseEndpoint } from '../../../src/keys/endpoint.js';
import { keyFromBigInt } from '../../../src/keys/key256.js';
import { seededRng } from '../../../src/util/rng.js';
import { encodeMessage } from '../../../src/wire/index.js';
import type { InquireMessage, LookupMessage, Message } from '../../../src/wire/types.js';
import { A, APP_DATA, B, C, drain, KEY, owner, VERSION } from './proof-fixtures.js';

const inquire: InquireMessage = {
  type: 'inquire',
  messageId: 78,
  version: VERSION,
  flags: { wantCpa: true, wantExtendedPayload: false, wantCertChain: false },
  validateId: KEY,
  nonce: new Uint8Array(16).fill(9),
};

describe('address proofs: cookies and return routability', () => {
  it('an unproven INQUIRE gets a 36-byte B-flag AUTHORITY with the cookie; its echo gets the proof', () => {
    const n = owner();
    const bytesIn = encodeMessage(inquire).length;
    n.handleDatagram(1, B, encodeMessage(inquire));
    const [challenge, ...rest] = drain(n);
    expect(rest).toEqual([]);
    expect(challenge!.bytes).toBe(36);
    expect(challenge!.bytes).toBeLessThanOrEqual(bytesIn);
    const m = challenge!.message;
    expect(m?.type === 'authority' && m.buffer.flags.busy).toBe(true);
    expect(m?.type === 'authority' && m.buffer.validateCpa).toBeUndefined();
    expect(n.stats.addressChallenges).toBe(1);
    // A wrong cookie proves nothing.
    n.handleDatagram(2, B, encodeMessage({ ...inquire, messageId: (m!.messageId + 1) >>> 0 }));
    expect(drain(n).map((s) => s.bytes)).toEqual([36]);
    // The echo: the full answer, 4 KB of app data in four fragments.
    n.handleDatagram(3, B, encodeMessage({ ...inquire, messageId: m!.messageId }));
    const full = drain(n);
    expect(full.length).toBe(4);
    expect(full.reduce((a, s) => a + s.bytes, 0)).toBeGreaterThan(APP_DATA.length);
    expect(n.stats.addressesProven).toBe(1);
    // Proven now: the next INQUIRE is answered in full at once.
    n.handleDatagram(4, B, encodeMessage({ ...inquire, messageId: 5 }));
    expect(drain(n).length).toBe(4);
  });

  it('a cookie proves only the endpoint it was made for, and only for two epochs', () => {
    const n = owner({ cookieEpochMs: 1000 });
    n.handleDatagram(1, B, encodeMessage(inquire));
    const cookie = drain(n)[0]!.message!.messageId;
    // C echoing B's cookie is still challenged.
    n.handleDatagram(2, C, encodeMessage({ ...inquire, messageId: cookie }));
    expect(drain(n).map((s) => s.bytes)).toEqual([36]);
    // Two epochs later B's old cookie is stale.
    n.handleDatagram(2_500, B, encodeMessage({ ...inquire, messageId: cookie }));
    const late = drain(n);
    expect(late.map((s) => s.bytes)).toEqual([36]);
    // Within the next epoch the cookie still counts.
    n.handleDatagram(
      2_600,
      B,
      encodeMessage({ ...inquire, messageId: late[0]!.message!.messageId }),
    );
    expect(drain(n).length).toBe(4);
    expect(n.stats.addressesProven).toBe(1);
  });

  it('an endpoint that answered our own request is proven (return routability)', () => {
    const n = owner();
    // Our search asks C (the one cached entry); C answers the LOOKUP from C.
    n.search(10, keyFromBigInt(5001n));
    const lookup = drain(n).find((s) => s.message?.type === 'lookup')!;
    expect(endpointsEqual(lookup.to, C)).toBe(true);
    n.handleDatagram(
      20,
      C,
      encodeMessage({
        type: 'authority',
        messageId: 999,
        version: VERSION,
        ackedMessageId: lookup.message!.messageId,
        buffer: { flags: { suspicious: false, busy: false, notRegistered: false } },
      }),
    );
    drain(n);
    n.handleDatagram(30, C, encodeMessage(inquire));
    expect(drain(n).length).toBe(4);
    expect(n.stats.addressChallenges).toBe(0);
  });

  it('a LOOKUP answer to an unproven source drops route-entry addresses until it fits', () => {
    const many = Array.from({ length: 20 }, (_, i) => {
      const a = new Uint8Array(16);
      a[0] = 0x20;
      a[15] = i + 1;
      return a;
    });
    const n = new DrtNode({ rng: seededRng(5), localEndpoints: [A] });
    n.seedCache(0, [{ id: keyFromBigInt(5000n), port: 4000, addresses: many }]);
    drain(n);
    const lookup: LookupMessage = {
      type: 'lookup',
      messageId: 1,
      version: VERSION,
      controls: {
        acceptAny: true,
        precision: 0,
        resolveCriteria: 'none',
        reasonCode: 'app-request',
      },
      target: keyFromBigInt(5000n),
      validateId: keyFromBigInt(1n),
      flaggedPath: [B],
    };
    const bytesIn = encodeMessage(lookup).length;
    n.handleDatagram(1, B, encodeMessage(lookup));
    const [answer] = drain(n);
    expect(answer!.bytes).toBeLessThanOrEqual(bytesIn);
    const m = answer!.message;
    expect(m?.type === 'authority' && m.buffer.routeEntry?.addresses.length).toBe(2);
    // A proven source (C answered us) gets all 20 addresses.
    n.handleDatagram(
      2,
      B,
      encodeMessage({
        type: 'inquire',
        messageId: m!.messageId,
        version: VERSION,
        flags: { wantCpa: false, wantExtendedPayload: false, wantCertChain: false },
        validateId: KEY,
      }),
    );
    drain(n);
    n.handleDatagram(3, B, encodeMessage(lookup));
    const [full] = drain(n);
    expect(
      full!.message?.type === 'authority' && full!.message.buffer.routeEntry?.addresses.length,
    ).toBe(20);
  });

  it('a SOLICIT from an unproven source gets a 20-byte ACK with the cookie and opens no conversation', () => {
    const n = owner();
    const nonce = new Uint8Array(16).fill(4);
    const solicit: Message = {
      type: 'solicit',
      messageId: 80,
      version: VERSION,
      hashedNonce: nobleCrypto.sha1(nonce),
    };
    n.handleDatagram(1, B, encodeMessage(solicit));
    const [ack] = drain(n);
    expect(ack!.bytes).toBe(20);
    expect(ack!.message?.type === 'ack' && ack!.message.ackedMessageId).toBe(80);
    const request: Message = {
      type: 'request',
      messageId: 81,
      version: VERSION,
      nonce,
      ids: [KEY],
    };
    n.handleDatagram(2, B, encodeMessage(request));
    expect(drain(n)).toEqual([]);
    expect(n.stats.dropped['bad-request-nonce']).toBe(1);
    n.handleDatagram(3, B, encodeMessage({ ...solicit, messageId: ack!.message!.messageId }));
    const [advertise] = drain(n);
    expect(advertise!.message?.type).toBe('advertise');
    n.handleDatagram(4, B, encodeMessage({ ...request, messageId: advertise!.message!.messageId }));
    const answer = drain(n).map((s) => s.message?.type);
    expect(answer).toEqual(['ack', 'flood']);
  });
});

/** Delivers every transmit between the nodes at once, firing timers, until `untilMs`. */
function pump(
  nodes: readonly DrtNode[],
  eps: readonly Endpoint[],
  fromMs: number,
  untilMs: number,
): NodeEvent[] {
  const events: NodeEvent[] = [];
  let now = fromMs;
  for (let round = 0; round < 10_000; round++) {
    let moved = false;
    let next = Number.POSITIVE_INFINITY;
    for (const [i, n] of nodes.entries()) {
      for (let o = n.poll(); ; o = n.poll()) {
        if (o.type === 'timeout') {
          next = Math.min(next, o.atMs);
          break;
        }
        if (o.type === 'event') events.push(o.event);
        else {
          moved = true;
          const j = eps.findIndex((ep) => endpointsEqual(ep, o.to));
          if (j >= 0) nodes[j]!.handleDatagram(now, eps[i]!, o.payload);
        }
      }
    }
    if (moved) continue;
    if (next > untilMs) break;
    now = Math.max(now, next);
    for (const n of nodes) n.handleTimeout(now);
  }
  return events;
}

describe('address proofs end to end', () => {
  it("a joiner echoes the SOLICIT challenge, then gets the publisher's entries", () => {
    const a = new DrtNode({ rng: seededRng(11), localEndpoints: [A] });
    a.registerKey(0, KEY, APP_DATA);
    const b = new DrtNode({
      rng: seededRng(12),
      localEndpoints: [B],
      bootstrap: staticBootstrap([A]),
    });
    b.start(0);
    pump([a, b], [A, B], 0, 1_000);
    expect(b.status).toBe('active');
    expect(b.cache.has(KEY)).toBe(true);
    expect(a.stats.addressChallenges).toBe(1);
    expect(a.stats.addressesProven).toBe(1);
    expect(a.stats.received).toMatchObject({ solicit: 2, request: 1 });
  });

  it('a resolver echoes the INQUIRE challenge and gets the 4 KB record; a throttled owner refuses', () => {
    const a = new DrtNode({
      rng: seededRng(11),
      localEndpoints: [A],
      sourceSignatureBurst: 2,
      sourceSignaturesPerSecond: 1,
    });
    a.registerKey(0, KEY, APP_DATA);
    a.seedCache(0, [{ id: keyFromBigInt(5000n), port: B.port, addresses: [B.address] }]);
    const b = new DrtNode({ rng: seededRng(12), localEndpoints: [B] });
    b.seedCache(0, [{ id: KEY, port: A.port, addresses: [A.address] }]);
    const resolve = (at: number) => {
      b.search(at, KEY);
      return pump([a, b], [A, B], at, at + 100);
    };
    const first = resolve(10);
    const done = first.find((e) => e.type === 'search-done');
    expect(done?.type === 'search-done' && done.results).toBe(1);
    const result = first.find((e) => e.type === 'search-result');
    expect(result?.type === 'search-result' && result.result.appData.length).toBe(APP_DATA.length);
    expect(a.stats.addressChallenges).toBe(1);
    expect(b.stats.sent.inquire).toBe(2); // the INQUIRE and its echo
    // Proven now: the second resolve costs one INQUIRE; the third is throttled (burst 2).
    const second = resolve(20);
    expect(second.some((e) => e.type === 'search-done' && e.results === 1)).toBe(true);
    expect(b.stats.sent.inquire).toBe(3);
    const third = resolve(30);
    const refused = third.find((e) => e.type === 'search-done');
    expect(refused?.type === 'search-done' && refused.results).toBe(0);
    expect(b.stats.dropped['proof-busy']).toBe(1);
    expect(b.stats.sent.inquire).toBe(4); // a refusal is not echoed
    expect(a.stats.boundHits['signing-source']).toBe(1);
    // A second later the bucket holds one token again.
    const fourth = resolve(1_100);
    expect(fourth.some((e) => e.type === 'search-done' && e.results === 1)).toBe(true);
  });
});

describe('AddressProofs cookies in the first epoch', () => {
  it('a message ID of 0 from an unproven source proves nothing at time 0 (the empty cookie slot)', () => {
    const limits = {
      provenSourcesMax: 64,
      provenTtlMs: 60_000,
      unprovenSourcesMax: 64,
      cookieEpochMs: 30_000,
    };
    const proofs = new AddressProofs(new Uint8Array(32).fill(3), nobleCrypto.sha256, limits, {});
    const from = parseEndpoint('198.51.100.9:3540');
    proofs.received(0, from, 100);
    // Epoch 0 also accepts the previous epoch's cookie (-1): it must be computed, not a blank slot.
    expect(proofs.echoed(0, from, 0)).toBe(false);
    expect(proofs.isProven(0, from)).toBe(false);
    expect(proofs.echoed(0, from, proofs.cookie(0, from))).toBe(true);
    expect(proofs.isProven(0, from)).toBe(true);
  });
});

describe('AddressProofs drops dead records', () => {
  const limits = {
    provenSourcesMax: 2,
    provenTtlMs: 60_000,
    unprovenSourcesMax: 64,
    cookieEpochMs: 30_000,
  };
  const sources = [1, 2, 3].map((i) => parseEndpoint(`198.51.100.${i}:3540`));

  it('forgets expired credits and echo reservations when a later datagram arrives', () => {
    const proofs = new AddressProofs(new Uint8Array(32).fill(3), nobleCrypto.sha256, limits, {});
    proofs.received(0, sources[0]!, 100);
    proofs.received(5_000, sources[1]!, 100);
    expect(proofs.claimEcho(5_000, 77, 7_000)).toBe(true);
    expect([proofs.creditCount, proofs.echoCount]).toEqual([2, 1]);
    // Credits live 10 s after their last datagram; the reservation until 7 s.
    proofs.received(9_999, sources[2]!, 100);
    expect([proofs.creditCount, proofs.echoCount]).toEqual([3, 0]);
    proofs.received(10_000, sources[2]!, 100);
    expect(proofs.creditCount).toBe(2);
    expect(proofs.credit(10_000, sources[0]!)).toBe(Number.POSITIVE_INFINITY);
    expect(proofs.credit(10_000, sources[1]!)).toBe(100);
    proofs.received(20_000, sources[2]!, 1);
    expect(proofs.creditCount).toBe(1);
    expect(proofs.credit(20_000, sources[2]!)).toBe(1);
  });

  it('refreshes a proven endpoint in place and evicts the least recently proven', () => {
    const hits: Record<string, number> = {};
    const proofs = new AddressProofs(new Uint8Array(32).fill(3), nobleCrypto.sha256, limits, hits);
    proofs.prove(0, sources[0]!);
    proofs.prove(1, sources[1]!);
    proofs.prove(2, sources[0]!);
    expect([proofs.provenCount, hits['proven-sources']]).toEqual([2, undefined]);
    proofs.prove(3, sources[2]!);
    expect(hits['proven-sources']).toBe(1);
    expect(proofs.isProven(3, sources[1]!)).toBe(false);
    expect(proofs.lastProvenMs(sources[0]!)).toBe(2);
    expect(proofs.isProven(60_002, sources[0]!)).toBe(false);
    expect(proofs.provenCount).toBe(1);
  });
});
