import { describe, expect, it } from 'vitest';
import { pnrp } from './run-cli.js';

describe('pnrp sim --scenario group', () => {
  it('--json prints one object with the group figures, the same for the same seed', () => {
    const args = ['sim', '--scenario', 'group', '--nodes', '20', '--records', '10', '--seed', '3'];
    const a = pnrp(...args, '--churn', '--json');
    expect(a.code).toBe(0);
    const out = JSON.parse(a.stdout);
    expect(out).toMatchObject({
      scenario: 'group',
      nodes: 20,
      records: 10,
      seed: 3,
      churnModel: true,
      churn: { failed: 4, left: 2, joined: 2 },
      digests: 1,
      delivery: { records: 10, complete: 10, missing: 0 },
      sync: { records: 1000, changed: 10, joinerIdentical: true, digests: 1 },
    });
    for (const field of ['perRecord', 'duplicatesPerMember', 'messagesByType', 'traceHash'])
      expect(out).toHaveProperty(field);
    expect(JSON.parse(pnrp(...args, '--churn', '--json').stdout).traceHash).toBe(out.traceHash);
  });

  it('prints the report table, and refuses options of the other scenarios', () => {
    const r = pnrp('sim', '--scenario', 'group', '--nodes', '12', '--records', '5');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Simulated graph group: 12 members, 5 records, seed 1/);
    expect(r.stdout).toMatch(/time to 99% of members \(mean \/ p50 \/ max\): \d+ ms/);
    expect(r.stdout).toMatch(/duplicates per member per record: \d+\.\d{3}/);
    expect(r.stdout).toMatch(/rejoin after 10 changed, hash-based: hash \d+ B/);
    expect(pnrp('sim', '--records', '5').code).toBe(2);
    expect(pnrp('sim', '--churn').code).toBe(2);
    expect(pnrp('sim', '--scenario', 'group', '--searches', '5').code).toBe(2);
    expect(pnrp('sim', '--scenario', 'group', '--records', '0').code).toBe(2);
  });
});
