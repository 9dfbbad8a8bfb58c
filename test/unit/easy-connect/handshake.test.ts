/**
 * The Easy Connect handshake between an offer and accepts, driven in virtual time over an
 * in-test link: the right password connects both sides with the same session key and
 * confirmation; a wrong one is refused on both sides; `attemptsMax` failed handshakes (wrong
 * password or no confirm) close the offer, after which even the right password is refused;
 * retransmits survive lost datagrams; hostile datagrams never throw (fast-check, PNRP_SEED).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EasyConnectAccept,
  type EasyConnectAcceptEvent,
  EasyConnectOffer,
  type EasyConnectOfferEvent,
  easyConnectCodeOf,
  easyConnectSecret,
  encodeEasyConnect,
} from '../../../src/easy-connect/index.js';
import { type Endpoint, parseEndpoint } from '../../../src/keys/endpoint.js';
import { createIdentity } from '../../../src/keys/identity.js';
import { seededRng } from '../../../src/util/rng.js';

const seed = Number(process.env.PNRP_SEED ?? 20261203);
const OFFER_AT = parseEndpoint('203.0.113.10:3540');
const CODE = easyConnectCodeOf(createIdentity(new Uint8Array(32).fill(9)).publicKey);
const LOG_N = 10; // cheap scrypt for tests; both sides agree
const RIGHT = easyConnectSecret('correct horse', CODE, { logN: LOG_N });
const WRONG = easyConnectSecret('wrong horse', CODE, { logN: LOG_N });

interface Run {
  offerEvents: EasyConnectOfferEvent[];
  acceptEvents: EasyConnectAcceptEvent[];
  nowMs: number;
}

/**
 * Runs one accept from `from` against `offer` until it ends (or 60 virtual seconds pass).
 * `drop(i)` loses the i-th datagram on the link.
 */
function connect(
  offer: EasyConnectOffer,
  secret: Uint8Array,
  from: Endpoint,
  startMs: number,
  drop: (i: number) => boolean = () => false,
  confirmLost = false,
): Run {
  const accept = new EasyConnectAccept({
    secret,
    code: CODE,
    offerer: OFFER_AT,
    rng: seededRng(`${seed}:${startMs}:${from.port}`),
  });
  const run: Run = { offerEvents: [], acceptEvents: [], nowMs: startMs };
  let n = 0;
  const pump = (): void => {
    for (let moved = true; moved; ) {
      moved = false;
      for (let o = accept.poll(); o.type !== 'timeout'; o = accept.poll()) {
        if (o.type === 'event') run.acceptEvents.push(o.event);
        else if (!drop(n++) && !(confirmLost && accept.state !== 'hello-sent')) {
          offer.handleDatagram(run.nowMs, from, o.payload);
          moved = true;
        }
      }
      for (let o = offer.poll(); o.type !== 'timeout'; o = offer.poll()) {
        if (o.type === 'event') run.offerEvents.push(o.event);
        else if (!drop(n++)) {
          accept.handleDatagram(run.nowMs, OFFER_AT, o.payload);
          moved = true;
        }
      }
    }
  };
  accept.start(run.nowMs);
  pump();
  while (accept.state !== 'done' && run.nowMs < startMs + 60_000) {
    run.nowMs += 100;
    accept.handleTimeout(run.nowMs);
    offer.handleTimeout(run.nowMs);
    pump();
  }
  return run;
}

const newOffer = (attemptsMax = 3): EasyConnectOffer =>
  new EasyConnectOffer({ secret: RIGHT, code: CODE, rng: seededRng(seed), attemptsMax });
const accepter = (port: number): Endpoint => parseEndpoint(`198.51.100.7:${port}`);

