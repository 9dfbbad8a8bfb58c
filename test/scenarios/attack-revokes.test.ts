/**
 * Issue 10, attack 5a: revokes are fresh and cheap. In a PNRP cloud (CPA security provider), an
 * attacker at its own address floods revoke CPAs to the leaf-set neighbours of a publisher:
 * - a genuine revoke signed 11 hours ago (replayed) is ignored: its Not After ends before that of
 *   the CPA the neighbours admitted the publisher with (`revoke-stale`);
 * - a revoke for a key a node does not hold costs no signature verification (`revoke-not-held`);
 * - a revoke of a secured name signed by another key is refused before any verification
 *   (`revoke-wrong-key`);
 * - an unsecured (`0.`) name can still be revoked by anyone, as the spec has it;
 * - the publisher's own fresh revoke (unregistering) still removes it everywhere.
 * On 49d5d3c the replay was accepted and every revoke cost a signature check.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeCrypto } from '../../src/adapters/node/node-crypto.js';
import { encodeCpa, encodeCpaSignedSpan } from '../../src/cpa/encode.js';
import { filetimeFromUnixMs } from '../../src/cpa/filetime.js';
import { createCpa } from '../../src/cpa/sign.js';
import type { DrtNode } from '../../src/drt/node.js';
import { createIdentity } from '../../src/keys/identity.js';
import { binaryAuthorityOf, classifierHashOf } from '../../src/keys/ids.js';
import { parsePeerName } from '../../src/keys/peer-name.js';
import { PnrpCloud, type PnrpMember } from '../../src/sim/pnrp-cloud.js';
import { toHex } from '../../src/util/bytes.js';
import { encodeDatagrams } from '../../src/wire/index.js';
import type { Message } from '../../src/wire/types.js';
import { PNRP_VERSION } from '../../src/wire/types.js';
import { ATTACKER } from './attack-helpers.js';

const SEED = Number(process.env.PNRP_SEED ?? 13);
const HOUR = 3_600_000;
const LIFETIME_MS = 12 * HOUR;
const mallory = createIdentity(new Uint8Array(32).fill(0x66), nodeCrypto);

function revokeFlood(revokeCpa: Uint8Array, validateId: Uint8Array): Message {
  return {
    type: 'flood',
    messageId: 0,
    version: PNRP_VERSION,
    dontAck: false,
    validateId,
    revokeCpa,
    alreadyFlooded: [],
  };
}

/** A revoke of `member`'s name as its owner signs it, at wall time `signedAtMs`. */
function genuineRevoke(member: PnrpMember, signedAtMs: number): Uint8Array {
  return createCpa(
    {
      peerName: member.registration.peerName,
      serviceLocation: member.registration.pnrpId.slice(16),
      notAfterMs: signedAtMs + LIFETIME_MS,
      revoke: true,
    },
    member.identity,
    nodeCrypto,
  ).encoded;
}

/** A revoke naming `member`'s (secured) name, signed by Mallory's key instead of the owner's. */
function malloryRevoke(member: PnrpMember, signedAtMs: number): Uint8Array {
  const name = parsePeerName(member.registration.peerName);
  const fields = {
    revoke: true,
    hasExtendedPayload: false,
    notAfterFiletime: filetimeFromUnixMs(signedAtMs + LIFETIME_MS),
    serviceLocation: member.registration.pnrpId.slice(16),
    nonce: new Uint8Array(16),
    ...(name.secured ? { binaryAuthority: binaryAuthorityOf(name) } : {}),
    classifierHash: classifierHashOf(name.classifier, nodeCrypto),
    serviceEndpoints: [],
    appEndpoints: [],
    publicKey: mallory.publicKey,
  };
  const signature = nodeCrypto.ed25519Sign(encodeCpaSignedSpan(fields), mallory.secretKey);
  return encodeCpa({ ...fields, signature, secured: name.secured });
}

