/**
 * @module cli/connect-command
 * `pnrp connect <peer-name> --bootstrap HOST:PORT [--punch] [--tries N] [--pings N]`: resolves a
 * peer name from a short-lived peer on a fresh UDP port and reaches the result directly
 * (`reachDirect`), punching a hole through a rendezvous when the target sits behind a NAT (issue
 * 16). With `--punch` a punch starts on its own as soon as the resolve first sends to an endpoint
 * it never heard from (its INQUIRE to the target), through the node that referred it, and the
 * INQUIRE is sent again once the hole is open. Each try opens a new socket, so a NAT maps it
 * afresh. Prints one line per try (JSON with `--json`): where the peer's datagrams came from, the
 * resolve time, the time from the first datagram to the target to the first one from it
 * (`firstDirectMs`), and the pings' round trips; then a summary. Exit 0 when every try connected.
 */
import { debugLogger } from '../adapters/node/debug-logger.js';
import { dnsResolver } from '../adapters/node/dns-resolver.js';
import { nodeCrypto } from '../adapters/node/node-crypto.js';
import { createUdpTransport } from '../adapters/node/udp-transport.js';
import { formatEndpoint } from '../keys/endpoint.js';
import { splitPunchTransport } from '../nat/punch-split.js';
import type { PunchEvent } from '../nat/punch-types.js';
import { createPeer } from '../peer/create-peer.js';
import { reachDirect, startPunch } from '../peer/direct-reach.js';
import { PnrpError } from '../peer/error.js';
import { systemRng } from '../runtime.js';
import {
  bootstrapEndpoints,
  cloudOption,
  intOption,
  listOption,
  parseCommandLine,
  stringOption,
} from './args.js';
import { UsageError } from './usage-error.js';

/** Help text of `pnrp connect`. */
export const CONNECT_USAGE: string = `usage: pnrp connect <peer-name> --bootstrap HOST:PORT ... [--punch] [--tries N]
                    [--pings N] [--timeout MS] [--cloud NAME] [--host ADDR] [--json]

Resolves <peer-name> and reaches the peer directly over UDP, punching a hole through the cloud
when it sits behind a NAT: a node the target keeps alive with relays a connect request, both
sides probe each other at once. Prints where the peer's datagrams came from and how long it took.
  --bootstrap HOST:PORT    a node of the cloud (repeatable)
  --punch                  punch during the resolve, as soon as it first sends to the target
                           (without it, the resolve must reach the target by itself)
  --tries N                connect N times, each from a fresh UDP port (default 1)
  --pings N                probes exchanged over the direct path (default 3)
  --timeout MS             deadline of each resolve (default 10000)
  --cloud NAME             cloud (default Global_)
  --host ADDR              local address to bind (default every interface)
  --json                   one JSON object per line
`;

interface ConnectArgs {
  readonly peerName: string;
  readonly bootstrap: ReturnType<typeof bootstrapEndpoints>;
  readonly punch: boolean;
  readonly tries: number;
  readonly pings: number;
  readonly timeoutMs: number;
  readonly cloud: string;
  readonly host: string | undefined;
  readonly json: boolean;
}

