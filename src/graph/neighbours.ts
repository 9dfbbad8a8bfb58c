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
  /** Nodes from the Presence List and from the Contact List. */
  knownNodes(): readonly [presence: Iterable<KnownNode>, contacts: Iterable<KnownNode>];
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

  /**
   * Connection Maintenance (§3.1.7.14). Decision: after losing a neighbour (`lost`) a node below
   * Ideal Neighbors replaces it at once, as the timer would (the spec asks only for Minimum then):
   * nodes whose last links outside their cluster crash are otherwise cut off until their next
   * timer, up to 300 s later; drawn per list (see `attemptNew`), the replacement usually lies
   * outside.
   */
  connectionMaintenance(fromTimer: boolean, lost: boolean = false): void {
    const neighbours = this.core.neighbours();
    const n = neighbours.length;
    const l = this.core.limits;
    if (n > l.neighboursIdeal && fromTimer) this.pruneLeastUseful(neighbours);
    const target =
      n === 0
        ? 1
        : fromTimer || lost
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

  /**
   * Picks a random candidate among referrals, presence and contacts (§3.1.7.14) and dials it.
   * Decision: a list is drawn first, each non-empty one equally likely, then an entry of it.
   * Referrals name our neighbours' neighbours; drawn from the union, they outnumber the few
   * contacts (ContactMin..ContactMax) ten to one and every new link closes a triangle, so a
   * group grows in clusters that a few crashes cut off. Contacts and presence spread over the
   * whole graph.
   */
  private attemptNew(): boolean {
    const now = this.core.nowMs();
    const connectedIds = new Set<NodeId>();
    for (const link of this.core.neighbours())
      if (link.remoteNodeId !== undefined) connectedIds.add(link.remoteNodeId);
    const seen = new Set<string>();
    const usable = (key: string): boolean => {
      if (seen.has(key)) return false;
      seen.add(key);
      const tried = this.recent.get(key);
      return (
        !this.isSelf(key) &&
        !this.isConnected(key) &&
        (tried === undefined || now - tried >= this.core.timers.maintenanceAloneIntervalMs)
      );
    };
    type Candidate = { key: string; address: GraphAddress; referral?: Referral };
    const lists: Candidate[][] = [];
    for (const known of this.hooks.knownNodes()) {
      const list: Candidate[] = [];
      for (const k of known) {
        if (k.nodeId === this.core.nodeId || connectedIds.has(k.nodeId)) continue;
        const address = k.addresses[0];
        if (!address) continue;
        const key = addressKey(address);
        if (usable(key)) list.push({ key, address });
      }
      if (list.length > 0) lists.push(list);
    }
    const referrals: Candidate[] = [];
    for (const [key, r] of this.referrals)
      if (!r.attempted && usable(key)) referrals.push({ key, address: r.address, referral: r });
    if (referrals.length > 0) lists.push(referrals);
    if (lists.length === 0) return false;
    const list = lists[this.core.rng.nextInt(lists.length)]!;
    const c = list[this.core.rng.nextInt(list.length)]!;
    if (c.referral) c.referral.attempted = true;
    return this.attempt(c.key, c.address);
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

  /**
   * Re-arms the Graph Maintenance Timer (§3.1.6.6) while listening. Decision: the timer is
   * periodic; maintenance run by an event (a neighbour lost or gained, §3.1.7.25, §3.1.5.2.2) may
   * bring it closer (to 30 s once the node is alone) but never pushes it back, or a node that
   * keeps losing neighbours under churn would never grow toward Ideal Neighbors nor prune.
   */
  resetTimer(fromTimer: boolean): void {
    if (!this.core.flags.listening || !this.core.flags.open) {
      this.maintenanceAtMs = Number.POSITIVE_INFINITY;
      return;
    }
    const t = this.core.timers;
    const period =
      this.core.neighbours().length > 0 ? t.maintenanceIntervalMs : t.maintenanceAloneIntervalMs;
    const at = this.core.nowMs() + period;
    this.maintenanceAtMs = fromTimer ? at : Math.min(this.maintenanceAtMs, at);
  }
}
