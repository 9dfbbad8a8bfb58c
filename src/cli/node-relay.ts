/**
 * @module cli/node-relay
 * Relaying in `pnrp node` and `pnrp ping` (issue 16 Build 3). The MS-PNRP half of the socket is
 * split once more by the relay magic (`splitRelayTransport`), and its relay half runs one of:
 *
 * - `--relay`: a `RelayServer` on the node's port plus one UDP socket per slot (`--relay-ports`,
 *   default the 16 ports after the node's), handing out the node's public address and a slot port;
 * - a `RelayClient`, when the node cannot be reached directly (address discovery found a symmetric
 *   NAT or no dial-back arrived) or `--use-relay` asks: it reserves at the first of `--relay-via`,
 *   else of the bootstrap nodes, that grants a slot, and the node's PNRP core then runs on a
 *   transport over the relay (`relayedTransport`), advertising the relayed endpoint in its CPAs;
 * - else a `RelayResponderNode` (answers PING and KNOCK, as every node does).
 */
import { createUdpTransport, type UdpTransport } from '../adapters/node/udp-transport.js';
import { type Endpoint, formatEndpoint } from '../keys/endpoint.js';
import type { UnconfirmedReason } from '../nat/address-types.js';
import { RelayClient } from '../nat/relay-client.js';
import { type RelayPong, RelayResponderNode } from '../nat/relay-peer.js';
import { RelayServer } from '../nat/relay-server.js';
import { relayedTransport, splitRelayTransport } from '../nat/relay-transport.js';
import type { RelayClientEvent, RelayServerEvent } from '../nat/relay-types.js';
import type { AdvertisingTransport } from '../nat/stun-split.js';
import { systemRng } from '../runtime.js';
import { type DatagramTransport, type RunningNode, runNode } from '../transport-adapter.js';
import type { OptionValues } from './args.js';
import { bootstrapEndpoints, listOption, stringOption } from './args.js';
import { type PrintEvent, resolveServers } from './node-address.js';
import { UsageError } from './usage-error.js';

/** Option specs `pnrp node` and `pnrp ping` add for relaying. */
export const RELAY_OPTION_SPECS = {
  relay: { type: 'boolean' },
  'relay-ports': { type: 'string' },
  'use-relay': { type: 'boolean' },
  'no-relay': { type: 'boolean' },
  'relay-via': { type: 'string', multiple: true },
} as const;

/** Help lines of those options. */
export const RELAY_USAGE_LINES = `  --relay                  offer a relay to nodes that cannot be reached directly (bounded:
                           one reservation per slot, 2 per source address, 64 KiB/s each)
  --relay-ports A-B        the relay's slot ports (default: the 16 ports after --port)
  --use-relay              reserve at a relay even if the address was confirmed
  --no-relay               never reserve at a relay (default: reserve when unreachable)
  --relay-via HOST:PORT    relay to try first (repeatable; then the bootstrap nodes)
`;

/** What the relay options ask for. */
export interface RelayArgs {
  readonly offer: boolean;
  readonly slotPorts: readonly number[] | undefined;
  readonly use: 'auto' | 'always' | 'never';
  readonly via: readonly (Endpoint | string)[];
}

/** Reads the relay options. */
export function relayArgs(values: OptionValues): RelayArgs {
  const use = values['use-relay'] === true;
  const never = values['no-relay'] === true;
  if (use && never) throw new UsageError('--use-relay and --no-relay exclude each other');
  const ports = stringOption(values, 'relay-ports');
  let slotPorts: number[] | undefined;
  if (ports !== undefined) {
    const m = /^(\d+)-(\d+)$/.exec(ports);
    const lo = Number(m?.[1]);
    const hi = Number(m?.[2]);
    if (!m || lo <= 1024 || hi > 65535 || hi < lo || hi - lo >= 1024)
      throw new UsageError('--relay-ports takes A-B, 1024 < A <= B <= 65535, at most 1024 ports');
    slotPorts = Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
  }
  return {
    offer: values.relay === true,
    slotPorts,
    use: use ? 'always' : never ? 'never' : 'auto',
    via: bootstrapEndpoints(listOption(values, 'relay-via'), 'relay-via'),
  };
}

