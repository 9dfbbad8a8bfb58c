import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GroupSecurityProvider } from '../../../src/gmc/graph-provider.js';
import type { GroupConnectionSecurity } from '../../../src/gmc/graph-provider-connection.js';
import type { GmcCredential } from '../../../src/gmc/issue.js';
import { issueGmc } from '../../../src/gmc/issue.js';
import { createRevocation, RevocationList } from '../../../src/gmc/revocation.js';
import { wrapUnit } from '../../../src/graph/security/units.js';
import { clockAt, handshake, providerFor } from '../graph/security/group-helpers.js';
import {
  credentialOf,
  type Fixture,
  identityOf,
  makeFixture,
  makeOutsider,
  NOW,
  T0,
} from './fixtures.js';

let f: Fixture;
let root: Uint8Array;
let alice: GmcCredential;
let bob: GmcCredential;
let mallory: GmcCredential;
let outsider: { credential: GmcCredential; root: Uint8Array };
/** Valid for two hours from T0. */
let shortLived: GmcCredential;

beforeAll(async () => {
  f = await makeFixture();
  root = f.group.root.chain[0]!;
  alice = f.member;
  bob = await credentialOf(f.inviter, 5, 'member');
  mallory = await credentialOf(f.inviter, 6, 'member');
  const o = await makeOutsider(7, 70);
  outsider = { credential: o.credential, root: o.group.root.chain[0]! };
  const id = identityOf(8);
  shortLived = {
    identity: id,
    chain: await issueGmc({
      issuer: f.inviter,
      subjectPublicKey: id.publicKey,
      role: 'member',
      nowWallMs: T0,
      validityMs: 2 * 3_600_000,
    }),
  };
});

/** Alice dials Bob (by his peer ID); both authenticated. */
function connected(): {
  a: GroupConnectionSecurity;
  b: GroupConnectionSecurity;
  pa: GroupSecurityProvider;
  pb: GroupSecurityProvider;
} {
  const pa = providerFor(alice, root, 'alice');
  const pb = providerFor(bob, root, 'bob');
  const a = pa.connection('initiator', pb.localPeerId);
  const b = pb.connection('responder', pa.localPeerId);
  const end = handshake(a, b);
  expect(end.initiator.state).toBe('authenticated');
  expect(end.responder.state).toBe('authenticated');
  return { a, b, pa, pb };
}

/** A graph message as the codec frames it: u32 BE size first. */
function message(...body: number[]): Uint8Array {
  return wrapUnit(new Uint8Array(body));
}

