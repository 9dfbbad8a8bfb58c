import { beforeAll, describe, expect, it } from 'vitest';
import { nodeCrypto } from '../../src/adapters/node/node-crypto.js';
import { createCpa } from '../../src/cpa/sign.js';
import type { Endpoint } from '../../src/keys/endpoint.js';
import { createIdentity } from '../../src/keys/identity.js';
import { p2pIdOf, pnrpIdOf } from '../../src/keys/ids.js';
import type { Key } from '../../src/keys/key256.js';
import type { PnrpNode } from '../../src/pnrp/pnrp-node.js';
import { PnrpCloud, type PnrpMember } from '../../src/sim/pnrp-cloud.js';
import { concatBytes, equalBytes } from '../../src/util/bytes.js';
import { addAttacker, forgeCpa } from '../unit/pnrp/helpers.js';

const SEED = Number(process.env.PNRP_SEED ?? 7);
console.log(`pnrp-security scenarios: PNRP_SEED=${SEED}`);
const HOUR = 3_600_000;
const alice = createIdentity(new Uint8Array(32).fill(0xa1), nodeCrypto);
const mallory = createIdentity(new Uint8Array(32).fill(0x66), nodeCrypto);

function keyFor(peerName: string, tail: number): Key {
  const sl = concatBytes(
    new Uint8Array([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0]),
    new Uint8Array(8).fill(tail),
  );
  return pnrpIdOf(p2pIdOf(peerName, nodeCrypto), sl);
}

/** A member whose cache holds `key` (so its resolve surely reaches the publisher). */
function resolverKnowing(cloud: PnrpCloud, key: Key): PnrpMember {
  const m = cloud.live().find((x) => x.handle.node.drtOf(cloud.cloudName).cache.has(key));
  return m ?? cloud.members[0]!;
}

function rejected(node: PnrpNode, reason: string): number {
  return node.securityOf('Global_').counters.rejected[reason] ?? 0;
}

describe('pnrp cloud: forged, replayed, expired and misattributed CPAs', () => {
  let cloud: PnrpCloud;
  beforeAll(() => {
    cloud = new PnrpCloud({ seed: SEED, crypto: nodeCrypto, settleMs: 20_000 });
    cloud.build(24);
  });

  function attack(
    classifier: string,
    tail: number,
    make: (key: Key, nonce: Uint8Array, wall: number, endpoints: readonly Endpoint[]) => Uint8Array,
  ) {
    const name = `${alice.authority}.${classifier}`;
    const key = keyFor(name, tail);
    const handle = addAttacker(cloud, key, (record, wall) =>
      make(key, record.nonce, wall, record.endpoints),
    );
    cloud.sim.runFor(15_000);
    const from = resolverKnowing(cloud, key);
    const out = cloud.resolveOnce(from, name);
    return { out, from, handle };
  }

  it("a forged CPA (Alice's key, no valid signature) is rejected as bad-signature and never returned", () => {
    const { out, from } = attack('forged', 1, (key, nonce, wall, endpoints) =>
      forgeCpa({
        peerName: `${alice.authority}.forged`,
        serviceLocation: key.slice(16),
        nonce,
        publicKey: alice.publicKey,
        secretKey: undefined,
        notAfterMs: Math.floor(wall) + 12 * HOUR,
        endpoints,
      }),
    );
    expect(out.results).toHaveLength(0);
    expect(rejected(from.handle.node, 'bad-signature')).toBeGreaterThan(0);
  });

  it('a name signed with the wrong identity is rejected as authority-mismatch and never returned', () => {
    const { out, from } = attack('misattributed', 2, (key, nonce, wall, endpoints) =>
      forgeCpa({
        peerName: `${alice.authority}.misattributed`,
        serviceLocation: key.slice(16),
        nonce,
        publicKey: mallory.publicKey,
        secretKey: mallory.secretKey,
        notAfterMs: Math.floor(wall) + 12 * HOUR,
        endpoints,
      }),
    );
    expect(out.results).toHaveLength(0);
    expect(rejected(from.handle.node, 'authority-mismatch')).toBeGreaterThan(0);
  });

  it('a replayed CPA (a genuine one for an old nonce) is rejected as nonce-mismatch and never returned', () => {
    let recorded: Uint8Array | undefined;
    const { out, from } = attack('replayed', 3, (key, _nonce, wall, endpoints) => {
      // Alice really signed this once, for another INQUIRE; the attacker replays it.
      recorded ??= createCpa(
        {
          peerName: `${alice.authority}.replayed`,
          serviceLocation: key.slice(16),
          notAfterMs: Math.floor(wall) + 12 * HOUR,
          nonce: new Uint8Array(16).fill(9),
          serviceEndpoints: endpoints,
        },
        alice,
        nodeCrypto,
      ).encoded;
      return recorded;
    });
    expect(out.results).toHaveLength(0);
    expect(rejected(from.handle.node, 'nonce-mismatch')).toBeGreaterThan(0);
  });

  it('an expired CPA (publisher clock two weeks slow) is rejected as expired and never returned', () => {
    const owner = cloud.join({ peerName: '0.stale-clock' });
    cloud.sim.runFor(15_000);
    const from = resolverKnowing(cloud, owner.registration.pnrpId);
    expect(cloud.resolveOnce(from, '0.stale-clock').failure).toBeUndefined();
    cloud.sim.setWallClockSkew(owner.handle, -14 * 24 * HOUR);
    const out = cloud.resolveOnce(from, '0.stale-clock');
    expect(out.results).toHaveLength(0);
    expect(rejected(from.handle.node, 'expired')).toBeGreaterThan(0);
  });

  it('register: a secured name without its identity, or with another, is refused locally', () => {
    const node = cloud.members[0]!.handle.node;
    expect(() =>
      cloud.sim.call(cloud.members[0]!.handle, (n, now) =>
        n.register(now, { peerName: `${alice.authority}.x` }),
      ),
    ).toThrow(/secured name: register it with the identity whose authority is/);
    expect(() =>
      cloud.sim.call(cloud.members[0]!.handle, (n, now) =>
        n.register(now, { peerName: `${alice.authority}.x`, identity: mallory }),
      ),
    ).toThrow(/cannot register/);
    expect(node.registered()).toHaveLength(1);
  });
});

