/**
 * A group of real graph nodes under the seed's churn model (the DRT churn scenario's shares: 20%
 * of the members vanish without notice, 10% leave, 10% join) while members publish records,
 * at a size CI affords. Asserted on counts, never on wall time. The pinned figures are exact for
 * the default seed: they move when the protocol (or the connection model) does, and then the
 * new values are read off the failure and checked for sense before they are pinned again.
 */
import { describe, expect, it } from 'vitest';
import { GraphCloud } from '../../src/sim/graph-cloud.js';
import { GROUP_CHURN, runGroupScenario } from '../../src/sim/graph-scenarios.js';

const DEFAULT_SEED = 3;
const SEED = Number(process.env.PNRP_SEED ?? DEFAULT_SEED);
// 200 members (was 100): at 150 (seed 3, 60 records) churn used to leave a 4-member island that
// only its members' first Graph Maintenance Timer (300 s after they listened, after the report)
// rejoined: 24 (record, member) pairs missing, 3 digests. Connection maintenance now draws a
// candidate list first (contacts weigh as much as referrals), replaces a lost neighbour up to
// Ideal Neighbors at once, and contacts' long-term repair requests are answered.
const MEMBERS = 200;
const RECORDS = 60;

describe(`graph cloud under churn (seed ${SEED}, ${MEMBERS} members, ${RECORDS} records)`, () => {
  it('every record published by a live member reaches every live member; digests end equal', () => {
    const cloud = new GraphCloud({ seed: SEED });
    cloud.build(MEMBERS);
    expect(cloud.live().every((m) => m.graph.status === 'connected')).toBe(true);
    const report = runGroupScenario(cloud, { records: RECORDS, ...GROUP_CHURN });
    expect(report.churn).toEqual({
      failed: MEMBERS * 0.2,
      left: MEMBERS * 0.1,
      joined: MEMBERS * 0.1,
    });
    // Joiners the saturated group never let in (every member at Maximum Neighbors refuses them)
    // are not members; the pinned count below says how many there were.
    expect(report.members + report.dialling).toBe(MEMBERS * 0.8);
    expect(report.delivery.records).toBe(RECORDS);
    expect(report.delivery.missing).toBe(0);
    expect(report.delivery.complete).toBe(RECORDS);
    expect(report.digests).toBe(1);
    if (SEED !== DEFAULT_SEED) return;
    // Pinned for the default seed; they move when the protocol does (see the header).
    // Moved with 200 members (was 100, 40 records): twice the members, so about twice the FLOODs
    // per record (249 -> 515); needNodes counts the contacts' long-term repair requests now answered.
    // Moved again (515 -> 519 FLOODs) when hash sync began exchanging same-version copies that
    // differ (graph/record-ranges.ts, sameVersionConflicts).
    expect({
      messagesPerRecord: Math.round(report.perRecord.messages),
      floodsPerRecord: Math.round(report.perRecord.floodMessages),
      duplicatesPerMember: Math.round(report.duplicatesPerMember * 1000) / 1000,
      needNodes: report.needNodes,
      dialling: report.dialling,
      giveUps: report.giveUps,
      t99MsMax: Math.round(report.delivery.t99Ms.max),
      t100MsMax: Math.round(report.delivery.t100Ms.max),
      trace: cloud.sim.traceHex(),
    }).toMatchInlineSnapshot(`
      {
        "dialling": 0,
        "duplicatesPerMember": 2.073,
        "floodsPerRecord": 519,
        "giveUps": 0,
        "messagesPerRecord": 1101,
        "needNodes": 6,
        "t100MsMax": 816,
        "t99MsMax": 420,
        "trace": "3b2f866b18feaa03",
      }
    `);
  });

  it('the 150-member island of seed 3 no longer cuts four members off', () => {
    const cloud = new GraphCloud({ seed: 3 });
    cloud.build(150);
    const report = runGroupScenario(cloud, { records: 60, ...GROUP_CHURN });
    expect(report.delivery.missing).toBe(0);
    expect(report.digests).toBe(1);
  });

  it('is deterministic: the same seed gives the same trace and the same counts', () => {
    const run = (seed: number) => {
      const cloud = new GraphCloud({ seed });
      cloud.build(30);
      const report = runGroupScenario(cloud, { records: 20, batches: 5, ...GROUP_CHURN });
      return { trace: cloud.sim.traceHex(), report };
    };
    const a = run(SEED);
    expect(run(SEED)).toEqual(a);
    expect(run(SEED + 1).trace).not.toBe(a.trace);
  });
});