describe(`revokes are fresh and cheap (seed ${SEED})`, () => {
  let cloud: PnrpCloud;
  const drt = (m: PnrpMember): DrtNode => m.handle.node.drtOf(cloud.cloudName);
  const wallNow = (): number => cloud.sim.wallClockStartMs + cloud.sim.nowMs;
  const verifications = (m: PnrpMember): number =>
    m.handle.node.securityOf(cloud.cloudName).crypto.verifyMisses;
  /** Members holding `p` in the leaf set of their own key. */
  const neighboursOf = (p: PnrpMember): PnrpMember[] =>
    cloud.live().filter((m) => {
      if (m === p) return false;
      const leaf = drt(m).cache.leafSet(m.registration.pnrpId);
      const id = toHex(p.registration.pnrpId);
      return [...leaf.below, ...leaf.above].some((e) => toHex(e.id) === id);
    });
  /**
   * Delivers one revoke FLOOD from the attacker's address to `to` at once, and returns the
   * signature verifications it cost (nothing else runs meanwhile).
   */
  const flood = (to: PnrpMember, bytes: Uint8Array): number => {
    const [payload] = encodeDatagrams(revokeFlood(bytes, to.registration.pnrpId));
    const before = verifications(to);
    cloud.sim.call(to.handle, (node, now) =>
      node.handleDatagram(now, ATTACKER, payload!, to.handle.endpoint),
    );
    return verifications(to) - before;
  };

  beforeAll(() => {
    cloud = new PnrpCloud({ seed: SEED, crypto: nodeCrypto, settleMs: 20_000 });
    cloud.build(16);
    cloud.join({ secured: false, classifier: 'open' });
    cloud.sim.runFor(15_000);
  });

  it('a genuine revoke signed 11 hours ago (replayed) is ignored as stale, unverified', () => {
    const publisher = cloud.members[3]!;
    const neighbours = neighboursOf(publisher);
    expect(neighbours.length).toBeGreaterThanOrEqual(4);
    const old = genuineRevoke(publisher, wallNow() - 11 * HOUR);
    expect(neighbours.map((n) => flood(n, old))).toEqual(neighbours.map(() => 0));
    cloud.sim.runFor(5_000);
    for (const n of neighbours) {
      expect(drt(n).cache.has(publisher.registration.pnrpId)).toBe(true);
      expect(drt(n).stats.dropped['revoke-stale']).toBe(1);
    }
  });

  it('revokes for keys a node does not hold cost no signature verification', () => {
    const target = cloud.members[5]!;
    const stranger = createIdentity(new Uint8Array(32).fill(0x42), nodeCrypto);
    let cost = 0;
    for (let i = 0; i < 40; i++) {
      const revoke = createCpa(
        {
          peerName: `${stranger.authority}.nobody-${i}`,
          serviceLocation: new Uint8Array(16).fill(i),
          notAfterMs: wallNow() + LIFETIME_MS,
          revoke: true,
        },
        stranger,
        nodeCrypto,
      ).encoded;
      cost += flood(target, revoke);
    }
    expect(cost).toBe(0);
    expect(drt(target).stats.dropped['revoke-not-held']).toBe(40);
  });

  it('a revoke of a secured name signed by another key is refused before any verification', () => {
    const publisher = cloud.members[7]!;
    const neighbours = neighboursOf(publisher);
    expect(neighbours.length).toBeGreaterThanOrEqual(4);
    const forged = malloryRevoke(publisher, wallNow());
    expect(neighbours.map((n) => flood(n, forged))).toEqual(neighbours.map(() => 0));
    cloud.sim.runFor(5_000);
    for (const n of neighbours) {
      expect(drt(n).cache.has(publisher.registration.pnrpId)).toBe(true);
      expect(drt(n).stats.dropped['revoke-wrong-key']).toBe(1);
    }
  });

  it('an unsecured 0. name is not protected: anyone may revoke it, as the spec has it', () => {
    const open = cloud.members.find((m) => m.registration.peerName.startsWith('0.'))!;
    const neighbours = neighboursOf(open);
    expect(neighbours.length).toBeGreaterThan(0);
    const forged = createCpa(
      {
        peerName: open.registration.peerName,
        serviceLocation: open.registration.pnrpId.slice(16),
        notAfterMs: wallNow() + LIFETIME_MS,
        revoke: true,
      },
      mallory,
      nodeCrypto,
    ).encoded;
    expect(flood(neighbours[0]!, forged)).toBe(1); // one verification, then accepted
    expect(drt(neighbours[0]!).cache.has(open.registration.pnrpId)).toBe(false);
  });

  it("the publisher's own fresh revoke is verified and accepted by its neighbours", () => {
    const publisher = cloud.members[3]!;
    const id = publisher.registration.pnrpId;
    const neighbours = neighboursOf(publisher);
    const leaf = drt(publisher).cache.leafSet(id);
    const nearest = [leaf.below[0]!, leaf.above[0]!].map(
      (e) => neighbours.find((n) => toHex(n.registration.pnrpId) === toHex(e.id))!,
    );
    const refusals = (n: PnrpMember): number =>
      Object.entries(drt(n).stats.dropped)
        .filter(([reason]) => reason.startsWith('revoke-') && reason !== 'revoke-not-held')
        .reduce((a, [, count]) => a + count, 0);
    const before = neighbours.map((n) => [drt(n).stats.revokesReceived, refusals(n)]);
    cloud.leave(publisher);
    cloud.sim.runFor(5_000);
    // Both immediate neighbours take it; the chain carries it on through the leaf set (on this
    // seed the fifth node below is not reached, as on main: a limit of the flood chain).
    for (const n of nearest) expect(drt(n).cache.has(id)).toBe(false);
    const reached = neighbours.filter((n, i) => drt(n).stats.revokesReceived > before[i]![0]!);
    expect(reached.length).toBeGreaterThanOrEqual(neighbours.length - 1);
    for (const n of reached) expect(drt(n).cache.has(id)).toBe(false);
    // None of them refused it as stale or as signed by the wrong key.
    expect(neighbours.map(refusals)).toEqual(before.map(([, r]) => r));
  });
});
