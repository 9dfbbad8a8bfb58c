/**
 * Issue 15, Build 5: `pnrp sim --scenario dht [--baseline kad]` reads its options in our words and
 * prints PNRP-DHT (and the Kademlia DHT) as one JSON object with the side-by-side rows.
 */
import { describe, expect, it } from 'vitest';
import { parseSimArgs } from '../../../src/cli/sim-options.js';
import { UsageError } from '../../../src/cli/usage-error.js';
import { pnrp } from './run-cli.js';

describe('pnrp sim --scenario dht', () => {
  it('takes --values and --baseline kad, and refuses options of other scenarios', () => {
    expect(parseSimArgs(['--scenario', 'dht'])).toMatchObject({
      dht: true,
      nodes: 200,
      values: 1000,
      baseline: undefined,
    });
    expect(
      parseSimArgs(['--scenario', 'dht', '--nodes', '50', '--values', '70', '--baseline', 'kad']),
    ).toMatchObject({ dht: true, nodes: 50, values: 70, baseline: 'kad' });
    const cases: [string[], RegExp][] = [
      [['--values', '10'], /--values belongs to --scenario dht/],
      [['--scenario', 'dht', '--searches', '5'], /--searches does not apply to --scenario dht/],
      [['--scenario', 'dht', '--records', '5'], /--records does not apply to --scenario dht/],
      [['--scenario', 'dht', '--values', '0'], /--values must be an integer/],
      [['--scenario', 'dht', '--baseline', 'chord'], /--baseline must be kad/],
      [['--scenario', 'dhtx'], /--scenario must be stable, churn, group or dht/],
    ];
    for (const [args, message] of cases) {
      expect(() => parseSimArgs(args)).toThrow(UsageError);
      expect(() => parseSimArgs(args)).toThrow(message);
    }
  });

  it('prints both DHTs side by side as JSON', { timeout: 240_000 }, () => {
    const run = pnrp(
      'sim',
      '--scenario',
      'dht',
      '--nodes',
      '40',
      '--values',
      '30',
      '--baseline',
      'kad',
      '--json',
    );
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out).toMatchObject({
      scenario: 'dht',
      nodes: 40,
      values: 30,
      start: 'warm',
      baseline: 'kad',
    });
    expect(out.pnrp).toMatchObject({
      replicationFactor: 5,
      churn: { failed: 8, left: 4, joined: 4 },
    });
    expect(out.kad).toMatchObject({ replicationFactor: 20, churn: out.pnrp.churn });
    expect(out.pnrp.traceHash).toMatch(/^[0-9a-f]{16}$/);
    expect(out.rows.map((r: { metric: string }) => r.metric)).toContain(
      'messages per get (requests + answers)',
    );
    expect(out.kad.messagesPerPut).toBeGreaterThan(out.pnrp.messagesPerPut);
  });
});
