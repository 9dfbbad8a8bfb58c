/**
 * The group facade (startGroup, joinGroup, openGroup) over in-memory connections and real timers:
 * a creator and joiners exchange records, a late joiner gets the history, refusals carry PnrpError
 * codes (foreign root NOT_MEMBER, expired INVITATION_EXPIRED, another key INVALID_INVITATION,
 * nobody there GROUP_NOT_FOUND), an AbortSignal aborts a join, and close() ends the iterables.
 * Waits are on events, never on elapsed time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { encodePnrpExtensions } from '../../../src/gmc/extensions.js';
import { joinGroup, startGroup } from '../../../src/gmc/group.js';
import type { GroupRecordChange, GroupSession } from '../../../src/gmc/group-types.js';
import { createInvitation } from '../../../src/gmc/invitation.js';
import { issueGmc, signCertificate } from '../../../src/gmc/issue.js';
import { gmcAuthorityVerifier, participantPeerName } from '../../../src/gmc/participant.js';
import { createIdentity } from '../../../src/keys/identity.js';
import { createMemoryConnections } from '../../../src/memory-connections.js';
import { createMemoryNetwork } from '../../../src/memory-network.js';
import { createPeer } from '../../../src/peer/create-peer.js';
import { PnrpError } from '../../../src/peer/error.js';
import { utf8Decode } from '../../../src/util/bytes.js';

const hub = createMemoryConnections();
const open: GroupSession[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

async function creator(): Promise<GroupSession> {
  const s = await startGroup({ connections: hub.createTransport(), classifier: 'chat' });
  open.push(s);
  return s;
}

async function joiner(host: GroupSession, extra: { signal?: AbortSignal } = {}) {
  const identity = createIdentity();
  const invitation = await host.invite({ publicKey: identity.publicKey });
  const s = await joinGroup(invitation, {
    identity,
    connections: hub.createTransport(),
    bootstrap: host.endpoints,
    ...extra,
  });
  open.push(s);
  return s;
}

async function take<T>(it: AsyncIterator<T>, match: (v: T) => boolean): Promise<T> {
  for (;;) {
    const r = await it.next();
    if (r.done) throw new Error('iteration ended');
    if (match(r.value)) return r.value;
  }
}

async function refusal(p: Promise<unknown>): Promise<PnrpError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(PnrpError);
    return e as PnrpError;
  }
  throw new Error('expected a PnrpError');
}

const text = (c: GroupRecordChange) => utf8Decode(c.record.payload);

describe('startGroup and joinGroup', () => {
  it('a joiner syncs, records flow both ways, updates and deletes arrive', async () => {
    const alice = await creator();
    expect(alice.roles).toEqual(['admin']);
    const first = alice.records.add('chat.message', 'hello before bob');
    const bob = await joiner(alice);
    await bob.whenSynced();
    expect(bob.graphId).toBe(alice.graphId);
    expect(bob.records.query('chat.message').map((r) => utf8Decode(r.payload))).toEqual([
      'hello before bob',
    ]);
    expect(bob.records.get(first.id)?.creatorId).toBe(alice.peerId);

    const atAlice = alice.changes();
    const fromBob = bob.records.add('chat.message', 'hi alice');
    const seen = await take(atAlice, (c) => c.record.id === fromBob.id);
    expect(seen).toMatchObject({ change: 'added', local: false });
    expect(text(seen)).toBe('hi alice');

    const atBob = bob.changes();
    alice.records.update(first.id, { payload: 'edited' });
    const edited = await take(atBob, (c) => c.record.id === first.id);
    expect(edited.change).toBe('updated');
    expect(text(edited)).toBe('edited');
    alice.records.delete(first.id);
    expect((await take(atBob, (c) => c.record.id === first.id)).change).toBe('deleted');
    expect(bob.records.get(first.id)).toBeUndefined();
    expect(bob.records.query('chat.message').map((r) => r.id)).toEqual([fromBob.id]);
  });

  it('a second joiner gets the whole history, with replay', async () => {
    const alice = await creator();
    const bob = await joiner(alice);
    alice.records.add('chat.message', 'one');
    const two = bob.records.add('chat.message', 'two');
    await take(alice.changes({ replay: true }), (c) => c.record.id === two.id);
    const carol = await joiner(alice);
    const history = carol.changes({ replay: true });
    const got = [await history.next(), await history.next()].map((r) => text(r.value!));
    expect(got.sort()).toEqual(['one', 'two']);
  });

  it('members appear through presence, with joined events', async () => {
    const alice = await creator();
    const events = alice.memberEvents();
    const bob = await joiner(alice);
    const joined = await take(events, (e) => e.member.peerId === bob.peerId);
    expect(joined.type).toBe('joined');
    expect(alice.members().map((m) => m.peerId)).toContain(bob.peerId);
  });

  it('a member may not change what another created (RECORD_REFUSED), a plain member may not invite', async () => {
    const alice = await creator();
    const bob = await joiner(alice);
    const mine = alice.records.add('chat.message', 'alice only');
    await take(bob.changes({ replay: true }), (c) => c.record.id === mine.id);
    const e = (() => {
      try {
        bob.records.update(mine.id, { payload: 'bob was here' });
      } catch (error) {
        return error as PnrpError;
      }
      throw new Error('expected a refusal');
    })();
    expect(e.code).toBe('RECORD_REFUSED');
    expect(e.reason).toContain('not-owner');
    const denied = await refusal(bob.invite({ publicKey: createIdentity().publicKey }));
    expect(denied.code).toBe('ACCESS_DENIED');
  });
});

describe('refusals', () => {
  it('a forged root naming the group is refused before connecting (INVALID_INVITATION)', async () => {
    const alice = await creator();
    const forger = createIdentity();
    const name = `CN=${forger.authority}`;
    const fakeRoot = await signCertificate({
      signer: forger,
      issuerName: name,
      subjectName: name,
      subjectPublicKey: forger.publicKey,
      notBeforeMs: Date.now() - 1000,
      notAfterMs: Date.now() + 86_400_000,
      extensions: encodePnrpExtensions({ certificateType: 1, peerName: alice.graphId }),
    });
    const mallory = createIdentity();
    const chain = await issueGmc({
      issuer: { identity: forger, chain: [fakeRoot] },
      subjectPublicKey: mallory.publicKey,
      role: 'member',
      nowWallMs: Date.now() - 1000,
    });
    const e = await refusal(
      joinGroup(createInvitation({ chain }), {
        identity: mallory,
        connections: hub.createTransport(),
        bootstrap: alice.endpoints,
      }),
    );
    expect(e.code).toBe('INVALID_INVITATION');
  });

  it('a member of another group is not admitted (NOT_MEMBER)', async () => {
    const alice = await creator();
    const other = await creator();
    const mallory = createIdentity();
    const invitation = await other.invite({ publicKey: mallory.publicKey });
    const e = await refusal(
      joinGroup(invitation, {
        identity: mallory,
        connections: hub.createTransport(),
        bootstrap: alice.endpoints,
      }),
    );
    expect(e.code).toBe('NOT_MEMBER');
    expect(alice.members().map((m) => m.peerId)).toEqual([alice.peerId]);
  });

  it('a member whose certificate the group finds expired is refused (NOT_MEMBER)', async () => {
    const clock = { skewMs: 0, nowMs: () => Date.now() + clock.skewMs };
    const alice = await startGroup({ connections: hub.createTransport(), wallClock: clock });
    open.push(alice);
    const bob = createIdentity();
    const invitation = await alice.invite({ publicKey: bob.publicKey, validityMs: 3_600_000 });
    clock.skewMs = 2 * 3_600_000; // the group's clock is past bob's certificate
    const e = await refusal(
      joinGroup(invitation, {
        identity: bob,
        connections: hub.createTransport(),
        bootstrap: alice.endpoints,
      }),
    );
    expect(e.code).toBe('NOT_MEMBER');
    expect(e.reason).toMatch(/^auth:/);
  });

  it('an expired invitation, or one for another key, is refused before connecting', async () => {
    const alice = await creator();
    const bob = createIdentity();
    const invitation = await alice.invite({ publicKey: bob.publicKey, validityMs: 3_600_000 });
    const later = { nowMs: () => Date.now() + 2 * 3_600_000 };
    const expired = await refusal(
      joinGroup(invitation, {
        identity: bob,
        connections: hub.createTransport(),
        bootstrap: alice.endpoints,
        wallClock: later,
      }),
    );
    expect(expired.code).toBe('INVITATION_EXPIRED');
    const wrong = await refusal(
      joinGroup(invitation, {
        identity: createIdentity(),
        connections: hub.createTransport(),
        bootstrap: alice.endpoints,
      }),
    );
    expect(wrong.code).toBe('INVALID_INVITATION');
    expect(wrong.reason).toBe('wrong-key');
    const garbage = await refusal(
      joinGroup('<nope/>', { identity: bob, connections: hub.createTransport() }),
    );
    expect(garbage.code).toBe('INVALID_INVITATION');
  });

  it('nobody at the bootstrap endpoints: GROUP_NOT_FOUND', async () => {
    const alice = await creator();
    const bob = createIdentity();
    const invitation = await alice.invite({ publicKey: bob.publicKey });
    const nobody = hub.createTransport();
    await nobody.shutdown();
    const e = await refusal(
      joinGroup(invitation, {
        identity: bob,
        connections: hub.createTransport(),
        bootstrap: [nobody.localEndpoint],
      }),
    );
    expect(e.code).toBe('GROUP_NOT_FOUND');
  });

  it('an aborted signal aborts the join (CANCELLED), before or during', async () => {
    const alice = await creator();
    const bob = createIdentity();
    const invitation = await alice.invite({ publicKey: bob.publicKey });
    const before = await refusal(
      joinGroup(invitation, {
        identity: bob,
        connections: hub.createTransport(),
        bootstrap: alice.endpoints,
        signal: AbortSignal.abort(),
      }),
    );
    expect(before.code).toBe('CANCELLED');
    const controller = new AbortController();
    const joining = joinGroup(invitation, {
      identity: bob,
      connections: hub.createTransport(),
      bootstrap: alice.endpoints,
      signal: controller.signal,
    });
    controller.abort();
    expect((await refusal(joining)).code).toBe('CANCELLED');
  });
});

describe('close', () => {
  it('ends the iterables, rejects operations with CLOSED and tells the others it left', async () => {
    const alice = await creator();
    const bob = await joiner(alice);
    const changes = bob.changes();
    const members = bob.memberEvents();
    const atAlice = alice.memberEvents();
    await bob.close();
    expect(bob.closed).toBe(true);
    expect(await changes.next()).toEqual({ value: undefined, done: true });
    for (;;) {
      const r = await members.next(); // our own presence leaving may come first
      if (r.done) break;
      expect(r.value).toMatchObject({ type: 'left', member: { self: true } });
    }
    expect(() => bob.records.add('chat.message', 'late')).toThrow(PnrpError);
    expect((await refusal(bob.invite({ publicKey: createIdentity().publicKey }))).code).toBe(
      'CLOSED',
    );
    const left = await take(atAlice, (e) => e.member.peerId === bob.peerId);
    expect(left.type).toBe('left');
  });
});

describe('discovery through PNRP', () => {
  it('joiners find live members by resolving <group>.participant, delegated by their GMC chains', async () => {
    const net = createMemoryNetwork();
    const verify = gmcAuthorityVerifier().verify;
    const seedTransport = net.createTransport();
    const seed = createPeer({ transport: seedTransport, seed: true });
    const peerOf = () =>
      createPeer({
        transport: net.createTransport(),
        bootstrap: [seedTransport.localEndpoints()[0]!],
        authorityVerifier: verify,
      });
    const peers = [seed, peerOf(), peerOf(), peerOf()];
    try {
      await Promise.all(peers.slice(1).map((p) => p.whenActive()));
      const alice = await startGroup({
        connections: hub.createTransport(),
        peer: peers[1]!,
        classifier: 'found',
      });
      open.push(alice);
      const join = async (peer: (typeof peers)[number]) => {
        const identity = createIdentity();
        const invitation = await alice.invite({ publicKey: identity.publicKey });
        const s = await joinGroup(invitation, {
          identity,
          connections: hub.createTransport(),
          peer,
        });
        open.push(s);
        return s;
      };
      const bob = await join(peers[2]!);
      const hello = bob.records.add('chat.message', 'found you');
      const carol = await join(peers[3]!);
      await carol.whenSynced();
      expect(carol.records.get(hello.id)?.creatorId).toBe(bob.peerId);
      const [found] = await peers[3]!.resolve(participantPeerName(alice.graphId.split('.')[0]!), {
        maxResults: 3,
      });
      expect(found.peerName.endsWith('.participant')).toBe(true);
    } finally {
      for (const s of open.splice(0)) await s.close();
      for (const p of peers) await p.close();
    }
  });
});
