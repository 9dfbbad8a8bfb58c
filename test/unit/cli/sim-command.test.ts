import { describe, expect, it } from 'vitest';
import { pnrp } from './run-cli.js';

describe('pnrp sim', () => {
  it('--json prints one object with the scenario figures, the same for the same seed', () => {
    const a = pnrp('sim', '--nodes', '40', '--searches', '100', '--seed', '3', '--json');
    expect(a.code).toBe(0);
    const out = JSON.parse(a.stdout);
    expect(out).toMatchObject({ nodes: 40, seed: 3, scenario: 'stable', resolves: 100 });
    for (const field of ['successRate', 'avgHops', 'p50Hops', 'p95Hops', 'messages', 'traceHash']) {
      expect(out).toHaveProperty(field);
    }
    expect(out.successRate).toBe(1);
    const b = JSON.parse(
      pnrp('sim', '--nodes', '40', '--searches', '100', '--seed', '3', '--json').stdout,
    );
    expect(b.traceHash).toBe(out.traceHash);
  });

  it('prints a readable summary with a traceroute, and refuses bad options', () => {
    const r = pnrp('sim', '--nodes', '30', '--searches', '50', '--scenario', 'churn');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Simulated DRT cloud: 30 nodes, scenario churn/);
    expect(r.stdout).toMatch(/Traceroute of one resolve/);
    expect(r.stdout).toMatch(/\(256\), \(\d+ ms\), Accepted \(Inquire\)/);
    expect(pnrp('sim', '--nodes', '1').code).toBe(2);
    expect(pnrp('sim', '--scenario', 'chaos').code).toBe(2);
  });
});
