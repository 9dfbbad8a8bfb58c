/**
 * @module graph/neighbours
 * Keeping the neighbour count between Minimum and Maximum Neighbors ([MS-PPGRH] §3.1.1): the
 * Referral List (§3.1.1, at most 100 entries, oldest dropped), connection maintenance
 * (§3.1.7.14: prune the least useful neighbour above Ideal when the timer fires, connect to a
 * random referral, presence or contact below it), the Graph Maintenance Timer (§3.1.6.6: 300 s
 * with neighbours, 30 s without), and the `need-node` event when nothing is left to try.
 *
 * Decisions: attempts in flight count toward the target, and at most `outgoingAttemptsMax` run at
 * once; a candidate address tried in the last `maintenanceAloneIntervalMs` is not tried again
 * (at most {@link RECENT_ATTEMPTS_MAX} remembered); pruning ties on utility go to the newest
 * neighbour, so long-lived links stay. `need-node` (reason `no-neighbours`) is emitted when a node
 * has no neighbour and no candidate, either after one of its attempts failed or, for a node that
 * had a neighbour once, at maintenance (a lone creator waiting for joiners is not asked).
 */
import type { Endpoint } from '../keys/endpoint.js';
import type { GraphCore } from './core.js';
import type { Link } from './link.js';
import { DISCONNECT_REASON, type GraphAddress, type NodeId } from './model.js';
import { count } from './stats.js';

/** Candidate addresses remembered as recently tried. */
export const RECENT_ATTEMPTS_MAX = 256;

/** A Referral Entry (§3.1.1). */
interface Referral {
  readonly address: GraphAddress;
  readonly seq: number;
  attempted: boolean;
}

/** A node known from a presence or contact record. */
export interface KnownNode {
  readonly nodeId: NodeId;
  readonly addresses: readonly GraphAddress[];
}

/**
 * A stable string for an address and port.
 * @example addressKey({ address, port: 3587 })
 */
export function addressKey(a: { readonly address: Uint8Array; readonly port: number }): string {
  let s = '';
  for (const b of a.address) s += b.toString(16).padStart(2, '0');
  return `${s}:${a.port}`;
}

/** What connection maintenance needs from the other parts. */
export interface NeighbourHooks {
  /** Nodes from the Presence List and Contact List. */
  knownNodes(): Iterable<KnownNode>;
  /** Every open link, in any state. */
  allLinks(): Iterable<Link>;
  /** Opens a neighbour connection for maintenance. */
  dial(to: Endpoint): Link | undefined;
  /** Sends DISCONNECT and closes (§3.1.7.25). */
  disconnect(link: Link, reason: number): void;
}

/** Referral List, connection maintenance and the Graph Maintenance Timer. */
export class Neighbours {
  private readonly referrals = new Map<string, Referral>();
  private referralSeq = 0;
  private readonly recent = new Map<string, number>();
  /** Graph Maintenance Timer; Infinity until the node listens. */
  maintenanceAtMs: number = Number.POSITIVE_INFINITY;

  constructor(
    private readonly core: GraphCore,
    private readonly hooks: NeighbourHooks,
  ) {}

  /** Entries in the Referral List. */
  get referralCount(): number {
    return this.referrals.size;
  }

  /** Adds addresses to the Referral List, dropping the least recently added beyond the bound. */
  addReferrals(addresses: readonly GraphAddress[]): void {
    for (const address of addresses) {
      const key = addressKey(address);
      if (this.referrals.has(key) || this.isSelf(key)) continue;
      this.referrals.set(key, { address, seq: this.referralSeq++, attempted: false });
      if (this.referrals.size > this.core.limits.referralsMax) {
        // Map order is insertion order: the first key is the least recently added.
        const oldest = this.referrals.keys().next().value as string;
        this.referrals.delete(oldest);
        count(this.core.stats.boundHits, 'referrals');
      }
    }
  }

  /** §3.1.5.2.3: after a REFUSE, try a random referral not yet attempted. */
  tryReferral(): void {
    const l = this.core.limits;
    if (this.attemptsInFlight() >= l.outgoingAttemptsMax) return;
    if (this.core.neighbours().length + this.dialsInFlight() >= l.neighboursMax) return;
    const fresh = [...this.referrals.entries()].filter(
      ([key, r]) => !r.attempted && !this.isConnected(key),
    );
    if (fresh.length === 0) return;
    const [key, r] = fresh[this.core.rng.nextInt(fresh.length)]!;
    r.attempted = true;
    this.attempt(key, r.address);
  }

