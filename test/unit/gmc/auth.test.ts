import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { AUTH_LIMITS, type AuthOutput, GroupAuthSession } from '../../../src/gmc/auth.js';
import { keyShareOf, signedInput, transcriptHash } from '../../../src/gmc/auth-keys.js';
import { CertificateCache } from '../../../src/gmc/chain.js';
import type { GmcCredential } from '../../../src/gmc/issue.js';
import { nobleCrypto } from '../../../src/keys/crypto-backend.js';
import { concatBytes, equalBytes } from '../../../src/util/bytes.js';
import { seededRng } from '../../../src/util/rng.js';
import {
  credentialOf,
  type Fixture,
  identityOf,
  makeFixture,
  makeOutsider,
  NOW,
} from './fixtures.js';

const SEED = Number(process.env.PNRP_SEED ?? 3);
let f: Fixture;
let outsider: GmcCredential;
const cache = new CertificateCache(256);
beforeAll(async () => {
  f = await makeFixture();
  outsider = (await makeOutsider(7, 70)).credential;
});

type Side = 'joiner' | 'member';
/** Rewrites (or swallows, with undefined) the n-th payload a side sends. */
type Tamper = (from: Side, index: number, payload: Uint8Array) => Uint8Array | undefined;

function session(side: Side, credential: GmcCredential, root?: Uint8Array, seed = SEED) {
  return new GroupAuthSession({
    side,
    credential,
    root: root ?? f.group.root.chain[0]!,
    rng: seededRng(seed).fork(side),
    cache,
  });
}

/** Runs a joiner and a member over an in-memory channel; `tamper` sits on the wire. */
function run(
  joinerCredential: GmcCredential,
  tamper?: Tamper,
  joinerRoot?: Uint8Array,
  memberCredential: GmcCredential = f.member,
  seed = SEED,
) {
  const joiner = session('joiner', joinerCredential, joinerRoot, seed);
  const member = session('member', memberCredential, undefined, seed);
  const ends: Partial<Record<Side, AuthOutput>> = {};
  const sent: Record<Side, Uint8Array[]> = { joiner: [], member: [] };
  joiner.start(NOW);
  for (let round = 0; round < 10; round++) {
    let moved = false;
    for (const [from, to, name] of [
      [joiner, member, 'joiner'],
      [member, joiner, 'member'],
    ] as const) {
      for (let out = from.poll(); out.type !== 'idle'; out = from.poll()) {
        moved = true;
        if (out.type !== 'send') {
          ends[name] = out;
          continue;
        }
        const index = sent[name].push(out.payload) - 1;
        const payload = tamper ? tamper(name, index, out.payload) : out.payload;
        if (payload) to.handleMessage(NOW, payload);
      }
    }
    if (!moved) break;
  }
  return { joiner, member, ends, sent };
}

/** A PRESENT message (version 2) with `chain` and a given signature. */
function presentOf(chain: readonly Uint8Array[], signature: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [new Uint8Array([3, 2, chain.length])];
  for (const c of chain) parts.push(new Uint8Array([c.length >> 8, c.length & 255]), c);
  return concatBytes(...parts, signature);
}

