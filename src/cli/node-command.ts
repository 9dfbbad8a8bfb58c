/**
 * @module cli/node-command
 * `pnrp node`: a PNRP node over UDP that runs until SIGINT or SIGTERM. It prints one line per
 * event (one JSON object per line with `--json`): the endpoints it listens on first, then status
 * changes, registrations and their state, leaf-set changes with `--verbose`. On SIGINT/SIGTERM it
 * closes gracefully: every registration is revoked (flooded to its leaf set), the revokes get a
 * moment to leave the socket, the socket closes and the process exits 0. A second signal exits at
 * once with code 1.
 */

import { debugLogger } from '../adapters/node/debug-logger.js';
import { dnsResolver } from '../adapters/node/dns-resolver.js';
import { nodeCrypto } from '../adapters/node/node-crypto.js';
import { createUdpTransport, type UdpTransport } from '../adapters/node/udp-transport.js';
import { type Endpoint, formatEndpoint } from '../keys/endpoint.js';
import { createPeer } from '../peer/create-peer.js';
import type { Dht } from '../peer/dht-types.js';
import { PnrpError } from '../peer/error.js';
import type { PeerRegistration } from '../peer/peer-registration.js';
import type { Peer } from '../peer/types.js';
import type { DatagramTransport } from '../transport-adapter.js';
import { toHex, utf8Encode } from '../util/bytes.js';
import {
  bootstrapEndpoints,
  cloudOption,
  intOption,
  listOption,
  parseCommandLine,
  stringOption,
} from './args.js';
import { type NatStack, startNatStack } from './nat-stack.js';
import type { PrintEvent } from './node-address.js';
import {
  NODE_DHT_HELP,
  NODE_DHT_OPTIONS,
  type NodeDhtArgs,
  parseNodeDhtArgs,
  startNodeDht,
} from './node-dht.js';
import { NODE_KEEPALIVE_MS } from './node-punch.js';
import { RELAY_OPTION_SPECS, RELAY_USAGE_LINES, type RelayArgs, relayArgs } from './node-relay.js';
import { checkPublishable, identityOption } from './publish-check.js';
import { UsageError } from './usage-error.js';

/** Help text of `pnrp node`. */
export const NODE_USAGE: string = `usage: pnrp node [--port P] [--host ADDR] [--advertise ADDR ...] [--cloud NAME]
                 [--bootstrap HOST:PORT ...] [--stun HOST:PORT ...] [--no-discover]
                 [--register PEER-NAME ...] [--identity FILE]
                 [--friendly-name TEXT] [--extended-payload TEXT] [--keepalive MS]
                 [--verbose] [--json]
                 [--dht [--dht-port P] [--dht-bootstrap HOST:PORT ...] [--dht-store FILE]]
                 [--relay [--relay-ports A-B]] [--use-relay | --no-relay] [--relay-via HOST:PORT ...]

Runs a PNRP node over UDP until Ctrl-C (SIGINT) or SIGTERM, printing one line per event; on
either signal it revokes its registrations and exits 0.
  --port P                 UDP port (default 3540; 0 picks an ephemeral port)
  --host ADDR              local address to bind (default: every interface, IPv4 and IPv6)
  --advertise ADDR         address other nodes should use (repeatable, up to 4); without it the
                           node discovers its public address (below), else, with a wildcard
                           bind, advertises loopback only, which suits one machine
  --cloud NAME             cloud to join (default Global_)
  --bootstrap HOST:PORT    a node of the cloud (host name, a.b.c.d:port or [ipv6]:port);
                           repeatable; without one this node starts a new cloud
  --stun HOST:PORT         a STUN server or pnrp node to ask for our public address (repeatable,
                           up to 4). The bootstrap nodes are asked too; an address is advertised
                           only once a second node reached it (dial-back). Every node answers
                           STUN on its own port
  --no-discover            do not discover the public address
  --register PEER-NAME     publish a name (repeatable): 0.<classifier>, or
                           <authority>.<classifier> with --identity FILE of that authority
  --identity FILE          identity file from pnrp identity new
  --friendly-name TEXT     friendly name of the registrations (1..78 bytes)
  --extended-payload TEXT  extended payload of the registrations (up to 4096 bytes)
${NODE_DHT_HELP}  --keepalive MS           behind a NAT, keep-alive period toward the bootstrap and cache nodes
                           (default 25000: below the 30 s a NAT keeps an idle UDP mapping), so
                           that they can relay connect requests (hole punching, pnrp connect)
  --verbose                also print leaf-set changes
  --json                   print one JSON object per line
${RELAY_USAGE_LINES}`;

