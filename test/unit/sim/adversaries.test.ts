/**
 * The attackers of sim/adversaries on the wire, without a cloud: a stub node behind the
 * interceptor, real MS-PNRP messages in and out. Each behaviour is pinned message by message;
 * the cloud-level effect is in test/scenarios/attack-*.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { type Endpoint, endpointKey } from '../../../src/keys/endpoint.js';
import { keyFromBigInt } from '../../../src/keys/key256.js';
import type { Output, SansIoNode } from '../../../src/sans-io.js';
import { evenShare } from '../../../src/sim/attack-setup.js';
import {
  type AttackKind,
  Colluders,
  interceptNode,
  plantAdversary,
  signedKeySecurityProvider,
  simEndpoint,
} from '../../../src/sim/index.js';
import { seededRng } from '../../../src/util/rng.js';
import { decodeMessage, encodeMessage, PNRP_VERSION } from '../../../src/wire/index.js';
import type { Datagram, Message } from '../../../src/wire/types.js';

/** Records what it receives and sends what it is told. */
class StubNode implements SansIoNode<string> {
  readonly received: Uint8Array[] = [];
  readonly outbox: { to: Endpoint; payload: Uint8Array }[] = [];
  keys: Uint8Array[] = [];
  handleDatagram(_now: number, _from: Endpoint, payload: Uint8Array): void {
    this.received.push(payload);
  }
  handleTimeout(): void {}
  poll(): Output<string> {
    const o = this.outbox.shift();
    return o ? { type: 'transmit', ...o } : { type: 'timeout', atMs: Number.POSITIVE_INFINITY };
  }
  localKeys(): Uint8Array[] {
    return this.keys;
  }
}

const ep = (i: number): Endpoint => simEndpoint(i);
const key = (n: number): Uint8Array => keyFromBigInt(BigInt(n) << 200n);
const victim = ep(100);

function drain(node: SansIoNode<string>): { to: Endpoint; msg: Datagram }[] {
  const out: { to: Endpoint; msg: Datagram }[] = [];
  for (let o = node.poll(); o.type !== 'timeout'; o = node.poll()) {
    if (o.type !== 'transmit') continue;
    const d = decodeMessage(o.payload);
    if (!d.ok) throw new Error('attacker sent an undecodable datagram');
    out.push({ to: o.to, msg: d.value });
  }
  return out;
}

/** Three colluders at endpoints 1..3 owning keys 10, 20, 30; the first one is wrapped. */
function setup(kind: AttackKind, forgeProof?: (t: Uint8Array, n: Uint8Array) => Uint8Array) {
  const colluders = new Colluders();
  const stubs = [1, 2, 3].map((i) => {
    const s = new StubNode();
    s.keys = [key(i * 10)];
    return s;
  });
  const node = plantAdversary(stubs[0]!, {
    kind,
    colluders,
    endpoint: ep(1),
    rng: seededRng('attacker'),
    ownKeys: () => stubs[0]!.localKeys(),
    ...(forgeProof ? { forgeProof } : {}),
  });
  for (const i of [2, 3]) colluders.enroll(ep(i), () => stubs[i - 1]!.localKeys());
  return { colluders, node, stub: stubs[0]! };
}

const lookup = (target: Uint8Array, flagged: Endpoint[] = [victim]): Message => ({
  type: 'lookup',
  messageId: 77,
  version: PNRP_VERSION,
  controls: { acceptAny: false, precision: 0, resolveCriteria: 'none', reasonCode: 'app-request' },
  target,
  validateId: key(10),
  flaggedPath: flagged,
});
const inquire = (id: Uint8Array): Message => ({
  type: 'inquire',
  messageId: 78,
  version: PNRP_VERSION,
  flags: { wantCpa: true, wantExtendedPayload: false, wantCertChain: false },
  validateId: id,
  nonce: new Uint8Array(16).fill(5),
});

