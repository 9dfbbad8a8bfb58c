/**
 * @module nat/keepalive
 * Keep-alives (issue 16, docs/design.md §5, NAT): a node behind a NAT sends a 12-byte KEEPALIVE to
 * each of its keep-alive peers (its leaf-set neighbours, the nodes it relies on for rendezvous)
 * every `keepAliveMs`, below the NAT's mapping lifetime, so the mappings toward them stay open and
 * a rendezvous can reach it. Each peer answers with a KEEPALIVE_ACK carrying a cookie bound to the
 * endpoint it saw; the node echoes the cookie at once and in every later KEEPALIVE, which proves
 * the mapping to the peer (a spoofed source never sees the cookie). Sans-I/O and bounded: at most
 * {@link KEEPALIVE_PEERS_MAX} peers; nothing is sent while not behind a NAT.
 */
import { type Endpoint, endpointKey, endpointsEqual } from '../keys/endpoint.js';
import type { Transmit } from '../sans-io.js';
import { COOKIE_BYTES, encodeRendezvous } from './rendezvous-codec.js';

/** Most keep-alive peers; later ones are ignored. */
export const KEEPALIVE_PEERS_MAX = 8;

interface Peer {
  readonly endpoint: Endpoint;
  cookie: Uint8Array;
  lastAckMs: number;
}

/**
 * The sending side of keep-alives. `tick` returns what is due; `onAck` what an ACK causes.
 * @example ka.setPeers([bootstrap]); ka.setBehindNat(now, true); for (const t of ka.tick(now)) send(t);
 */
export class KeepAliveSender {
  private peers: Peer[] = [];
  private behindNat = false;
  private nextMs = Number.POSITIVE_INFINITY;

  constructor(private readonly intervalMs: number) {}

  /** When the next keep-alive round is due (`Infinity`: none). */
  get dueMs(): number {
    return this.nextMs;
  }

  /** True while keep-alives are sent. */
  get enabled(): boolean {
    return this.behindNat && this.peers.length > 0;
  }

  /**
   * Replaces the peers (duplicates and any past {@link KEEPALIVE_PEERS_MAX} dropped); peers kept
   * keep their cookies; new ones get a keep-alive at the next tick.
   */
  setPeers(nowMs: number, endpoints: readonly Endpoint[]): void {
    const next: Peer[] = [];
    for (const e of endpoints) {
      if (next.length >= KEEPALIVE_PEERS_MAX) break;
      if (next.some((p) => endpointsEqual(p.endpoint, e))) continue;
      const old = this.peers.find((p) => endpointsEqual(p.endpoint, e));
      next.push(
        old ?? {
          endpoint: { address: e.address.slice(), port: e.port },
          cookie: new Uint8Array(COOKIE_BYTES),
          lastAckMs: Number.NEGATIVE_INFINITY,
        },
      );
    }
    const added = next.some((p) => !this.peers.includes(p));
    this.peers = next;
    if (added && this.behindNat) this.nextMs = nowMs;
    if (!this.enabled) this.nextMs = Number.POSITIVE_INFINITY;
  }

  /** Starts (a round at once) or stops keep-alives. */
  setBehindNat(nowMs: number, behind: boolean): void {
    if (behind === this.behindNat) return;
    this.behindNat = behind;
    this.nextMs = this.enabled ? nowMs : Number.POSITIVE_INFINITY;
  }

  /** The keep-alive peers, in order. */
  peerList(): readonly Endpoint[] {
    return this.peers.map((p) => p.endpoint);
  }

  /** True when `endpoint` is one of our keep-alive peers (we rely on it for rendezvous). */
  isPeer(endpoint: Endpoint): boolean {
    return this.peers.some((p) => endpointsEqual(p.endpoint, endpoint));
  }

  /**
   * The cookie `endpoint` (a peer) gave us in its last ACK, or undefined when it is no peer or
   * never answered: what a FORWARD from it must carry.
   */
  cookieOf(endpoint: Endpoint): Uint8Array | undefined {
    const p = this.peers.find((q) => endpointsEqual(q.endpoint, endpoint));
    return p !== undefined && p.lastAckMs > Number.NEGATIVE_INFINITY ? p.cookie : undefined;
  }

  /** Peers whose ACK arrived within `liveMs`, most recent first. */
  livePeers(nowMs: number, liveMs: number): Endpoint[] {
    return this.peers
      .filter((p) => nowMs - p.lastAckMs <= liveMs)
      .sort((a, b) => b.lastAckMs - a.lastAckMs)
      .map((p) => p.endpoint);
  }

  /** The keep-alives due at `nowMs`. */
  tick(nowMs: number): Transmit[] {
    if (nowMs < this.nextMs) return [];
    this.nextMs = this.enabled ? nowMs + this.intervalMs : Number.POSITIVE_INFINITY;
    return this.peers.map((p) => this.keepAlive(p));
  }

  /**
   * An ACK from `from`: remembered; a cookie new to us is echoed at once (that proves the mapping).
   * ACKs from anyone but a peer are ignored (returns undefined).
   */
  onAck(nowMs: number, from: Endpoint, cookie: Uint8Array): Transmit[] | undefined {
    const p = this.peers.find((q) => endpointKey(q.endpoint) === endpointKey(from));
    if (p === undefined) return undefined;
    p.lastAckMs = nowMs;
    if (sameBytes(p.cookie, cookie)) return [];
    p.cookie = cookie.slice();
    return this.behindNat ? [this.keepAlive(p)] : [];
  }

  private keepAlive(p: Peer): Transmit {
    return {
      type: 'transmit',
      to: p.endpoint,
      payload: encodeRendezvous({ type: 'keepalive', cookie: p.cookie }),
    };
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