/** Longest wait for the bootstrap before registering anyway (maintenance retries the walk). */
const JOIN_WAIT_MS = 10_000;

interface NodeArgs {
  readonly port: number;
  readonly host: string | undefined;
  readonly advertise: string[];
  readonly cloud: string;
  readonly bootstrap: ReturnType<typeof bootstrapEndpoints>;
  readonly stun: ReturnType<typeof bootstrapEndpoints>;
  readonly discover: boolean;
  readonly register: string[];
  readonly identity: ReturnType<typeof identityOption>;
  readonly friendlyName: string | undefined;
  readonly extendedPayload: string | undefined;
  readonly verbose: boolean;
  readonly json: boolean;
  readonly dht: NodeDhtArgs | undefined;
  readonly keepAliveMs: number;
  readonly relay: RelayArgs;
}

function parse(args: string[]): NodeArgs {
  const { values, positionals } = parseCommandLine(args, {
    port: { type: 'string', short: 'p' },
    host: { type: 'string' },
    advertise: { type: 'string', multiple: true },
    cloud: { type: 'string' },
    bootstrap: { type: 'string', multiple: true, short: 'b' },
    stun: { type: 'string', multiple: true },
    'no-discover': { type: 'boolean' },
    register: { type: 'string', multiple: true, short: 'r' },
    identity: { type: 'string' },
    'friendly-name': { type: 'string' },
    'extended-payload': { type: 'string' },
    verbose: { type: 'boolean', short: 'v' },
    json: { type: 'boolean' },
    ...NODE_DHT_OPTIONS,
    keepalive: { type: 'string' },
    ...RELAY_OPTION_SPECS,
  });
  if (positionals.length > 0)
    throw new UsageError(`unexpected argument "${positionals[0]}" (publish names with --register)`);
  const port = intOption(values, 'port', 3540, 0, 65535);
  if (port !== 0 && port <= 1024)
    throw new UsageError('--port must be 0 or above 1024 (PNRP drops traffic from ports <= 1024)');
  const identity = identityOption(stringOption(values, 'identity'));
  const register = listOption(values, 'register').map((n) => checkPublishable(n, identity).text);
  if (new Set(register).size !== register.length)
    throw new UsageError('--register names a peer name twice');
  const friendlyName = stringOption(values, 'friendly-name');
  if (friendlyName !== undefined) {
    const bytes = utf8Encode(friendlyName).length;
    if (bytes < 1 || bytes > 78)
      throw new UsageError(`--friendly-name must be 1..78 bytes in UTF-8, got ${bytes}`);
  }
  const extendedPayload = stringOption(values, 'extended-payload');
  if (extendedPayload !== undefined && utf8Encode(extendedPayload).length > 4096)
    throw new UsageError('--extended-payload must be at most 4096 bytes in UTF-8');
  const advertise = listOption(values, 'advertise');
  if (advertise.length > 4) throw new UsageError('--advertise takes at most 4 addresses');
  const stun = listOption(values, 'stun');
  if (stun.length > 4) throw new UsageError('--stun takes at most 4 servers');
  if (register.length === 0 && (friendlyName !== undefined || extendedPayload !== undefined))
    throw new UsageError('--friendly-name and --extended-payload need --register');
  return {
    port,
    host: stringOption(values, 'host'),
    advertise,
    cloud: cloudOption(values),
    bootstrap: bootstrapEndpoints(listOption(values, 'bootstrap')),
    stun: bootstrapEndpoints(stun, 'stun'),
    discover: values['no-discover'] !== true && advertise.length === 0,
    register,
    identity,
    friendlyName,
    extendedPayload,
    verbose: values.verbose === true,
    json: values.json === true,
    dht: parseNodeDhtArgs(values, port),
    keepAliveMs: intOption(values, 'keepalive', NODE_KEEPALIVE_MS, 1000, 3_600_000),
    relay: relayArgs(values),
  };
}

/** Prints events as text lines or JSON lines. */
class EventPrinter {
  constructor(private readonly json: boolean) {}
  print(event: string, fields: Record<string, unknown>, text: string): void {
    process.stdout.write(this.json ? `${JSON.stringify({ event, ...fields })}\n` : `${text}\n`);
  }
}

