/**
 * GraphNode over the grouping security provider (src/gmc): members authenticate, seal every
 * message and sign every record; an outsider's connection fails authentication, counted.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { GmcCredential } from '../../../../src/gmc/issue.js';
import { FIXED_RECORD_ID } from '../../../../src/graph/model.js';
import { credentialOf, type Fixture, makeFixture, makeOutsider, NOW } from '../../gmc/fixtures.js';
import { providerFor } from '../security/group-helpers.js';
import { digestHex, endpointOf, GraphNet, type SimNode } from './harness.js';

const APP_TYPE = Uint8Array.from([0xa0, ...new Array(15).fill(9)]);

let f: Fixture;
let root: Uint8Array;
let admin: GmcCredential;
let bob: GmcCredential;
let outsider: { credential: GmcCredential; root: Uint8Array };

beforeAll(async () => {
  f = await makeFixture();
  root = f.group.root.chain[0]!;
  admin = await credentialOf(f.group.root, 20, 'admin');
  bob = await credentialOf(f.inviter, 21, 'member');
  const o = await makeOutsider(22, 71);
  outsider = { credential: o.credential, root: o.group.root.chain[0]! };
});

describe('GraphNode with the grouping security provider', () => {
  it('members join, sync and flood signed records; an outsider fails authentication', () => {
    const net = new GraphNet(71, 10, false, NOW);
    const wallClock = { nowMs: () => NOW + net.nowMs };
    const member = (credential: GmcCredential, label: string, r = root): SimNode => {
      const security = providerFor(credential, r, label, { wallClock });
      return net.add({ security, peerId: security.localPeerId });
    };
    const a = member(admin, 'admin');
    const b = member(f.member, 'alice');
    const c = member(bob, 'bob');
    const x = member(outsider.credential, 'outsider', outsider.root);
    net.command(a, (n, t) => n.create(t, { maxPresenceRecords: 0 }));
    net.command(b, (n, t) => n.open(t));
    net.command(b, (n, t) => n.connect(t, endpointOf(a)));
    net.runFor(5_000);
    net.command(c, (n, t) => n.open(t));
    net.command(c, (n, t) => n.connect(t, endpointOf(b)));
    net.runFor(5_000);
    expect(c.node.getRecord(FIXED_RECORD_ID.graphInfo)?.securityData.length).toBeGreaterThan(0);
    const r = net.command(b, (n, t) =>
      n.addRecord(t, { type: APP_TYPE, payload: Uint8Array.of(5), lifetimeMs: 600_000 }),
    );
    if (!r.ok) throw new Error(r.reason);
    net.runFor(5_000);
    for (const s of [a, b, c])
      expect(s.node.getRecord(r.record.id)?.payload).toEqual(Uint8Array.of(5));
    expect(digestHex(c)).toBe(digestHex(a));
    expect(Object.keys(a.node.stats.recordsRefused)).toEqual([]);

    net.command(x, (n, t) => n.open(t));
    net.command(x, (n, t) => n.connect(t, endpointOf(a)));
    net.runFor(5_000);
    expect(x.node.neighbours()).toHaveLength(0);
    expect(x.node.getRecord(r.record.id)).toBeUndefined();
    const failed = [a, x]
      .flatMap((s) => Object.keys(s.node.stats.terminated))
      .filter((k) => k.startsWith('auth:'));
    expect(failed.length).toBeGreaterThan(0);
  });
});
