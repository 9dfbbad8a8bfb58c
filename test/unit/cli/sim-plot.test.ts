/**
 * Issue 13, Build 5: `pnrp sim --json` carries the hop histogram and the time series, `--plot`
 * writes an SVG with the run's marks and axes, and the bench figures render from plain rows.
 * Issue 12, Build 6: `pnrp sim` reads its options through parseCommandLine, in our words.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderSvg } from '../../../src/cli/plot-render.js';
import { hopsVsNSpec, messagesVsKadSpec } from '../../../src/cli/plot-specs.js';
import { parseSimArgs } from '../../../src/cli/sim-options.js';
import { UsageError } from '../../../src/cli/usage-error.js';
import { pnrp } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'pnrp-plot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const count = (svg: string, re: RegExp) => svg.match(re)?.length ?? 0;

describe('pnrp sim --json --plot', () => {
  it('prints the histogram and series and draws them as SVG', () => {
    const file = join(dir, 'run.svg');
    const args = [
      'sim',
      '--nodes',
      '30',
      '--searches',
      '100',
      '--seed',
      '2',
      '--scenario',
      'churn',
    ];
    const r = pnrp(...args, '--interval', '1', '--json', '--plot', file);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(''); // progress only on a terminal
    const out = JSON.parse(r.stdout);
    const successes = Math.round(out.successRate * out.resolves);
    const bins: { hops: number; count: number }[] = out.hopHistogram;
    expect(bins.map((b) => b.hops)).toEqual(bins.map((_, i) => i));
    expect(bins.reduce((a, b) => a + b.count, 0)).toBe(successes);
    expect(bins.length - 1).toBe(out.maxHops);
    expect(out.series.intervalSeconds).toBe(1);
    const points: { startS: number; resolves: number; successes: number }[] = out.series.points;
    expect(points.length).toBeGreaterThanOrEqual(2);
    expect(points[0]!.startS).toBe(0);
    expect(points.reduce((a, p) => a + p.resolves, 0)).toBe(100);
    expect(points.reduce((a, p) => a + p.successes, 0)).toBe(successes);
    expect(out.churn).toEqual({ failed: 6, left: 3, joined: 3 });

    const svg = readFileSync(file, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('pnrp sim: churn, 30 nodes, seed 2');
    expect(svg).toContain("X-axis titled 'virtual time (s)'");
    expect(svg).toContain("Y-axis titled 'resolves succeeded (%)'");
    expect(svg).toContain("Y-axis titled 'hops (mean; max dashed)'");
    expect(svg).toContain("X-axis titled 'hops (nodes asked to route)'");
    expect(svg).toContain("Y-axis titled 'live nodes'");
    // One bar per histogram bin; success, mean hops, max hops and live nodes as lines.
    expect(count(svg, /aria-roledescription="bar"/g)).toBe(bins.length);
    expect(count(svg, /class="mark-line role-mark/g)).toBe(4);
  }, 240_000);

  it('refuses bad options in its own words before running', { timeout: 240_000 }, () => {
    const cases: [string[], RegExp][] = [
      [['--plot', 'x.png'], /--plot writes SVG: give a file name ending in \.svg/],
      [['--interval', '0'], /--interval must be an integer in 1\.\.86400/],
      [['--nodes', '-5'], /--nodes needs a value, but "-5" looks like an option/],
      [['--nodes=-5'], /--nodes must be an integer in 2\.\.200000, got "-5"/],
      [['--nodes', '1e3'], /--nodes must be an integer/],
      [['--json', 'extra'], /unexpected argument "extra"/],
      [['--secure'], /unknown option --secure \(did you mean --secured\?\)/],
      [['--seed', '1', '--seed', '2'], /--seed given more than once/],
    ];
    for (const [args, message] of cases) {
      expect(() => parseSimArgs(args)).toThrow(UsageError);
      expect(() => parseSimArgs(args)).toThrow(message);
    }
    expect(parseSimArgs(['--plot', 'a.svg', '--interval', '30'])).toMatchObject({
      plot: 'a.svg',
      intervalS: 30,
      nodes: 2000,
    });
    // Through the command: exit 2 for usage, 1 for a plot that cannot be written, both at once.
    const usage = pnrp('sim', '--nodes', '-5');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/pnrp sim: --nodes needs a value/);
    expect(usage.stderr).not.toMatch(/ambiguous|ERR_PARSE_ARGS|Option '/);
    const folder = pnrp('sim', '--plot', join(dir, 'missing', 'x.svg'));
    expect(folder.code).toBe(1);
    expect(folder.stderr).toMatch(/cannot write the plot .*missing/);
  });
});

describe('bench figures from plain rows', () => {
  it('hops against N beside the log10(N) model, on a log axis; same rows, same SVG', async () => {
    const spec = hopsVsNSpec(
      [
        { n: 500, avgHops: 1.5, p95Hops: 3 },
        { n: 2000, avgHops: 2.1, p95Hops: 4 },
      ],
      'hops vs N',
    );
    const svg = await renderSvg(spec);
    expect(await renderSvg(spec)).toBe(svg);
    expect(svg).toContain("X-axis titled 'nodes (N)' for a log scale");
    expect(svg).toContain("Y-axis titled 'hops'");
    expect(svg).toContain('log10(N) model');
    expect(svg).toContain('measured mean');
    // Measured mean, measured p95 and the model: one line each.
    expect(count(svg, /aria-roledescription="line mark"/g)).toBe(3);
  });

  it('PNRP beside Kademlia messages per lookup; no Kademlia bar where it was not measured', async () => {
    const both = await renderSvg(
      messagesVsKadSpec(
        [
          { n: 1000, pnrp: 6, kad: 20 },
          { n: 2000, pnrp: 6.5, kad: 22 },
        ],
        'messages',
      ),
    );
    expect(count(both, /aria-roledescription="bar"/g)).toBe(4);
    expect(both).toContain('Kademlia');
    expect(both).toContain("Y-axis titled 'messages per lookup'");
    const pnrpOnly = await renderSvg(messagesVsKadSpec([{ n: 1000, pnrp: 6 }], 'messages'));
    expect(count(pnrpOnly, /aria-roledescription="bar"/g)).toBe(1);
  });
});
