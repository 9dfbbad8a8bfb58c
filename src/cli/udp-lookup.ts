/**
 * @module cli/udp-lookup
 * `pnrp resolve|trace <name> --bootstrap ...`: a short-lived peer on an ephemeral UDP port joins
 * the cloud through the bootstrap nodes, waits (bounded) until it knows another node, traces one
 * resolve and closes. It publishes nothing, so the cloud never learns of it.
 */

import { debugLogger } from '../adapters/node/debug-logger.js';
import { dnsResolver } from '../adapters/node/dns-resolver.js';
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
  const logger = debugLogger();
  let peer: ReturnType<typeof createPeer>;
  try {
    peer = createPeer({
      transport,
      crypto: nodeCrypto,
      clouds: [args.cloud],
      bootstrap: where.bootstrap,
      resolveHost: dnsResolver,
      ...(logger ? { logger } : {}),
    });
  } catch (e) {
    await transport.close(); // the socket would keep the process alive
    throw e;
  }
  try {
    // One deadline for joining and resolving together: the trace waits for the join within
    // --timeout and rejects with why it failed (no bootstrap answered, naming the endpoints).
    const trace = await peer.trace(args.peerName, args.resolve);
    return {
      peerName: args.peerName,
      cloud: args.cloud,
      results: trace.results,
      failure: trace.results.length > 0 ? undefined : (trace.failure ?? 'not-found'),
      path: trace.path,
      stats: trace.stats,
    };
  } catch (e) {
    if (e instanceof PnrpError && JOIN_FAILURES.has(e.code)) return alone(args, e.message);
    if (e instanceof PnrpError && e.code === 'TIMEOUT' && peer.status() !== 'active')
      return alone(args, `no node of cloud ${args.cloud} answered the bootstrap in time`);
    if (e instanceof PnrpError && e.code.startsWith('INVALID')) throw new UsageError(e.message);
    throw e;
  } finally {
    await peer.close();
  }
}

/** Codes of a failed join: the lookup ends `alone`, with the error's text as its note. */
const JOIN_FAILURES: ReadonlySet<string> = new Set([
  'NO_BOOTSTRAP_ANSWER',
  'ALONE',
  'BOOTSTRAP_UNRESOLVED',
]);

function alone(args: LookupArgs, note: string): LookupOutcome {
  return {
    peerName: args.peerName,
    cloud: args.cloud,
    results: [],
    failure: 'alone',
    path: [],
    stats: emptyResolutionStats(),
    note,
  };
}
