/**
 * The eclipse defence after issue 13 (drt/flooding.ts header, AdmitOrigin `owner`): an entry its
 * owner handed us itself (its own entry FLOODed back with D, a SOLICIT's entry) is flooded onward
 * when it enters our leaf set, as [MS-PNRP] §3.2.5.11 says; an entry from another node's cache
 * (a sync FLOOD with D answering a REQUEST) still is not (issue 13).
 */
import { describe, expect, it } from 'vitest';
import { RouteCache } from '../../../src/cache/index.js';
import type { AdmitOrigin, LocalRegistration, NodeCore } from '../../../src/drt/core.js';
import { Floods } from '../../../src/drt/flooding.js';
import { createDrtStats } from '../../../src/drt/stats.js';
import { Sync } from '../../../src/drt/sync.js';
import { type Endpoint, endpointsEqual, parseEndpoint } from '../../../src/keys/endpoint.js';
import { type Key, keyFromBigInt } from '../../../src/keys/key256.js';
import { toHex } from '../../../src/util/bytes.js';
import { seededRng } from '../../../src/util/rng.js';
import type { FloodMessage, Message, RouteEntry } from '../../../src/wire/types.js';

const SELF = parseEndpoint('[2001:db8::1]:3540');
const LOCAL = keyFromBigInt(1000n);

function entryAt(id: bigint, host: number): RouteEntry {
  const ep = parseEndpoint(`[2001:db8::${host.toString(16)}]:3540`);
  return { id: keyFromBigInt(id), port: ep.port, addresses: [ep.address] };
}
function endpointOf(e: RouteEntry): Endpoint {
  return { address: e.addresses[0]!, port: e.port };
}

/** A node core of one local key, its cache holding entries at 900 and 1100 (both leaf members). */
function fixture() {
  const cache = new RouteCache({ rng: seededRng(1) });
  cache.addLocalKey(LOCAL);
  cache.add(entryAt(900n, 0x90));
  cache.add(entryAt(1100n, 0x110));
  const own: RouteEntry = { id: LOCAL, port: SELF.port, addresses: [SELF.address] };
  const locals = new Map<string, LocalRegistration>([
    [
      toHex(LOCAL),
      {
        key: LOCAL,
        keyHex: toHex(LOCAL),
        appData: new Uint8Array(0),
        entry: own,
        resolvable: true,
        walking: false,
      },
    ],
  ]);
  const sent: { to: Endpoint; message: Message }[] = [];
  const offered: { entry: RouteEntry; origin: AdmitOrigin }[] = [];
  let nextId = 1;
  const core = {
    options: { floodsInFlightMax: 128, conversationsMax: 16, conversationMs: 15_000 },
    cache,
    stats: createDrtStats(),
    locals,
    version: { major: 4, minor: 0 },
    nowMs: () => 0,
    newMessageId: () => nextId++,
    requestId: () => nextId++,
    isSelf: (e: RouteEntry) =>
      e.addresses.some((a) => endpointsEqual(SELF, { address: a, port: e.port })),
    send: (to: Endpoint, message: Message) => {
      sent.push({ to, message });
      return true;
    },
    offer: (entry: RouteEntry, origin: AdmitOrigin) => offered.push({ entry, origin }),
    proofs: { isProven: () => true, cookie: () => 77 },
  } as unknown as NodeCore;
  return { core, cache, sent, offered, floods: new Floods(core) };
}

function floodD(entry: RouteEntry): FloodMessage {
  return {
    type: 'flood',
    messageId: 5,
    version: { major: 4, minor: 0 },
    dontAck: true,
    validateId: new Uint8Array(32),
    routeEntry: entry,
    alreadyFlooded: [],
  };
}

/** What a leaf-set admission of `entry` with `origin` floods, as the node does (node.ts admit). */
function admit(f: ReturnType<typeof fixture>, entry: RouteEntry, origin: AdmitOrigin): Key[] {
  const before = f.sent.length;
  for (const c of f.cache.add(entry).leafSetChanges)
    if (c.type === 'added') f.floods.floodNewLeafEntry(entry, c.localKey, origin);
  return f.sent
    .slice(before)
    .filter((s) => s.message.type === 'flood' && !s.message.dontAck)
    .map((s) => (s.message as FloodMessage).validateId);
}

describe('flooding: entries from their owner (eclipse defence)', () => {
  it('a FLOOD with D of the sender’s own entry is its owner introducing itself: flooded on', () => {
    const f = fixture();
    const neighbour = entryAt(1050n, 0x105);
    f.floods.onFlood(endpointOf(neighbour), floodD(neighbour));
    expect(f.offered).toHaveLength(1);
    expect(f.offered[0]!.origin).toEqual({ via: 'owner' });
    // Admitted to our leaf set, it goes to the nearest cached entries above and below it.
    const targets = admit(f, neighbour, f.offered[0]!.origin);
    expect(targets.map(toHex).sort()).toEqual(
      [keyFromBigInt(900n), keyFromBigInt(1100n)].map(toHex).sort(),
    );
    // No FLOOD of our own entry back to the owner: it sent us its entry, it is not a flooder.
    expect(f.sent.filter((s) => endpointsEqual(s.to, endpointOf(neighbour)))).toHaveLength(0);
  });

  it('a FLOOD with D of a third party’s entry (a sync answer) is a referral: not flooded (issue 13)', () => {
    const f = fixture();
    const publisher = entryAt(5000n, 0x500);
    const learned = entryAt(1050n, 0x105);
    f.floods.onFlood(endpointOf(publisher), floodD(learned));
    expect(f.offered[0]!.origin).toEqual({ via: 'referral' });
    expect(admit(f, learned, f.offered[0]!.origin)).toEqual([]);
  });

  it('a SOLICIT’s own route entry is offered as from its owner, and flooded on admission', () => {
    const f = fixture();
    const joiner = entryAt(1020n, 0x102);
    new Sync(f.core).onSolicit(endpointOf(joiner), {
      type: 'solicit',
      messageId: 9,
      version: { major: 4, minor: 0 },
      routeEntry: joiner,
      hashedNonce: new Uint8Array(20),
    });
    const offer = f.offered.find((o) => endpointsEqual(endpointOf(o.entry), endpointOf(joiner)));
    expect(offer?.origin).toEqual({ via: 'owner' });
    expect(admit(f, joiner, offer!.origin)).toHaveLength(2);
  });
});
