import { beforeAll, describe, expect, it } from 'vitest';
import { type AuthOutput, GroupAuthSession } from '../../../src/gmc/auth.js';
import type { GmcCredential } from '../../../src/gmc/issue.js';
import { seededRng } from '../../../src/util/rng.js';
import { type Fixture, identityOf, makeFixture, makeOutsider, NOW } from './fixtures.js';

let f: Fixture;
let outsider: GmcCredential;
beforeAll(async () => {
  f = await makeFixture();
  outsider = (await makeOutsider(7, 70)).credential;
});

/** Runs both sides over a perfect in-memory channel; `tamper` may rewrite joiner->member payloads. */
function run(
  joinerCredential: GmcCredential,
  tamper?: (payload: Uint8Array) => Uint8Array,
  joinerRoot?: Uint8Array,
) {
  const seed = Number(process.env.PNRP_SEED ?? 3);
  const root = f.group.root.chain[0]!;
  const joiner = new GroupAuthSession({
    side: 'joiner',
    credential: joinerCredential,
    root: joinerRoot ?? root,
    rng: seededRng(seed).fork('j'),
  });
  const member = new GroupAuthSession({
    side: 'member',
    credential: f.member,
    root,
    rng: seededRng(seed).fork('m'),
  });
  const ends: Record<string, AuthOutput> = {};
  joiner.start(NOW);
  for (let round = 0; round < 10; round++) {
    let moved = false;
    for (const [from, to, name] of [
      [joiner, member, 'joiner'],
      [member, joiner, 'member'],
    ] as const) {
      for (let out = from.poll(); out.type !== 'idle'; out = from.poll()) {
        moved = true;
        if (out.type === 'send')
          to.handleMessage(NOW, name === 'joiner' && tamper ? tamper(out.payload) : out.payload);
        else ends[name] = out;
      }
    }
    if (!moved) break;
  }
  return { joiner, member, ends };
}

describe('GroupAuthSession', () => {
  it('authenticates a member of the group both ways and exposes the peer chain', () => {
    const { joiner, member, ends } = run(f.inviter);
    expect([joiner.state, member.state]).toEqual(['authenticated', 'authenticated']);
    expect(member.peer?.roles).toEqual(['inviting-member']);
    expect(joiner.peer?.leaf.publicKey).toEqual(f.member.identity.publicKey);
    expect(ends.joiner?.type).toBe('authenticated');
  });

  it('refuses a joiner from another group, and the joiner learns why', () => {
    const { joiner, member, ends } = run(outsider);
    expect(member.state).toBe('failed');
    expect(ends.member).toMatchObject({ type: 'failed', reason: 'chain-foreign-root' });
    expect(joiner.state).toBe('failed');
    expect(ends.joiner).toMatchObject({
      type: 'failed',
      reason: 'refused-by-peer',
      detail: 'chain-foreign-root',
    });
  });

  it('refuses a joiner presenting a member chain without its key (bad-signature)', () => {
    const thief: GmcCredential = { identity: identityOf(71), chain: f.admin.chain };
    const { member, ends } = run(thief);
    expect(member.state).toBe('failed');
    expect(ends.member).toMatchObject({ reason: 'bad-signature' });
  });

  it('ends in failed on malformed bytes and on an out-of-order message, never throwing', () => {
    const truncated = run(f.inviter, (p) => (p[0] === 3 ? p.subarray(0, p.length - 1) : p));
    expect(truncated.ends.member).toMatchObject({ type: 'failed', reason: 'malformed' });
    const replayed = run(f.inviter, (p) =>
      p[0] === 3 ? new Uint8Array([1, 1, ...new Uint8Array(16)]) : p,
    );
    expect(replayed.ends.member).toMatchObject({ type: 'failed', reason: 'unexpected-message' });
  });

  it('a member that accepted the joiner ends failed when the joiner refuses it', () => {
    const { joiner, member, ends } = run(f.inviter, undefined, outsider.chain[0]!);
    expect(joiner.state).toBe('failed');
    expect(ends.joiner).toMatchObject({ type: 'failed', reason: 'chain-foreign-root' });
    expect(member.state).toBe('failed');
    expect(member.peer).toBeUndefined();
    expect(ends.member).toMatchObject({ type: 'failed', reason: 'refused-by-peer' });
  });

  it('start() is only for a joiner that has not started', () => {
    const member = new GroupAuthSession({
      side: 'member',
      credential: f.member,
      root: f.group.root.chain[0]!,
      rng: seededRng(1),
    });
    expect(() => member.start(NOW)).toThrow(RangeError);
  });
});
