/**
 * @module cli/sim-lookup
 * `pnrp resolve|trace <name> --sim`: builds a simulated PNRP cloud (`PnrpCloud`, real joins in
 * virtual time), lets one more member publish a name, and resolves a name from another member.
 * Everything comes from the seed, so the same command prints the same output every time.
 */
import { nodeCrypto } from '../adapters/node/node-crypto.js';
import type { ResolveFailure } from '../pnrp/types.js';
import { PnrpCloud, type PnrpMember } from '../sim/pnrp-cloud.js';
import type { LookupArgs, LookupWhere } from './lookup-options.js';
import type { LookupOutcome } from './lookup-output.js';

/** Virtual ms the publisher gets to walk its registration into the cloud before the resolve. */
const PUBLISH_SETTLE_MS = 15_000;

/** A simulated lookup and the facts of its cloud. */
export interface SimLookup {
  readonly outcome: LookupOutcome;
  /** For the report: size, seed, who published, who resolved, the trace hash. */
  readonly sim: {
    readonly nodes: number;
    readonly seed: number;
    readonly published: string;
    readonly publisher: number;
    readonly resolver: number;
    readonly traceHash: string;
  };
}

/** Runs a lookup in a simulated cloud built from the seed. */
export function simLookup(
  args: LookupArgs,
  where: Extract<LookupWhere, { kind: 'sim' }>,
): SimLookup {
  const cloud = new PnrpCloud({ seed: where.seed, crypto: nodeCrypto, cloudName: args.cloud });
  cloud.build(where.nodes - 1);
  const publisherIndex = cloud.members.length;
  const publisher = cloud.join({
    peerName: where.publish,
    ...(where.identity ? { identity: where.identity } : {}),
    friendlyName: `simulated node ${publisherIndex}`,
    extendedPayload: `hello from simulated node ${publisherIndex}`,
  });
  cloud.sim.runFor(PUBLISH_SETTLE_MS);
  let resolver: PnrpMember = cloud.pick();
  while (resolver === publisher) resolver = cloud.pick();
  const out = cloud.resolveOnce(resolver, args.peerName, { ...args.resolve, cloud: args.cloud });
  return {
    outcome: {
      peerName: args.peerName,
      cloud: args.cloud,
      results: out.results,
      failure:
        out.results.length > 0
          ? undefined
          : ((out.failure as ResolveFailure | undefined) ?? 'not-found'),
      path: out.path,
      stats: out.stats,
    },
    sim: {
      nodes: where.nodes,
      seed: where.seed,
      published: where.publish,
      publisher: publisher.handle.index,
      resolver: resolver.handle.index,
      traceHash: cloud.sim.traceHash,
    },
  };
}
