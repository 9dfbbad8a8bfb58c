import { describe, expect, it } from 'vitest';
import { pnrp } from './run-cli.js';

describe('pnrp sim --baseline kad', () => {
  it('prints PNRP and Kademlia side by side, as text and as JSON, the same for the same seed', () => {
    const args = ['sim', '--nodes', '16', '--searches', '20', '--seed', '3', '--baseline', 'kad'];
    const text = pnrp(...args);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/PNRP\/DRT against Kademlia \(k = 20, alpha = 3\): 16 nodes/);
    expect(text.stdout).toMatch(/requests \+ answers per lookup\s+\d/);
    expect(text.stdout).toMatch(/all datagrams per lookup\s+\d/);
    const json = JSON.parse(pnrp(...args, '--json').stdout);
    expect(json).toMatchObject({ nodes: 16, seed: 3, baseline: 'kad' });
    expect(json.pnrp.lookups).toBe(20);
    expect(json.kad.lookups).toBe(20);
    expect(json.kad.successRate).toBe(1);
    expect(json.rows.map((r: { metric: string }) => r.metric)).toContain(
      'requests + answers per lookup',
    );
    expect(text.stdout).toContain(json.kad.traceHash);
    expect(pnrp('sim', '--baseline', 'chord').code).toBe(2);
    expect(pnrp('sim', '--baseline', 'kad', '--secured').code).toBe(2);
  }, 300_000);
});
