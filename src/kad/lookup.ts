/**
 * @module kad/lookup
 * One iterative FIND_NODE lookup as a pure state machine, after rust-libp2p's `ClosestPeersIter`
 * (STYLE.md) and the paper's §2.3. Theory of operation:
 *
 * - Candidates are kept sorted by XOR distance to the target (at most
 *   {@link KAD_LOOKUP_CANDIDATES_MAX}; farther ones are forgotten). Each is not-contacted,
 *   waiting, succeeded or failed.
 * - {@link Lookup.next} walks the candidates closest first. Once `k` of them have succeeded
 *   before any not-contacted one is met, the lookup is finished: the k closest nodes it knows
 *   have all answered (the standard termination). Otherwise it hands out not-contacted
 *   candidates while fewer than `alpha` requests wait, or `k` once the lookup stalled.
 * - It stalls after `alpha` answers in a row brought nothing closer than the closest known
 *   (paper: "if a round of FIND_NODEs fails to return a node any closer ... the initiator
 *   resends the FIND_NODE to all of the k closest nodes it has not already queried"); progress
 *   ends the stall.
 * - Seeds with unknown IDs (the bootstrap endpoints of a join) are asked first.
 * - Each candidate carries its referral depth: 0 for the node's own contacts and seeds, one more
 *   than the referrer's for a contact learned from an answer. The depth of the target's own
 *   entry is the lookup's hop count: the nodes asked in sequence before the target was known.
 *
 * The node owns requests, timeouts and retries; it reports each reply through `onSuccess` and
 * each peer that never answered through `onFailure`. FIND_VALUE (issue 15) can reuse this with
 * an early end on a value.
 */
import type { Endpoint } from '../keys/endpoint.js';
import type { KadContact } from './codec.js';
import { KAD_LOOKUP_CANDIDATES_MAX } from './constants.js';
import { compareXor } from './xor.js';

/** A candidate's state. */
export const PEER_STATE = { notContacted: 0, waiting: 1, succeeded: 2, failed: 3 } as const;
type PeerState = (typeof PEER_STATE)[keyof typeof PEER_STATE];

/** A node a lookup knows of. `id` is undefined for a seed not yet heard from. */
export interface LookupPeer {
  id: Uint8Array | undefined;
  readonly endpoint: Endpoint;
  state: PeerState;
  readonly depth: number;
}

/** What one lookup cost. */
export interface LookupStats {
  /** FIND_NODE requests sent, first copies only. */
  requests: number;
  /** Requests sent again after a timeout. */
  retransmits: number;
  /** NODES answers received. */
  answers: number;
  /** Peers that never answered (after retries). */
  failures: number;
}

/**
 * The state machine of one lookup.
 * @example const l = new Lookup(1, target, 20, 3, table.closest(target, 20), []);
 */
export class Lookup {
  readonly id: number;
  readonly target: Uint8Array;
  readonly stats: LookupStats = { requests: 0, retransmits: 0, answers: 0, failures: 0 };
  private readonly k: number;
  private readonly alpha: number;
  private readonly peers: LookupPeer[] = [];
  private readonly seeds: LookupPeer[];
  private waiting = 0;
  private noProgress = 0;
  private stalled = false;
  private finished = false;

  constructor(
    id: number,
    target: Uint8Array,
    k: number,
    alpha: number,
    known: readonly KadContact[],
    seeds: readonly Endpoint[],
  ) {
    this.id = id;
    this.target = target;
    this.k = k;
    this.alpha = alpha;
    for (const c of known) this.insert(c.id, c.endpoint, 0);
    this.seeds = seeds.map((endpoint) => ({
      id: undefined,
      endpoint,
      state: PEER_STATE.notContacted,
      depth: 0,
    }));
  }

  /** True once the lookup ended. */
  get done(): boolean {
    return this.finished;
  }

  /** Requests waiting for an answer. */
  get inFlight(): number {
    return this.waiting;
  }