  /**
   * An attempt of ours failed (refused, unreachable, REFUSE, timeout): try another referral
   * (§3.1.5.2.3); with no neighbour, nothing in flight and no candidate left, ask the application
   * for a node (a joiner whose bootstrap failed, too: it does not listen, so no timer would).
   */
  afterFailedAttempt(): void {
    this.tryReferral();
    if (this.core.neighbours().length > 0 || this.dialsInFlight() > 0) return;
    if (!this.attemptNew()) this.core.emit({ type: 'need-node', reason: 'no-neighbours' });
  }

  /** Connection Maintenance (§3.1.7.14). */
  connectionMaintenance(fromTimer: boolean): void {
    const neighbours = this.core.neighbours();
    const n = neighbours.length;
    const l = this.core.limits;
    if (n > l.neighboursIdeal && fromTimer) this.pruneLeastUseful(neighbours);
    const target =
      n === 0
        ? 1
        : fromTimer
          ? l.neighboursIdeal
          : this.core.flags.neverConnected
            ? 0
            : l.neighboursMin;
    const inFlight = this.attemptsInFlight();
    if (n + inFlight >= target || inFlight >= l.outgoingAttemptsMax) return;
    if (!this.attemptNew() && n === 0 && inFlight === 0 && this.core.flags.everHadNeighbour) {
      this.core.emit({ type: 'need-node', reason: 'no-neighbours' });
    }
  }

  /** Disconnects the neighbour of lowest utility (ties: the newest) with DISCONNECT least-useful. */
  private pruneLeastUseful(neighbours: readonly Link[]): void {
    let worst: Link | undefined;
    for (const link of neighbours) {
      if (
        !worst ||
        link.utility < worst.utility ||
        (link.utility === worst.utility && link.neighbourSeq > worst.neighbourSeq)
      )
        worst = link;
    }
    if (!worst) return;
    this.core.stats.neighboursPruned++;
    this.hooks.disconnect(worst, DISCONNECT_REASON.leastUseful);
  }

  /** Picks a random candidate among referrals, presence and contacts and dials it. */
  private attemptNew(): boolean {
    const now = this.core.nowMs();
    const connectedIds = new Set<NodeId>();
    for (const link of this.core.neighbours())
      if (link.remoteNodeId !== undefined) connectedIds.add(link.remoteNodeId);
    const candidates = new Map<string, { address: GraphAddress; referral?: Referral }>();
    for (const [key, r] of this.referrals)
      if (!r.attempted) candidates.set(key, { address: r.address, referral: r });
    for (const known of this.hooks.knownNodes()) {
      if (known.nodeId === this.core.nodeId || connectedIds.has(known.nodeId)) continue;
      const address = known.addresses[0];
      if (address) candidates.set(addressKey(address), { address });
    }
    const usable = [...candidates.entries()].filter(([key]) => {
      const tried = this.recent.get(key);
      return (
        !this.isSelf(key) &&
        !this.isConnected(key) &&
        (tried === undefined || now - tried >= this.core.timers.maintenanceAloneIntervalMs)
      );
    });
    if (usable.length === 0) return false;
    const [key, c] = usable[this.core.rng.nextInt(usable.length)]!;
    if (c.referral) c.referral.attempted = true;
    return this.attempt(key, c.address);
  }

  private attempt(key: string, address: GraphAddress): boolean {
    this.recent.delete(key);
    this.recent.set(key, this.core.nowMs());
    if (this.recent.size > RECENT_ATTEMPTS_MAX)
      this.recent.delete(this.recent.keys().next().value as string);
    return this.hooks.dial({ address: address.address, port: address.port }) !== undefined;
  }

  /** Neighbour connections we dialled that are not CONNECTED yet (ours or the application's). */
  private dialsInFlight(): number {
    let n = 0;
    for (const link of this.hooks.allLinks())
      if (link.role === 'initiator' && !link.direct && link.linkState !== 'connected') n++;
    return n;
  }

  private attemptsInFlight(): number {
    let n = 0;
    for (const link of this.hooks.allLinks())
      if (link.maintenance && link.linkState !== 'connected') n++;
    return n;
  }

  private isSelf(key: string): boolean {
    return this.core.listenAddresses().some((a) => addressKey(a) === key);
  }

  private isConnected(key: string): boolean {
    for (const link of this.hooks.allLinks()) {
      if (link.remote && addressKey(link.remote) === key) return true;
      if (link.remoteAddresses.some((a) => addressKey(a) === key)) return true;
    }
    return false;
  }

  /** Re-arms the Graph Maintenance Timer (§3.1.6.6) while listening. */
  resetTimer(): void {
    if (!this.core.flags.listening || !this.core.flags.open) {
      this.maintenanceAtMs = Number.POSITIVE_INFINITY;
      return;
    }
    const t = this.core.timers;
    const period =
      this.core.neighbours().length > 0 ? t.maintenanceIntervalMs : t.maintenanceAloneIntervalMs;
    this.maintenanceAtMs = this.core.nowMs() + period;
  }
}
