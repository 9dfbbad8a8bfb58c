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

describe('pnrp sim --malicious --attack', () => {
  it('plants the share of colluders and reports honest figures and traffic apart', () => {
    const args = ['sim', '--nodes', '40', '--searches', '100', '--seed', '3', '--json'];
    const r = pnrp(...args, '--malicious', '0.2', '--attack', 'hijack');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      provider: 'null',
      resolves: 100,
      attack: { kind: 'hijack', malicious: 0.2, armedFrom: 'scenario', attackers: 8, honest: 32 },
    });
    // Under the null provider a forged record is as good as the owner's: some resolves are hijacked.
    expect(out.failures.hijacked).toBeGreaterThan(0);
    expect(out.attack.actions.proofsForged).toBeGreaterThan(0);
    expect(out.attack.datagramsSent.attackers).toBeGreaterThan(0);
    expect(out.attack.datagramsSent.honest).toBeGreaterThan(0);
    // Signed keys: the same forgeries are refused, nothing is hijacked.
    const secured = JSON.parse(
      pnrp(...args, '--malicious', '0.2', '--attack', 'hijack', '--secured').stdout,
    );
    expect(secured.provider).toBe('signed-key');
    expect(secured.attack.actions.proofsForged).toBeGreaterThan(0);
    expect(secured.failures.hijacked ?? 0).toBe(0);
  });

  it('prints the attack in the summary, and refuses bad attack options', () => {
    const r = pnrp(
      'sim',
      '--nodes',
      '30',
      '--searches',
      '40',
      '--malicious',
      '0.1',
      '--attack',
      'drop',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/attack drop: 3 colluding attackers \(10%\), 27 honest nodes/);
    expect(r.stdout).toMatch(/honest resolves: 40, succeeded/);
    expect(r.stdout).toMatch(/datagrams sent during the scenario: honest nodes \d+, attackers \d+/);
    expect(r.stdout).toMatch(/attackers' actions: .+/);
    for (const bad of [
      ['--malicious', '1'],
      ['--malicious', '-0.1'],
      ['--malicious', 'lots'],
      ['--malicious', '0.2', '--attack', 'nope'],
      ['--attack', 'drop'],
    ]) {
      expect(pnrp('sim', '--nodes', '10', ...bad).code).toBe(2);
    }
  });
});