describe('easy-connect handshake', () => {
  it('the right password connects both sides with one session key and confirmation', () => {
    const offer = newOffer();
    const run = connect(offer, RIGHT, accepter(40000), 0);
    const a = run.acceptEvents;
    const o = run.offerEvents.filter((e) => e.type === 'connected');
    expect(a).toHaveLength(1);
    expect(a[0]!.type).toBe('connected');
    expect(o).toHaveLength(1);
    if (a[0]!.type !== 'connected' || o[0]!.type !== 'connected') return;
    expect(a[0]!.sessionKey).toEqual(o[0]!.sessionKey);
    expect(a[0]!.confirmation).toBe(o[0]!.confirmation);
    expect(a[0]!.confirmation).toMatch(/^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
    expect(o[0]!.peer).toEqual(accepter(40000));
    expect(offer.state).toBe('connected');
    expect(offer.stats).toMatchObject({ attempts: 1, failures: 0 });
  });

  it('a wrong password is refused on both sides and counted as one failed attempt', () => {
    const offer = newOffer();
    const run = connect(offer, WRONG, accepter(40001), 0);
    expect(run.acceptEvents).toEqual([{ type: 'failed', reason: 'wrong-password' }]);
    expect(run.offerEvents.map((e) => e.type)).toEqual(['attempt', 'attempt-failed']);
    expect(run.offerEvents[1]).toMatchObject({ reason: 'wrong-password', failures: 1 });
    expect(run.nowMs).toBe(0); // refused at once, no timeout involved
    expect(offer.state).toBe('open');
  });

  it('attemptsMax failed attempts close the offer; then the right password is refused too', () => {
    const offer = newOffer(3);
    for (let i = 0; i < 3; i++) connect(offer, WRONG, accepter(41000 + i), i * 1000);
    expect(offer.state).toBe('closed');
    expect(offer.stats).toMatchObject({ attempts: 3, failures: 3 });
    const late = connect(offer, RIGHT, accepter(41010), 10_000);
    expect(late.acceptEvents).toEqual([{ type: 'failed', reason: 'offer-closed' }]);
    expect(late.offerEvents).toEqual([]);
  });

  it('a handshake that never confirms counts as a failed attempt at its timeout', () => {
    const offer = newOffer(1);
    // The confirm never arrives: the accepter learnt the reply (one guess tested) and vanished.
    const run = connect(offer, RIGHT, accepter(42000), 0, () => false, true);
    expect(run.acceptEvents).toEqual([{ type: 'failed', reason: 'timeout' }]);
    offer.handleTimeout(run.nowMs + 20_000);
    const events: EasyConnectOfferEvent[] = [];
    for (let o = offer.poll(); o.type !== 'timeout'; o = offer.poll())
      if (o.type === 'event') events.push(o.event);
    expect(events).toEqual([
      expect.objectContaining({ type: 'attempt-failed', reason: 'timeout', failures: 1 }),
      { type: 'closed', reason: 'too-many-attempts' },
    ]);
  });

  it('lost datagrams are retransmitted and still connect, without a second attempt', () => {
    for (const lost of [0, 1, 2, 3]) {
      const offer = newOffer();
      const run = connect(offer, RIGHT, accepter(43000 + lost), 0, (i) => i === lost);
      expect(run.acceptEvents[0]?.type).toBe('connected');
      expect(offer.stats.attempts).toBe(1);
    }
  });

  it('at most attemptsMax handshakes start, however many hellos arrive at once', () => {
    const offer = newOffer(2);
    const hello = (port: number): void => {
      const accept = new EasyConnectAccept({
        secret: WRONG,
        code: CODE,
        offerer: OFFER_AT,
        rng: seededRng(port),
      });
      accept.start(0);
      const out = accept.poll();
      if (out.type === 'transmit') offer.handleDatagram(0, accepter(port), out.payload);
    };
    for (let port = 44000; port < 44010; port++) hello(port);
    expect(offer.stats.attempts).toBe(2);
    expect(offer.stats.refusedHellos).toBe(8);
  });

  it('hostile datagrams never throw, never amplify and never connect', () => {
    const offer = newOffer();
    const accept = new EasyConnectAccept({
      secret: RIGHT,
      code: CODE,
      offerer: OFFER_AT,
      rng: seededRng(seed),
    });
    accept.start(0);
    const valid = encodeEasyConnect({
      type: 'hello',
      session: new Uint8Array(8),
      share: new Uint8Array(32),
    });
    const mutated = fc.tuple(fc.nat(95), fc.integer({ min: 0, max: 255 })).map(([i, v]) => {
      const b = valid.slice();
      b[i] = v;
      return b;
    });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), mutated), (bytes) => {
        offer.handleDatagram(1, accepter(45000), bytes);
        accept.handleDatagram(1, OFFER_AT, bytes);
        for (let o = offer.poll(); o.type !== 'timeout'; o = offer.poll())
          if (o.type === 'transmit') expect(o.payload.length).toBeLessThanOrEqual(bytes.length);
      }),
      { seed, numRuns: 500 },
    );
    // A mutated share may be a valid element and start a handshake, but never more than allowed.
    expect(offer.stats.attempts).toBeLessThanOrEqual(offer.attemptsMax);
    const { dropped, badShares, refusedHellos } = offer.stats;
    expect(dropped + badShares + refusedHellos).toBeGreaterThan(0);
    expect(accept.stats.dropped).toBe(500); // none is the offer's answer to this session
    expect(accept.state).toBe('hello-sent');
  });

  it('a handshake dropped because another accepter connected first ends offer-closed', () => {
    const offer = newOffer();
    const first = new EasyConnectAccept({
      secret: RIGHT,
      code: CODE,
      offerer: OFFER_AT,
      rng: seededRng(1),
    });
    const second = new EasyConnectAccept({
      secret: RIGHT,
      code: CODE,
      offerer: OFFER_AT,
      rng: seededRng(2),
    });
    const deliver = (from: Endpoint, accept: EasyConnectAccept): void => {
      for (let o = accept.poll(); o.type !== 'timeout'; o = accept.poll())
        if (o.type === 'transmit') offer.handleDatagram(0, from, o.payload);
      for (let o = offer.poll(); o.type !== 'timeout'; o = offer.poll())
        if (o.type === 'transmit')
          (o.to.port === from.port ? accept : other(accept)).handleDatagram(0, OFFER_AT, o.payload);
    };
    const other = (a: EasyConnectAccept) => (a === first ? second : first);
    first.start(0);
    second.start(0);
    deliver(accepter(46000), first); // hello -> reply
    deliver(accepter(46001), second); // hello -> reply
    deliver(accepter(46000), first); // confirm -> done accepted
    deliver(accepter(46001), second); // confirm of a dropped handshake -> done offer-closed
    const ends = [first, second].map((a) => {
      const events: EasyConnectAcceptEvent[] = [];
      for (let o = a.poll(); o.type !== 'timeout'; o = a.poll())
        if (o.type === 'event') events.push(o.event);
      return events;
    });
    expect(ends[0]![0]?.type).toBe('connected');
    expect(ends[1]).toEqual([{ type: 'failed', reason: 'offer-closed' }]);
  });
});
