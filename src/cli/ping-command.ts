/**
 * @module cli/ping-command
 * `pnrp ping <peer-name> --bootstrap HOST:PORT`: resolves a name over UDP and exchanges PING/PONG
 * datagrams (the relay format's echo, which every `pnrp node` answers) with the endpoint its CPA
 * names, printing what arrived (one JSON object with `--json`). A short-lived peer that publishes
 * nothing. Like `pnrp node` it learns whether it sits behind a symmetric NAT (`--stun` names a
 * second server) and then, or with `--use-relay`, sends through a relay, so a node behind a
 * symmetric NAT can reach one behind a cone NAT and the other way round (issue 16 Build 3).
 */
import { performance } from 'node:perf_hooks';
import { debugLogger } from '../adapters/node/debug-logger.js';
import { dnsResolver } from '../adapters/node/dns-resolver.js';
import { nodeCrypto } from '../adapters/node/node-crypto.js';
import { createUdpTransport } from '../adapters/node/udp-transport.js';
import { type Endpoint, formatEndpoint } from '../keys/endpoint.js';
import { encodeRelayMessage } from '../nat/relay-codec.js';
import type { RelayPong } from '../nat/relay-peer.js';
import { createPeer } from '../peer/create-peer.js';
import type { Peer } from '../peer/types.js';
import {
  bootstrapEndpoints,
  cloudOption,
  intOption,
  listOption,
  parseCommandLine,
  stringOption,
} from './args.js';
import { type NodeAddress, startNodeAddress } from './node-address.js';
import {
  type NodeRelay,
  RELAY_OPTION_SPECS,
  type RelayArgs,
  relayArgs,
  startNodeRelay,
} from './node-relay.js';
import { UsageError } from './usage-error.js';

/** Help text of `pnrp ping`. */
export const PING_USAGE = `usage: pnrp ping <peer-name> --bootstrap HOST:PORT [--count N] [--interval-ms MS]
                 [--wait-ms MS] [--port P] [--host ADDR] [--stun HOST:PORT] [--cloud NAME]
                 [--use-relay | --no-relay] [--relay-via HOST:PORT ...] [--verbose] [--json]

Resolves <peer-name> and sends it N PINGs (every pnrp node answers with a PONG), printing the
endpoint its CPA names, how many PONGs came back, the time to the first and the round trips.
Exit 0 when at least one PONG arrived, 1 otherwise.
  --count N                PINGs to send (default 5, up to 1000)
  --interval-ms MS         between PINGs (default 200)
  --wait-ms MS             for PONGs after the last PING (default 3000)
  --port P, --host ADDR    local UDP port (default 0: ephemeral) and bind address
  --stun HOST:PORT         a second node to ask for our address (symmetric NAT detection)
  --use-relay              send through a relay (the first of --relay-via, else the bootstrap)
  --no-relay               never use a relay (default: when behind a symmetric NAT)
  --relay-via HOST:PORT    relay to try first (repeatable)
  --verbose                print address and relay steps as they happen
`;

interface PingArgs {
  readonly peerName: string;
  readonly bootstrap: (Endpoint | string)[];
  readonly stun: (Endpoint | string)[];
  readonly count: number;
  readonly intervalMs: number;
  readonly waitMs: number;
  readonly port: number;
  readonly host: string | undefined;
  readonly cloud: string;
  readonly relay: RelayArgs;
  readonly verbose: boolean;
  readonly json: boolean;
}

function parse(args: string[]): PingArgs {
  const { values, positionals } = parseCommandLine(args, {
    bootstrap: { type: 'string', multiple: true, short: 'b' },
    stun: { type: 'string', multiple: true },
    count: { type: 'string', short: 'c' },
    'interval-ms': { type: 'string' },
    'wait-ms': { type: 'string' },
    port: { type: 'string', short: 'p' },
    host: { type: 'string' },
    cloud: { type: 'string' },
    verbose: { type: 'boolean', short: 'v' },
    json: { type: 'boolean' },
    ...RELAY_OPTION_SPECS,
  });
  if (positionals.length !== 1) throw new UsageError('ping takes one peer name');
  const bootstrap = bootstrapEndpoints(listOption(values, 'bootstrap'));
  if (bootstrap.length === 0) throw new UsageError('ping needs --bootstrap HOST:PORT');
  const relay = relayArgs(values);
  if (relay.offer) throw new UsageError('--relay is an option of pnrp node');
  return {
    peerName: positionals[0]!,
    bootstrap,
    stun: bootstrapEndpoints(listOption(values, 'stun'), 'stun'),
    count: intOption(values, 'count', 5, 1, 1000),
    intervalMs: intOption(values, 'interval-ms', 200, 1, 60_000),
    waitMs: intOption(values, 'wait-ms', 3000, 1, 600_000),
    port: intOption(values, 'port', 0, 0, 65535),
    host: stringOption(values, 'host'),
    cloud: cloudOption(values),
    relay,
    verbose: values.verbose === true,
    json: values.json === true,
  };
}

