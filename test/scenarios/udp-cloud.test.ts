/**
 * udp: a cloud of 50 real DrtNodes on loopback UDP (127.0.0.1, one ephemeral port each) in this
 * process, run by runNode() on the real clock with nodeCrypto and short loopback timers. Every
 * node resolves other nodes' keys; a node that vanishes (socket closed, no notice) and a node that
 * leaves gracefully (revoke floods) are then reported not found. Sockets are closed even on failure.
 */
import { describe, expect, it } from 'vitest';
import { equalBytes } from '../../src/util/bytes.js';
import { seededRng } from '../../src/util/rng.js';
import {
  LOOPBACK_NODE_OPTIONS,
  UdpCloud,
  type UdpMember,
  waitUntil,
} from '../unit/adapters/udp-cloud.js';

const SEED = Number(process.env.PNRP_SEED ?? 5);
const NODES = 50;
const TARGETS_PER_NODE = 3;

describe(`udp: ${NODES} DrtNodes on loopback (seed ${SEED}; timing is real, so only picks are seeded)`, () => {
  it("every node resolves other nodes' keys; a vanished and a departed node are then not found", async () => {
    const rng = seededRng(SEED);
    const cloud = new UdpCloud({ rng: rng.fork('cloud'), node: LOOPBACK_NODE_OPTIONS });
    try {
      await cloud.grow(NODES);
      const settled = await waitUntil(
        () => cloud.members.every((m) => m.registration === 'resolvable'),
        15_000,
      );
      expect(
        cloud.members.filter((m) => m.registration !== 'resolvable').map((m) => m.index),
      ).toEqual([]);
      expect(settled).toBe(true);
      expect(cloud.members.every((m) => m.running.node.status === 'active')).toBe(true);

      // Every node looks up TARGETS_PER_NODE other nodes' keys, all at once.
      const picks = rng.fork('picks');
      const lookups = cloud.members.flatMap((from) => {
        const targets = new Set<UdpMember>();
        while (targets.size < TARGETS_PER_NODE) {
          const to = cloud.members[picks.nextInt(NODES)]!;
          if (to !== from) targets.add(to);
        }
        return [...targets].map((to) => ({
          from,
          to,
          outcome: cloud.search(from, to.key, { timeoutMs: 8_000 }),
        }));
      });
      const misses: string[] = [];
      for (const l of lookups) {
        const out = await l.outcome;
        const hit = out.results.find((r) => equalBytes(r.key, l.to.key));
        if (!hit || out.failure !== undefined || hit.endpoint.port !== l.to.endpoint.port)
          misses.push(`${l.from.index}->${l.to.index}: ${out.failure ?? 'wrong result'}`);
      }
      expect(misses).toEqual([]);

      // One node vanishes without notice, another leaves gracefully.
      const vanished = cloud.members[7]!;
      const departed = cloud.members[23]!;
      await cloud.kill(vanished);
      await cloud.leave(departed);
      const askers = cloud.members.filter((m) => m.live).slice(0, 10);
      const after = await Promise.all(
        askers.flatMap((from) =>
          [vanished, departed].map(async (gone) => ({
            gone,
            out: await cloud.search(from, gone.key, { timeoutMs: 8_000 }),
          })),
        ),
      );
      for (const { gone, out } of after) {
        expect(out.results.some((r) => equalBytes(r.key, gone.key))).toBe(false);
        expect(['not-found', 'timeout']).toContain(out.failure);
      }
      // Live nodes still resolve each other afterwards.
      const still = await cloud.search(askers[0]!, askers[1]!.key, { timeoutMs: 8_000 });
      expect(still.failure).toBeUndefined();

      expect(cloud.members.reduce((a, m) => a + m.running.stats.sendErrors, 0)).toBe(0);
      expect(cloud.members.reduce((a, m) => a + m.transport.stats.droppedReservedPort, 0)).toBe(0);
      // The vanished node's socket is closed: what others still sent it went nowhere.
      expect(vanished.running.stopped).toBe(true);
    } finally {
      await cloud.close();
    }
  }, 90_000);
});