/** What a node runs on after {@link startNodeRelay}. */
export interface NodeRelay {
  /** The transport the PNRP core runs on (over the relay when one was reserved). */
  readonly transport: DatagramTransport;
  /** The relayed endpoint, when this node is reached through a relay. */
  readonly relayed: Endpoint | undefined;
  /** The relay server, when this node offers one. */
  readonly server: RelayServer | undefined;
  /** The relay client, when one reservation is held. */
  readonly client: RelayClient | undefined;
  /** Stops the relay half (releasing a reservation) and closes the slot sockets. */
  stop(): Promise<void>;
}

/** Inputs of {@link startNodeRelay}. */
export interface NodeRelayOptions {
  /** The MS-PNRP half of the node's socket (after the STUN split). */
  readonly half: AdvertisingTransport;
  readonly args: RelayArgs;
  /** The node's own port (slot ports default to the 16 after it) and bind address. */
  readonly port: number;
  readonly host: string | undefined;
  /** The public address the relay hands out (the confirmed or advertised one). */
  readonly publicEndpoint: Endpoint | undefined;
  /** Why address discovery did not confirm an address, if it did not. */
  readonly unconfirmed: UnconfirmedReason | undefined;
  /** Bootstrap nodes: relays tried after `--relay-via`. */
  readonly bootstrap: readonly (Endpoint | string)[];
  readonly print: PrintEvent;
  /** PONGs this node receives (for `pnrp ping`). */
  readonly onPong?: (pong: RelayPong) => void;
}

/** Longest wait for one relay's answer (its RESERVE is sent 4 times over 7.5 s). */
const RESERVE_WAIT_MS = 10_000;
/** Wait before reserving again at a relay that stopped answering. */
const RESERVE_RETRY_MS = 5_000;
/** Relays tried at most. */
const RELAYS_TRIED_MAX = 4;

/** Splits the half and starts the relay server, client or responder as the options ask. */
export async function startNodeRelay(o: NodeRelayOptions): Promise<NodeRelay> {
  const split = splitRelayTransport(o.half);
  const onPong = o.onPong ?? (() => {});
  if (o.args.offer) return startServer(o, split.pnrp, split.relay, onPong);
  const wanted =
    o.args.use === 'always' ||
    (o.args.use === 'auto' &&
      (o.unconfirmed === 'endpoint-dependent-mapping' || o.unconfirmed === 'no-probe'));
  if (wanted) {
    const candidates = await resolveServers([...o.args.via, ...o.bootstrap]);
    for (const relay of candidates.slice(0, RELAYS_TRIED_MAX)) {
      const got = await tryRelay(o, split.pnrp, split.relay, relay, onPong);
      if (got) return got;
    }
    o.print(
      'relay',
      { state: 'none', tried: candidates.slice(0, RELAYS_TRIED_MAX).map(formatEndpoint) },
      'no relay granted a reservation: peers behind NATs may not reach this node',
    );
  }
  const responder = runNode(new RelayResponderNode(), split.relay, undefined, {
    onEvent: onPong,
  });
  return {
    transport: split.pnrp,
    relayed: undefined,
    server: undefined,
    client: undefined,
    stop: async () => responder.stop(),
  };
}

async function startServer(
  o: NodeRelayOptions,
  pnrp: AdvertisingTransport,
  relayHalf: DatagramTransport,
  onPong: (pong: RelayPong) => void,
): Promise<NodeRelay> {
  const address = o.publicEndpoint?.address;
  if (!address)
    throw new UsageError('--relay needs a public address: --advertise ADDR, or one discovered');
  const ports = o.args.slotPorts ?? Array.from({ length: 16 }, (_, i) => o.port + 1 + i);
  const sockets: UdpTransport[] = [];
  try {
    for (const port of ports)
      sockets.push(await createUdpTransport({ port, ...(o.host ? { host: o.host } : {}) }));
  } catch (e) {
    for (const s of sockets) await s.close();
    throw new Error(`--relay: cannot listen on slot ports: ${(e as Error).message}`);
  }
  const slots = ports.map((port) => ({ address, port }));
  const server = new RelayServer({ rng: systemRng(), slots });
  const transport: DatagramTransport = {
    send: (to, payload, from) => {
      const socket = from ? sockets[ports.indexOf(from.port)] : undefined;
      (socket ?? relayHalf).send(to, payload);
    },
    attach: (sink) => {
      relayHalf.attach(sink);
      sockets.forEach((s, i) => {
        s.attach(
          sink && {
            datagram: (from, payload) => sink.datagram(from, payload, slots[i]),
            sendError: sink.sendError,
          },
        );
      });
    },
    localEndpoints: () => relayHalf.localEndpoints(),
    close: async () => {},
  };
  const running = runNode(server, transport, undefined, {
    onEvent: (e: RelayServerEvent) => {
      if (e.type === 'pong') onPong(e);
      else printServerEvent(o.print, e);
    },
  });
  o.print(
    'relay',
    { state: 'offering', slots: slots.map(formatEndpoint) },
    `relaying for up to ${slots.length} nodes on ports ${ports[0]}-${ports[ports.length - 1]}`,
  );
  return {
    transport: pnrp,
    relayed: undefined,
    server,
    client: undefined,
    stop: async () => {
      running.stop();
      for (const s of sockets) await s.close();
    },
  };
}

