/**
 * @module resolve/walk
 * One path of a resolution ([MS-PNRP] §3.1.4.4.2): its next-hop stack, its flagged path and the
 * use count of each route entry, with the stop rules of one walk (more than 22 useful hops, more
 * than 6 suspicious replies, a flagged path of more than 22 endpoints). A resolution starts with
 * one walk, which is exactly the MS-PNRP resolver; it adds alternative walks, each with its own
 * counters, only after a forged-looking answer (see `resolution.ts`).
 *
 * Route entries are identified by (ID, endpoint), never by ID alone ({@link entryKey}): a forged
 * referral naming someone else's ID at the forger's address is a different entry from the genuine
 * one, so nothing that happens to it (use count, failure) touches the genuine owner.
 */
import { type Endpoint, endpointKey } from '../keys/endpoint.js';
import { bytesKey } from '../util/bytes.js';
import type { RouteEntry } from '../wire/types.js';

/** The endpoint a resolver uses for a route entry: its first address. */
export function entryEndpoint(entry: RouteEntry): Endpoint {
  return { address: entry.addresses[0]!, port: entry.port };
}

/** The ID's and the endpoint's keys (`bytesKey`, `endpointKey`): what the resolver keys a route entry by. */
export function entryKey(entry: RouteEntry): string {
  return bytesKey(entry.id) + endpointKey(entryEndpoint(entry));
}

/** The stop rules of one walk. */
export interface WalkLimits {
  readonly usefulHopsMax: number;
  readonly suspiciousMax: number;
  readonly useCountMax: number;
  readonly flaggedPathMax: number;
}

/** One path: a next-hop stack, a flagged path, use counts and the counters of the stop rules. */
export class Walk {
  /** 0 for the MS-PNRP walk, 1.. for the alternatives. */
  readonly index: number;
  /** Next hops, the one to ask next last. */
  readonly nextHops: RouteEntry[] = [];
  /** Endpoints the LOOKUPs of this walk carry, in the order they were flagged. */
  readonly flaggedPath: Endpoint[] = [];
  usefulHops = 0;
  suspicious = 0;
  /** True once the walk has no hop left or hit a stop rule. */
  over = false;
  private readonly flaggedKeys = new Set<string>();
  private readonly useCounts = new Map<string, number>();

  constructor(index: number, flagged: readonly Endpoint[]) {
    this.index = index;
    for (const ep of flagged) this.flag(ep);
  }

  /** Adds an endpoint to the flagged path (once). */
  flag(ep: Endpoint): void {
    const key = endpointKey(ep);
    if (this.flaggedKeys.has(key)) return;
    this.flaggedKeys.add(key);
    this.flaggedPath.push(ep);
  }

  /** True when any address of `entry` is in the flagged path (a referral back into the path). */
  loopsBack(entry: RouteEntry): boolean {
    return entry.addresses.some((a) =>
      this.flaggedKeys.has(endpointKey({ address: a, port: entry.port })),
    );
  }

  /** Pushes a hop to ask next (entries without an address cannot be asked). */
  push(entry: RouteEntry): void {
    if (entry.addresses.length > 0) this.nextHops.push(entry);
  }

  /** Times this walk asked `entry`. */
  useOf(entry: RouteEntry): number {
    return this.useCounts.get(entryKey(entry)) ?? 0;
  }

  /** Counts one more LOOKUP to `entry`. */
  use(entry: RouteEntry): void {
    this.useCounts.set(entryKey(entry), this.useOf(entry) + 1);
  }

  /** Never ask `entry` again on this walk. */
  exhaust(entry: RouteEntry, useCountMax: number): void {
    this.useCounts.set(entryKey(entry), useCountMax);
  }

  /** True when a stop rule ends the walk. */
  limitHit(limits: WalkLimits): boolean {
    return (
      this.usefulHops > limits.usefulHopsMax ||
      this.suspicious > limits.suspiciousMax ||
      this.flaggedPath.length > limits.flaggedPathMax
    );
  }
}