describe('interceptNode', () => {
  it('forwards everything but the traffic hooks to the real node, and sends queued replies first', () => {
    const stub = new StubNode();
    stub.keys = [key(1)];
    const wrapped = interceptNode(stub, {
      onReceive: (_now, from, payload, out) => {
        out.send(from, payload.subarray(0, 1));
        return payload[0] !== 0;
      },
      onTransmit: (_now, _to, payload) => (payload[0] === 9 ? [] : [payload, payload]),
    });
    expect(wrapped.localKeys()).toEqual([key(1)]);
    expect(wrapped).toBeInstanceOf(StubNode);
    stub.outbox.push(
      { to: ep(2), payload: Uint8Array.of(9) },
      { to: ep(2), payload: Uint8Array.of(4) },
    );
    wrapped.handleDatagram(0, ep(3), Uint8Array.of(0, 1));
    wrapped.handleDatagram(0, ep(3), Uint8Array.of(1, 1));
    expect(stub.received).toEqual([Uint8Array.of(1, 1)]);
    const sent: number[] = [];
    for (let o = wrapped.poll(); o.type === 'transmit'; o = wrapped.poll())
      sent.push(o.payload[0]!);
    expect(sent).toEqual([0, 1, 4, 4]);
  });
});

describe('adversaries', () => {
  it('are honest until armed', () => {
    const { node, stub } = setup('drop');
    node.handleDatagram(0, victim, encodeMessage(lookup(key(50))));
    expect(stub.received).toHaveLength(1);
    expect(drain(node)).toEqual([]);
  });

  it("forged-referral: the target's own ID at a colluder not in the flagged path; no proof for it", () => {
    const { node, stub, colluders } = setup('forged-referral');
    colluders.armed = true;
    for (let i = 0; i < 8; i++)
      node.handleDatagram(0, victim, encodeMessage(lookup(key(50), [victim, ep(2)])));
    const replies = drain(node);
    expect(replies).toHaveLength(8);
    for (const { to, msg } of replies) {
      expect(endpointKey(to)).toBe(endpointKey(victim));
      if (msg.type !== 'authority') throw new Error(msg.type);
      expect(msg.ackedMessageId).toBe(77);
      expect(msg.buffer.flags.notRegistered).toBe(false);
      expect(msg.buffer.routeEntry?.id).toEqual(key(50));
      const at = endpointKey({
        address: msg.buffer.routeEntry!.addresses[0]!,
        port: msg.buffer.routeEntry!.port,
      });
      expect([endpointKey(ep(1)), endpointKey(ep(3))]).toContain(at);
    }
    node.handleDatagram(0, victim, encodeMessage(inquire(key(50))));
    node.handleDatagram(0, victim, encodeMessage(inquire(key(10))));
    const [proof] = drain(node);
    if (proof?.msg.type !== 'authority') throw new Error('no AUTHORITY');
    expect(proof.msg.buffer.validateCpa).toBeUndefined();
    expect(stub.received).toHaveLength(1); // the INQUIRE about its own key reached the node
    expect(colluders.counters).toMatchObject({ lookupsForged: 8, inquiresRefused: 1 });
  });

  it('hijack: the INQUIRE about the target gets the forged proof', () => {
    const forged = Uint8Array.of(1, 2, 3);
    const { node, colluders } = setup('hijack', () => forged);
    colluders.armed = true;
    node.handleDatagram(0, victim, encodeMessage(inquire(key(50))));
    const [r] = drain(node);
    if (r?.msg.type !== 'authority') throw new Error('no AUTHORITY');
    expect(r.msg.buffer.validateCpa).toEqual(forged);
    expect(colluders.counters.proofsForged).toBe(1);
  });

  it('drop: LOOKUP and INQUIRE vanish, everything else reaches the node', () => {
    const { node, stub, colluders } = setup('drop');
    colluders.armed = true;
    node.handleDatagram(0, victim, encodeMessage(lookup(key(50))));
    node.handleDatagram(0, victim, encodeMessage(inquire(key(10))));
    const ack: Message = {
      type: 'ack',
      messageId: 1,
      version: PNRP_VERSION,
      ackedMessageId: 2,
      notRegistered: false,
    };
    node.handleDatagram(0, victim, encodeMessage(ack));
    expect(drain(node)).toEqual([]);
    expect(stub.received).toHaveLength(1);
    expect(colluders.counters.dropped).toBe(2);
  });

  it('eclipse: LOOKUP, ADVERTISE, REQUEST and outgoing FLOODs name colluders only', () => {
    const { node, stub, colluders } = setup('eclipse');
    colluders.armed = true;
    node.handleDatagram(0, victim, encodeMessage(lookup(key(29))));
    const [ref] = drain(node);
    if (ref?.msg.type !== 'authority') throw new Error('no AUTHORITY');
    expect(ref.msg.buffer.routeEntry?.id).toEqual(key(30));
    const solicit: Message = {
      type: 'solicit',
      messageId: 5,
      version: PNRP_VERSION,
      hashedNonce: new Uint8Array(20).fill(1),
      routeEntry: { id: key(12), port: victim.port, addresses: [victim.address] },
    };
    node.handleDatagram(0, victim, encodeMessage(solicit));
    const [adv] = drain(node);
    if (adv?.msg.type !== 'advertise') throw new Error('no ADVERTISE');
    expect(adv.msg.ids).toEqual([key(10), key(20), key(30)]);
    const request: Message = {
      type: 'request',
      messageId: 6,
      version: PNRP_VERSION,
      nonce: new Uint8Array(16),
      ids: [key(20), key(99)],
    };
    node.handleDatagram(0, victim, encodeMessage(request));
    const after = drain(node).map((r) => r.msg);
    expect(after.map((m) => m.type)).toEqual(['ack', 'flood']);
    const flood = after[1]!;
    if (flood.type !== 'flood') throw new Error('no FLOOD');
    expect(flood.routeEntry?.id).toEqual(key(20));
    expect(
      endpointKey({ address: flood.routeEntry!.addresses[0]!, port: flood.routeEntry!.port }),
    ).toBe(endpointKey(ep(2)));
    // The node's own flood of an honest neighbour goes out naming the nearest colluder instead.
    const honest: Message = {
      type: 'flood',
      messageId: 9,
      version: PNRP_VERSION,
      dontAck: false,
      validateId: key(40),
      routeEntry: { id: key(21), port: 4000, addresses: [ep(50).address] },
      alreadyFlooded: [],
    };
    stub.outbox.push({ to: ep(40), payload: encodeMessage(honest) });
    const [rewritten] = drain(node);
    if (rewritten?.msg.type !== 'flood') throw new Error('no FLOOD');
    expect(rewritten.msg.routeEntry?.id).toEqual(key(20));
    expect(stub.received).toHaveLength(0);
    expect(colluders.counters).toMatchObject({
      lookupsReferred: 1,
      advertises: 1,
      floodsPoisoned: 2,
    });
  });
});

