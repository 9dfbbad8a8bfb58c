/**
 * @module nat/rendezvous
 * The rendezvous every node offers (issue 16, docs/design.md §5, NAT): it answers KEEPALIVEs with
 * a cookie bound to the source it saw, counts a source as holding a **live proven mapping** once a
 * KEEPALIVE echoes that cookie (and for `liveMs` after the last such one), and relays a CONNECT to
 * such a target as a FORWARD naming the initiator's endpoint as seen here, so the target can probe
 * it. No central server: any public peer does this for the nodes that keep alive with it.
 *
 * Anti-amplification: a KEEPALIVE_ACK is as long as the KEEPALIVE; a CONNECT (54 bytes or more)
 * pays for the FORWARD (38) and the CONNECT_REPLY (13) it causes; the FORWARD carries the target's
 * keep-alive cookie, so the target can tell it from one forged with this node's address; a FORWARD goes only to a proven
 * live target, never to a port at or below 1024 and never back to the initiator; CONNECTs are
 * rate-limited per source address, answers globally. Tables are bounded (oldest forgotten first);
 * the proven table also per address ({@link PROVEN_PER_ADDRESS_MAX}), so one host's many ports
 * can not push other hosts out.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { type Endpoint, endpointKey, endpointsEqual, PORT_RESERVED_MAX } from '../keys/endpoint.js';
import type { Transmit } from '../sans-io.js';
import { toHex } from '../util/bytes.js';
import type { Rng } from '../util/rng.js';
import { TokenBucket } from '../util/token-bucket.js';
import { COOKIE_BYTES, encodeRendezvous, type RendezvousMessage } from './rendezvous-codec.js';

/** Proven peers remembered; the oldest is forgotten first. */
export const PROVEN_PEERS_MAX = 4096;
/**
 * Proven peers remembered per address (the ports of one host, or of the hosts behind one NAT);
 * past it the address's own oldest is forgotten, so one host can not push other hosts out.
 */
export const PROVEN_PER_ADDRESS_MAX = 64;
/** Source addresses whose CONNECT budget is remembered. */
export const CONNECT_SOURCES_MAX = 1024;
/** Keep-alives without a valid cookie answered per second over all sources (burst as many). */
export const KEEPALIVE_ANSWERS_PER_SECOND = 500;

/** What a rendezvous counts (merged into `PunchStats`). */
export interface RendezvousCounters {
  keepAliveAcks: number;
  keepAlivesProven: number;
  connectsForwarded: number;
  connectsUnknownTarget: number;
  connectsRateLimited: number;
}

/**
 * The rendezvous side. `onKeepAlive` and `onConnect` return the datagrams to send.
 * @example const out = rv.onConnect(now, from, msg); for (const t of out) queue.push(t);
 */
export class RendezvousServer {
  private readonly secret: Uint8Array;
  /** endpointKey -> last proven keep-alive (ms) and address (hex). Insertion order = age. */
  private readonly proven = new Map<string, { atMs: number; address: string }>();
  /** address (hex) -> its endpoint keys in `proven`, oldest first. */
  private readonly provenByAddress = new Map<string, Set<string>>();
  private readonly budgets = new Map<string, TokenBucket>();
  private readonly answers = new TokenBucket({
    ratePerSecond: KEEPALIVE_ANSWERS_PER_SECOND,
    burst: KEEPALIVE_ANSWERS_PER_SECOND,
  });

  constructor(
    rng: Rng,
    private readonly liveMs: number,
    private readonly connectsPerSecond: number,
    private readonly counters: RendezvousCounters,
  ) {
    this.secret = rng.bytes(32);
  }

  /** The cookie this node gives `endpoint`. */
  cookieFor(endpoint: Endpoint): Uint8Array {
    const input = new Uint8Array(this.secret.length + 18);
    input.set(this.secret);
    input.set(endpoint.address, this.secret.length);
    input[this.secret.length + 16] = endpoint.port >>> 8;
    input[this.secret.length + 17] = endpoint.port & 0xff;
    return sha256(input).slice(0, COOKIE_BYTES);
  }