describe('GroupAuthSession: honest sessions', () => {
  it('authenticates both ways and both sides derive the same keys', () => {
    const { joiner, member, ends, sent } = run(f.inviter);
    expect([joiner.state, member.state]).toEqual(['authenticated', 'authenticated']);
    expect([sent.joiner.length, sent.member.length]).toEqual([3, 2]); // HELLO PRESENT FINISHED / CHALLENGE PRESENT
    expect(member.peer?.roles).toEqual(['inviting-member']);
    expect(joiner.peer?.leaf.publicKey).toEqual(f.member.identity.publicKey);
    const j = joiner.keys!;
    const m = member.keys!;
    expect(j.sessionKey).toEqual(m.sessionKey);
    expect(j.channelBinding).toEqual(m.channelBinding);
    expect(j.sendKey).toEqual(m.receiveKey);
    expect(j.receiveKey).toEqual(m.sendKey);
    expect(equalBytes(j.sendKey, j.receiveKey)).toBe(false);
    expect(j.exportKey('graph', 44)).toEqual(m.exportKey('graph', 44));
    expect(j.exportKey('graph', 32)).not.toEqual(j.exportKey('records', 32));
    const end = ends.member;
    expect(end?.type === 'authenticated' && end.identity).toMatchObject({
      authority: f.inviter.identity.authority,
      groupPeerName: f.group.properties.peerName,
      roles: ['inviting-member'],
    });
    expect(end?.type === 'authenticated' && end.identity.chain).toEqual(f.inviter.chain);
  });

  it('another run (other nonces and key shares) derives another key', () => {
    const a = run(f.inviter);
    const b = run(f.inviter, undefined, undefined, f.member, SEED + 1);
    expect(b.joiner.keys!.sessionKey).toEqual(b.member.keys!.sessionKey);
    expect(a.joiner.keys!.sessionKey).not.toEqual(b.joiner.keys!.sessionKey);
  });
});

describe('GroupAuthSession: refusals', () => {
  it('refuses a joiner from another group, and the joiner learns why', () => {
    const { joiner, member, ends } = run(outsider);
    expect(member.state).toBe('failed');
    expect(ends.member).toMatchObject({ type: 'failed', reason: 'chain-foreign-root' });
    expect(joiner.state).toBe('failed');
    expect(ends.joiner).toMatchObject({ reason: 'refused-by-peer', detail: 'chain-foreign-root' });
  });

  it('refuses a joiner presenting a member chain without its key (bad-signature)', () => {
    const thief: GmcCredential = { identity: identityOf(71), chain: f.admin.chain };
    const { member, ends } = run(thief);
    expect(member.state).toBe('failed');
    expect(ends.member).toMatchObject({ reason: 'bad-signature' });
  });

  it('ends in failed on malformed bytes and on an out-of-order message, never throwing', () => {
    const truncated = run(f.inviter, (from, i, p) =>
      from === 'joiner' && i === 1 ? p.subarray(0, p.length - 1) : p,
    );
    expect(truncated.ends.member).toMatchObject({ type: 'failed', reason: 'malformed' });
    const replayed = run(f.inviter, (from, i, p) =>
      from === 'joiner' && i === 1 ? new Uint8Array([1, 2, ...new Uint8Array(64).fill(9)]) : p,
    );
    expect(replayed.ends.member).toMatchObject({ type: 'failed', reason: 'unexpected-message' });
  });

  it('a member that accepted the joiner ends failed when the joiner refuses it', () => {
    const { joiner, member, ends } = run(f.inviter, undefined, outsider.chain[0]!);
    expect(ends.joiner).toMatchObject({ type: 'failed', reason: 'chain-foreign-root' });
    expect([joiner.state, member.state]).toEqual(['failed', 'failed']);
    expect(member.peer).toBeUndefined();
    expect(ends.member).toMatchObject({ type: 'failed', reason: 'refused-by-peer' });
  });

  it('start() is only for a joiner that has not started; times must be finite', () => {
    const member = session('member', f.member);
    expect(() => member.start(NOW)).toThrow(RangeError);
    expect(() => member.handleMessage(Number.NaN, new Uint8Array(2))).toThrow(RangeError);
  });
});

