/**
 * join: a full group join on the simulator. A group is created; its members publish the secure
 * peer name `<group authority>.participant` in a simulated cloud (as PNRP IDs), and so does an
 * outsider from another group. A newcomer exports its identity, an inviting member issues it a
 * GMC inside an invitation, the newcomer accepts it, resolves `<group>.participant` (nearest
 * five in the name's range), and authenticates mutually with the publishers it found: the
 * outsider is refused, a member accepts it. The outsider trying to join is refused by a member.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_WALL_CLOCK_MS } from '../../src/drt/options.js';
import {
  type AuthOutput,
  acceptInvitation,
  createGroup,
  createInvitation,
  exportIdentity,
  type GmcCredential,
  type Group,
  GroupAuthSession,
  issueGmc,
  parseIdentityInfo,
  parseInvitation,
} from '../../src/gmc/index.js';
import { endpointKey } from '../../src/keys/endpoint.js';
import { createIdentity, type Identity } from '../../src/keys/identity.js';
import { p2pIdOf, pnrpIdOf, resolveTargetOf } from '../../src/keys/ids.js';
import { DrtCloud } from '../../src/sim/drt-cloud.js';
import { concatBytes } from '../../src/util/bytes.js';
import { seededRng } from '../../src/util/rng.js';

const SEED = Number(process.env.PNRP_SEED ?? 21);
const MEMBERS = 12;
const OTHERS = 100;
const T0 = DEFAULT_WALL_CLOCK_MS - 86_400_000;
const NOW = DEFAULT_WALL_CLOCK_MS;

let group: Group;
let participant: string;
const members: GmcCredential[] = [];
let outsider: GmcCredential;
let newcomer: Identity;

function authenticate(joiner: GmcCredential, member: GmcCredential, rngLabel: string) {
  const root = group.root.chain[0]!;
  // Each side trusts the root of its own chain: the outsider trusts its own group's.
  const memberRoot = member === outsider ? outsider.chain[0]! : root;
  const rng = seededRng(`${SEED}:${rngLabel}`);
  const a = new GroupAuthSession({
    side: 'joiner',
    credential: joiner,
    root: joiner === outsider ? outsider.chain[0]! : root,
    rng: rng.fork('joiner'),
  });
  const b = new GroupAuthSession({
    side: 'member',
    credential: member,
    root: memberRoot,
    rng: rng.fork('member'),
  });
  const ends: AuthOutput[] = [];
  a.start(NOW);
  for (let moved = true; moved; ) {
    moved = false;
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      for (let out = from.poll(); out.type !== 'idle'; out = from.poll()) {
        moved = true;
        if (out.type === 'send') to.handleMessage(NOW, out.payload);
        else ends.push(out);
      }
    }
  }
  return { joiner: a.state, member: b.state, ends };
}

beforeAll(async () => {
  const seed = (label: string) => seededRng(`${SEED}:${label}`).bytes(32);
  group = await createGroup({
    classifier: 'chat',
    friendlyName: 'Chat',
    nowWallMs: T0,
    seed: seed('group'),
  });
  participant = `${group.root.identity.authority}.participant`;
  const inviter = createIdentity(seed('inviter'));
  const inviterChain = await issueGmc({
    issuer: group.root,
    subjectPublicKey: inviter.publicKey,
    role: 'inviting-member',
    nowWallMs: T0,
  });
  for (let i = 0; i < MEMBERS; i++) {
    const identity = createIdentity(seed(`member-${i}`));
    const issuer = i === 0 ? group.root : { identity: inviter, chain: inviterChain };
    const chain =
      i === 0
        ? inviterChain
        : await issueGmc({
            issuer,
            subjectPublicKey: identity.publicKey,
            role: 'member',
            nowWallMs: T0,
          });
    members.push({ identity: i === 0 ? inviter : identity, chain });
  }
  const other = await createGroup({ classifier: 'chat', nowWallMs: T0, seed: seed('other') });
  const stranger = createIdentity(seed('outsider'));
  outsider = {
    identity: stranger,
    chain: await issueGmc({
      issuer: other.root,
      subjectPublicKey: stranger.publicKey,
      role: 'member',
      nowWallMs: T0,
    }),
  };
  newcomer = createIdentity(seed('newcomer'));
});

describe(`join (seed ${SEED}, ${MEMBERS} members, 1 outsider, ${OTHERS} other nodes)`, () => {
  it('invite, resolve <group>.participant, authenticate both ways; the outsider is refused', async () => {
    // 1. The newcomer's identity travels out of band; the inviting member (members[0]) invites it.
    const identityInfo = parseIdentityInfo(
      await exportIdentity({ identity: newcomer, classifier: 'me', nowWallMs: T0 }),
    );
    if (!identityInfo.ok) throw new Error(identityInfo.error.detail);
    const chain = await issueGmc({
      issuer: members[0]!,
      subjectPublicKey: identityInfo.value.publicKey,
      role: 'member',
      nowWallMs: T0,
    });
    const invitation = parseInvitation(createInvitation({ chain }));
    if (!invitation.ok) throw new Error(invitation.error.detail);
    const accepted = acceptInvitation(invitation.value, {
      publicKey: newcomer.publicKey,
      nowWallMs: NOW,
      root: group.root.chain[0]!,
    });
    expect(accepted.ok && accepted.peerName).toBe(group.properties.peerName);
    const joiner: GmcCredential = { identity: newcomer, chain };

    // 2. Members and the outsider publish <group>.participant; the newcomer joins the cloud.
    const serviceLocation = (i: number) => seededRng(`${SEED}:sl:${i}`).bytes(16);
    const cloud = new DrtCloud({
      seed: SEED,
      keyOf: (i) =>
        i <= MEMBERS
          ? pnrpIdOf(participant, serviceLocation(i))
          : seededRng(`${SEED}:key:${i}`).bytes(32),
    });
    cloud.build(MEMBERS + 1 + OTHERS);
    const newcomerNode = cloud.join();
    cloud.sim.runFor(20_000);
    const credentialAt = (index: number) =>
      index < MEMBERS ? members[index]! : index === MEMBERS ? outsider : undefined;

    // 3. Resolve the participant name: the five nearest publishers inside the name's range.
    const p2p = p2pIdOf(participant);
    const outcome = cloud.searchOnce(newcomerNode, resolveTargetOf(participant), {
      minKey: concatBytes(p2p, new Uint8Array(16)),
      maxKey: concatBytes(p2p, new Uint8Array(16).fill(0xff)),
      maxEndpoints: 5,
    });
    expect(outcome.results.length).toBeGreaterThanOrEqual(1);
    const byEndpoint = new Map(cloud.members.map((m, i) => [endpointKey(m.handle.endpoint), i]));
    const found = outcome.results.map((r) => byEndpoint.get(endpointKey(r.endpoint))!);
    expect(found.every((i) => i <= MEMBERS)).toBe(true);

    // 4. Authenticate with each publisher found; every group member accepts, the outsider never.
    for (const index of found) {
      const result = authenticate(joiner, credentialAt(index)!, `found-${index}`);
      const expected = index === MEMBERS ? 'failed' : 'authenticated';
      expect([index, result.joiner, result.member]).toEqual([index, expected, expected]);
    }
    // The outsider publishes too, so make sure it was met at least once, or meet it directly.
    const withOutsider = authenticate(joiner, outsider, 'outsider-as-member');
    expect(withOutsider.ends).toContainEqual(
      expect.objectContaining({ type: 'failed', reason: 'chain-foreign-root' }),
    );

    // 5. The outsider trying to join through a member is refused.
    const refused = authenticate(outsider, members[3]!, 'outsider-as-joiner');
    expect([refused.joiner, refused.member]).toEqual(['failed', 'failed']);
    expect(refused.ends).toContainEqual(
      expect.objectContaining({ type: 'failed', reason: 'chain-foreign-root' }),
    );
  }, 60_000);
});
