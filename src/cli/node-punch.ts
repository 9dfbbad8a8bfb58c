/**
 * @module cli/node-punch
 * Keep-alives, rendezvous and hole punching for `pnrp node` (issue 16): the MS-PNRP half of the
 * socket is split once more (`splitPunchTransport`), a `PunchNode` answers keep-alives and relays
 * CONNECTs as every node does, and, behind a NAT (the confirmed address is not one of ours, or it
 * stays unconfirmed), keeps its mappings open toward its bootstrap nodes and the nodes of its
 * cache (up to 8, refreshed each keep-alive period) so a rendezvous can reach it. A punch toward
 * us prints a `punch` line naming the initiator's endpoint as its probes arrived.
 */
import { type Endpoint, endpointsEqual, formatEndpoint } from '../keys/endpoint.js';
import { KEEPALIVE_PEERS_MAX } from '../nat/keepalive.js';
import { type PunchSplit, splitPunchTransport } from '../nat/punch-split.js';
import type { AdvertisingTransport } from '../nat/stun-split.js';
import { type PunchHandle, startPunch } from '../peer/direct-reach.js';
import type { Peer } from '../peer/types.js';
import { systemRng } from '../runtime.js';
import type { PrintEvent } from './node-address.js';

/** Keep-alive period of `pnrp node` (below the 30 s a Linux NAT keeps an idle UDP mapping). */
export const NODE_KEEPALIVE_MS = 25_000;

/** What `pnrp node` keeps of its punch node. */
export interface NodePunch {
  readonly split: PunchSplit;
  readonly handle: PunchHandle;
  /** Tells whether we sit behind a NAT (keep-alives run only then). */
  setBehindNat(behind: boolean): void;
  /** The peer whose cache supplies keep-alive peers (after a restart, the new one). */
  usePeer(peer: Peer): void;
  stop(): void;
}

/**
 * Splits `transport` and starts the punch node; `bootstrap` endpoints are the first keep-alive
 * peers (host names are skipped). With `autoPunch` it punches on its own toward endpoints the
 * rest sends to without having heard from them (an Easy Connect accepter's resolve and handshake).
 */
export function startNodePunch(
  transport: AdvertisingTransport,
  bootstrap: readonly (Endpoint | string)[],
  print: PrintEvent,
  keepAliveMs: number = NODE_KEEPALIVE_MS,
  autoPunch = false,
): NodePunch {
  const split = splitPunchTransport(transport);
  const handle = startPunch(split, { rng: systemRng(), keepAliveMs, autoPunch });
  handle.on((e) => {
    if (e.type === 'punched')
      print(
        'punch',
        { state: 'open', role: e.role, peer: formatEndpoint(e.peer), elapsedMs: e.elapsedMs },
        `punched a hole ${e.role === 'target' ? 'from' : 'to'} ${formatEndpoint(e.peer)} in ${e.elapsedMs} ms`,
      );
    else if (e.type === 'punch-failed')
      print(
        'punch',
        { state: 'failed', peer: formatEndpoint(e.peer), reason: e.reason },
        `no hole to ${formatEndpoint(e.peer)}: ${e.reason}`,
      );
  });
  const fixed = bootstrap.filter((b): b is Endpoint => typeof b !== 'string');
  let peer: Peer | undefined;
  const refresh = (): void => {
    const own = transport.localEndpoints();
    const cached = peer && !peer.closed ? peer.exportCache().endpoints : [];
    const peers = [...fixed, ...cached]
      .filter((e) => !own.some((o) => endpointsEqual(o, e)))
      .slice(0, KEEPALIVE_PEERS_MAX);
    handle.running.command((n, now) => n.setKeepAlivePeers(now, peers));
  };
  refresh();
  const timer = setInterval(refresh, keepAliveMs);
  timer.unref();
  return {
    split,
    handle,
    setBehindNat: (behind) => {
      refresh();
      handle.running.command((n, now) => n.setBehindNat(now, behind));
    },
    usePeer: (p) => {
      peer = p;
      refresh();
    },
    stop: () => {
      clearInterval(timer);
      handle.stop();
    },
  };
}