function parse(args: string[]): ConnectArgs {
  const { values, positionals } = parseCommandLine(args, {
    bootstrap: { type: 'string', multiple: true, short: 'b' },
    punch: { type: 'boolean' },
    tries: { type: 'string' },
    pings: { type: 'string' },
    timeout: { type: 'string' },
    cloud: { type: 'string' },
    host: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (positionals.length !== 1) throw new UsageError('pnrp connect takes one peer name');
  const bootstrap = bootstrapEndpoints(listOption(values, 'bootstrap'));
  if (bootstrap.length === 0) throw new UsageError('pnrp connect needs --bootstrap HOST:PORT');
  return {
    peerName: positionals[0]!,
    bootstrap,
    punch: values.punch === true,
    tries: intOption(values, 'tries', 1, 1, 10_000),
    pings: intOption(values, 'pings', 3, 0, 255),
    timeoutMs: intOption(values, 'timeout', 10_000, 1, 600_000),
    cloud: cloudOption(values),
    host: stringOption(values, 'host'),
    json: values.json === true,
  };
}

/** What one try printed. */
interface TryOutcome {
  readonly ok: boolean;
  readonly firstDirectMs?: number;
}

/** Runs `pnrp connect`; returns the exit code. */
export async function runConnectCommand(args: string[]): Promise<number> {
  const a = parse(args);
  const outcomes: TryOutcome[] = [];
  for (let i = 1; i <= a.tries; i++) outcomes.push(await oneTry(a, i));
  const ok = outcomes.filter((o) => o.ok).length;
  const times = outcomes
    .map((o) => o.firstDirectMs)
    .filter((t): t is number => t !== undefined)
    .sort((x, y) => x - y);
  const pct = (q: number): number | null =>
    times.length === 0 ? null : times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  const summary = { tries: a.tries, connected: ok, medianMs: pct(0.5), p95Ms: pct(0.95) };
  print(
    a,
    'summary',
    summary,
    `${ok}/${a.tries} connected directly; first direct datagram median ${summary.medianMs} ms, p95 ${summary.p95Ms} ms`,
  );
  return ok === a.tries ? 0 : 1;
}

function print(a: ConnectArgs, event: string, fields: Record<string, unknown>, text: string): void {
  process.stdout.write(a.json ? `${JSON.stringify({ event, ...fields })}\n` : `${text}\n`);
}

async function oneTry(a: ConnectArgs, index: number): Promise<TryOutcome> {
  const transport = await createUdpTransport({
    port: 0,
    ...(a.host !== undefined ? { host: a.host } : {}),
  });
  const split = splitPunchTransport(transport);
  const punch = startPunch(split, { rng: systemRng(), autoPunch: a.punch });
  const punched: PunchEvent[] = [];
  punch.on((e) => {
    if (e.type !== 'pong') punched.push(e);
  });
  const logger = debugLogger();
  const peer = createPeer({
    transport: split.rest,
    crypto: nodeCrypto,
    clouds: [a.cloud],
    bootstrap: a.bootstrap,
    resolveHost: dnsResolver,
    closeTransports: false,
    ...(logger ? { logger } : {}),
  });
  const started = performance.now();
  try {
    const [found] = await peer.resolve(a.peerName, { timeoutMs: a.timeoutMs });
    const resolveMs = Math.round(performance.now() - started);
    const path = await reachDirect(punch, found.pnrpEndpoints, { pings: a.pings });
    const auto = punched.find((e) => e.type === 'punched');
    const firstDirectMs = auto?.type === 'punched' ? auto.elapsedMs : path.punchMs;
    const fields = {
      try: index,
      peerName: a.peerName,
      local: `${transport.port}`,
      endpoint: formatEndpoint(path.endpoint),
      punched: auto !== undefined || !path.alreadyDirect,
      resolveMs,
      firstDirectMs: round(firstDirectMs),
      pongs: path.pongs.map((p) => ({
        seq: p.seq,
        rttMs: round(p.rttMs),
        from: formatEndpoint(p.from),
      })),
    };
    print(
      a,
      'connected',
      fields,
      `try ${index}: ${a.peerName} directly at ${fields.endpoint} (resolve ${resolveMs} ms, first direct datagram after ${firstDirectMs} ms, ${path.pongs.length} pong(s))`,
    );
    return { ok: true, firstDirectMs: round(firstDirectMs) };
  } catch (e) {
    const code = e instanceof PnrpError ? e.code : 'ERROR';
    const reason = e instanceof PnrpError ? e.reason : undefined;
    const failures = punched.filter((p) => p.type === 'punch-failed');
    print(
      a,
      'failed',
      {
        try: index,
        peerName: a.peerName,
        code,
        ...(reason ? { reason } : {}),
        message: e instanceof Error ? e.message : String(e),
        punchFailures: failures.map((f) =>
          f.type === 'punch-failed'
            ? {
                peer: formatEndpoint(f.peer),
                reason: f.reason,
                replies: f.replies.map((r) => `${formatEndpoint(r.rendezvous)} ${r.status}`),
              }
            : {},
        ),
      },
      `try ${index}: ${e instanceof Error ? e.message : String(e)}`,
    );
    return { ok: false };
  } finally {
    await peer.close();
    punch.stop();
    await transport.close();
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
