/**
 * Synchronisation in a graph group (§1.3.5.4): a joiner of a group holding 1,000 records gets the
 * identical database by Sync All; two members that left come back after 1% of the records
 * changed, one by time-based and one by hash-based sync, and each moves at most 5% of what the
 * Sync All moved. The byte counts are exact for the default seed and move with the protocol.
 */
import { describe, expect, it } from 'vitest';
import { GraphCloud } from '../../src/sim/graph-cloud.js';
import { runSyncScenario } from '../../src/sim/graph-scenarios.js';

const DEFAULT_SEED = 2;
const SEED = Number(process.env.PNRP_SEED ?? DEFAULT_SEED);

describe(`graph cloud sync (seed ${SEED})`, () => {
  it('a joiner holds the identical database; a rejoin after 1% changed moves at most 5%', () => {
    const cloud = new GraphCloud({ seed: SEED });
    cloud.build(8, 500, 30_000);
    const r = runSyncScenario(cloud, { records: 1000, changedFraction: 0.01 });
    expect(r.joinerIdentical).toBe(true);
    expect(r.digests).toBe(1);
    expect(r.changed).toBe(10);
    const all = r.join.all!;
    expect(all.count).toBe(1);
    // Every application record, plus the internal ones (graph info, signature, contacts).
    expect(all.records).toBeGreaterThanOrEqual(1002);
    const total = (s: typeof r.rejoinHash) => Object.values(s).reduce((a, v) => a + v.bytes, 0);
    expect(total(r.rejoinHash)).toBeLessThanOrEqual(0.05 * all.bytes);
    expect(total(r.rejoinTime)).toBeLessThanOrEqual(0.05 * all.bytes);
    expect(r.rejoinHash.hash!.records).toBeGreaterThanOrEqual(10);
    // A time-based sync is always followed by a hash sync (§3.1.7.30): together they bring the
    // changes (for this seed the time-based pass itself brings none; see the issue 14 report).
    expect(r.rejoinTime.time!.count).toBe(1);
    const timeRecords = Object.values(r.rejoinTime).reduce((a, v) => a + v.records, 0);
    expect(timeRecords).toBeGreaterThanOrEqual(10);
    if (SEED !== DEFAULT_SEED) return;
    // Moved a little (hash 9420 -> 6174) when connection maintenance began drawing a list before
    // a candidate: other neighbours, so other sync partners.
    expect({
      syncAll: all.bytes,
      time: total(r.rejoinTime),
      hash: total(r.rejoinHash),
    }).toMatchInlineSnapshot(`
      {
        "hash": 6174,
        "syncAll": 217054,
        "time": 9332,
      }
    `);
  });
});
