/**
 * Issue 10 item 4 at one DrtNode, driven by hand: route entries from unproven sources cost
 * INQUIREs at a bounded rate and hold at most one share of the pending-add table, so a proven
 * peer's entry is still checked during a flood; and the request registry (outstanding.ts) that
 * decides what is proven and which AUTHORITY fragments get a reassembly slot.
 */
import { describe, expect, it } from 'vitest';
import { staticBootstrap } from '../../../src/drt/bootstrap-provider.js';
import { DrtNode } from '../../../src/drt/node.js';
import type { DrtNodeOptions } from '../../../src/drt/options.js';
import { OutstandingRequests } from '../../../src/drt/outstanding.js';
import {
  type Endpoint,
  endpointKey,
  ipv4Mapped,
  parseEndpoint,
} from '../../../src/keys/endpoint.js';
import { type Rng, seededRng } from '../../../src/util/rng.js';
import { decodeMessage, encodeMessage } from '../../../src/wire/index.js';
import type { Message } from '../../../src/wire/types.js';

const VERSION = { major: 6, minor: 101 };
const SELF = parseEndpoint('[2001:db8::a]:3540');
const VICTIM = parseEndpoint('198.51.100.7:4000');

function node(options: Partial<DrtNodeOptions> = {}): DrtNode {
  return new DrtNode({
    rng: seededRng(1),
    localEndpoints: [SELF],
    bootstrap: staticBootstrap([]),
    ...options,
  });
}

/** Drains outputs; returns the decoded messages sent, with their destination. */
function sent(n: DrtNode): { to: Endpoint; msg: Message }[] {
  const out: { to: Endpoint; msg: Message }[] = [];
  for (let o = n.poll(); o.type !== 'timeout'; o = n.poll()) {
    if (o.type !== 'transmit') continue;
    const d = decodeMessage(o.payload);
    if (d.ok && d.value.type !== 'authority-fragment') out.push({ to: o.to, msg: d.value });
  }
  return out;
}

function spoofed(rng: Rng): Endpoint {
  const b = rng.bytes(4);
  return { address: ipv4Mapped(b[0]!, b[1]!, b[2]!, b[3]!), port: 1025 + (rng.nextU32() % 60000) };
}

function solicitNaming(rng: Rng, at: Endpoint): Uint8Array {
  return encodeMessage({
    type: 'solicit',
    messageId: rng.nextU32(),
    version: VERSION,
    routeEntry: { id: rng.bytes(32), port: at.port, addresses: [at.address] },
    hashedNonce: rng.bytes(20),
  });
}

/** Feeds `perSecond` spoofed SOLICITs naming `at` for `seconds`, ticking timers each 10 ms. */
function flood(n: DrtNode, rng: Rng, at: Endpoint, perSecond: number, seconds: number) {
  const inquires: Endpoint[] = [];
  const stepMs = 1000 / perSecond;
  let nextTimer = 0;
  for (let t = 0; t < seconds * 1000; t += stepMs) {
    if (t >= nextTimer) {
      n.handleTimeout(t);
      nextTimer += 10;
    }
    n.handleDatagram(t, spoofed(rng), solicitNaming(rng, at));
    for (const s of sent(n)) if (s.msg.type === 'inquire') inquires.push(s.to);
  }
  return inquires;
}