/** Longest wait for address discovery, and for the join. */
const DISCOVER_WAIT_MS = 15_000;
const JOIN_WAIT_MS = 15_000;
const RESOLVE_TIMEOUT_MS = 15_000;
/** PING padding: a PONG as long, about a small MS-PNRP message. */
const PING_PADDING = 32;

/** Runs `pnrp ping`; returns the exit code. */
export async function runPingCommand(args: string[]): Promise<number> {
  const a = parse(args);
  const print = (event: string, fields: Record<string, unknown>, text: string): void => {
    if (!a.verbose && event !== 'ping') return;
    process.stdout.write(a.json ? `${JSON.stringify({ event, ...fields })}\n` : `${text}\n`);
  };
  const transport = await createUdpTransport({
    port: a.port,
    ...(a.host !== undefined ? { host: a.host } : {}),
  });
  let address: NodeAddress | undefined;
  let relay: NodeRelay | undefined;
  let peer: Peer | undefined;
  const pongs: { pong: RelayPong; atMs: number }[] = [];
  try {
    const discover = a.relay.use === 'auto';
    address = await startNodeAddress(transport, discover ? [...a.bootstrap, ...a.stun] : [], print);
    const never = new Promise<never>(() => {});
    const publicEndpoint = await address.firstOutcome(DISCOVER_WAIT_MS, never);
    if (publicEndpoint) address.split.pnrp.advertise([publicEndpoint]);
    const relayStart = performance.now();
    relay = await startNodeRelay({
      half: address.split.pnrp,
      args: a.relay,
      port: transport.port,
      host: a.host,
      publicEndpoint,
      unconfirmed: discover ? address.unconfirmedReason() : undefined,
      bootstrap: a.bootstrap,
      print,
      onPong: (pong) => pongs.push({ pong, atMs: performance.now() }),
    });
    const relayMs = performance.now() - relayStart;
    const logger = debugLogger();
    peer = createPeer({
      transport: relay.transport,
      crypto: nodeCrypto,
      clouds: [a.cloud],
      bootstrap: a.bootstrap,
      resolveHost: dnsResolver,
      closeTransports: false,
      ...(logger ? { logger } : {}),
    });
    await peer.whenActive({ timeoutMs: JOIN_WAIT_MS });
    const resolveStart = performance.now();
    const [found] = await peer.resolve(a.peerName, { timeoutMs: RESOLVE_TIMEOUT_MS });
    const resolvedAt = performance.now();
    const target = found?.pnrpEndpoints[0];
    if (!target) throw new Error(`${a.peerName}: the CPA names no endpoint`);
    const sentAt = new Map<number, number>();
    for (let seq = 1; seq <= a.count; seq++) {
      sentAt.set(seq, performance.now());
      const ping = encodeRelayMessage({ type: 'ping', sequence: seq, padding: PING_PADDING });
      relay.transport.send(target, ping);
      if (seq < a.count) await sleep(a.intervalMs);
    }
    const deadline = performance.now() + a.waitMs;
    while (performance.now() < deadline && matched(pongs, target, sentAt).size < a.count)
      await sleep(20);
    const rtts = [...matched(pongs, target, sentAt).values()].sort((x, y) => x - y);
    const first = pongs.find((p) => sameEndpoint(p.pong.from, target));
    const result = {
      peerName: a.peerName,
      target: formatEndpoint(target),
      relayedVia: relay.client ? formatEndpoint(relay.client.relayEndpoint) : null,
      relayed: relay.relayed ? formatEndpoint(relay.relayed) : null,
      /** Time to reserve at the relay (0 without one). */
      reserveMs: relay.client ? round(relayMs) : 0,
      resolveMs: round(resolvedAt - resolveStart),
      sent: a.count,
      received: rtts.length,
      firstPongMs: first ? round(first.atMs - resolvedAt) : null,
      rttMs: rtts.length
        ? { min: round(rtts[0]!), median: round(rtts[rtts.length >> 1]!), max: round(rtts.at(-1)!) }
        : null,
    };
    print(
      'ping',
      result,
      `${a.peerName} at ${result.target}: ${result.received}/${result.sent} PONGs${
        result.rttMs
          ? `, rtt ${result.rttMs.min}/${result.rttMs.median}/${result.rttMs.max} ms`
          : ''
      }${result.relayedVia ? ` (through relay ${result.relayedVia})` : ''}`,
    );
    return result.received > 0 ? 0 : 1;
  } finally {
    if (peer && !peer.closed) await peer.close();
    await relay?.stop();
    address?.stop();
    await transport.close();
  }
}

/** Round trip of each answered PING, by sequence. */
function matched(
  pongs: readonly { pong: RelayPong; atMs: number }[],
  target: Endpoint,
  sentAt: ReadonlyMap<number, number>,
): Map<number, number> {
  const out = new Map<number, number>();
  for (const { pong, atMs } of pongs) {
    const at = sentAt.get(pong.sequence);
    if (at !== undefined && sameEndpoint(pong.from, target) && !out.has(pong.sequence))
      out.set(pong.sequence, atMs - at);
  }
  return out;
}

function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  return formatEndpoint(a) === formatEndpoint(b);
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
