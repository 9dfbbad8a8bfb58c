/**
 * @module dht/cookies
 * No amplification toward unproven sources, for the DHT's own datagrams (the rule of
 * `drt/address-proof.ts`; docs/design.md §5). A VALUE answer is usually larger than the
 * FIND_VALUE that asked for it, so a node sends it only to a **proven** endpoint: one that
 * answered a DHT request this node sent there (a matched request ID from that exact endpoint) or
 * that echoed this node's cookie in a FIND_VALUE. To anyone else it sends a COOKIE (12 bytes,
 * never more than the request): the first 4 bytes of SHA-256(secret ‖ epoch ‖ address ‖ port),
 * the secret drawn once from the injected Rng, epochs of `cookieEpochMs`, the current and the
 * previous accepted. The requester repeats its FIND_VALUE with the cookie and remembers it per
 * endpoint, so later gets to that node skip the round trip. NOT_FOUND to an unproven source
 * carries only the hints that fit in the request's size. The DRT's own proven set is private to
 * `DrtNode` and proves DRT exchanges; the DHT keeps its own (decision: no change to drt/).
 */
import { type Endpoint, endpointKey } from '../keys/endpoint.js';

/** Sizes of the proven set and the cookie cache. */
export interface CookieLimits {
  /** Endpoints remembered as proven, LRU. */
  readonly provenMax: number;
  /** How long an endpoint stays proven after its last proof. */
  readonly provenTtlMs: number;
  /** Cookies of other nodes remembered, LRU. */
  readonly cookiesMax: number;
  /** Lifetime of one cookie epoch. */
  readonly cookieEpochMs: number;
}

/**
 * The DHT's proven endpoints, its cookies, and the cookies other nodes gave it.
 * @example const c = new DhtCookies(rng.bytes(32), crypto.sha256, limits); c.cookie(now, ep);
 */
export class DhtCookies {
  private readonly secret: Uint8Array;
  private readonly sha256: (data: Uint8Array) => Uint8Array;
  private readonly limits: CookieLimits;
  private readonly proven = new Map<string, number>();
  /** The cookies other nodes gave us, with when each was given. */
  private readonly theirs = new Map<string, { cookie: number; atMs: number }>();

  constructor(secret: Uint8Array, sha256: (d: Uint8Array) => Uint8Array, limits: CookieLimits) {
    this.secret = secret;
    this.sha256 = sha256;
    this.limits = limits;
  }

  /** True while `ep` is proven. */
  isProven(nowMs: number, ep: Endpoint): boolean {
    const key = endpointKey(ep);
    const until = this.proven.get(key);
    if (until === undefined) return false;
    if (nowMs < until) return true;
    this.proven.delete(key);
    return false;
  }

  /** Records that `ep` proved its address. */
  prove(nowMs: number, ep: Endpoint): void {
    const key = endpointKey(ep);
    this.proven.delete(key);
    if (this.proven.size >= this.limits.provenMax)
      this.proven.delete(this.proven.keys().next().value as string);
    this.proven.set(key, nowMs + this.limits.provenTtlMs);
  }

  /** Our cookie for `ep` now. */
  cookie(nowMs: number, ep: Endpoint): number {
    return this.cookieAt(Math.floor(nowMs / this.limits.cookieEpochMs), ep);
  }

  /** True (and `ep` proven) when `cookie` is ours for `ep` in this epoch or the previous one. */
  echoed(nowMs: number, ep: Endpoint, cookie: number): boolean {
    if (cookie === 0) return false;
    const epoch = Math.floor(nowMs / this.limits.cookieEpochMs);
    if (cookie !== this.cookieAt(epoch, ep) && cookie !== this.cookieAt(epoch - 1, ep))
      return false;
    this.prove(nowMs, ep);
    return true;
  }

  /** Remembers the cookie `ep` gave us at `nowMs`. */
  remember(nowMs: number, ep: Endpoint, cookie: number): void {
    const key = endpointKey(ep);
    this.theirs.delete(key);
    if (this.theirs.size >= this.limits.cookiesMax)
      this.theirs.delete(this.theirs.keys().next().value as string);
    this.theirs.set(key, { cookie, atMs: nowMs });
  }

  /**
   * The cookie `ep` gave us, or 0 when it gave none or gave it more than one epoch ago: a cookie
   * is taken in its own epoch and the next, so one epoch after it was given it may be refused
   * (nodes of one cloud share `cookieEpochMs`), and a reader had better pad its request instead.
   */
  theirCookie(nowMs: number, ep: Endpoint): number {
    const key = endpointKey(ep);
    const given = this.theirs.get(key);
    if (given === undefined) return 0;
    if (nowMs - given.atMs < this.limits.cookieEpochMs) return given.cookie;
    this.theirs.delete(key);
    return 0;
  }

  private cookieAt(epoch: number, ep: Endpoint): number {
    const n = this.secret.length;
    const input = new Uint8Array(n + 22);
    input.set(this.secret);
    new DataView(input.buffer).setUint32(n, epoch >>> 0, false);
    input.set(ep.address, n + 4);
    input[n + 20] = ep.port >> 8;
    input[n + 21] = ep.port & 0xff;
    const h = this.sha256(input);
    // Never 0: 0 means "no cookie" on the wire.
    return ((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0 || 1;
  }
}