describe('evenShare', () => {
  it('plants exactly floor(n * f) attackers among the first n members, spread evenly', () => {
    for (const f of [0, 0.1, 0.2, 0.25, 0.5]) {
      const isAttacker = evenShare(f);
      for (const n of [10, 100, 2000]) {
        const count = Array.from({ length: n }, (_, i) => isAttacker(i)).filter(Boolean).length;
        expect(count).toBe(Math.floor(n * f + 1e-9));
      }
    }
    expect(() => evenShare(1)).toThrow(RangeError);
    expect(() => evenShare(-0.1)).toThrow(RangeError);
  });
});

describe('signedKeySecurityProvider', () => {
  it('proves only its own key; a record for another key, or tampered, is refused', () => {
    const rng = seededRng('skp');
    const alice = signedKeySecurityProvider({ secretKey: rng.bytes(32) });
    const mallory = signedKeySecurityProvider({ secretKey: rng.bytes(32) });
    const nonce = new Uint8Array(16).fill(7);
    const record = (k: Uint8Array) => ({
      key: k,
      appData: Uint8Array.of(1),
      endpoints: [ep(1)],
      nonce,
      revoke: false,
    });
    const expect_ = (k: Uint8Array) => ({ key: k, nonce, revoke: false, nowWallMs: 0 });
    const good = alice.secureRecord(record(alice.key), 0);
    expect(mallory.validateRecord(good, expect_(alice.key)).ok).toBe(true);
    const forged = mallory.secureRecord(record(alice.key), 0);
    expect(alice.validateRecord(forged, expect_(alice.key))).toEqual({
      ok: false,
      reason: 'key-not-derived',
    });
    const tampered = good.slice();
    tampered[tampered.length - 70]! ^= 1;
    expect(alice.validateRecord(tampered, expect_(alice.key))).toMatchObject({ ok: false });
    expect(alice.checkRegistration(mallory.key, new Uint8Array(0))).toBeDefined();
    expect(alice.checkRegistration(alice.key, new Uint8Array(0))).toBeUndefined();
  });
});
