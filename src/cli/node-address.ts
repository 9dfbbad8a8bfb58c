/**
 * @module cli/node-address
 * Address discovery for `pnrp node` (issue 16): the UDP socket is split (`splitStunTransport`) so
 * the node answers STUN Binding requests on its PNRP port, and, given servers (its bootstrap
 * nodes and `--stun` servers) and no `--advertise`, learns the endpoint they see. Only a
 * confirmed address (a second server's dial-back probe reached it) is advertised; the node prints
 * each step as an `address` line and reports a changed address so the caller can re-register.
 */
import { dnsResolver } from '../adapters/node/dns-resolver.js';
import { type Endpoint, formatEndpoint, splitHostPort } from '../keys/endpoint.js';
import { AddressDiscovery } from '../nat/address-discovery.js';
import type { AddressEvent, UnconfirmedReason } from '../nat/address-types.js';
import { type StunSplit, splitStunTransport } from '../nat/stun-split.js';
import { systemRng } from '../runtime.js';
import { type DatagramTransport, type RunningNode, runNode } from '../transport-adapter.js';

/** Prints one event line: `fields` for `--json`, `text` otherwise. */
export type PrintEvent = (event: string, fields: Record<string, unknown>, text: string) => void;

/** What `pnrp node` keeps of address discovery. */
export interface NodeAddress {
  readonly split: StunSplit;
  readonly running: RunningNode<AddressDiscovery>;
  /**
   * The first outcome: the confirmed endpoint, or undefined when it stays unconfirmed, nobody
   * answers, there is no server, `waitMs` passes or `stopped` settles first.
   */
  firstOutcome(waitMs: number, stopped: Promise<unknown>): Promise<Endpoint | undefined>;
  /** Calls `listener` with each newly confirmed endpoint after the first outcome. */
  onConfirmed(listener: (endpoint: Endpoint, previous: Endpoint | undefined) => void): void;
  /**
   * Adds servers found later (the node's cache once it joined): they are asked at once and an
   * unconfirmed address gets its dial-back through one of them.
   */
  addServers(servers: readonly Endpoint[]): void;
  /** Stops the STUN half (the socket's owner closes the socket). */
  stop(): void;
  /** Why the last outcome left the address unconfirmed, if it did (relaying decides on it). */
  unconfirmedReason(): UnconfirmedReason | undefined;
}

const REASONS: Record<UnconfirmedReason, string> = {
  'no-helper':
    'no second node to dial back yet (the nodes of the cloud are asked once joined; --stun names one)',
  'endpoint-dependent-mapping':
    'servers see different ports: a symmetric NAT, which peers cannot reach directly',
  'no-probe': 'the dial-back probe never arrived (a firewall, or servers that are not pnrp nodes)',
};

/**
 * Splits `transport`, starts the STUN responder and, when `servers` is not empty, discovery.
 * Host names among `servers` are looked up first (failures skipped).
 */
export async function startNodeAddress(
  transport: DatagramTransport,
  servers: readonly (Endpoint | string)[],
  print: PrintEvent,
): Promise<NodeAddress> {
  const split = splitStunTransport(transport);
  const resolved = await resolveServers(servers);
  const discovery = new AddressDiscovery({
    rng: systemRng(),
    servers: resolved,
    localEndpoints: transport.localEndpoints(),
  });
  let decided = false;
  let unconfirmed: UnconfirmedReason | undefined;
  let settle: (endpoint: Endpoint | undefined) => void = () => {};
  const outcome = new Promise<Endpoint | undefined>((r) => {
    settle = r;
  });
  const listeners: ((endpoint: Endpoint, previous: Endpoint | undefined) => void)[] = [];
  const onEvent = (e: AddressEvent): void => {
    printAddressEvent(print, e);
    if (e.type === 'unconfirmed') unconfirmed = e.reason;
    if (e.type === 'confirmed') {
      unconfirmed = undefined;
      if (decided) for (const l of listeners) l(e.endpoint, e.previous);
      decided = true;
      settle(e.endpoint);
    } else if (e.type === 'unconfirmed' || e.type === 'no-answer') {
      decided = true;
      settle(undefined);
    }
  };
  const running = runNode(discovery, split.stun, undefined, { onEvent });
  if (resolved.length > 0) running.command((n, now) => n.start(now));
  else settle(undefined);
  return {
    split,
    running,
    firstOutcome: (waitMs, stopped) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<undefined>((r) => {
        timer = setTimeout(() => r(undefined), waitMs);
      });
      return Promise.race([outcome, late, stopped.then(() => undefined)]).finally(() => {
        decided = true;
        clearTimeout(timer);
      });
    },
    onConfirmed: (listener) => void listeners.push(listener),
    addServers: (more) => {
      if (more.length > 0) running.command((n, now) => n.addServers(more, now));
    },
    stop: () => running.stop(),
    unconfirmedReason: () => unconfirmed,
  };
}

/** `HOST:PORT` strings resolved (first address each; unresolvable ones left out), endpoints as given. */
export async function resolveServers(servers: readonly (Endpoint | string)[]): Promise<Endpoint[]> {
  const out: Endpoint[] = [];
  for (const s of servers) {
    if (typeof s !== 'string') {
      out.push(s);
      continue;
    }
    const hp = splitHostPort(s);
    if (!hp) continue;
    const found = await dnsResolver(hp.host).catch(() => [] as Uint8Array[]);
    if (found[0]) out.push({ address: found[0], port: hp.port });
  }
  return out;
}

function printAddressEvent(print: PrintEvent, e: AddressEvent): void {
  const f = formatEndpoint;
  switch (e.type) {
    case 'candidate':
      print(
        'address',
        { state: 'candidate', endpoint: f(e.endpoint), reportedBy: f(e.reportedBy) },
        `address ${f(e.endpoint)} seen by ${f(e.reportedBy)}: a candidate until another node reaches it`,
      );
      return;
    case 'confirmed':
      print(
        'address',
        {
          state: 'confirmed',
          endpoint: f(e.endpoint),
          reportedBy: f(e.reportedBy),
          confirmedBy: f(e.confirmedBy),
          natted: e.natted,
          ...(e.previous ? { previous: f(e.previous) } : {}),
        },
        `address ${f(e.endpoint)} confirmed by ${f(e.confirmedBy)}${e.natted ? ' (behind a NAT)' : ''}${
          e.previous ? `, replacing ${f(e.previous)}` : ''
        }`,
      );
      return;
    case 'unconfirmed':
      print(
        'address',
        {
          state: 'unconfirmed',
          endpoint: f(e.endpoint),
          reason: e.reason,
          observed: e.observed.map((o) => ({ server: f(o.server), mapped: f(o.mapped) })),
        },
        `address ${f(e.endpoint)} unconfirmed: ${REASONS[e.reason]}`,
      );
      return;
    case 'lost':
      print(
        'address',
        { state: 'lost', endpoint: f(e.endpoint) },
        `address ${f(e.endpoint)} lost: servers now see another one`,
      );
      return;
    case 'no-answer':
      print(
        'address',
        { state: 'no-answer', servers: e.servers.map(f) },
        `no address: no server answered (${e.servers.map(f).join(', ')})`,
      );
  }
}
