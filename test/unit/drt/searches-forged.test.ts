/**
 * The node side of the resolver under a forged referral (issue 10, item 2): a hop refers the
 * search to a cached ID at another endpoint, which never answers. The failure is that endpoint's
 * alone: the genuine cached entry stays (no eviction by ID), and the forged entry is neither
 * admitted nor offered over it.
 */
import { describe, expect, it } from 'vitest';
import { DrtNode } from '../../../src/drt/node.js';
import { parseEndpoint } from '../../../src/keys/endpoint.js';
import { keyFromBigInt } from '../../../src/keys/key256.js';
import { seededRng } from '../../../src/util/rng.js';
import { decodeMessage, encodeMessage } from '../../../src/wire/index.js';
import type { RouteEntry } from '../../../src/wire/types.js';

const SELF = parseEndpoint('[2001:db8::1]:3540');
const HOP = parseEndpoint('[2001:db8::2]:3540');
const GENUINE = parseEndpoint('[2001:db8::3]:3540');
const FORGER = parseEndpoint('[2001:db8::66]:3540');
const TARGET = 1n << 255n;

describe('searches: a forged referral never evicts the genuine entry', () => {
  it('an unanswered forged (ID, endpoint) goes stale alone; the cached entry with that ID stays', () => {
    const n = new DrtNode({ rng: seededRng(3), localEndpoints: [SELF] });
    const hop: RouteEntry = {
      id: keyFromBigInt(TARGET + 1000n),
      port: HOP.port,
      addresses: [HOP.address],
    };
    const genuine: RouteEntry = {
      id: keyFromBigInt(TARGET + (1n << 200n)),
      port: GENUINE.port,
      addresses: [GENUINE.address],
    };
    n.seedCache(0, [hop, genuine]);
    n.search(0, keyFromBigInt(TARGET));
    const sent = (): {
      to: string;
      type: string;
      messageId: number;
      version: { major: number; minor: number };
    }[] => {
      const out = [];
      for (let o = n.poll(); o.type !== 'timeout'; o = n.poll()) {
        if (o.type !== 'transmit') continue;
        const d = decodeMessage(o.payload);
        if (d.ok && d.value.type !== 'authority-fragment') {
          out.push({
            to: o.to.address[15]!.toString(16),
            type: d.value.type,
            messageId: d.value.messageId,
            version: d.value.version,
          });
        }
      }
      return out;
    };
    const first = sent();
    expect(first).toMatchObject([{ to: '2', type: 'lookup' }]);
    // The hop refers us to the genuine entry's ID at the forger's address.
    n.handleDatagram(
      10,
      HOP,
      encodeMessage({
        type: 'authority',
        messageId: 77,
        version: first[0]!.version,
        ackedMessageId: first[0]!.messageId,
        buffer: {
          flags: { suspicious: false, busy: false, notRegistered: false },
          routeEntry: { id: genuine.id, port: FORGER.port, addresses: [FORGER.address] },
        },
      }),
    );
    // The resolver follows it (a small cache follows any referral); nothing is offered to the
    // forger's address: no INQUIRE check goes there.
    expect(sent()).toMatchObject([{ to: '66', type: 'lookup' }]);
    // Retransmitted at +1 s, given up at +2 s: stale. The hop is asked again next (it never
    // answers either); the genuine endpoint, a seed of the walk too, is not asked by then.
    n.handleTimeout(1010);
    expect(sent()).toMatchObject([{ to: '66', type: 'lookup' }]);
    n.handleTimeout(2010);
    expect(sent()).toMatchObject([{ to: '2', type: 'lookup' }]);
    expect(n.cache.get(genuine.id)?.addresses[0]).toEqual(GENUINE.address);
    expect(n.stats.staleCacheEntryHits).toBe(0);
  });
});
