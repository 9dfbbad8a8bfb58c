/**
 * The DHT across real processes (issue 15's real-process target): three `pnrp node --dht`
 * processes on loopback UDP form a DHT; `pnrp put` stores a value through one of them, the node
 * owning the value's key (the closest node ID, as each node prints it) is killed with SIGKILL,
 * and `pnrp get` through another node still returns the value, from a replica. Every wait is on
 * a line of output with a generous timeout; every process is killed even when the test fails.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keyToBigInt, ringDistanceBig } from '../../src/keys/key256.js';
import { fromHex } from '../../src/util/bytes.js';

const ROOT = join(import.meta.dirname, '../..');
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

interface Proc {
  readonly child: ChildProcess;
  out(): string;
  waitFor(needle: RegExp, ms?: number): Promise<RegExpExecArray>;
  exited(ms?: number): Promise<number | null>;
}

function start(name: string, args: string[]): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: ROOT,
    stdio: 'pipe',
  });
  children.push(child);
  let text = '';
  const waiters = new Set<() => void>();
  const collect = (d: Buffer): void => {
    text += d.toString();
    for (const w of [...waiters]) w();
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  child.on('close', () => {
    for (const w of [...waiters]) w();
  });
  const until = <T>(ms: number, what: string, test: () => T | undefined): Promise<T> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        let found: T | undefined;
        try {
          found = test();
        } catch (error) {
          done();
          return reject(error);
        }
        if (found !== undefined) {
          done();
          resolve(found);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${name}: ${what} not seen in ${ms} ms:\n${text}`));
      }, ms);
      const done = (): void => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  return {
    child,
    out: () => text,
    waitFor(needle, ms = 60_000) {
      return until(ms, String(needle), () => {
        const m = needle.exec(text);
        if (m) return m;
        if (child.exitCode !== null || child.signalCode !== null)
          throw new Error(`${name} exited before "${String(needle)}":\n${text}`);
        return undefined;
      });
    },
    exited(ms = 90_000) {
      return until(ms, 'exit', () =>
        child.exitCode !== null || child.signalCode !== null ? child.exitCode : undefined,
      );
    },
  };
}

interface DhtNodeProc {
  readonly proc: Proc;
  readonly dhtPort: string;
  readonly nodeId: string;
}

async function startNode(
  name: string,
  bootstrap?: { pnrp: string; dht: string },
): Promise<DhtNodeProc> {
  const args = ['node', '--host', '127.0.0.1', '--port', '0', '--no-discover', '--json'];
  args.push('--dht', '--dht-port', '0');
  if (bootstrap)
    args.push(
      '--bootstrap',
      `127.0.0.1:${bootstrap.pnrp}`,
      '--dht-bootstrap',
      `127.0.0.1:${bootstrap.dht}`,
    );
  const proc = start(name, args);
  const dht = await proc.waitFor(/"event":"dht","port":(\d+),.*?"nodeId":"([0-9a-f]{64})"/);
  return { proc, dhtPort: dht[1]!, nodeId: dht[2]! };
}

describe('pnrp node --dht in real processes', () => {
  it('a value put through one node is got through another after its owner is killed', async () => {
    const a = await startNode('a');
    const pnrpPort = (await a.proc.waitFor(/"event":"listening","port":(\d+)/))[1]!;
    const seed = { pnrp: pnrpPort, dht: a.dhtPort };
    const b = await startNode('b', seed);
    const c = await startNode('c', seed);
    for (const n of [b, c]) await n.proc.waitFor(/"event":"dht-status","status":"active"/);
    // Let the registrations walk, so that each node has the others in its leaf set.
    await new Promise((r) => setTimeout(r, 4_000));
    const nodes = [a, b, c];

    const value = `durable value ${process.pid}`;
    const put = start('put', ['put', value, '--bootstrap', `127.0.0.1:${b.dhtPort}`, '--json']);
    const stored = await put.waitFor(/"key":"([0-9a-f]{64})"/);
    expect(await put.exited()).toBe(0);
    const key = stored[1]!;

    const target = keyToBigInt(fromHex(key));
    const distance = (n: DhtNodeProc) => ringDistanceBig(keyToBigInt(fromHex(n.nodeId)), target);
    const owner = nodes.reduce((best, n) => (distance(n) < distance(best) ? n : best));
    // Replication to the owner's leaf set follows the STORE at once; give it a moment on a busy machine.
    await new Promise((r) => setTimeout(r, 2_000));
    owner.proc.child.kill('SIGKILL');
    await owner.proc.exited();

    const through = nodes.find((n) => n !== owner && n !== b) ?? nodes.find((n) => n !== owner)!;
    const get = start('get', [
      'get',
      key,
      '--bootstrap',
      `127.0.0.1:${through.dhtPort}`,
      '--timeout',
      '60000',
      '--json',
    ]);
    const got = await get.waitFor(/\{"key".*\}/, 90_000);
    expect(await get.exited()).toBe(0);
    expect(JSON.parse(got[0]).value).toBe(value);
  }, 240_000);
});