describe('groupSecurityProvider connections', () => {
  it('two members authenticate through framed units and learn each other’s peer IDs', () => {
    const pa = providerFor(alice, root, 'alice');
    const pb = providerFor(bob, root, 'bob');
    const a = pa.connection('initiator', pb.localPeerId);
    const b = pb.connection('responder', undefined);
    expect(b.start(0)).toEqual({ send: [], state: 'pending' });
    const end = handshake(a, b);
    for (const unit of [...end.sent.initiator, ...end.sent.responder]) {
      expect(new DataView(unit.buffer, unit.byteOffset).getUint32(0)).toBe(unit.length);
    }
    expect(end.sent.initiator).toHaveLength(3); // HELLO, PRESENT, FINISHED
    expect(end.sent.responder).toHaveLength(2); // CHALLENGE, PRESENT
    expect(a.peerId).toBe(pb.localPeerId);
    expect(b.peerId).toBe(pa.localPeerId);
    expect(pa.localPeerId).toBe(alice.identity.authority);
    expect(b.peer?.roles).toEqual(['member']);
    expect(pa.stats.handshakes.ok).toBe(1);
    expect(pb.stats.handshakes.ok).toBe(1);
  });

  it('a secure peer name <authority>.<classifier> names the same member', () => {
    const pa = providerFor(alice, root, 'alice');
    const pb = providerFor(bob, root, 'bob');
    const named = `${pb.localPeerId}.participant`;
    const a = pa.connection('initiator', named);
    handshake(a, pb.connection('responder', undefined));
    expect(a.state).toBe('authenticated');
    expect(a.peerId).toBe(named);
  });

  it('sealed units travel both ways, in order, and are not the plaintext', () => {
    const { a, b, pa, pb } = connected();
    for (let i = 0; i < 5; i++) {
      const m = message(0x10, i, 0xaa, 0xbb, 0xcc, 0xdd);
      const unit = a.seal(m);
      expect(new DataView(unit.buffer).getUint32(0)).toBe(unit.length);
      expect(unit.length).toBe(m.length + 4 + 16);
      expect(Buffer.from(unit).includes(Buffer.from(m.subarray(4)))).toBe(false);
      expect(b.open(unit)).toEqual({ ok: true, message: m });
      const back = message(0x20, i);
      expect(a.open(b.seal(back))).toEqual({ ok: true, message: back });
    }
    expect(pa.stats.units).toMatchObject({ sealed: 5, opened: 5 });
    expect(pb.stats.units).toMatchObject({ sealed: 5, opened: 5 });
  });

  it('any sequence of messages round-trips (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }), (bodies) => {
        const { a, b } = connected();
        for (const body of bodies) {
          const m = wrapUnit(body);
          const r = b.open(a.seal(m));
          expect(r.ok && Buffer.from(r.message).equals(Buffer.from(m))).toBe(true);
        }
      }),
      { numRuns: 5 },
    );
  });

  it('refuses altered, replayed, reordered, truncated and reflected sealed units', () => {
    const { a, b, pb } = connected();
    const u1 = a.seal(message(1, 1, 1));
    const u2 = a.seal(message(2, 2, 2));
    const altered = u1.slice();
    altered[6]! ^= 1;
    expect(b.open(altered)).toEqual({ ok: false, reason: 'bad-seal' });
    expect(b.open(u2)).toEqual({ ok: false, reason: 'bad-seal' }); // ahead of its turn
    expect(b.open(u1).ok).toBe(true);
    expect(b.open(u1)).toEqual({ ok: false, reason: 'replayed' });
    expect(b.open(u2).ok).toBe(true);
    const u3 = a.seal(message(3, 3, 3, 3));
    expect(b.open(u3.subarray(0, u3.length - 1))).toEqual({ ok: false, reason: 'bad-unit-size' });
    const cut = wrapUnit(u3.subarray(4, u3.length - 1));
    expect(b.open(cut)).toEqual({ ok: false, reason: 'bad-seal' });
    expect(b.open(wrapUnit(new Uint8Array(3)))).toEqual({ ok: false, reason: 'bad-seal' });
    expect(a.open(a.seal(message(9)))).toEqual({ ok: false, reason: 'bad-seal' }); // own unit reflected
    expect(b.open(u3).ok).toBe(true); // refusals did not advance the count
    expect(pb.stats.units.refused).toEqual({
      'bad-seal': 4,
      replayed: 1,
      'bad-unit-size': 1,
    });
  });

  it('seal() before authentication throws; open() refuses', () => {
    const p = providerFor(alice, root, 'alice');
    const c = p.connection('initiator', undefined);
    expect(() => c.seal(message(1))).toThrow(RangeError);
    expect(c.open(message(1))).toEqual({ ok: false, reason: 'not-authenticated' });
  });

  it('a non-member (another group’s root) is refused with chain-foreign-root', () => {
    const po = providerFor(outsider.credential, outsider.root, 'outsider');
    const pb = providerFor(bob, root, 'bob');
    const end = handshake(
      po.connection('initiator', undefined),
      pb.connection('responder', undefined),
    );
    expect(end.responder).toMatchObject({ state: 'failed', reason: 'chain-foreign-root' });
    expect(end.initiator).toMatchObject({ state: 'failed', reason: 'refused-by-peer' });
    expect(pb.stats.handshakes.failed).toEqual({ 'chain-foreign-root': 1 });
    // and the other way round: a member dialling an outsider refuses the outsider's chain
    const pa = providerFor(alice, root, 'alice');
    const back = handshake(
      pa.connection('initiator', undefined),
      po.connection('responder', undefined),
    );
    expect(back.initiator.state).toBe('failed');
    expect(back.responder.state).toBe('failed');
  });

  it('an expired member is refused with chain-expired', () => {
    const pe = providerFor(shortLived, root, 'expired', { wallClock: clockAt(NOW) });
    const pb = providerFor(bob, root, 'bob', { wallClock: clockAt(T0 + 3 * 3_600_000) });
    const end = handshake(
      pe.connection('initiator', undefined),
      pb.connection('responder', undefined),
    );
    expect(end.responder).toMatchObject({ state: 'failed', reason: 'chain-expired' });
    // while it was valid, it was admitted
    const ok = handshake(
      pe.connection('initiator', undefined),
      providerFor(bob, root, 'bob2').connection('responder', undefined),
    );
    expect(ok.responder.state).toBe('authenticated');
  });

  it('a revoked member is refused with chain-revoked', () => {
    const list = new RevocationList({ root });
    const pb = providerFor(bob, root, 'bob', { revoked: list });
    const before = handshake(
      providerFor(mallory, root, 'mallory').connection('initiator', undefined),
      pb.connection('responder', undefined),
    );
    expect(before.responder.state).toBe('authenticated');
    const added = list.add(
      createRevocation({ admin: f.group.root, certificate: mallory.chain.at(-1)!, nowWallMs: NOW }),
      NOW,
    );
    expect(added.ok).toBe(true);
    const after = handshake(
      providerFor(mallory, root, 'mallory').connection('initiator', undefined),
      pb.connection('responder', undefined),
    );
    expect(after.responder).toMatchObject({ state: 'failed', reason: 'chain-revoked' });
  });

  it('a relay forwarding units unchanged learns nothing it can open, and any change it makes fails', () => {
    // unchanged: the two members authenticate each other, not the relay
    const { a, b } = connected();
    const unit = a.seal(message(7, 7, 7));
    const relayView = providerFor(mallory, root, 'mallory').connection('responder', undefined);
    expect(relayView.open(unit)).toEqual({ ok: false, reason: 'not-authenticated' });
    expect(b.open(unit).ok).toBe(true);
    // altered: flip one byte in each handshake unit in turn (size prefix kept)
    for (const from of ['initiator', 'responder'] as const) {
      const count = from === 'initiator' ? 3 : 2;
      for (let index = 0; index < count; index++) {
        const pa = providerFor(alice, root, 'alice');
        const pb = providerFor(bob, root, 'bob');
        const ca = pa.connection('initiator', pb.localPeerId);
        const cb = pb.connection('responder', undefined);
        const end = handshake(ca, cb, (side, i, u) => {
          if (side !== from || i !== index) return u;
          const changed = u.slice();
          changed[10]! ^= 0x40;
          return changed;
        });
        const states = [end.initiator.state, end.responder.state];
        expect(states, `${from} unit ${index}`).toContain('failed');
        expect(states.every((s) => s === 'authenticated')).toBe(false);
      }
    }
  });

  it('a member relaying as a man in the middle is caught by the dialled peer ID', () => {
    // Alice dials Bob; Mallory (a member) answers and dials Bob herself, forwarding what she can
    const pa = providerFor(alice, root, 'alice');
    const pm = providerFor(mallory, root, 'mallory');
    const pb = providerFor(bob, root, 'bob');
    const aliceToBob = pa.connection('initiator', pb.localPeerId);
    const mitmFacingAlice = pm.connection('responder', pa.localPeerId);
    const end = handshake(aliceToBob, mitmFacingAlice);
    expect(end.initiator).toMatchObject({ state: 'failed', reason: 'peer-id-mismatch' });
    expect(aliceToBob.peerId).toBeUndefined();
    expect(end.sent.initiator).toHaveLength(2); // FINISHED withheld
    expect(mitmFacingAlice.state).toBe('pending');
    // Bob likewise refuses a relay that claims to be Alice in AUTH_INFO
    const bobSide = pb.connection('responder', pa.localPeerId);
    const relayed = handshake(pm.connection('initiator', pb.localPeerId), bobSide);
    expect(relayed.responder).toMatchObject({ state: 'failed', reason: 'peer-id-mismatch' });
    expect(pb.stats.handshakes.failed['peer-id-mismatch']).toBe(1);
  });

  it('a handshake unit whose size disagrees with its length fails the connection', () => {
    const pb = providerFor(bob, root, 'bob');
    const b = pb.connection('responder', undefined);
    expect(b.receive(0, new Uint8Array([0, 0, 0, 9, 1, 2]))).toEqual({
      send: [],
      state: 'failed',
      reason: 'bad-unit-size',
    });
    expect(b.receive(0, message(1, 2)).state).toBe('failed');
    expect(pb.stats.handshakes.failed).toEqual({ 'bad-unit-size': 1 });
  });

  it('garbage handshake units never throw (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 4 }), (bodies) => {
        const b = providerFor(bob, root, 'bob').connection('responder', undefined);
        for (const body of bodies) {
          const step = b.receive(0, wrapUnit(body));
          expect(['pending', 'failed']).toContain(step.state);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('after authentication a stray handshake unit is dropped and the connection stays up', () => {
    const { a, b } = connected();
    expect(b.receive(0, message(1, 2, 3)).state).toBe('authenticated');
    expect(b.open(a.seal(message(4))).ok).toBe(true);
  });

  it('refuses malformed options at construction (local misuse throws)', () => {
    expect(() => providerFor({ identity: alice.identity, chain: [] }, root, 'x')).toThrow(
      TypeError,
    );
    const tooLong = { identity: alice.identity, chain: Array.from({ length: 26 }, () => root) };
    expect(() => providerFor(tooLong, root, 'x')).toThrow(RangeError);
    expect(() => providerFor(alice, 'root' as unknown as Uint8Array, 'x')).toThrow(TypeError);
  });
});
