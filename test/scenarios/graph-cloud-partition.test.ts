/**
 * A graph group split in halves: both sides publish, and both update one shared record (the
 * left side twice, to version 3; the right side once, to version 2), then the partition heals.
 * The node has no partition detection yet (§3.1.7.12-13), so the cloud bridges the halves as an
 * application would (GraphCloud.heal). Every database must end identical, no record lost, and the
 * conflict resolved the same way everywhere (§3.1.7.32: the higher version wins). The second case
 * makes both edits reach the same version, which the spec's hash sync alone cannot see.
 */
import { describe, expect, it } from 'vitest';
import { GraphCloud } from '../../src/sim/graph-cloud.js';

const SEED = Number(process.env.PNRP_SEED ?? 5);
const MEMBERS = 40;

describe(`graph cloud: a partition heals (seed ${SEED}, ${MEMBERS} members)`, () => {
  it('both halves publish and update; after the heal every digest is equal and nothing is lost', () => {
    const cloud = new GraphCloud({ seed: SEED });
    cloud.build(MEMBERS, 500, 120_000);
    const shared = cloud.publish(cloud.members[0]!);
    cloud.runFor(5_000);
    const members = cloud.live();
    const left = members.filter((m) => m.index % 2 === 0);
    const right = members.filter((m) => m.index % 2 === 1);
    cloud.partition([left, right]);
    cloud.runFor(120_000);
    const sides = [
      cloud.live().filter((m) => m.index % 2 === 0),
      cloud.live().filter((m) => m.index % 2 === 1),
    ];
    const published = sides.flatMap((side) =>
      [0, 1, 2].map((k) => cloud.publish(side[(k * 5) % side.length]!)),
    );
    cloud.update(sides[0]![1]!, shared.id, Uint8Array.of(1));
    cloud.runFor(1_000);
    cloud.update(sides[0]![2]!, shared.id, Uint8Array.of(3));
    cloud.update(sides[1]![1]!, shared.id, Uint8Array.of(2));
    cloud.runFor(60_000);
    expect(cloud.digests().size).toBeGreaterThan(1);

    cloud.heal([sides[0]![3]!, sides[1]![3]!]);
    cloud.runFor(30 * 60_000);
    const live = cloud.live();
    expect(live.length).toBe(MEMBERS);
    expect(cloud.digests().size).toBe(1);
    for (const r of published) for (const m of live) expect(m.graph.getRecord(r.id)).toBeDefined();
    for (const m of live) {
      const winner = m.graph.getRecord(shared.id)!;
      expect(winner.version).toBe(3);
      expect(winner.modifiedById).toBe(sides[0]![2]!.peerId);
      expect(winner.payload).toEqual(Uint8Array.of(3));
    }
  });

  it('both halves update one record to the same version: after the heal one edit wins everywhere', () => {
    const cloud = new GraphCloud({ seed: SEED });
    cloud.build(MEMBERS, 500, 120_000);
    const shared = cloud.publish(cloud.members[0]!);
    cloud.runFor(5_000);
    const members = cloud.live();
    cloud.partition([
      members.filter((m) => m.index % 2 === 0),
      members.filter((m) => m.index % 2 === 1),
    ]);
    cloud.runFor(120_000);
    const sides = [
      cloud.live().filter((m) => m.index % 2 === 0),
      cloud.live().filter((m) => m.index % 2 === 1),
    ];
    // One edit on each side: both reach version 2 (the spec's hash sync sees no difference).
    cloud.update(sides[0]![1]!, shared.id, Uint8Array.of(1));
    cloud.update(sides[1]![1]!, shared.id, Uint8Array.of(2));
    cloud.runFor(60_000);
    expect(cloud.digests().size).toBeGreaterThan(1);

    cloud.heal([sides[0]![3]!, sides[1]![3]!]);
    cloud.runFor(30 * 60_000);
    expect(cloud.digests().size).toBe(1);
    const editors = [sides[0]![1]!.peerId, sides[1]![1]!.peerId].sort();
    for (const m of cloud.live()) {
      const winner = m.graph.getRecord(shared.id)!;
      expect(winner.version).toBe(2);
      // §3.1.7.32: same version, both modified: the lexicographically higher modifier wins.
      expect(winner.modifiedById).toBe(editors[1]);
    }
  });
});