describe('GroupAuthSession: attacks', () => {
  it('a relay that swaps in its own key shares (to hold both keys) is caught by the signatures', () => {
    const relaySecret = seededRng(`${SEED}:relay`).bytes(32);
    const relayShare = keyShareOf(relaySecret);
    // Replace the share in HELLO (joiner->member) and in CHALLENGE (member->joiner).
    const swap = (p: Uint8Array) => concatBytes(p.subarray(0, 34), relayShare);
    const { joiner, member, ends } = run(f.inviter, (_from, i, p) => (i === 0 ? swap(p) : p));
    expect(ends.member).toMatchObject({ type: 'failed', reason: 'bad-signature' });
    expect([joiner.state, member.state]).toEqual(['failed', 'failed']);
    expect(joiner.keys).toBeUndefined();
    // Swapping only the member's share: the joiner signs a transcript the member never saw.
    const half = run(f.inviter, (from, i, p) => (from === 'member' && i === 0 ? swap(p) : p));
    expect(half.ends.member).toMatchObject({ reason: 'bad-signature' });
    expect(half.joiner.state).toBe('failed');
  });

  it('a relay that forwards everything unchanged never learns the key: its REFUSE is ignored', () => {
    const { joiner, member } = run(f.inviter);
    const text = new TextEncoder().encode('relay-says-stop');
    for (const forged of [
      concatBytes(new Uint8Array([4, 2, text.length]), text),
      concatBytes(new Uint8Array([4, 2, text.length]), text, new Uint8Array(32).fill(1)),
    ]) {
      joiner.handleMessage(NOW, forged);
      member.handleMessage(NOW, forged);
    }
    expect([joiner.state, member.state]).toEqual(['authenticated', 'authenticated']);
    expect(joiner.dropped['unauthenticated-refuse']).toBe(2);
    expect(member.dropped['unauthenticated-refuse']).toBe(2);
    member.handleMessage(NOW, new Uint8Array([1, 2, ...new Uint8Array(64)]));
    expect(member.dropped['after-authentication']).toBe(1);
    expect(member.peer?.roles).toEqual(['inviting-member']);
  });

  it("swapping in another valid chain of the joiner's key (to change its roles) fails", async () => {
    const asMember = await credentialOf(f.inviter, 90, 'member');
    const asAdmin = await credentialOf(f.admin, 90, 'admin');
    expect(asMember.identity.publicKey).toEqual(asAdmin.identity.publicKey);
    const { member, ends } = run(asMember, (from, i, p) =>
      from === 'joiner' && i === 1 ? presentOf(asAdmin.chain, p.subarray(p.length - 64)) : p,
    );
    expect(ends.member).toMatchObject({ type: 'failed', reason: 'bad-signature' });
    expect(member.peer).toBeUndefined();
    // Unswapped, the member sees the role the joiner presented.
    expect(run(asMember).member.peer?.roles).toEqual(['member']);
  });

  it("swapping the member's chain for another of the same key fails at the joiner", async () => {
    const asMember = await credentialOf(f.inviter, 91, 'member');
    const asAdmin = await credentialOf(f.admin, 91, 'admin');
    const { joiner, member, ends } = run(
      f.inviter,
      (from, i, p) =>
        from === 'member' && i === 1 ? presentOf(asAdmin.chain, p.subarray(p.length - 64)) : p,
      undefined,
      asMember,
    );
    expect(ends.joiner).toMatchObject({ type: 'failed', reason: 'bad-signature' });
    expect([joiner.state, member.state]).toEqual(['failed', 'failed']);
  });

  it('a node cannot authenticate itself: its joiner messages reflected into its member session', () => {
    const asJoiner = session('joiner', f.admin);
    const asMember = session('member', f.admin);
    asJoiner.start(NOW);
    const outputs: AuthOutput[] = [];
    for (let round = 0; round < 6; round++) {
      for (const [from, to] of [
        [asJoiner, asMember],
        [asMember, asJoiner],
      ] as const) {
        for (let out = from.poll(); out.type !== 'idle'; out = from.poll()) {
          if (out.type === 'send') to.handleMessage(NOW, out.payload);
          else outputs.push(out);
        }
      }
    }
    expect(outputs).toContainEqual(
      expect.objectContaining({ type: 'failed', reason: 'reflected' }),
    );
    expect([asJoiner.state, asMember.state]).toEqual(['failed', 'failed']);
  });

  it("a joiner's HELLO reflected back as the CHALLENGE is refused", () => {
    const joiner = session('joiner', f.inviter);
    joiner.start(NOW);
    const hello = joiner.poll();
    if (hello.type !== 'send') throw new Error('no hello');
    joiner.handleMessage(NOW, concatBytes(new Uint8Array([2]), hello.payload.subarray(1)));
    expect(joiner.state).toBe('failed');
    const outs = [joiner.poll(), joiner.poll()];
    expect(outs[1]).toMatchObject({ type: 'failed', reason: 'reflected' });
  });

  it('a signature made under the other role label does not verify', () => {
    // The joiner's PRESENT re-signed by the joiner's own key over the same transcript with the
    // member label: what a reflection across roles would carry. Only the label differs.
    const seen: Uint8Array[] = [];
    const { ends } = run(f.inviter, (from, i, p) => {
      seen.push(p);
      if (from !== 'joiner' || i !== 1) return p;
      const unsigned = p.subarray(0, p.length - 64);
      const th = transcriptHash([seen[0]!, seen[1]!, unsigned]);
      const sign = (role: 'joiner' | 'member') =>
        nobleCrypto.ed25519Sign(signedInput(role, th), f.inviter.identity.secretKey);
      expect(concatBytes(unsigned, sign('joiner'))).toEqual(p); // the honest message
      return concatBytes(unsigned, sign('member'));
    });
    expect(ends.member).toMatchObject({ type: 'failed', reason: 'bad-signature' });
  });

  it('a tampered FINISHED: the member refuses with an authenticated REFUSE the joiner honours', () => {
    const { joiner, member, ends } = run(f.inviter, (from, i, p) => {
      if (from !== 'joiner' || i !== 2) return p;
      const q = p.slice();
      q[5] = q[5]! ^ 1;
      return q;
    });
    expect(ends.member).toMatchObject({ type: 'failed', reason: 'bad-finished' });
    expect(ends.joiner).toMatchObject({ type: 'failed', reason: 'refused-by-peer' });
    expect([joiner.state, member.state]).toEqual(['failed', 'failed']);
    expect(joiner.keys).toBeUndefined();
  });

  it('no single changed byte anywhere in the handshake leaves either side authenticated', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (message, at, xor) => {
          // Messages in wire order: HELLO(j0) CHALLENGE(m0) PRESENT(j1) PRESENT(m1) FINISHED(j2).
          const [side, index] = (
            [
              ['joiner', 0],
              ['member', 0],
              ['joiner', 1],
              ['member', 1],
              ['joiner', 2],
            ] as const
          )[message]!;
          const { joiner, member } = run(f.inviter, (from, i, p) => {
            if (from !== side || i !== index) return p;
            const q = p.slice();
            const k = at % q.length;
            q[k] = q[k]! ^ xor;
            return q;
          });
          expect([joiner.state, member.state]).toEqual(['failed', 'failed']);
        },
      ),
      { seed: SEED, numRuns: 60 },
    );
  }, 60_000);

  it('hostile bytes never throw; once authenticated, no forged message ends the session', () => {
    const { joiner, member } = run(f.inviter);
    const oversized = new Uint8Array(AUTH_LIMITS.messageBytesMax + 1);
    oversized.set([3, 2, 1]);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.uint8Array({ maxLength: 120 }),
        (type, body) => {
          const payload = concatBytes(new Uint8Array([type, 2]), body);
          const fresh = session('member', f.member);
          expect(() => fresh.handleMessage(NOW, payload)).not.toThrow();
          for (const s of [joiner, member]) s.handleMessage(NOW, payload);
          expect([joiner.state, member.state]).toEqual(['authenticated', 'authenticated']);
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
    member.handleMessage(NOW, oversized);
    expect(member.dropped['malformed-after-authentication']).toBeGreaterThan(0);
    const fresh = session('member', f.member);
    fresh.handleMessage(NOW, oversized);
    expect(fresh.state).toBe('failed');
  });
});
