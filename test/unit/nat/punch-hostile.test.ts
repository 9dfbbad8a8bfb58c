/**
 * nat/punch-node against an off-path attacker who forges the source address of a target's
 * keep-alive peer (a public node, whose address is no secret): forged FORWARDs must not make the
 * target probe addresses of the attacker's choosing, fill its punch table or spend its FORWARD
 * rate, so an honest punch through the real rendezvous still gets through. Virtual time
 * (punch-world.ts), seeded rngs, exact counts.
 */
import { describe, expect, it } from 'vitest';
import { parseEndpoint } from '../../../src/keys/endpoint.js';
import { encodeRendezvous, type PunchEvent } from '../../../src/nat/index.js';
import { Nat, PunchWorld } from './punch-world.js';

describe('PunchNode under forged FORWARDs', () => {
  it('ignores FORWARDs that do not carry the cookie its rendezvous gave it; an honest punch still succeeds', () => {
    const w = new PunchWorld();
    const r = w.add('r', '203.0.113.10:3540');
    const a = w.add('a', '10.0.1.2:5000', new Nat('203.0.113.21', false));
    const t = w.add('t', '10.0.2.2:3540', new Nat('203.0.113.22', false));
    w.command(t, (n, now) => {
      n.setKeepAlivePeers(now, [r.self]);
      n.setBehindNat(now, true);
    });
    w.run(1000);
    const tPublic = w.publicOf(t, r.self);
    // 40 forged FORWARDs "from R" in 2 s, each naming another victim as the initiator; T's NAT
    // lets them in (they come from R's address to the mapping T keeps toward R).
    for (let i = 0; i < 40; i++) {
      const forged = encodeRendezvous({
        type: 'forward',
        txid: Uint8Array.of(9, 9, 9, 9, 0, 0, 0, i),
        initiator: parseEndpoint(`198.51.100.${i + 1}:4000`),
        cookie: new Uint8Array(8).fill(i),
      });
      w.spoof(r.self, tPublic, forged);
      w.run(w.now + 50);
    }
    expect(t.node.stats.forwardsIgnored).toBe(40);
    expect(t.node.stats.probesSent).toBe(0); // no probe toward any victim
    w.command(a, (n, now) => n.punch(now, tPublic, [r.self]));
    w.run(w.now + 500);
    const punched = a.events.filter((e: PunchEvent) => e.type === 'punched');
    expect(punched).toHaveLength(1);
  });
});

describe('PunchNode under forged PROBEs', () => {
  it('a probe with the txid from another address (the rendezvous knows the txid) neither confirms the punch nor gets the replay', () => {
    const w = new PunchWorld();
    const r = w.add('r', '203.0.113.10:3540');
    const a = w.add('a', '10.0.1.2:5000', new Nat('203.0.113.21', false));
    const t = w.add('t', '10.0.2.2:3540', new Nat('203.0.113.22', false));
    w.run(100);
    const inquire = Uint8Array.of(0x00, 0x10, 7, 7, 7);
    const txid = w.command(a, (n, now) => n.punch(now, w.publicOf(t), [r.self], inquire));
    // R gets the CONNECT (so the txid) at 105 and answers with a probe of its own, from itself,
    // to become "the target" for A (A's NAT lets R in: A sent R the CONNECT). A malicious R sends
    // no CONNECT_REPLY; this one is honest, so the probe is timed to land before its reply. T does
    // not keep alive with R, so no real probe of T ever comes.
    w.run(101);
    const probe = encodeRendezvous({ type: 'probe', txid, ack: false, seq: 0 });
    w.spoof(r.self, w.publicOf(a, r.self), probe);
    w.run(5000);
    expect(a.events.filter((e: PunchEvent) => e.type === 'punched')).toHaveLength(0);
    expect(a.events.filter((e: PunchEvent) => e.type === 'punch-failed')).toHaveLength(1);
    expect(r.other.filter((o) => o.payload.length === inquire.length)).toHaveLength(0);
  });
});

describe('PunchNode punch table under CONNECT floods', () => {
  it('FORWARDs caused by two hosts neither fill the target side of the table nor block its own punches', () => {
    const w = new PunchWorld();
    const r = w.add('r', '203.0.113.10:3540');
    const a = w.add('a', '10.0.1.2:5000', new Nat('203.0.113.21', false));
    const t = w.add('t', '10.0.2.2:3540', new Nat('203.0.113.22', false));
    const x1 = w.add('x1', '198.51.100.7:4000');
    const x2 = w.add('x2', '198.51.100.8:4000');
    w.command(t, (n, now) => {
      n.setKeepAlivePeers(now, [r.self]);
      n.setBehindNat(now, true);
    });
    w.run(1000);
    const tPublic = w.publicOf(t, r.self);
    // Each attacker host asks R to connect it to T ten times (R's burst per source address).
    for (const [i, x] of [x1, x2].entries())
      for (let k = 0; k < 10; k++)
        w.sendRaw(
          x,
          r.self,
          encodeRendezvous({
            type: 'connect',
            txid: Uint8Array.of(7, i, k, 0, 0, 0, 0, 1),
            target: tPublic,
          }),
        );
    w.run(1020);
    expect(r.node.stats.connectsForwarded).toBe(20);
    // T's own punch still starts (its side of the table is its own) ...
    w.command(t, (n, now) => n.punch(now, parseEndpoint('203.0.113.50:4000'), [r.self]));
    w.run(1030);
    const busy = t.events.filter(
      (e: PunchEvent) => e.type === 'punch-failed' && e.reason === 'busy',
    );
    expect(busy).toHaveLength(0);
    // ... and an honest initiator still gets through to T.
    w.command(a, (n, now) => n.punch(now, tPublic, [r.self]));
    w.run(1500);
    expect(a.events.filter((e: PunchEvent) => e.type === 'punched')).toHaveLength(1);
  });
});
