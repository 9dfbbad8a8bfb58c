/**
 * The hole-punching scenario of issue 16 in the namespaces of scripts/netns/netns.sh, shared by
 * test/netns/hole-punch.test.ts and bench/nat.bench.ts: `pub` runs the bootstrap node (the only
 * public node of the cloud, so the rendezvous), `pub2` a node of another cloud that only answers
 * STUN (the second server whose dial-back confirms the NATed addresses), `cone2` (and, when
 * asked, `cone1`) a node behind its cone NAT that registers `0.<name>` and keeps its mapping with
 * `pub` alive. `connect` runs `pnrp connect` from a namespace and returns its JSON lines.
 */
import { spawn } from 'node:child_process';
import { type LineProcess, ROOT, Topology } from './netns.js';

export const WAIT_MS = 60_000;

export const isEvent =
  (event: string, fields: Record<string, unknown> = {}) =>
  (line: Record<string, unknown>): boolean =>
    line.event === event && Object.entries(fields).every(([k, v]) => line[k] === v);

/** One `connected` or `failed` line of `pnrp connect --json`. */
export interface ConnectLine {
  readonly event: 'connected' | 'failed';
  readonly try: number;
  readonly local?: string;
  readonly endpoint?: string;
  readonly resolveMs?: number;
  readonly firstDirectMs?: number;
  readonly punched?: boolean;
  readonly pongs?: { seq: number; rttMs: number; from: string }[];
  readonly code?: string;
  readonly punchFailures?: { peer: string; reason: string; replies: string[] }[];
}

export interface PunchScenario {
  readonly topo: Topology;
  readonly at: (name: string) => string;
  readonly nodes: Record<string, LineProcess>;
  /** Runs `pnrp connect <peer> --bootstrap pub --json ...args` in namespace `from`. */
  connect(from: string, peer: string, ...args: string[]): Promise<ConnectLine[]>;
  down(): void;
}

/** Brings the topology up and starts pub, pub2 and a registered node in each of `natted`. */
export async function startPunchScenario(
  prefix: string,
  natted: readonly string[] = ['cone2'],
): Promise<PunchScenario> {
  const topo = new Topology(prefix);
  topo.up();
  const at = (name: string): string => `${topo.addrs[name]}:3540`;
  const nodes: Record<string, LineProcess> = {};
  nodes.pub = topo.pnrp('pub', 'node', '--port', '3540', '--advertise', topo.addrs.pub!, '--json');
  nodes.pub2 = topo.pnrp(
    'pub2',
    'node',
    ...['--port', '3540', '--advertise', topo.addrs.pub2!, '--cloud', 'StunOnly_', '--json'],
  );
  await Promise.all([
    nodes.pub.waitFor(isEvent('listening'), WAIT_MS),
    nodes.pub2.waitFor(isEvent('listening'), WAIT_MS),
  ]);
  for (const name of natted) {
    nodes[name] = topo.pnrp(
      name,
      'node',
      ...['--port', '3540', '--bootstrap', at('pub'), '--stun', at('pub2')],
      ...['--register', `0.${name}`, '--json'],
    );
  }
  await Promise.all(natted.map((n) => nodes[n]!.waitFor(isEvent('registered'), WAIT_MS)));
  return {
    topo,
    at,
    nodes,
    connect: (from, peer, ...args) =>
      new Promise((resolve, reject) => {
        const child = spawn(
          'ip',
          [
            ...['netns', 'exec', `${prefix}${from}`, process.execPath, '--import', 'tsx'],
            ...['src/cli/main.ts', 'connect', peer, '--bootstrap', at('pub'), '--json', ...args],
          ],
          { cwd: ROOT },
        );
        let out = '';
        let err = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => {
          out += d;
        });
        child.stderr.setEncoding('utf8').on('data', (d: string) => {
          err += d;
        });
        child.on('error', reject);
        child.on('close', () => {
          const lines = out
            .split('\n')
            .filter((l) => l.startsWith('{'))
            .map((l) => JSON.parse(l) as ConnectLine & { event: string });
          const tries = lines.filter((l) => l.event === 'connected' || l.event === 'failed');
          if (tries.length === 0) reject(new Error(`pnrp connect printed no try:\n${out}\n${err}`));
          else resolve(tries);
        });
      }),
    down: () => topo.down(),
  };
}
