/**
 * [MC-DRT] membership security mode with the derived-key provider: 200 members, each holding a
 * GMC under one group root, sign every LOOKUP, INQUIRE and REQUEST with it and resolve each other
 * exactly as well as in resolve mode. Non-members get nothing: one without any credential, one
 * whose credential is not a chain, one whose chain comes from a foreign root, one presenting a
 * member's (public) credential but signing with its own key, one replaying a member's captured
 * credential and signature on its own messages, and one whose signatures are tampered with. Each
 * tries to join (its REQUESTs are dropped: no FLOOD, an empty cache) and, handed member addresses
 * out of band, to search (its LOOKUPs and INQUIREs are dropped: every search fails); the members'
 * drop counters say why. Then a member's genuine LOOKUP, captured, is replayed to every member:
 * each refuses it (`replayed` at its receiver, `wrong-receiver` elsewhere, `stale-signature` once
 * the window has passed); and a member revoked by the group root is shut out (its questions
 * dropped, its record refused) once the revocation has reached the members (one propagation: the
 * record handed to each provider). Certificates are issued before the simulation (async).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createNodeCrypto } from '../../src/adapters/node/node-crypto.js';
import {
  MEMBERSHIP_FRESHNESS,
  membershipSignedBytes,
  withMembership,
} from '../../src/drt/membership.js';
import type { DrtNode } from '../../src/drt/node.js';
import { DEFAULT_WALL_CLOCK_MS } from '../../src/drt/options.js';
import {
  type MembershipSecurity,
  nullSecurityProvider,
  type SecurityProvider,
} from '../../src/drt/security-provider.js';
import { encodeKeyIdentifier } from '../../src/gmc/dksp-membership.js';
import {
  CertificateCache,
  createRevocation,
  type DerivedKeySecurityProvider,
  derivedKeySecurityProvider,
  encodeChainPkcs7,
  type GmcCredential,
  type Group,
} from '../../src/gmc/index.js';
import { memoizeVerify } from '../../src/keys/crypto-backend.js';
import type { Key } from '../../src/keys/key256.js';
import { type CloudMember, DrtCloud } from '../../src/sim/drt-cloud.js';
import { seededRng } from '../../src/util/rng.js';
import { encodeMessage } from '../../src/wire/index.js';
import type { LookupMessage, RouteEntry } from '../../src/wire/types.js';
import { makeGroupCloudFixture, seedBytes } from './gmc-fixtures.js';

const SEED = Number(process.env.PNRP_SEED ?? 11);
const PINNED = process.env.PNRP_SEED === undefined;
const MEMBERS = 200;
const DROP_REASONS = [
  'unauthenticated',
  'bad-credential',
  'bad-signature',
  'replayed',
  'wrong-receiver',
  'stale-signature',
  'membership-throttled',
] as const;
type DropReason = (typeof DROP_REASONS)[number];

const seedOf = (label: string, index: number): Uint8Array => seedBytes(SEED, label, index);

const INTRUDERS = [
  'no-credential',
  'garbage-credential',
  'foreign-root',
  'stolen-credential',
  'replayed-signature',
  'tampered-signature',
] as const;
type IntruderKind = (typeof INTRUDERS)[number];

/** The reason members must count for each intruder's messages. */
const EXPECTED_REASON: Record<IntruderKind, DropReason> = {
  'no-credential': 'unauthenticated',
  'garbage-credential': 'bad-credential',
  'foreign-root': 'bad-credential',
  'stolen-credential': 'bad-signature',
  'replayed-signature': 'bad-signature',
  'tampered-signature': 'bad-signature',
};

