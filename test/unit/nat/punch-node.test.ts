/**
 * nat/punch-node: keep-alives, the rendezvous and hole punching on virtual time (punch-world.ts).
 * A public rendezvous R, an initiator A behind a cone NAT, a target T behind a cone or a symmetric
 * NAT. Deterministic: seeded rngs, fixed delays; every count is exact.
 */
import { describe, expect, it } from 'vitest';
import { formatEndpoint, parseEndpoint } from '../../../src/keys/endpoint.js';
import { encodeRendezvous, type PunchEvent } from '../../../src/nat/index.js';
import { Nat, PunchWorld } from './punch-world.js';

const R_AT = '203.0.113.10:3540';

function world(targetSymmetric = false, options = {}) {
  const w = new PunchWorld();
  const r = w.add('r', R_AT);
  const a = w.add('a', '10.0.1.2:5000', new Nat('203.0.113.21', false), options);
  const t = w.add('t', '10.0.2.2:3540', new Nat('203.0.113.22', targetSymmetric), options);
  return { w, r, a, t };
}

const of = (events: PunchEvent[], type: PunchEvent['type']) =>
  events.filter((e) => e.type === type);

describe('PunchNode keep-alives', () => {
  it('are sent only behind a NAT, every keepAliveMs, and prove the mapping at the rendezvous', () => {
    const { w, r, t } = world();
    w.command(t, (n, now) => n.setKeepAlivePeers(now, [r.self]));
    w.run(100_000);
    expect(t.node.stats.keepAlivesSent).toBe(0);
    expect(r.node.isLiveTarget(w.now, w.publicOf(t))).toBe(false);
    w.command(t, (n, now) => n.setBehindNat(now, true));
    w.run(200_000);
    // A round at 100 s and every 25 s after (100..200 s: 5 rounds) plus the cookie echo. The
    // first carries no cookie; the echo and the rounds at 125, 150 and 175 s prove (the one sent
    // at 200 s is still on the wire).
    expect(t.node.stats.keepAlivesSent).toBe(6);
    expect(r.node.stats.keepAlivesProven).toBe(4);
    expect(r.node.isLiveTarget(w.now, w.publicOf(t))).toBe(true);
    w.command(t, (n, now) => n.setBehindNat(now, false));
    w.run(240_000);
    expect(t.node.stats.keepAlivesSent).toBe(6);
    expect(r.node.isLiveTarget(w.now, w.publicOf(t))).toBe(false); // 30 s after the last proof
  });

  it('a keep-alive without our cookie (a spoofed source never sees it) proves nothing', () => {
    const { w, r, t } = world();
    w.sendRaw(t, r.self, encodeRendezvous({ type: 'keepalive', cookie: new Uint8Array(8) }));
    w.run(1000);
    expect(r.node.stats.keepAliveAcks).toBe(1);
    expect(r.node.stats.keepAlivesProven).toBe(0);
    expect(r.node.isLiveTarget(w.now, w.publicOf(t))).toBe(false);
  });
});