async function openTransport(a: NodeArgs): Promise<UdpTransport> {
  try {
    return await createUdpTransport({
      port: a.port,
      ...(a.host !== undefined ? { host: a.host } : {}),
      ...(a.advertise.length > 0 ? { advertise: a.advertise } : {}),
    });
  } catch (e) {
    if (e instanceof RangeError || e instanceof TypeError) throw new UsageError(e.message);
    const code = (e as { code?: unknown }).code;
    const where = `${a.host ?? 'every interface'} port ${a.port}`;
    if (code === 'EADDRINUSE') throw new Error(`cannot listen on ${where}: address in use`);
    if (code === 'EADDRNOTAVAIL')
      throw new Error(`cannot listen on ${where}: no such local address`);
    throw new Error(`cannot listen on ${where}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * Resolves with the name of the first SIGINT/SIGTERM; a second one exits at once.
 * @example const signals = untilSignal(); await signals.stopped; signals.dispose();
 */
export function untilSignal(): { stopped: Promise<string>; dispose: () => void } {
  let resolveStop: (signal: string) => void = () => {};
  const stopped = new Promise<string>((r) => {
    resolveStop = r;
  });
  let seen = false;
  const onSignal = (signal: string): void => {
    if (seen) process.exit(1);
    seen = true;
    resolveStop(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    stopped,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** Most nodes of the cache asked to dial back when the named servers could not confirm. */
const DISCOVERY_HELPERS_MAX = 4;

/** Runs `pnrp node` until a signal; returns the exit code. */
export async function runNodeCommand(args: string[]): Promise<number> {
  const a = parse(args);
  const signals = untilSignal();
  let transport: UdpTransport | undefined;
  let stack: NatStack | undefined;
  let peer: Peer | undefined;
  let dht: Dht | undefined;
  try {
    transport = await openTransport(a);
    const out = new EventPrinter(a.json);
    const print: PrintEvent = (e, f, t) => out.print(e, f, t);
    const endpoints = transport.localEndpoints().map(formatEndpoint);
    const wildcard = a.host === undefined || a.host === '::' || a.host === '0.0.0.0';
    out.print(
      'listening',
      { port: transport.port, endpoints, cloud: a.cloud },
      `listening on ${endpoints.join(', ')} (UDP port ${transport.port}, cloud ${a.cloud})${
        wildcard && a.advertise.length === 0 && !a.discover
          ? '; advertising loopback only: pass --advertise ADDR for other machines'
          : ''
      }`,
    );
    if (a.dht) dht = await startNodeDht(a.dht, a.host, a.advertise, print);
    stack = await startNatStack({
      transport,
      port: transport.port,
      host: a.host,
      servers: a.discover ? [...a.bootstrap, ...a.stun] : [],
      bootstrap: a.bootstrap,
      relay: a.relay,
      keepAliveMs: a.keepAliveMs,
      print,
      stopped: signals.stopped,
      onDiscovered: (publicEndpoint, advertising) => {
        if (!a.discover) return;
        const advertised = advertising.map(formatEndpoint);
        const loopbackOnly = !publicEndpoint && wildcard;
        out.print(
          'advertising',
          { endpoints: advertised, discovered: publicEndpoint !== undefined },
          `advertising ${advertised.join(', ')}${
            loopbackOnly ? ' (loopback only: pass --advertise ADDR for other machines)' : ''
          }`,
        );
      },
    });
    const { address, punch, relay, publicEndpoint } = stack;
    const split = address.split;
    const nodeTransport = relay.transport;
    const names = new Map<string, { name: string; state: string }>();
    const started = await startPeer(a, nodeTransport, out, names, signals.stopped);
    peer = started;
    punch.usePeer(started);
    if (a.discover && !publicEndpoint && !relay.relayed) {
      // No address confirmed yet (often: one bootstrap node, so nobody to dial back): the nodes
      // the cloud taught us can, and a confirmation then restarts the node on it (below).
      const own = new Set(split.pnrp.localEndpoints().map(formatEndpoint));
      const known = started.exportCache().endpoints.filter((e) => !own.has(formatEndpoint(e)));
      address.addServers(known.slice(0, DISCOVERY_HELPERS_MAX));
    }
    // A changed public address: the node's own endpoints are fixed at its construction, so it
    // stops (revoking its names) and starts again on the new address, registering them anew.
    let restarts = Promise.resolve();
    address.onConfirmed((endpoint) => {
      restarts = restarts.then(async () => {
        if (!peer || peer.closed) return;
        out.print(
          'address',
          { state: 'changed', endpoint: formatEndpoint(endpoint) },
          `re-registering on ${formatEndpoint(endpoint)}`,
        );
        await peer.close();
        split.pnrp.advertise([endpoint]);
        names.clear();
        peer = await startPeer(a, nodeTransport, out, names, signals.stopped);
        punch.usePeer(peer);
      });
    });
    const signal = await signals.stopped;
    await restarts;
    out.print(
      'stopping',
      { signal, registrations: names.size },
      `stopping on ${signal}: revoking ${names.size} registration(s)`,
    );
    await peer.close(); // the revokes leave the socket before it closes below
    await dht?.close();
    await stack.stop();
    out.print('stopped', {}, 'stopped');
    return 0;
  } finally {
    signals.dispose();
    if (peer && !peer.closed) await peer.close();
    if (dht && !dht.closed) await dht.close();
    await stack?.stop();
    await transport?.close();
  }
}

/** Creates the peer on `transport`, waits for the join (bounded), registers the names. */
async function startPeer(
  a: NodeArgs,
  transport: DatagramTransport,
  out: EventPrinter,
  names: Map<string, { name: string; state: string }>,
  stopped: Promise<string>,
): Promise<Peer> {
  const logger = debugLogger();
  const p = createPeer({
    transport,
    crypto: nodeCrypto,
    clouds: [a.cloud],
    bootstrap: a.bootstrap,
    resolveHost: dnsResolver,
    // Registering nothing, it is a bootstrap-only node: it publishes a seed ID to advertise.
    seed: a.register.length === 0,
    closeTransports: false,
    ...(logger ? { logger } : {}),
    ...(a.identity ? { identity: a.identity } : {}),
  });
  p.on('status', (e) =>
    out.print('status', { cloud: e.cloud, status: e.status }, `status: ${e.status}`),
  );
  p.on('registration-state', (e) => {
    const known = names.get(toHex(e.key));
    if (!known || known.state === e.state) return;
    known.state = e.state;
    out.print(
      'registration',
      { peerName: known.name, state: e.state },
      `registration ${known.name}: ${e.state}`,
    );
  });
  if (a.verbose)
    p.on('leafset-changed', (e) => {
      const local = names.get(toHex(e.localKey))?.name ?? toHex(e.localKey);
      const remote = toHex(e.remoteKey);
      out.print(
        'leafset',
        { change: e.change, local, remoteKey: remote },
        `leaf set of ${local}: ${e.change} ${remote.slice(0, 16)}...`,
      );
    });

  if (a.bootstrap.length > 0) {
    const joined = p.whenActive({ timeoutMs: JOIN_WAIT_MS }).then(
      () => undefined,
      (e: unknown) => e,
    );
    const first = await Promise.race([joined, stopped.then(() => 'stopped')]);
    if (first instanceof Error) {
      const code = first instanceof PnrpError ? first.code : 'ERROR';
      out.print(
        'alone',
        {
          bootstrap: a.bootstrap.map((b) => (typeof b === 'string' ? b : formatEndpoint(b))),
          code,
          reason: first.message,
        },
        `${first.message}; ${a.register.length > 0 ? 'registering anyway' : 'running alone'} (retried every maintenance round)`,
      );
    }
  }
  for (const name of a.register) {
    const registered = p
      .register({
        peerName: name,
        ...(a.identity ? { identity: a.identity } : {}),
        ...(a.friendlyName !== undefined ? { friendlyName: a.friendlyName } : {}),
        ...(a.extendedPayload !== undefined ? { extendedPayload: a.extendedPayload } : {}),
      })
      .catch((e: unknown) => {
        if (e instanceof PnrpError && e.code === 'INVALID_ARGUMENT')
          throw new UsageError(`--register ${name}: ${e.message}`);
        throw e;
      });
    const reg = await Promise.race([registered, stopped.then(() => undefined)]);
    if (reg === undefined) break;
    names.set(toHex(reg.pnrpId), { name, state: reg.state });
    printRegistered(out, reg, transport.localEndpoints());
  }
  return p;
}

function printRegistered(
  out: EventPrinter,
  reg: PeerRegistration,
  endpoints: readonly Endpoint[],
): void {
  const pnrpId = toHex(reg.pnrpId);
  out.print(
    'registered',
    {
      peerName: reg.peerName,
      state: reg.state,
      secured: reg.secured,
      pnrpId,
      endpoints: endpoints.map(formatEndpoint),
    },
    `registered ${reg.peerName}: ${reg.state} (PNRP ID ${pnrpId})`,
  );
}