function printServerEvent(print: PrintEvent, e: RelayServerEvent): void {
  if (e.type === 'reserved')
    print(
      'relay',
      { state: 'granted', client: formatEndpoint(e.client), relayed: formatEndpoint(e.relayed) },
      `relay: ${formatEndpoint(e.client)} reserved ${formatEndpoint(e.relayed)}`,
    );
  else if (e.type === 'released')
    print(
      'relay',
      { state: e.reason, client: formatEndpoint(e.client), relayed: formatEndpoint(e.relayed) },
      `relay: ${formatEndpoint(e.client)} gave up ${formatEndpoint(e.relayed)} (${e.reason})`,
    );
}

/** Reserves at `relay`; resolves with the relayed node, or undefined when refused or silent. */
function tryRelay(
  o: NodeRelayOptions,
  pnrp: AdvertisingTransport,
  relayHalf: DatagramTransport,
  relay: Endpoint,
  onPong: (pong: RelayPong) => void,
): Promise<NodeRelay | undefined> {
  return new Promise((resolve) => {
    let settled = false;
    let stopped = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const client = new RelayClient({ rng: systemRng(), relay });
    let running: RunningNode<RelayClient> | undefined;
    const wrapped = { deliver: (_f: Endpoint, _p: Uint8Array): void => {} };
    const finish = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!ok) {
        running?.stop();
        return resolve(undefined);
      }
      const relayed = relayedTransport(pnrp, running!);
      wrapped.deliver = relayed.deliver;
      resolve({
        transport: relayed.transport,
        relayed: client.relayed,
        server: undefined,
        client,
        stop: async () => {
          stopped = true;
          clearTimeout(retry);
          running!.command((n, now) => n.release(now));
          running!.stop();
        },
      });
    };
    const timer = setTimeout(() => finish(false), RESERVE_WAIT_MS);
    running = runNode(client, relayHalf, undefined, {
      onEvent: (e: RelayClientEvent) => {
        if (e.type === 'data') return wrapped.deliver(e.from, e.payload);
        if (e.type === 'pong') return onPong(e);
        printClientEvent(o.print, relay, e);
        if (e.type === 'reserved') finish(true);
        else if (!settled) finish(false);
        else if (e.type === 'no-answer' && !stopped) {
          // The relay went quiet: ask again later (the same slot if it is still ours).
          retry = setTimeout(() => {
            if (!stopped) running!.command((n, now) => n.start(now));
          }, RESERVE_RETRY_MS);
        }
      },
    });
    running.command((n, now) => n.start(now));
  });
}

function printClientEvent(print: PrintEvent, relay: Endpoint, e: RelayClientEvent): void {
  const r = formatEndpoint(relay);
  if (e.type === 'reserved')
    print(
      'relay',
      { state: 'reserved', relay: r, relayed: formatEndpoint(e.relayed) },
      `reachable through relay ${r} at ${formatEndpoint(e.relayed)}`,
    );
  else if (e.type === 'refused')
    print(
      'relay',
      { state: 'refused', relay: r, reason: e.reason },
      `relay ${r} refused: ${e.reason}`,
    );
  else if (e.type === 'no-answer')
    print('relay', { state: 'no-answer', relay: r }, `relay ${r} did not answer`);
}
