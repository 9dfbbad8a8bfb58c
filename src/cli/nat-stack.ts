/**
 * @module cli/nat-stack
 * The NAT stack every reachable CLI process builds on its one UDP socket (issue 16), shared by
 * `pnrp node` and `pnrp easy-connect`: the socket is split for STUN (address discovery and
 * dial-back, cli/node-address.ts), then for the rendezvous (keep-alives behind a NAT, hole
 * punching, cli/node-punch.ts), then for the relay (a relay server, a reservation when discovery
 * found the node unreachable, or the PING responder, cli/node-relay.ts). {@link startNatStack}
 * waits for discovery's first outcome, publishes a confirmed address, turns keep-alives on behind
 * a NAT, starts the relay part, and returns the top transport: what the PNRP core (and any split
 * above it, e.g. Easy Connect's) runs on, over the relay when one was reserved.
 */
import { type Endpoint, endpointsEqual } from '../keys/endpoint.js';
import type { DatagramTransport } from '../transport-adapter.js';
import { type NodeAddress, type PrintEvent, startNodeAddress } from './node-address.js';
import { NODE_KEEPALIVE_MS, type NodePunch, startNodePunch } from './node-punch.js';
import { type NodeRelay, type RelayArgs, startNodeRelay } from './node-relay.js';

/** Longest wait for address discovery before going on without a public address. */
export const DISCOVER_WAIT_MS = 15_000;

/** Inputs of {@link startNatStack}. */
export interface NatStackOptions {
  /** The process's UDP socket (closed by its owner, after `stop`). */
  readonly transport: DatagramTransport;
  /** The socket's port and bind address (a relay server's slot ports default to the 16 after it). */
  readonly port: number;
  readonly host: string | undefined;
  /** Servers asked for our public address (bootstrap and `--stun`); empty: no discovery. */
  readonly servers: readonly (Endpoint | string)[];
  /** Bootstrap nodes: the first keep-alive peers, and relays tried after `--relay-via`. */
  readonly bootstrap: readonly (Endpoint | string)[];
  readonly relay: RelayArgs;
  /** Keep-alive period behind a NAT. @default NODE_KEEPALIVE_MS */
  readonly keepAliveMs?: number;
  /** Punch on its own toward endpoints not heard from (a resolver's side). @default false */
  readonly autoPunch?: boolean;
  readonly print: PrintEvent;
  /** Settles on a stop request: discovery is not waited for any longer. */
  readonly stopped: Promise<unknown>;
  /**
   * Called once discovery's outcome is known and published, before the relay part starts, with
   * the endpoints the MS-PNRP half advertises then.
   */
  readonly onDiscovered?: (
    publicEndpoint: Endpoint | undefined,
    advertised: readonly Endpoint[],
  ) => void;
}

/** A running NAT stack. */
export interface NatStack {
  readonly address: NodeAddress;
  readonly punch: NodePunch;
  readonly relay: NodeRelay;
  /** What the PNRP core runs on: the relayed transport, or the socket's MS-PNRP half. */
  readonly transport: DatagramTransport;
  /** The confirmed public endpoint (advertised by the MS-PNRP half), if discovery confirmed one. */
  readonly publicEndpoint: Endpoint | undefined;
  /** Behind a NAT: the confirmed address is not ours, or discovery ran and confirmed none. */
  readonly natted: boolean;
  /** Stops the relay, punch and STUN parts (the socket's owner closes the socket); idempotent. */
  stop(): Promise<void>;
}

/** Whether a node whose discovery ended on `confirmed` (or a bare `candidate`) sits behind a NAT. */
export function behindNat(
  own: readonly Endpoint[],
  confirmed: Endpoint | undefined,
  candidate: Endpoint | undefined,
): boolean {
  return confirmed ? !own.some((o) => endpointsEqual(o, confirmed)) : candidate !== undefined;
}

/**
 * Builds the stack on `o.transport`: STUN split, rendezvous split, relay split; see the module
 * header. On failure the parts already started are stopped before the error propagates.
 * @example const stack = await startNatStack({ transport, port, host, servers, bootstrap, relay, print, stopped });
 */
export async function startNatStack(o: NatStackOptions): Promise<NatStack> {
  let address: NodeAddress | undefined;
  let punch: NodePunch | undefined;
  try {
    address = await startNodeAddress(o.transport, o.servers, o.print);
    const split = address.split;
    punch = startNodePunch(
      split.pnrp,
      o.bootstrap,
      o.print,
      o.keepAliveMs ?? NODE_KEEPALIVE_MS,
      o.autoPunch === true,
    );
    const publicEndpoint = await address.firstOutcome(DISCOVER_WAIT_MS, o.stopped);
    if (publicEndpoint) split.pnrp.advertise([publicEndpoint]);
    const natted = behindNat(
      o.transport.localEndpoints(),
      publicEndpoint,
      o.servers.length > 0 ? address.running.node.candidate : undefined,
    );
    punch.setBehindNat(natted);
    o.onDiscovered?.(publicEndpoint, split.pnrp.localEndpoints());
    const relay = await startNodeRelay({
      half: punch.split.rest,
      args: o.relay,
      port: o.port,
      host: o.host,
      publicEndpoint: publicEndpoint ?? split.pnrp.localEndpoints()[0],
      unconfirmed: o.servers.length > 0 ? address.unconfirmedReason() : undefined,
      bootstrap: o.bootstrap,
      print: o.print,
    });
    const parts = { address, punch };
    let stopped = false;
    return {
      address,
      punch,
      relay,
      transport: relay.transport,
      publicEndpoint,
      natted,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        parts.punch.stop();
        parts.address.stop();
        await relay.stop();
      },
    };
  } catch (e) {
    punch?.stop();
    address?.stop();
    throw e;
  }
}