describe('PunchNode hole punching', () => {
  it('cone to cone: both sides see each other directly, then pings come back', () => {
    const { w, r, a, t } = world();
    w.command(t, (n, now) => {
      n.setKeepAlivePeers(now, [r.self]);
      n.setBehindNat(now, true);
    });
    w.run(1000);
    const tPublic = w.publicOf(t);
    const txid = w.command(a, (n, now) => n.punch(now, tPublic, [r.self]));
    w.run(1100);
    const [ap] = of(a.events, 'punched') as Extract<PunchEvent, { type: 'punched' }>[];
    const [tp] = of(t.events, 'punched') as Extract<PunchEvent, { type: 'punched' }>[];
    expect(formatEndpoint(ap!.peer)).toBe('203.0.113.22:3540');
    expect(formatEndpoint(tp!.peer)).toBe('203.0.113.21:5000'); // the initiator's NAT, not R
    expect(ap!.role).toBe('initiator');
    expect(tp!.role).toBe('target');
    // A probes at 1000 (dropped by T's NAT) and sends the CONNECT; R forwards at 1005; T probes
    // at 1010, which A's NAT lets in at 1015: the first direct datagram, 15 ms after the start.
    expect(ap!.elapsedMs).toBe(15);
    expect(r.node.stats.connectsForwarded).toBe(1);
    w.command(a, (n, now) => {
      for (let seq = 1; seq <= 3; seq++) n.ping(now, txid, seq);
    });
    w.run(2000);
    const pongs = of(a.events, 'pong') as Extract<PunchEvent, { type: 'pong' }>[];
    expect(pongs.map((p) => [p.seq, p.rttMs])).toEqual([
      [1, 10],
      [2, 10],
      [3, 10],
    ]);
    expect(of(a.events, 'punch-failed')).toEqual([]);
  });

  it('the rendezvous refuses a target that holds no proven mapping with it', () => {
    const { w, r, a, t } = world();
    w.command(a, (n, now) => n.punch(now, w.publicOf(t), [r.self]));
    w.run(5000);
    const [failed] = of(a.events, 'punch-failed') as Extract<
      PunchEvent,
      { type: 'punch-failed' }
    >[];
    expect(failed!.reason).toBe('refused');
    expect(failed!.replies.map((x) => x.status)).toEqual(['unknown-target']);
    expect(r.node.stats.connectsUnknownTarget).toBe(1);
    expect(r.node.stats.connectsForwarded).toBe(0);
    expect(t.events).toEqual([]);
  });

  it('behind a symmetric NAT the punch times out (that case needs a relay)', () => {
    const { w, r, a, t } = world(true);
    w.command(t, (n, now) => {
      n.setKeepAlivePeers(now, [r.self]);
      n.setBehindNat(now, true);
    });
    w.run(1000);
    w.command(a, (n, now) => n.punch(now, w.publicOf(t, r.self), [r.self]));
    w.run(10_000);
    const [failed] = of(a.events, 'punch-failed') as Extract<
      PunchEvent,
      { type: 'punch-failed' }
    >[];
    expect(failed!.reason).toBe('timeout');
    expect(r.node.stats.connectsForwarded).toBe(1);
    expect(of(a.events, 'punched')).toEqual([]);
    expect(t.node.stats.probesSent).toBe(2); // TARGET_PROBES_MAX toward an unproven initiator
    expect(a.node.stats.probesSent).toBe(30); // 3 s of probes every 100 ms
  });

  it('a FORWARD from a node we do not keep alive with is ignored', () => {
    const { w, a, t } = world();
    const stranger = w.add('s', '203.0.113.99:4000');
    w.command(t, (n, now) => n.setBehindNat(now, true));
    // The stranger got through T's NAT only if T sent to it; emulate that with a keep-alive peer list
    // that names someone else.
    w.command(t, (n, now) => n.setKeepAlivePeers(now, [stranger.self]));
    w.run(100);
    w.command(t, (n, now) => n.setKeepAlivePeers(now, [parseEndpoint(R_AT)]));
    const forward = encodeRendezvous({
      type: 'forward',
      txid: new Uint8Array(8).fill(7),
      initiator: w.publicOf(a),
      cookie: new Uint8Array(8),
    });
    w.sendRaw(stranger, w.publicOf(t, stranger.self), forward);
    w.run(1000);
    expect(t.node.stats.forwardsIgnored).toBe(1);
    expect(t.node.stats.probesSent).toBe(0);
  });

  it('autoPunch: a send to an endpoint not heard from punches via the peers heard lately and replays it', () => {
    const { w, r, a, t } = world(false, { autoPunch: true });
    w.command(t, (n, now) => {
      n.setKeepAlivePeers(now, [r.self]);
      n.setBehindNat(now, true);
    });
    w.run(1000);
    w.command(a, (n, now) => n.noteHeard(now, r.self)); // R answered a LOOKUP
    const inquire = new Uint8Array([0x00, 0x10, 1, 2, 3]);
    w.command(a, (n, now) => n.noteSent(now, w.publicOf(t), inquire));
    w.sendRaw(a, w.publicOf(t), inquire); // dropped by T's NAT
    w.run(2000);
    expect(of(a.events, 'punched')).toHaveLength(1);
    expect(t.other.map((o) => [formatEndpoint(o.from), [...o.payload]])).toEqual([
      ['203.0.113.21:5000', [0x00, 0x10, 1, 2, 3]],
    ]);
    // Heard from now: a second send starts no punch.
    w.command(a, (n, now) => n.noteHeard(now, w.publicOf(t)));
    w.command(a, (n, now) => n.noteSent(now, w.publicOf(t), inquire));
    expect(r.node.stats.connectsForwarded).toBe(1);
  });
});

describe('PunchNode rendezvous limits', () => {
  it('CONNECTs are rate-limited per source, and nothing leaves R beyond what came in', () => {
    const { w, r, a, t } = world();
    w.command(t, (n, now) => {
      n.setKeepAlivePeers(now, [r.self]);
      n.setBehindNat(now, true);
    });
    w.run(1000);
    const connect = (i: number) =>
      encodeRendezvous({ type: 'connect', txid: new Uint8Array(8).fill(i), target: w.publicOf(t) });
    const before = new Map(r.sentTo);
    for (let i = 0; i < 50; i++) w.sendRaw(a, r.self, connect(i));
    w.run(1010);
    expect(r.node.stats.connectsForwarded).toBe(10); // the burst: 2 x 5 per second
    expect(r.node.stats.connectsRateLimited).toBe(40);
    let out = 0;
    for (const [k, v] of r.sentTo) out += v - (before.get(k) ?? 0);
    expect(out).toBe(10 * (38 + 13) + 40 * 13);
    expect(out).toBeLessThanOrEqual(50 * connect(0).length);
  });
});