  /** True when `endpoint` proved a keep-alive within `liveMs`. */
  isLive(nowMs: number, endpoint: Endpoint): boolean {
    const at = this.proven.get(endpointKey(endpoint))?.atMs;
    return at !== undefined && nowMs - at <= this.liveMs;
  }

  /** How many endpoints are remembered as proven (live or not). */
  get provenCount(): number {
    return this.proven.size;
  }

  /** A KEEPALIVE from `from`: proves it when the cookie is ours for it; answers with an ACK. */
  onKeepAlive(nowMs: number, from: Endpoint, cookie: Uint8Array): Transmit[] {
    const mine = this.cookieFor(from);
    const proven = toHex(mine) === toHex(cookie);
    if (proven) {
      this.markProven(nowMs, from);
      this.counters.keepAlivesProven++;
    }
    // Only answers to unproven sources take from the shared rate: a spoofed flood drains it, and
    // must not silence the peers that proved their mapping (whose answers go to proven addresses).
    if (!proven && !this.answers.take(nowMs)) return [];
    this.counters.keepAliveAcks++;
    return [send(from, { type: 'keepalive-ack', cookie: mine })];
  }

  /**
   * A CONNECT from `from` (`bytes` long) for `target`: a FORWARD to the target and a reply
   * `forwarded`, or only a reply saying why not.
   */
  onConnect(
    nowMs: number,
    from: Endpoint,
    m: Extract<RendezvousMessage, { type: 'connect' }>,
  ): Transmit[] {
    const reply = (status: 'forwarded' | 'unknown-target' | 'rate-limited'): Transmit =>
      send(from, { type: 'connect-reply', txid: m.txid, status });
    if (!this.budget(from).take(nowMs)) {
      this.counters.connectsRateLimited++;
      return [reply('rate-limited')]; // 13 bytes for 46 or more
    }
    if (
      m.target.port <= PORT_RESERVED_MAX ||
      endpointsEqual(m.target, from) ||
      !this.isLive(nowMs, m.target)
    ) {
      this.counters.connectsUnknownTarget++;
      return [reply('unknown-target')];
    }
    this.counters.connectsForwarded++;
    const forward: RendezvousMessage = {
      type: 'forward',
      txid: m.txid,
      initiator: from,
      cookie: this.cookieFor(m.target),
    };
    return [send(m.target, forward), reply('forwarded')];
  }

  /** Remembers `from` as proven now: newest last; bounded in all and per address. */
  private markProven(nowMs: number, from: Endpoint): void {
    const key = endpointKey(from);
    const address = toHex(from.address);
    let mine = this.provenByAddress.get(address);
    if (mine === undefined) {
      mine = new Set();
      this.provenByAddress.set(address, mine);
    }
    this.proven.delete(key);
    mine.delete(key);
    if (mine.size >= PROVEN_PER_ADDRESS_MAX) this.forget(mine.values().next().value!);
    else if (this.proven.size >= PROVEN_PEERS_MAX) this.forget(this.proven.keys().next().value!);
    this.proven.set(key, { atMs: nowMs, address });
    mine.add(key);
  }

  private forget(key: string): void {
    const entry = this.proven.get(key);
    if (entry === undefined) return;
    this.proven.delete(key);
    const set = this.provenByAddress.get(entry.address);
    set?.delete(key);
    if (set?.size === 0) this.provenByAddress.delete(entry.address);
  }

  private budget(from: Endpoint): TokenBucket {
    const key = toHex(from.address);
    let b = this.budgets.get(key);
    if (b === undefined) {
      if (this.budgets.size >= CONNECT_SOURCES_MAX)
        this.budgets.delete(this.budgets.keys().next().value!);
      b = new TokenBucket({
        ratePerSecond: this.connectsPerSecond,
        burst: 2 * this.connectsPerSecond,
      });
      this.budgets.set(key, b);
    }
    return b;
  }
}

function send(to: Endpoint, m: RendezvousMessage): Transmit {
  return { type: 'transmit', to, payload: encodeRendezvous(m) };
}