describe('probe gate: unsolicited route entries', () => {
  it('spoofed SOLICITs naming a third party cost at most 2 INQUIREs per token', () => {
    const rng = seededRng('probe-rate');
    const n = node({ probeRatePerSecond: 2, probeBurst: 2 });
    const inquires = flood(n, rng, VICTIM, 200, 10);
    const atVictim = inquires.filter((ep) => endpointKey(ep) === endpointKey(VICTIM)).length;
    // 2 tokens at once plus 2 per second for 10 s; each check is an INQUIRE and one retransmit.
    expect(atVictim).toBeLessThanOrEqual(2 * (2 + 2 * 10));
    expect(atVictim).toBeGreaterThan(0);
    expect(n.stats.boundHits['probe-rate']).toBeGreaterThan(1900);
  });

  it('spoofers hold one share of the pending-add table: a proven peer still gets its entry checked', () => {
    const rng = seededRng('probe-share');
    const n = node({ probeRatePerSecond: 1000, probeBurst: 1000 });
    const peer = parseEndpoint('[2001:db8::b]:3540');
    const peerKey = rng.bytes(32);
    n.seedCache(0, [{ id: peerKey, port: peer.port, addresses: [peer.address] }]);
    flood(n, rng, VICTIM, 500, 1);
    // Unproven sources hold at most pendingAddsPerSourceMax (16) checks, whatever they forge.
    expect(n.stats.boundHits['pending-adds-source']).toBeGreaterThan(400);
    expect(n.stats.boundHits['pending-adds'] ?? 0).toBe(0);
    // The proven peer (a trusted cache entry) sends a LOOKUP carrying a newcomer's entry.
    const newcomer = parseEndpoint('[2001:db8::c]:3540');
    const newcomerKey = rng.bytes(32);
    n.handleDatagram(
      1000,
      peer,
      encodeMessage({
        type: 'lookup',
        messageId: rng.nextU32(),
        version: VERSION,
        controls: {
          acceptAny: false,
          precision: 0,
          resolveCriteria: 'none',
          reasonCode: 'registration',
        },
        target: newcomerKey,
        validateId: newcomerKey,
        bestMatch: { id: newcomerKey, port: newcomer.port, addresses: [newcomer.address] },
        flaggedPath: [peer],
      }),
    );
    const toNewcomer = sent(n).filter(
      (s) => s.msg.type === 'inquire' && endpointKey(s.to) === endpointKey(newcomer),
    );
    expect(toNewcomer).toHaveLength(1);
  });
});

describe('probe gate options', () => {
  it('are validated once, like every count option', () => {
    expect(() => node({ probeBurst: 0 })).toThrow(RangeError);
    expect(() => node({ probeRatePerSecond: 1.5 })).toThrow(RangeError);
    expect(() => node({ pendingAddsPerSourceMax: 0 })).toThrow(RangeError);
    expect(() => node({ conversationsMax: 100_001 })).toThrow(RangeError);
  });
});

describe('OutstandingRequests', () => {
  const A = parseEndpoint('[2001:db8::1]:3540');
  const B = parseEndpoint('[2001:db8::2]:3540');
  const inquire = (messageId: number): Message => ({
    type: 'inquire',
    messageId,
    version: VERSION,
    flags: { wantCpa: false, wantCertChain: false, wantExtendedPayload: false },
    validateId: new Uint8Array(32),
  });

  it('matches an answer only from the endpoint asked, of a fitting type, within the window', () => {
    const r = new OutstandingRequests({ requestsMax: 8, answerWindowMs: 4000, provenMax: 8 });
    expect(r.sent(0, A, inquire(7))).toBe(false);
    expect(r.answers(10, A, 'authority-fragment', 7)).toBe(true);
    expect(r.answers(10, A, 'authority', 7)).toBe(true);
    expect(r.answers(10, B, 'authority-fragment', 7)).toBe(false); // another source
    expect(r.answers(10, A, 'authority-fragment', 8)).toBe(false); // another ID
    expect(r.answers(10, A, 'advertise', 7)).toBe(false); // not an answer to an INQUIRE
    expect(r.answers(4000, A, 'authority', 7)).toBe(false); // window over
    // A retransmit (same ID) opens a fresh window.
    r.sent(3000, A, inquire(7));
    expect(r.answers(6999, A, 'authority', 7)).toBe(true);
  });

  it('is bounded: the oldest request goes first and the caller is told', () => {
    const r = new OutstandingRequests({ requestsMax: 2, answerWindowMs: 4000, provenMax: 2 });
    r.sent(0, A, inquire(1));
    r.sent(0, A, inquire(2));
    expect(r.sent(0, A, inquire(3))).toBe(true);
    expect(r.size).toBe(2);
    expect(r.answers(1, A, 'authority', 1)).toBe(false);
    expect(r.answers(1, A, 'authority', 3)).toBe(true);
    r.prove(A);
    r.prove(B);
    r.prove(parseEndpoint('[2001:db8::3]:3540'));
    expect([r.isProven(A), r.isProven(B), r.provenCount]).toEqual([false, true, 2]);
  });

  it('non-requests are not recorded', () => {
    const r = new OutstandingRequests({ requestsMax: 2, answerWindowMs: 4000, provenMax: 2 });
    r.sent(0, A, {
      type: 'ack',
      messageId: 5,
      version: VERSION,
      ackedMessageId: 1,
      notRegistered: false,
    });
    expect(r.size).toBe(0);
  });
});