describe(`DKSP membership cloud (seed ${SEED}, ${MEMBERS} members + ${INTRUDERS.length} non-members)`, () => {
  let root: Uint8Array;
  let group: Group;
  let credentials: readonly GmcCredential[];
  let foreignRoot: Uint8Array;
  let foreigner: GmcCredential;

  beforeAll(async () => {
    ({ root, group, credentials, foreignRoot, foreigner } = await makeGroupCloudFixture(
      SEED,
      MEMBERS,
    ));
  });

  it('members resolve each other as in resolve mode; non-members cannot join or search', () => {
    const crypto = memoizeVerify(createNodeCrypto({ publicKeysMax: 4096 }), { entriesMax: 8192 });
    const cache = new CertificateCache(4096);
    const members: DerivedKeySecurityProvider[] = [];
    const memberProvider = (index: number): DerivedKeySecurityProvider => {
      members[index] ??= derivedKeySecurityProvider({
        root,
        credential: credentials[index]!,
        crypto,
        cache,
        mode: 'membership',
      });
      return members[index]!;
    };

    /** A provider that accepts anything from others and presents `membership` to them. */
    const impostor = (membership: MembershipSecurity): SecurityProvider => ({
      ...nullSecurityProvider(),
      membership,
    });
    const stolen = (victim: number) => ({
      credential: () => encodeChainPkcs7(credentials[victim]!.chain),
      keyIdentifier: () => encodeKeyIdentifier(credentials[victim]!.identity.publicKey),
      verify: () => ({ ok: true as const }),
    });
    // A genuine signature of member 3 over one of its LOOKUPs, as an eavesdropper captures it.
    const captured = (): Uint8Array => {
      const lookup = {
        type: 'lookup' as const,
        messageId: 0x1234,
        version: { major: 6, minor: 101 },
        controls: {
          acceptAny: false,
          precision: 0,
          resolveCriteria: 'none' as const,
          reasonCode: 'app-request' as const,
        },
        target: seedOf('target', 0),
        validateId: seedOf('validate', 0),
        flaggedPath: [{ address: new Uint8Array(16).fill(3), port: 3540 }],
      };
      const to = { address: new Uint8Array(16).fill(4), port: 3540 };
      return memberProvider(3).membership!.sign(
        membershipSignedBytes(lookup, to, DEFAULT_WALL_CLOCK_MS),
      );
    };
    const intruderProvider = (kind: IntruderKind): SecurityProvider => {
      switch (kind) {
        case 'no-credential':
          return nullSecurityProvider();
        case 'garbage-credential':
          return impostor({
            credential: () => seededRng(`${SEED}:garbage`).bytes(600),
            sign: () => new Uint8Array(64),
            verify: () => ({ ok: true }),
          });
        case 'foreign-root':
          return derivedKeySecurityProvider({
            root: foreignRoot,
            credential: foreigner,
            crypto,
            cache,
            mode: 'membership',
          });
        case 'stolen-credential':
          return impostor({
            ...stolen(1),
            sign: (data) => crypto.ed25519Sign(data, foreigner.identity.secretKey),
          });
        case 'replayed-signature': {
          const signature = captured();
          return impostor({ ...stolen(3), sign: () => signature });
        }
        case 'tampered-signature': {
          const genuine = memberProvider(5).membership!;
          return impostor({
            ...stolen(5),
            sign: (data) => {
              const s = genuine.sign(data);
              s[7]! ^= 0x20;
              return s;
            },
          });
        }
      }
    };
    const intruders: SecurityProvider[] = INTRUDERS.map(intruderProvider);
    const providerOf = (index: number): SecurityProvider =>
      index < MEMBERS
        ? memberProvider(index)
        : (intruders[index - MEMBERS] ?? nullSecurityProvider());
    const keyOf = (index: number): Key => {
      const p = providerOf(index);
      return 'derivedKey' in p
        ? (p as DerivedKeySecurityProvider).derivedKey
        : seedOf('key', index);
    };

    const cloud = new DrtCloud({
      seed: SEED,
      settleMs: 15_000,
      nodeOptions: (index) => ({ security: providerOf(index), crypto }),
      keyOf,
    });
    cloud.build(MEMBERS);
    const nodeOf = (m: CloudMember): DrtNode => cloud.sim.call(m.handle, (node) => node);
    const memberNodes = cloud.members.map(nodeOf);
    const drops = () => {
      const out: Record<string, number> = {};
      for (const reason of DROP_REASONS)
        out[reason] = memberNodes.reduce((n, node) => n + (node.stats.dropped[reason] ?? 0), 0);
      return out;
    };

    // Members resolve each other: same success as the resolve-mode DKSP cloud (gmc-dksp.test.ts).
    const report = cloud.runSearches(500);
    expect(report.resolves).toBe(500);
    expect(report.failures).toEqual({});
    expect(report.successRate).toBe(1);
    // No honest message is refused: none throttled, none taken for a replay or a stale one.
    expect(drops()).toEqual(Object.fromEntries(DROP_REASONS.map((r) => [r, 0])));
    const accepted = members.reduce((n, p) => n + p.membershipCounters!.accepted, 0);
    const hits = members.reduce((n, p) => n + p.membershipCounters!.credentialMemoHits, 0);
    const checks = members.reduce((n, p) => n + p.membershipCounters!.credentialChecks, 0);
    expect(accepted).toBeGreaterThan(report.resolves);
    // Each member validates a credential once (per node), then answers from its memo.
    expect(checks).toBeLessThanOrEqual(MEMBERS * MEMBERS);
    expect(hits).toBeGreaterThan(checks);

    const outcome: Record<string, unknown> = {};
    const entries: RouteEntry[] = cloud.members.slice(0, 20).map((m) => ({
      id: m.key,
      port: m.handle.endpoint.port,
      addresses: [m.handle.endpoint.address],
    }));
    for (const kind of INTRUDERS) {
      const before = drops();
      const intruder = cloud.join();
      cloud.sim.runFor(10_000);
      intruder.live = false; // neither a searcher nor a target of runSearches
      const node = nodeOf(intruder);
      // It cannot join: its REQUESTs get no FLOOD, so nothing enters its cache.
      const joined = { cache: node.cache.size, status: node.status };
      // Handed member addresses out of band, it still cannot search.
      cloud.sim.call(intruder.handle, (n, now) => n.seedCache(now, entries));
      let found = 0;
      const failures: Record<string, number> = {};
      for (let i = 0; i < 5; i++) {
        const target = cloud.members[20 + i * 30]!.key;
        const o = cloud.searchOnce(intruder, target);
        found += o.results.length;
        failures[o.failure ?? 'none'] = (failures[o.failure ?? 'none'] ?? 0) + 1;
      }
      const after = drops();
      cloud.fail(intruder); // its maintenance must not blur the next intruder's counts
      // Nor may its datagrams still in flight (a search's retry sent just before it failed).
      cloud.sim.runFor(5_000);
      const delta: Record<string, number> = {};
      for (const reason of DROP_REASONS) delta[reason] = after[reason]! - before[reason]!;
      outcome[kind] = { joined, found, failures, dropped: delta };
      expect(joined.cache, kind).toBe(0);
      expect(joined.status, kind).not.toBe('active');
      expect(found, kind).toBe(0);
      expect(failures.none, kind).toBeUndefined();
      for (const reason of DROP_REASONS) {
        if (reason === EXPECTED_REASON[kind]) expect(delta[reason], kind).toBeGreaterThan(0);
        else expect(delta[reason], kind).toBe(0);
      }
    }
    // Deterministic under the default seed: counts of messages dropped by the members, by reason.
    if (PINNED) {
      // Every intruder stays alone, finds nothing and fails its five searches.
      const shutOut = (notFound: number, dropped: Partial<Record<DropReason, number>>) => ({
        joined: { cache: 0, status: 'alone' },
        found: 0,
        failures: { 'not-found': notFound, alone: 5 - notFound },
        dropped: {
          unauthenticated: 0,
          'bad-credential': 0,
          'bad-signature': 0,
          replayed: 0,
          'wrong-receiver': 0,
          'stale-signature': 0,
          'membership-throttled': 0,
          ...dropped,
        },
      });
      expect(outcome).toEqual({
        'no-credential': shutOut(3, { unauthenticated: 59 }),
        'garbage-credential': shutOut(3, { 'bad-credential': 73 }),
        'foreign-root': shutOut(3, { 'bad-credential': 59 }),
        'stolen-credential': shutOut(3, { 'bad-signature': 59 }),
        'replayed-signature': shutOut(3, { 'bad-signature': 62 }),
        'tampered-signature': shutOut(3, { 'bad-signature': 59 }),
      });
    }

    // After all that, members still resolve each other.
    const again = cloud.runSearches(100);
    expect(again.successRate).toBe(1);

    // A member's genuine LOOKUP to another member, captured on the wire and replayed.
    const asker = cloud.members[3]!;
    const receiver = cloud.members[7]!;
    const wallNow = (): number =>
      cloud.sim.call(asker.handle, (_n, now) => now) + DEFAULT_WALL_CLOCK_MS;
    const question: LookupMessage = {
      type: 'lookup',
      messageId: 0x5150,
      version: { major: 6, minor: 101 },
      controls: {
        acceptAny: false,
        precision: 0,
        resolveCriteria: 'none',
        reasonCode: 'app-request',
      },
      target: cloud.members[40]!.key,
      validateId: asker.key,
      flaggedPath: [asker.handle.endpoint],
    };
    const wire = encodeMessage(
      withMembership(question, memberProvider(3).membership!, receiver.handle.endpoint, wallNow()),
    );
    const answered = () => memberNodes.reduce((n, node) => n + node.stats.lookupsAnswered, 0);
    const deliver = (m: CloudMember, from: CloudMember) =>
      cloud.sim.call(m.handle, (n, now) => n.handleDatagram(now, from.handle.endpoint, wire));
    const genuineBefore = answered();
    deliver(receiver, asker);
    expect(answered() - genuineBefore, 'the genuine LOOKUP is answered').toBe(1);
    const eavesdropper = cloud.join();
    eavesdropper.live = false;
    const replayBefore = { answered: answered(), dropped: drops() };
    for (const m of cloud.members.slice(0, MEMBERS)) deliver(m, eavesdropper);
    // No virtual time has passed: every count below is the replay's alone.
    expect(answered() - replayBefore.answered, 'no member answers the replay').toBe(0);
    const replayDelta: Record<string, number> = {};
    for (const reason of DROP_REASONS) {
      const d = drops()[reason]! - replayBefore.dropped[reason]!;
      if (d > 0) replayDelta[reason] = d;
    }
    expect(replayDelta).toEqual({ replayed: 1, 'wrong-receiver': MEMBERS - 1 });
    // Once the window has passed, the receiver refuses it as stale (its replay set forgot it).
    cloud.sim.runFor(MEMBERSHIP_FRESHNESS.windowMs + 1_000);
    const receiverNode = nodeOf(receiver);
    const stale = receiverNode.stats.dropped['stale-signature'] ?? 0;
    const receiverAnswered = receiverNode.stats.lookupsAnswered;
    deliver(receiver, eavesdropper);
    expect(receiverNode.stats.dropped['stale-signature']).toBe(stale + 1);
    expect(receiverNode.stats.lookupsAnswered).toBe(receiverAnswered);
    cloud.fail(eavesdropper);

    // Revocation: the root revokes member 9; the record reaches every member's provider.
    const revokedMember = cloud.members[9]!;
    const target = cloud.members[60]!.key;
    expect(cloud.searchOnce(revokedMember, target).results.length).toBeGreaterThan(0);
    const record = createRevocation({
      admin: group.root,
      certificate: credentials[9]!.chain.at(-1)!,
      nowWallMs: wallNow(),
    });
    for (const p of members) expect(p.addRevocation(record, wallNow()).ok).toBe(true);
    revokedMember.live = false; // neither a searcher nor a target of runSearches
    const revokedBefore = drops()['bad-credential']!;
    const revokedOutcomes = [60, 80, 120].map((i) =>
      cloud.searchOnce(revokedMember, cloud.members[i]!.key),
    );
    expect(revokedOutcomes.map((o) => o.results.length)).toEqual([0, 0, 0]);
    expect(drops()['bad-credential']! - revokedBefore).toBeGreaterThan(0);
    const refusedRevoked = members.reduce(
      (n, p) => n + (p.membershipCounters!.refusals['credential-revoked'] ?? 0),
      0,
    );
    expect(refusedRevoked).toBeGreaterThan(0);
    // Nobody resolves the revoked member's key any more (its AUTHORITY proof is refused).
    const toRevoked = cloud.searchOnce(cloud.members[20]!, revokedMember.key);
    expect(toRevoked.results).toEqual([]);
    // The others still resolve each other.
    expect(cloud.runSearches(50).successRate).toBe(1);
  }, 600_000);
});
