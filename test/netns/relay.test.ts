/**
 * relay (issue 16 Build 3, the symmetric target): `pnrp node` processes in the namespaces of
 * scripts/netns/netns.sh. `pub` is the bootstrap node and offers a relay (`--relay`), `pub2` a
 * second public node (dial-back, symmetric-NAT detection). A node in `sym1` (symmetric NAT) finds
 * its address unconfirmable, reserves at `pub` on its own and registers the relayed endpoint; a
 * node in `cone1` (cone NAT) registers its confirmed NAT address. Then, in fresh `pnrp ping`
 * processes, each try resolving anew: cone to symmetric (the CPA names the relayed endpoint, so
 * the datagrams cross the relay) and symmetric to cone (the pinger reserves a slot of its own,
 * the relay KNOCKs the cone node through the mapping it keeps with `pub`). Every try must get
 * every PONG back; and symmetric to symmetric (both relayed at `pub`: the relay hands datagrams
 * between its own slots over inside itself). PNRP_RELAY_TRIES sets the tries per direction
 * (default 20; at most 5 symmetric to symmetric).
 * Skipped, with the reason, when namespaces cannot be made. Real time: no duration is asserted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LineProcess, netnsUnavailable, Topology } from './netns.js';

const unavailable = netnsUnavailable();
if (unavailable) console.warn(`relay: skipped: ${unavailable}`);

const topo = unavailable ? undefined : new Topology('pnrp-rl-');
// Generous: a shared CI machine under load starts a tsx process in seconds, not milliseconds.
const WAIT_MS = 120_000;
const TRIES = Number(process.env.PNRP_RELAY_TRIES ?? 20);
const COUNT = 3;

const isEvent =
  (event: string, fields: Record<string, unknown> = {}) =>
  (line: Record<string, unknown>): boolean =>
    line.event === event && Object.entries(fields).every(([k, v]) => line[k] === v);

describe.skipIf(unavailable !== undefined)('relay: symmetric NAT to cone NAT and back', () => {
  let sym: LineProcess;
  let relayed: string;
  const at = (name: string): string => `${topo!.addrs[name]}:3540`;

  const ping = async (from: string, name: string, ...extra: string[]) => {
    const p = topo!.pnrp(
      from,
      'ping',
      name,
      '--bootstrap',
      at('pub'),
      '--count',
      String(COUNT),
      '--interval-ms',
      '50',
      '--json',
      ...extra,
    );
    return p.waitFor(isEvent('ping'), WAIT_MS);
  };

  beforeAll(async () => {
    topo!.up();
    const pub = topo!.pnrp('pub', 'node', '--advertise', topo!.addrs.pub!, '--relay', '--json');
    await pub.waitFor(isEvent('relay', { state: 'offering' }), WAIT_MS);
    const pub2 = topo!.pnrp(
      'pub2',
      'node',
      '--advertise',
      topo!.addrs.pub2!,
      '--bootstrap',
      at('pub'),
      '--json',
    );
    await pub2.waitFor(isEvent('status', { status: 'active' }), WAIT_MS);
    const cone = topo!.pnrp(
      'cone1',
      'node',
      '--bootstrap',
      at('pub'),
      '--stun',
      at('pub2'),
      '--register',
      '0.cone1',
      '--json',
    );
    sym = topo!.pnrp(
      'sym1',
      'node',
      '--bootstrap',
      at('pub'),
      '--stun',
      at('pub2'),
      '--register',
      '0.sym1',
      '--json',
    );
    await cone.waitFor(
      (l) => isEvent('registered')(l) && (l.endpoints as string[])[0] === at('rc1'),
      WAIT_MS,
    );
    const registered = await sym.waitFor(isEvent('registered'), WAIT_MS);
    relayed = (registered.endpoints as string[])[0]!;
  }, 5 * WAIT_MS);
  afterAll(() => topo?.down());

  it('sym1 finds a symmetric NAT, reserves at the bootstrap relay and registers the relayed endpoint', () => {
    expect(sym.json().find(isEvent('address', { state: 'unconfirmed' }))).toMatchObject({
      reason: 'endpoint-dependent-mapping',
    });
    const reserved = sym.json().find(isEvent('relay', { state: 'reserved' }));
    expect(reserved).toMatchObject({ relay: at('pub') });
    expect(relayed).toBe(reserved!.relayed);
    expect(relayed.startsWith(`${topo!.addrs.pub}:`)).toBe(true);
  });

  it(
    `cone to symmetric: ${TRIES} of ${TRIES} fresh resolves reach sym1 through the relay`,
    async () => {
      // Four pingers at a time: each is a fresh process with its own port and NAT mapping.
      const results = [];
      for (let i = 0; i < TRIES; i += 4) {
        const batch = Array.from({ length: Math.min(4, TRIES - i) }, () =>
          ping('cone1', '0.sym1', '--no-relay'),
        );
        results.push(...(await Promise.all(batch)));
      }
      for (const r of results)
        expect(r).toMatchObject({ target: relayed, relayedVia: null, received: COUNT });
    },
    WAIT_MS + TRIES * 60_000,
  );

  it(
    `symmetric to cone: ${TRIES} of ${TRIES} pingers in sym1 reach cone1 through a slot of their own`,
    async () => {
      const results = [];
      for (let i = 0; i < TRIES; i++)
        results.push(await ping('sym1', '0.cone1', '--stun', at('pub2')));
      for (const r of results) {
        expect(r).toMatchObject({ target: at('rc1'), relayedVia: at('pub'), received: COUNT });
        expect(r.relayed).not.toBe(relayed);
      }
    },
    WAIT_MS + TRIES * 60_000,
  );

  const SYM_TRIES = Math.min(TRIES, 5);
  it(
    `symmetric to symmetric: ${SYM_TRIES} of ${SYM_TRIES} relayed pingers reach relayed sym1 (one relay, hairpinned inside it)`,
    async () => {
      const results = [];
      for (let i = 0; i < SYM_TRIES; i++)
        results.push(await ping('sym1', '0.sym1', '--stun', at('pub2')));
      for (const r of results) {
        expect(r).toMatchObject({ target: relayed, relayedVia: at('pub'), received: COUNT });
        expect(r.relayed).not.toBe(relayed);
      }
    },
    WAIT_MS + SYM_TRIES * 60_000,
  );
});
