/**
 * pnrp resolve / pnrp trace with --sim: a seeded simulated cloud in which one node publishes the
 * name and another resolves it. Found and not found, JSON shapes, the netsh traceroute shape, a
 * secured name published with an identity file, the same bytes for the same seed, and usage
 * errors. (Over real UDP: test/scenarios/cli-udp.test.ts.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pnrpAsync } from './run-cli.js';

const SEED = process.env.PNRP_SEED ?? '3';
const SIM = ['--sim', '--nodes', '60', '--seed', SEED];
const HOP_LINE =
  /^ {2}\[[0-9a-f:.]+\]:\d+, \(\d+\), \((\d+|-) ms\), (Accepted|Rejected)( \(.+\))?$/;

const dir = mkdtempSync(join(tmpdir(), 'pnrp-lookup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe(`pnrp resolve/trace --sim (seed ${SEED})`, () => {
  it('resolves a published name, printing the instance, the same bytes for the same seed', async () => {
    const [a, b, json] = await Promise.all([
      pnrpAsync('resolve', '0.printer', ...SIM, '--extended-payload'),
      pnrpAsync('resolve', '0.printer', ...SIM, '--extended-payload'),
      pnrpAsync('resolve', '0.printer', ...SIM, '--json'),
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toMatch(/^simulated cloud Global_: 60 nodes, seed \d+; node 59 publishes/);
    expect(a.stdout).toMatch(/found 0\.printer in cloud Global_: 1 result/);
    expect(a.stdout).toMatch(/peer name: +0\.printer\n/);
    expect(a.stdout).toMatch(/secured: +no\n/);
    expect(a.stdout).toMatch(/PNRP ID: +[0-9a-f]{64}\n/);
    expect(a.stdout).toMatch(/endpoints: +\[2001:db8::[0-9a-f]+\]:3540\/udp\n/);
    expect(a.stdout).toMatch(/friendly name: +"simulated node 59"/);
    expect(a.stdout).toMatch(/extended payload: +28 bytes of text: "hello from simulated node 59"/);

    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(doc).toMatchObject({
      command: 'resolve',
      peerName: '0.printer',
      cloud: 'Global_',
      found: true,
      failure: null,
      code: null,
      mode: 'sim',
      sim: { nodes: 60, published: '0.printer', publisher: 59 },
    });
    expect(doc.results).toHaveLength(1);
    expect(doc.results[0]).toMatchObject({
      peerName: '0.printer',
      secured: false,
      friendlyName: 'simulated node 59',
      hasExtendedPayload: true,
      extendedPayload: null,
    });
    expect(doc.results[0].pnrpId).toMatch(/^[0-9a-f]{64}$/);
    expect(doc.results[0].endpoints).toEqual([expect.stringMatching(/\/udp$/)]);
    expect(doc.sim.traceHash).toMatch(/^[0-9a-f]+$/);
    expect(doc).not.toHaveProperty('path');
  });

  it('traces the route in the netsh shape, ending with the owner accepted twice', async () => {
    const [text, json, again] = await Promise.all([
      pnrpAsync('trace', '0.printer', ...SIM),
      pnrpAsync('trace', '0.printer', ...SIM, '--json'),
      pnrpAsync('trace', '0.printer', ...SIM, '--json'),
    ]);
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.split('\n');
    const start = lines.indexOf('Tracing route to 0.printer');
    expect(start).toBe(1);
    const hops = lines.slice(start + 1, lines.indexOf('', start));
    expect(hops.length).toBeGreaterThanOrEqual(2);
    for (const hop of hops) expect(hop).toMatch(HOP_LINE);
    expect(hops.at(-1)).toMatch(/, \(\d+ ms\), Accepted \(Inquire\)$/);
    expect(hops.at(-2)).toMatch(/, Accepted$/);
    expect(text.stdout).toMatch(/found 0\.printer in cloud Global_/);

    expect(json.stdout).toBe(again.stdout);
    const doc = JSON.parse(json.stdout);
    expect(doc).toMatchObject({ command: 'trace', found: true, mode: 'sim' });
    expect(doc.text.split('\n').slice(1)).toEqual(hops);
    // One hop list renders both: as many path entries as hop lines, the same hop on each.
    expect(doc.path.length).toBe(hops.length);
    doc.path.forEach((hop: { endpoint: string; status: string }, i: number) => {
      expect(hops[i]!.startsWith(`  ${hop.endpoint}, `)).toBe(true);
      expect(hops[i]!.endsWith(`, ${hop.status}`)).toBe(true);
    });
    expect(doc.path.at(-2)).toMatchObject({ status: 'Accepted' });
    expect(doc.path.at(-1)).toMatchObject({
      status: 'Accepted (Inquire)',
      flags: expect.arrayContaining(['accepted', 'inquire']),
    });
    for (const hop of doc.path) {
      expect(hop.endpoint).toMatch(/^\[2001:db8::[0-9a-f]+\]:3540$/);
      expect(hop.nearness).toBeTypeOf('number');
    }
  });

  it('reports a name nobody publishes as not found, exit 1, in text and JSON', async () => {
    const [text, json, trace] = await Promise.all([
      pnrpAsync('resolve', '0.nobody', ...SIM, '--publish', '0.printer'),
      pnrpAsync('resolve', '0.nobody', ...SIM, '--publish', '0.printer', '--json'),
      pnrpAsync('trace', '0.nobody', ...SIM, '--publish', '0.printer'),
    ]);
    expect(text.code).toBe(1);
    expect(text.stderr).toBe('pnrp resolve: 0.nobody: not found (NOT_FOUND)\n');
    expect(text.stdout).toMatch(/node 59 publishes 0\.printer, node \d+ resolves 0\.nobody/);
    expect(text.stdout).not.toMatch(/found 0\.nobody/);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      peerName: '0.nobody',
      found: false,
      failure: 'not-found',
      code: 'NOT_FOUND',
      results: [],
    });
    expect(trace.code).toBe(1);
    expect(trace.stdout).toMatch(/Tracing route to 0\.nobody\n( {2}.+\n)+/);
    expect(trace.stdout).not.toMatch(/Accepted \(Inquire\)/);
    expect(trace.stderr).toMatch(/not found \(NOT_FOUND\)/);
  });

  it('publishes a secured name with the identity file that owns its authority', async () => {
    const file = join(dir, 'owner.json');
    const created = await pnrpAsync('identity', 'new', '--out', file, '--json');
    const { authority } = JSON.parse(created.stdout);
    const name = `${authority}.printer`;
    const [found, missing, other] = await Promise.all([
      pnrpAsync('resolve', name, ...SIM, '--identity', file, '--json'),
      pnrpAsync('resolve', name, ...SIM),
      pnrpAsync('resolve', `${'ab'.repeat(20)}.printer`, ...SIM, '--identity', file),
    ]);
    expect(found.code, found.stderr).toBe(0);
    expect(JSON.parse(found.stdout).results[0]).toMatchObject({ peerName: name, secured: true });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/is a secured name: pass --identity FILE/);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/belongs to authority abab.*but --identity holds the key of/);
  });

  it('refuses contradictory or malformed options with exit code 2', async () => {
    const misuses = [
      ['resolve', '0.x'],
      ['resolve'],
      ['resolve', '0.x', '0.y', '--sim'],
      ['resolve', 'NoDot', '--sim'],
      ['resolve', '0.x', '--sim', '--bootstrap', '127.0.0.1:3540'],
      ['resolve', '0.x', '--bootstrap', 'localhost'],
      ['resolve', '0.x', '--bootstrap', '127.0.0.1:3540', '--nodes', '5'],
      ['resolve', '0.x', '--sim', '--criteria', 'best'],
      ['resolve', '0.x', '--sim', '--criteria', 'upper-bits'],
      ['resolve', '0.x', '--sim', '--max-results', '0'],
      ['trace', '0.x', '--sim', '--timeout', 'soon'],
      ['trace', '0.x', '--sim', '--nodes', '1'],
      ['trace', '0.x', '--sim', '--frobnicate'],
    ];
    const runs = await Promise.all(misuses.map((args) => pnrpAsync(...args)));
    runs.forEach((r, i) => {
      expect(r.code, misuses[i]!.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^pnrp (resolve|trace): .+\n\(see pnrp (resolve|trace) --help\)\n$/);
    });
  });
});
