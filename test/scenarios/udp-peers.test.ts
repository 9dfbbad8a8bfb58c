/**
 * udp-peers: 50 `createPeer`s on loopback UDP in this process, with the native crypto backend
 * and the real clock. Every peer publishes a secured name (its own identity) and resolves three
 * other peers' names, each result carrying a CPA verified with the name's authority; then one peer
 * unregisters (revoke flooded) and one crashes (socket closed, no notice), and both names stop
 * resolving. Timing is real, so only the picks are seeded and nothing asserts a duration.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createUdpTransport, nodeCrypto } from '../../src/adapters/node/index.js';
import type { Endpoint } from '../../src/keys/endpoint.js';
import { createIdentity, type Identity } from '../../src/keys/identity.js';
import { createPeer, type Peer, type PeerRegistration, PnrpError } from '../../src/peer.js';
import type { DatagramTransport } from '../../src/transport-adapter.js';
import { seededRng } from '../../src/util/rng.js';

const SEED = Number(process.env.PNRP_SEED ?? 7);
const PEERS = 50;
const LOOPBACK_DRT = {
  maintenanceIntervalMs: 3_000,
  resolution: { retransmitMs: 250, hopTimeoutMs: 500 },
} as const;

interface Member {
  readonly peer: Peer;
  readonly transport: DatagramTransport;
  readonly identity: Identity;
  readonly name: string;
  registration?: PeerRegistration;
}

const members: Member[] = [];

afterAll(async () => {
  for (const m of members) if (!m.peer.closed) await m.peer.close();
});

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    return e instanceof PnrpError ? e.code : String(e);
  }
}

describe(`udp-peers: ${PEERS} createPeer()s on loopback (seed ${SEED})`, () => {
  it('secured names resolve from every peer; unregistered and crashed ones stop resolving', async () => {
    const rng = seededRng(SEED);
    const seeds: Endpoint[] = [];
    for (let i = 0; i < PEERS; i++) {
      const transport = await createUdpTransport({ host: '127.0.0.1' });
      const identity = createIdentity(rng.fork(`identity/${i}`).bytes(32), nodeCrypto);
      const peer = createPeer({
        transport,
        crypto: nodeCrypto,
        identity,
        rng: rng.fork(`peer/${i}`),
        bootstrap: seeds.slice(0, 3),
        clouds: [{ name: 'Global_', drt: LOOPBACK_DRT }],
      });
      const member: Member = { peer, transport, identity, name: `${identity.authority}.udp-${i}` };
      members.push(member);
      if (i < 3) seeds.push(transport.localEndpoints()[0]!);
      if (i > 0) await peer.whenActive({ timeoutMs: 10_000 });
      member.registration = await peer.register({
        peerName: member.name,
        identity,
        friendlyName: `peer ${i}`,
      });
    }
    expect(members.slice(1).every((m) => m.registration?.state === 'resolvable')).toBe(true);

    const picks = rng.fork('picks');
    const lookups = members.flatMap((from, i) => {
      const targets = new Set<number>();
      while (targets.size < 3) {
        const t = picks.nextInt(PEERS);
        if (t !== i) targets.add(t);
      }
      return [...targets].map(async (t) => {
        const [found] = await from.peer.resolve(members[t]!.name, { timeoutMs: 10_000 });
        return { t, found };
      });
    });
    const results = await Promise.all(lookups);
    expect(results).toHaveLength(PEERS * 3);
    for (const { t, found } of results) {
      expect(found?.peerName).toBe(members[t]!.name);
      expect(found?.friendlyName).toBe(`peer ${t}`);
      expect(found?.secured).toBe(true);
      expect(found?.pnrpEndpoints.map((e) => e.port)).toEqual(
        members[t]!.transport.localEndpoints().map((e) => e.port),
      );
    }

    // Graceful: unregister floods a revoke; crash: the socket just closes.
    const departed = members[10]!;
    const crashed = members[20]!;
    await departed.registration!.unregister();
    await crashed.transport.close();
    const asker = members[30]!.peer;
    const deadline = Date.now() + 20_000;
    let departedCode = 'resolved';
    let crashedCode = 'resolved';
    while (Date.now() < deadline && (departedCode === 'resolved' || crashedCode === 'resolved')) {
      [departedCode, crashedCode] = await Promise.all([
        codeOf(asker.resolve(departed.name, { timeoutMs: 5_000 })),
        codeOf(asker.resolve(crashed.name, { timeoutMs: 5_000 })),
      ]);
    }
    expect(departedCode).toBe('NOT_FOUND');
    expect(['NOT_FOUND', 'TIMEOUT']).toContain(crashedCode);
    const stats = asker.stats();
    expect(stats.clouds.Global_?.resolves).toBeGreaterThan(3);
  }, 120_000);
});
