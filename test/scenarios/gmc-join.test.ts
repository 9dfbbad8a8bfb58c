/**
 * join: a full group join on the simulator. A group is created; its members publish the secure
 * peer name `<group authority>.participant` through `PnrpNode.register` in a simulated PNRP cloud
 * of other nodes, each signing its CPA with its own key and sending its GMC chain with it
 * ([MS-PNRP] §3.1.5.10 delegation, gmc/participant.ts), and so does an outsider whose chain comes
 * from another group. A newcomer exports its identity, an inviting member issues it a GMC inside
 * an invitation, the newcomer accepts it, resolves `<group>.participant` with `PnrpNode.resolve`
 * (any instance, up to five), and authenticates mutually with the publishers it found. Resolvers
 * refuse the outsider's CPA (its chain's root is not the name's authority), so it is never found;
 * met directly, it is refused by GroupAuthSession, and trying to join it is refused by a member.
 * Each successful authentication ends with the same session key on both sides (issue 11).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createNodeCrypto } from '../../src/adapters/node/node-crypto.js';
import { DEFAULT_WALL_CLOCK_MS } from '../../src/drt/options.js';
import { CertificateCache } from '../../src/gmc/chain.js';
import { encodeChainPkcs7 } from '../../src/gmc/chain-codec.js';
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
import { gmcAuthorityVerifier, participantPeerName } from '../../src/gmc/participant.js';
import { endpointKey } from '../../src/keys/endpoint.js';
import { createIdentity, type Identity } from '../../src/keys/identity.js';
import { PnrpCloud, type PnrpMember } from '../../src/sim/pnrp-cloud.js';
import { equalBytes } from '../../src/util/bytes.js';
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
  // Authenticated both ways: one session key, derived on each side from the handshake.
  const sameKey =
    a.keys !== undefined &&
    b.keys !== undefined &&
    equalBytes(a.keys.sessionKey, b.keys.sessionKey);
  return { joiner: a.state, member: b.state, ends, sameKey };
}

beforeAll(async () => {
  const seed = (label: string) => seededRng(`${SEED}:${label}`).bytes(32);
  group = await createGroup({
    classifier: 'chat',
    friendlyName: 'Chat',
    nowWallMs: T0,
    seed: seed('group'),
  });
  participant = participantPeerName(group);
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

    // 2. Other nodes form a PNRP cloud; every node can check delegation chains (as Windows
    //    resolvers do), trusting no root: the name's authority pins it.
    const crypto = createNodeCrypto();
    const verifier = gmcAuthorityVerifier({ crypto, cache: new CertificateCache(256) });
    const cloud = new PnrpCloud({ seed: SEED, crypto, authorityVerifier: verifier.verify });
    cloud.build(OTHERS);

    // Members and the outsider publish <group>.participant, each with its own key and chain.
    const publish = (credential: GmcCredential): PnrpMember => {
      const m = cloud.join({
        peerName: participant,
        identity: credential.identity,
        certChain: encodeChainPkcs7(credential.chain),
      });
      cloud.sim.runFor(20);
      return m;
    };
    const publishers = new Map<string, GmcCredential>();
    for (const credential of [...members, outsider]) {
      publishers.set(endpointKey(publish(credential).handle.endpoint), credential);
    }
    const newcomerNode = cloud.join({ classifier: 'newcomer' });
    cloud.sim.runFor(30_000);

    // 3. Resolve the participant name: any instance, up to five.
    const outcome = cloud.resolveOnce(newcomerNode, participant, {
      criteria: 'any-peer-name',
      maxResults: 5,
    });
    expect(outcome.failure).toBeUndefined();
    expect(outcome.results.length).toBe(5);
    const found = outcome.results.map((r) => publishers.get(endpointKey(r.pnrpEndpoints[0]!)));
    expect(found.every((c) => c !== undefined && c !== outsider)).toBe(true);
    expect(outcome.results.every((r) => r.secured && r.peerName === participant)).toBe(true);
    // Resolvers met the outsider's CPA and refused it for its chain, never accepting it.
    expect(verifier.counters.accepted).toBeGreaterThan(0);
    expect(verifier.counters.refused['authority-not-root']).toBeGreaterThan(0);
    const refusedAnywhere = cloud.members.reduce(
      (n, m) =>
        n +
        cloud.sim.call(
          m.handle,
          (node) =>
            node.securityOf(cloud.cloudName).counters.rejected['delegation-authority-not-root'] ??
            0,
        ),
      0,
    );
    expect(refusedAnywhere).toBe(verifier.counters.refused['authority-not-root']);

    // 4. Authenticate with each publisher found; every group member accepts, the outsider never.
    for (const [i, credential] of found.entries()) {
      const result = authenticate(joiner, credential!, `found-${i}`);
      expect([i, result.joiner, result.member]).toEqual([i, 'authenticated', 'authenticated']);
      expect(result.sameKey).toBe(true);
    }
    // The outsider was never found, so meet it directly: the newcomer refuses it.
    const withOutsider = authenticate(joiner, outsider, 'outsider-as-member');
    expect(withOutsider.ends).toContainEqual(
      expect.objectContaining({ type: 'failed', reason: 'chain-foreign-root' }),
    );

    // 5. The outsider trying to join through a member is refused.
    const refused = authenticate(outsider, members[3]!, 'outsider-as-joiner');
    expect([refused.joiner, refused.member]).toEqual(['failed', 'failed']);
    expect(refused.sameKey).toBe(false);
    expect(refused.ends).toContainEqual(
      expect.objectContaining({ type: 'failed', reason: 'chain-foreign-root' }),
    );
  }, 60_000);
});