  /**
   * The next peer to ask, or undefined when none may be asked now (then either the lookup is
   * {@link done} or it waits for answers). Marks the returned peer waiting.
   */
  next(): LookupPeer | undefined {
    if (this.finished) return undefined;
    const limit = this.stalled ? this.k : this.alpha;
    for (const s of this.seeds) {
      if (s.state !== PEER_STATE.notContacted) continue;
      if (this.waiting >= limit) return undefined;
      return this.ask(s);
    }
    let succeeded = 0;
    for (const p of this.peers) {
      if (p.state === PEER_STATE.succeeded) {
        if (++succeeded >= this.k) return this.finish();
      } else if (p.state === PEER_STATE.notContacted) {
        if (this.waiting >= limit) return undefined;
        return this.ask(p);
      }
    }
    if (this.waiting === 0) return this.finish();
    return undefined;
  }

  /** `peer` answered (its ID is `sender`) with `contacts`. */
  onSuccess(peer: LookupPeer, sender: Uint8Array, contacts: readonly KadContact[]): void {
    if (peer.state !== PEER_STATE.waiting) return;
    this.waiting--;
    this.stats.answers++;
    peer.state = PEER_STATE.succeeded;
    if (peer.id === undefined) {
      // A seed: now that its ID is known it competes for the k closest.
      peer.id = sender;
      this.insertPeer(peer);
    }
    const closestBefore = this.peers[0]?.id;
    for (const c of contacts) this.insert(c.id, c.endpoint, peer.depth + 1);
    const closestAfter = this.peers[0]?.id;
    const progress =
      closestAfter !== undefined &&
      (closestBefore === undefined || compareXor(this.target, closestAfter, closestBefore) < 0);
    if (progress) {
      this.noProgress = 0;
      this.stalled = false;
    } else if (!this.stalled && ++this.noProgress >= this.alpha) this.stalled = true;
  }

  /** `peer` never answered. */
  onFailure(peer: LookupPeer): void {
    if (peer.state !== PEER_STATE.waiting) return;
    this.waiting--;
    this.stats.failures++;
    peer.state = PEER_STATE.failed;
  }

  /** Ends the lookup now (e.g. cancelled); {@link next} yields nothing afterwards. */
  cancel(): void {
    this.finished = true;
  }

  /** The peers that answered, closest first, at most `k`. */
  closestSucceeded(): LookupPeer[] {
    const out: LookupPeer[] = [];
    for (const p of this.peers) {
      if (p.state === PEER_STATE.succeeded) out.push(p);
      if (out.length === this.k) break;
    }
    return out;
  }

  /** The candidate with this ID, if the lookup still remembers it. */
  peerOf(id: Uint8Array): LookupPeer | undefined {
    return this.peers.find((p) => p.id !== undefined && compareXor(id, p.id, id) === 0);
  }

  private ask(p: LookupPeer): LookupPeer {
    p.state = PEER_STATE.waiting;
    this.waiting++;
    return p;
  }

  private finish(): undefined {
    this.finished = true;
    return undefined;
  }

  private insert(id: Uint8Array, endpoint: Endpoint, depth: number): void {
    this.insertPeer({ id, endpoint, state: PEER_STATE.notContacted, depth });
  }

  /** Inserts in distance order; false for a duplicate ID or one beyond the bound. */
  private insertPeer(peer: LookupPeer): boolean {
    const id = peer.id!;
    const peers = this.peers;
    let lo = 0;
    let hi = peers.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const c = compareXor(this.target, peers[mid]!.id!, id);
      if (c === 0) return false;
      if (c < 0) lo = mid + 1;
      else hi = mid;
    }
    if (lo >= KAD_LOOKUP_CANDIDATES_MAX) return false;
    peers.splice(lo, 0, peer);
    if (peers.length > KAD_LOOKUP_CANDIDATES_MAX) peers.pop();
    return true;
  }
}