describe('pnrp cloud: extended payload', () => {
  let cloud: PnrpCloud;
  const payload = new Uint8Array(4096).map((_, i) => (i * 31 + 7) & 0xff);
  let owner: PnrpMember;
  beforeAll(() => {
    cloud = new PnrpCloud({ seed: SEED + 1, crypto: nodeCrypto, settleMs: 20_000 });
    cloud.build(20);
    owner = cloud.join({ classifier: 'big', secured: true, extendedPayload: payload });
    cloud.sim.runFor(15_000);
  });

  it('a 4,096-byte extended payload is served only when asked (X flag)', () => {
    const plain = cloud.resolveOnce(cloud.members[1]!, owner.registration.peerName);
    expect(plain.results[0]!.hasExtendedPayload).toBe(true);
    expect(plain.results[0]!.extendedPayload).toBeUndefined();
    const before = owner.handle.node.securityOf('Global_').counters.extendedPayloadsSigned;
    const out = cloud.resolveOnce(cloud.members[1]!, owner.registration.peerName, {
      wantExtendedPayload: true,
    });
    const ext = out.results[0]!.extendedPayload!;
    expect(ext.type).toBe('binary');
    expect(ext.type === 'binary' && equalBytes(ext.bytes, payload)).toBe(true);
    expect(owner.handle.node.securityOf('Global_').counters.extendedPayloadsSigned).toBe(
      before + 1,
    );
  });

  it('a 4,096-byte extended payload arrives in 1,188-byte fragments under 10% loss', () => {
    cloud.sim.setLoss(0.1);
    let delivered = 0;
    for (let i = 0; i < 5; i++) {
      const out = cloud.resolveOnce(cloud.members[2 + i]!, owner.registration.peerName, {
        wantExtendedPayload: true,
      });
      const ext = out.results[0]?.extendedPayload;
      if (ext?.type === 'binary' && equalBytes(ext.bytes, payload)) delivered++;
      else expect(out.results).toHaveLength(0); // never a partial or wrong payload
    }
    cloud.sim.setLoss(0);
    expect(delivered).toBeGreaterThanOrEqual(4);
  });

  it('a resolve whose payload cannot arrive before its deadline fails cleanly', () => {
    const from = cloud.members[3]!;
    cloud.sim.setLoss(1);
    const out = cloud.resolveOnce(from, owner.registration.peerName, {
      wantExtendedPayload: true,
      timeoutMs: 3_000,
    });
    cloud.sim.setLoss(0);
    expect(out.results).toHaveLength(0);
    expect(out.failure).toBeDefined();
    const security = from.handle.node.securityOf('Global_');
    expect(security.wantExtendedPayload?.(owner.registration.pnrpId)).toBe(false);
  });

  it('a tampered extended payload is rejected and never returned', () => {
    const name = `${mallory.authority}.tampered`;
    const key = keyFor(name, 4);
    const honest = createIdentity(mallory.secretKey, nodeCrypto);
    addAttacker(
      cloud,
      key,
      (record, wall) =>
        createCpa(
          {
            peerName: name,
            serviceLocation: key.slice(16),
            notAfterMs: Math.floor(wall) + 12 * HOUR,
            nonce: record.nonce,
            serviceEndpoints: record.endpoints,
            hasExtendedPayload: true,
          },
          honest,
          nodeCrypto,
        ).encoded,
      (k, want, nonce, wall) => {
        if (!want) return { classifier: 'tampered' };
        const { encoded } = createExtendedPayloadFor(k, nonce, wall);
        encoded[100] = encoded[100]! ^ 0xff; // flip one payload byte after signing
        return { classifier: 'tampered', extendedPayload: encoded };
      },
    );
    cloud.sim.runFor(15_000);
    const from = resolverKnowing(cloud, key);
    const plain = cloud.resolveOnce(from, name);
    expect(plain.failure).toBeUndefined(); // the CPA itself is genuine
    const out = cloud.resolveOnce(from, name, { wantExtendedPayload: true });
    expect(out.results).toHaveLength(0);
    expect(rejected(from.handle.node, 'extended-payload-bad-signature')).toBeGreaterThan(0);
  });
});

import { createExtendedPayload } from '../../src/cpa/extended-payload-verify.js';

function createExtendedPayloadFor(pnrpId: Key, nonce: Uint8Array, wall: number) {
  return createExtendedPayload(
    {
      pnrpId,
      nonce,
      notAfterMs: Math.floor(wall) + 12 * HOUR,
      payload: { type: 'binary', bytes: new Uint8Array(2000).fill(3) },
    },
    mallory,
    nodeCrypto,
  );
}
