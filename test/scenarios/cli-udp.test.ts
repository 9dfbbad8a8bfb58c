/**
 * cli-udp: separate `pnrp node` processes on loopback UDP (ephemeral ports; the 2nd and 3rd
 * bootstrap from the 1st), each publishing a name (the 3rd a secured name with an identity file),
 * and short-lived `pnrp resolve` / `pnrp trace` processes that find every name. Then one node
 * stops on SIGINT (it revokes its name: NOT_FOUND) and one is SIGKILLed (its name is no longer
 * returned: the INQUIRE to the dead owner goes unanswered). Timing is real: nothing asserts a
 * duration, and every child is killed in afterAll.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CliProcess, type CliRun, pnrpAsync, startPnrp } from '../unit/cli/run-cli.js';

const children: CliProcess[] = [];
const dir = mkdtempSync(join(tmpdir(), 'pnrp-cli-udp-'));

afterAll(() => {
  for (const c of children) c.kill();
  rmSync(dir, { recursive: true, force: true });
});

interface NodeProcess {
  readonly process: CliProcess;
  readonly name: string;
  readonly port: number;
  readonly endpoint: string;
}

type JsonLine = Record<string, unknown>;

function json(line: string): JsonLine | undefined {
  try {
    return JSON.parse(line) as JsonLine;
  } catch {
    return undefined;
  }
}

const eventIs =
  (event: string) =>
  (line: string): boolean =>
    json(line)?.event === event;

async function startNode(name: string, extra: string[]): Promise<NodeProcess> {
  const process = startPnrp(
    'node',
    '--port',
    '0',
    '--host',
    '127.0.0.1',
    '--register',
    name,
    '--friendly-name',
    `node of ${name}`,
    '--json',
    ...extra,
  );
  children.push(process);
  const listening = json(await process.waitForLine(eventIs('listening'), 20_000))!;
  const port = listening.port as number;
  expect(listening.endpoints).toEqual([`127.0.0.1:${port}`]);
  const registered = json(await process.waitForLine(eventIs('registered'), 20_000))!;
  expect(registered.peerName).toBe(name);
  return { process, name, port, endpoint: `127.0.0.1:${port}` };
}

function resolve(name: string, bootstrap: string, ...extra: string[]): Promise<CliRun> {
  return pnrpAsync('resolve', name, '--bootstrap', bootstrap, '--timeout', '10000', ...extra);
}

describe('cli-udp: pnrp node processes on loopback, resolved by pnrp resolve/trace processes', () => {
  it('finds every registered name; a stopped node revokes, a killed one stops answering', async () => {
    const identityFile = join(dir, 'three.json');
    const created = await pnrpAsync('identity', 'new', '--out', identityFile, '--json');
    expect(created.code, created.stderr).toBe(0);
    const authority = JSON.parse(created.stdout).authority as string;

    const one = await startNode('0.cli-one', []);
    const [two, three] = await Promise.all([
      startNode('0.cli-two', ['--bootstrap', one.endpoint]),
      startNode(`${authority}.cli-three`, [
        '--bootstrap',
        one.endpoint,
        '--identity',
        identityFile,
        '--extended-payload',
        'hello from three',
      ]),
    ]);
    for (const n of [two, three]) {
      const registered = json(n.process.lines.find(eventIs('registered'))!)!;
      expect(registered.state).toBe('resolvable');
    }
    expect(json(three.process.lines.find(eventIs('registered'))!)!.secured).toBe(true);

    // Each name from a resolver that bootstraps from a node other than its publisher.
    const nodes = [one, two, three];
    const found = await Promise.all(
      nodes.map((n, i) =>
        resolve(n.name, nodes[(i + 1) % 3]!.endpoint, '--json', '--extended-payload'),
      ),
    );
    found.forEach((r, i) => {
      const n = nodes[i]!;
      expect(r.code, `${n.name}: ${r.stderr}`).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(doc).toMatchObject({ found: true, mode: 'udp', peerName: n.name });
      expect(doc.results[0]).toMatchObject({
        peerName: n.name,
        secured: n === three,
        friendlyName: `node of ${n.name}`,
        pnrpEndpoints: [n.endpoint],
      });
    });
    expect(JSON.parse(found[2]!.stdout).results[0].extendedPayload).toEqual({
      type: 'string',
      length: 16,
      text: 'hello from three',
    });

    const trace = await pnrpAsync('trace', two.name, '--bootstrap', one.endpoint);
    expect(trace.code, trace.stderr).toBe(0);
    expect(trace.stdout).toMatch(/^Tracing route to 0\.cli-two\n/);
    expect(trace.stdout).toContain(`127.0.0.1:${two.port}, (`);
    expect(trace.stdout).toMatch(
      /^ {2}127\.0\.0\.1:\d+, \(\d+\), \(\d+ ms\), Accepted \(Inquire\)$/m,
    );
    expect(trace.stdout).toMatch(/found 0\.cli-two in cloud Global_: 1 result/);

    // Graceful: SIGINT revokes the name, then the process exits 0.
    two.process.child.kill('SIGINT');
    expect(await two.process.exited()).toBe(0);
    expect(two.process.lines.map((l) => json(l)?.event)).toEqual(
      expect.arrayContaining(['stopping', 'stopped']),
    );
    // Crash: SIGKILL, no revoke; the cloud still routes to it, but the owner never answers.
    three.process.child.kill('SIGKILL');
    await three.process.exited();

    const [revoked, crashed, alive] = await Promise.all([
      resolve(two.name, one.endpoint, '--json'),
      resolve(three.name, one.endpoint, '--json'),
      resolve(one.name, one.endpoint, '--json'),
    ]);
    expect(revoked.code).toBe(1);
    expect(JSON.parse(revoked.stdout)).toMatchObject({ found: false, code: 'NOT_FOUND' });
    expect(revoked.stderr).toMatch(/0\.cli-two: not found \(NOT_FOUND\)/);
    expect(crashed.code).toBe(1);
    const crashedDoc = JSON.parse(crashed.stdout);
    expect(crashedDoc.found).toBe(false);
    expect(crashedDoc.results).toEqual([]);
    expect(['NOT_FOUND', 'TIMEOUT']).toContain(crashedDoc.code);
    expect(alive.code, alive.stderr).toBe(0);

    one.process.child.kill('SIGTERM');
    expect(await one.process.exited()).toBe(0);
  }, 90_000);
});
