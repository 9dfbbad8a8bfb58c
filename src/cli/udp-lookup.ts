/**
 * @module cli/udp-lookup
 * `pnrp resolve|trace <name> --bootstrap ...`: a short-lived peer on an ephemeral UDP port joins
 * the cloud through the bootstrap nodes, waits (bounded) until it knows another node, traces one
 * resolve and closes. It publishes nothing, so the cloud never learns of it.
 */

import { nodeCrypto } from '../adapters/node/node-crypto.js';
import { createUdpTransport } from '../adapters/node/udp-transport.js';
import { createPeer } from '../peer/create-peer.js';
import { PnrpError } from '../peer/error.js';
import { emptyResolutionStats } from '../resolve/resolution.js';
import type { LookupArgs, LookupWhere } from './lookup-options.js';
import type { LookupOutcome } from './lookup-output.js';
import { UsageError } from './usage-error.js';

/** Resolves over UDP; a cloud that never answers ends as failure `alone`. */
export async function udpLookup(
  args: LookupArgs,
  where: Extract<LookupWhere, { kind: 'udp' }>,
): Promise<LookupOutcome> {
  let transport: Awaited<ReturnType<typeof createUdpTransport>>;
  try {
    transport = await createUdpTransport({
      port: 0,
      ...(where.host !== undefined ? { host: where.host } : {}),
    });
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(`--host: ${e.message}`);
    throw new Error(`cannot open a UDP socket: ${e instanceof Error ? e.message : String(e)}`);
  }
  let peer: ReturnType<typeof createPeer>;
  try {
    peer = createPeer({
      transport,
      crypto: nodeCrypto,
      clouds: [args.cloud],
      bootstrap: where.bootstrap,
    });
  } catch (e) {
    await transport.close(); // the socket would keep the process alive
    throw e;
  }
  try {
    // One deadline for joining and resolving together: --timeout is the whole command's budget.
    const deadline = performance.now() + args.resolve.timeoutMs;
    // Bounded: the timeout, or the bootstrap giving up (status `alone`), whichever comes first.
    const gaveUp = new AbortController();
    const off = peer.on('status', (e) => {
      if (e.status === 'alone') gaveUp.abort();
    });
    try {
      await peer.whenActive({ timeoutMs: args.resolve.timeoutMs, signal: gaveUp.signal });
    } catch (e) {
      if (e instanceof PnrpError && (e.code === 'TIMEOUT' || e.code === 'CANCELLED'))
        return alone(args);
      throw e;
    } finally {
      off();
    }
    const left = Math.max(1, Math.floor(deadline - performance.now()));
    const trace = await peer.trace(args.peerName, { ...args.resolve, timeoutMs: left });
    return {
      peerName: args.peerName,
      cloud: args.cloud,
      results: trace.results,
      failure: trace.results.length > 0 ? undefined : (trace.failure ?? 'not-found'),
      path: trace.path,
      stats: trace.stats,
    };
  } catch (e) {
    if (e instanceof PnrpError && e.code.startsWith('INVALID')) throw new UsageError(e.message);
    throw e;
  } finally {
    await peer.close();
  }
}

function alone(args: LookupArgs): LookupOutcome {
  return {
    peerName: args.peerName,
    cloud: args.cloud,
    results: [],
    failure: 'alone',
    path: [],
    stats: emptyResolutionStats(),
    note: `no node of cloud ${args.cloud} answered the bootstrap`,
  };
}
