/**
 * @module easy-connect/offer
 * The offering side of the Easy Connect handshake as a sans-I/O node (docs/design.md §2).
 *
 * Theory of operation. An offer holds the password secret and the code. Each `hello` from a new
 * (endpoint, session id) starts a handshake: the offer draws its ephemeral key, derives the keys
 * (easy-connect/pake.ts) and answers `reply` (its share and its confirmation tag). The accepter
 * answers `confirm` with its tag; a tag that matches in constant time connects (event
 * `connected`, answer `done accepted` with a tag of its own), one that does not is a failed
 * attempt (`done wrong-password`). A handshake that gets no `confirm` within `sessionTimeoutMs`
 * fails too: the `reply` already let its sender test one password guess.
 *
 * Guessing is bounded: at most `attemptsMax` handshakes start per offer, so at most that many
 * guesses are tested; when all of them failed the offer closes (event `closed`). A `hello` that
 * cannot start (the offer connected or closed, `sessionsMax` handshakes in flight, or the hello
 * rate spent) is answered with a `done` saying why, the same size as the hello, at most
 * {@link HELLO_ANSWERS_PER_SECOND} a second. Retransmitted `hello`s and `confirm`s get the same
 * answer again and start nothing. After `connected` the offer keeps answering the connected
 * accepter's retransmitted `confirm` until the driver drops it.
 */
import { type Endpoint, endpointKey } from '../keys/endpoint.js';
import { type Output, OutputQueue, type SansIoNode } from '../sans-io.js';
import { toHex } from '../util/bytes.js';
import type { Rng } from '../util/rng.js';
import { TokenBucket } from '../util/token-bucket.js';
import { parseEasyConnectCode } from './code.js';
import { type DoneStatus, decodeEasyConnect, encodeEasyConnect } from './codec.js';
import {
  confirmationOf,
  confirmTag,
  equalConstantTime,
  type PakeKeys,
  pakeKeyPair,
  pakeKeys,
} from './pake.js';

/** Default handshakes an offer runs before it closes (password guesses it allows). */
export const OFFER_ATTEMPTS_MAX = 5;
/** Default handshakes in flight at once. */
export const OFFER_SESSIONS_MAX = 4;
/** Default time a handshake waits for its `confirm`. */
export const OFFER_SESSION_TIMEOUT_MS = 15_000;
/** Hellos that may start a handshake per second (each costs two scalar multiplications). */
export const HELLOS_PER_SECOND = 4;
/** Answers per second to hellos that start nothing (same size as the hello). */
export const HELLO_ANSWERS_PER_SECOND = 20;

/** Options of an {@link EasyConnectOffer}. */
export interface EasyConnectOfferOptions {
  /** The password secret (`easyConnectSecret(password, code)`), 32 bytes. */
  readonly secret: Uint8Array;
  /** The offer's code (any accepted spelling). */
  readonly code: string;
  readonly rng: Rng;
  /** Handshakes before the offer closes, 1..100. @default 5 */
  readonly attemptsMax?: number;
  /** Handshakes in flight at once, 1..64. @default 4 */
  readonly sessionsMax?: number;
  /** Wait for a `confirm`, 100..600000 ms. @default 15000 */
  readonly sessionTimeoutMs?: number;
}

/** What an offer reports. */
export type EasyConnectOfferEvent =
  | { readonly type: 'attempt'; readonly from: Endpoint; readonly attempt: number }
  | {
      readonly type: 'attempt-failed';
      readonly from: Endpoint;
      readonly reason: 'wrong-password' | 'timeout';
      /** Failed handshakes so far. */
      readonly failures: number;
      readonly attemptsMax: number;
    }
  | {
      readonly type: 'connected';
      readonly peer: Endpoint;
      /** 32 bytes both sides hold. */
      readonly sessionKey: Uint8Array;
      /** `XXXX-XXXX`, equal on both sides. */
      readonly confirmation: string;
    }
  | { readonly type: 'closed'; readonly reason: 'too-many-attempts' };

/** Counters of an offer. */
export interface EasyConnectOfferStats {
  /** Datagrams that did not decode, or were not for an offer. */
  dropped: number;
  /** Hellos whose share was not a valid element. */
  badShares: number;
  /** Hellos answered without starting a handshake (busy, closed, connected). */
  refusedHellos: number;
  /** Answers not sent because the answer rate was spent. */
  answersLimited: number;
  /** Handshakes started. */
  attempts: number;
  /** Handshakes that failed (wrong password or no confirm). */
  failures: number;
}

interface Session {
  readonly from: Endpoint;
  readonly keys: PakeKeys;
  readonly reply: Uint8Array;
  readonly helloShare: Uint8Array;
  readonly offerShare: Uint8Array;
  readonly deadlineMs: number;
  /** The `done` sent once the confirm was judged (answered again to retransmits). */
  done?: Uint8Array;
}

function bounded(
  value: number | undefined,
  fallback: number,
  min: number,
  max: number,
  name: string,
) {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min || v > max)
    throw new RangeError(`${name} must be an integer in ${min}..${max}, got ${v}`);
  return v;
}

/**
 * The offering side of an Easy Connect handshake. Drive it with `runNode` or the simulator.
 * @example
 * const offer = new EasyConnectOffer({ secret: easyConnectSecret(password, code), code, rng });
 * runNode(offer, transport, timers, { onEvent: (e) => e.type === 'connected' && done(e) });
 */
export class EasyConnectOffer implements SansIoNode<EasyConnectOfferEvent> {
  readonly code: string;
  readonly attemptsMax: number;
  readonly stats: EasyConnectOfferStats = {
    dropped: 0,
    badShares: 0,
    refusedHellos: 0,
    attempts: 0,
    answersLimited: 0,
    failures: 0,
  };
  private readonly secret: Uint8Array;
  private readonly rng: Rng;
  private readonly sessionsMax: number;
  private readonly sessionTimeoutMs: number;
  private readonly sessions = new Map<string, Session>();
  private readonly out = new OutputQueue<EasyConnectOfferEvent>();
  private readonly hellos = new TokenBucket({ ratePerSecond: HELLOS_PER_SECOND, burst: 4 });
  private readonly answers = new TokenBucket({
    ratePerSecond: HELLO_ANSWERS_PER_SECOND,
    burst: HELLO_ANSWERS_PER_SECOND,
  });
  private stateValue: 'open' | 'connected' | 'closed' = 'open';
  private lastMs = Number.NEGATIVE_INFINITY;

  constructor(options: EasyConnectOfferOptions) {
    if (!(options.secret instanceof Uint8Array) || options.secret.length !== 32)
      throw new RangeError('secret must be 32 bytes (easyConnectSecret)');
    const code = parseEasyConnectCode(options.code);
    if (!code.ok) throw new RangeError(code.error.detail);
    this.code = code.value;
    this.secret = options.secret.slice();
    this.rng = options.rng;
    this.attemptsMax = bounded(options.attemptsMax, OFFER_ATTEMPTS_MAX, 1, 100, 'attemptsMax');
    this.sessionsMax = bounded(options.sessionsMax, OFFER_SESSIONS_MAX, 1, 64, 'sessionsMax');
    this.sessionTimeoutMs = bounded(
      options.sessionTimeoutMs,
      OFFER_SESSION_TIMEOUT_MS,
      100,
      600_000,
      'sessionTimeoutMs',
    );
  }

  /** `open` (waiting), `connected` (one accepter got in) or `closed` (attempts spent). */
  get state(): 'open' | 'connected' | 'closed' {
    return this.stateValue;
  }

  private advance(nowMs: number): void {
    if (nowMs < this.lastMs)
      throw new RangeError(`nowMs went backwards: ${nowMs} < ${this.lastMs}`);
    this.lastMs = nowMs;
  }

  handleDatagram(nowMs: number, from: Endpoint, payload: Uint8Array): void {
    this.advance(nowMs);
    const decoded = decodeEasyConnect(payload);
    if (!decoded.ok) {
      this.stats.dropped++;
      return;
    }
    const m = decoded.value;
    const key = `${endpointKey(from)}/${toHex(m.session)}`;
    const session = this.sessions.get(key);
    if (m.type === 'hello') {
      if (session) return this.send(from, session.done ?? session.reply);
      return this.startSession(nowMs, from, key, m.session, m.share);
    }
    if (m.type === 'confirm' && !session && this.stateValue !== 'open')
      return this.refuse(nowMs, from, m.session, 'offer-closed'); // a handshake it dropped
    if (m.type !== 'confirm' || !session) {
      this.stats.dropped++;
      return;
    }
    if (session.done) return this.send(from, session.done);
    this.judge(from, session, m.session, m.tag);
    this.expire(nowMs);
  }

  private refuse(nowMs: number, to: Endpoint, session: Uint8Array, status: DoneStatus): void {
    this.stats.refusedHellos++;
    if (!this.answers.take(nowMs)) {
      this.stats.answersLimited++;
      return;
    }
    this.send(to, encodeEasyConnect({ type: 'done', session, status, tag: new Uint8Array(32) }));
  }

  private startSession(
    nowMs: number,
    from: Endpoint,
    key: string,
    session: Uint8Array,
    helloShare: Uint8Array,
  ): void {
    this.expire(nowMs);
    if (this.stateValue !== 'open') return this.refuse(nowMs, from, session, 'offer-closed');
    if (this.stats.attempts >= this.attemptsMax || this.sessions.size >= this.sessionsMax)
      return this.refuse(nowMs, from, session, 'busy');
    if (!this.hellos.take(nowMs)) return this.refuse(nowMs, from, session, 'busy');
    const mine = pakeKeyPair(this.secret, this.code, this.rng);
    const keys = pakeKeys(mine.scalar, helloShare, session, helloShare, mine.share);
    if (!keys) {
      this.hellos.refund();
      this.stats.badShares++;
      return;
    }
    this.stats.attempts++;
    const tag = confirmTag(keys.offererConfirm, session, helloShare, mine.share);
    const reply = encodeEasyConnect({ type: 'reply', session, share: mine.share, tag });
    this.sessions.set(key, {
      from,
      keys,
      reply,
      helloShare,
      offerShare: mine.share,
      deadlineMs: nowMs + this.sessionTimeoutMs,
    });
    this.event({ type: 'attempt', from, attempt: this.stats.attempts });
    this.send(from, reply);
  }

  private judge(from: Endpoint, s: Session, id: Uint8Array, tag: Uint8Array): void {
    const expected = confirmTag(s.keys.accepterConfirm, id, s.helloShare, s.offerShare);
    if (equalConstantTime(tag, expected) && this.stateValue === 'open') {
      this.stateValue = 'connected';
      const done = confirmTag(s.keys.offererConfirm, id, s.helloShare, s.offerShare, 'done');
      s.done = encodeEasyConnect({ type: 'done', session: id, status: 'accepted', tag: done });
      // Other handshakes in flight can no longer connect: forget them.
      for (const [k, other] of this.sessions) if (other !== s) this.sessions.delete(k);
      this.event({
        type: 'connected',
        peer: from,
        sessionKey: s.keys.session.slice(),
        confirmation: confirmationOf(s.keys.session),
      });
    } else {
      s.done = encodeEasyConnect({
        type: 'done',
        session: id,
        status: this.stateValue === 'open' ? 'wrong-password' : 'offer-closed',
        tag: new Uint8Array(32),
      });
      this.fail(from, 'wrong-password');
    }
    this.send(from, s.done);
  }

  private fail(from: Endpoint, reason: 'wrong-password' | 'timeout'): void {
    this.stats.failures++;
    this.event({
      type: 'attempt-failed',
      from,
      reason,
      failures: this.stats.failures,
      attemptsMax: this.attemptsMax,
    });
    if (this.stateValue === 'open' && this.stats.failures >= this.attemptsMax) {
      this.stateValue = 'closed';
      this.event({ type: 'closed', reason: 'too-many-attempts' });
    }
  }

  /** Ends handshakes past their deadline: unconfirmed ones count as failed attempts. */
  private expire(nowMs: number): void {
    for (const [key, s] of this.sessions) {
      if (s.deadlineMs > nowMs) continue;
      this.sessions.delete(key);
      if (!s.done && this.stateValue === 'open') this.fail(s.from, 'timeout');
    }
  }

  handleTimeout(nowMs: number): void {
    this.advance(nowMs);
    this.expire(nowMs);
  }

  poll(): Output<EasyConnectOfferEvent> {
    const next = this.out.shift();
    if (next) return next;
    let atMs = Number.POSITIVE_INFINITY;
    for (const s of this.sessions.values()) atMs = Math.min(atMs, s.deadlineMs);
    return { type: 'timeout', atMs };
  }

  private send(to: Endpoint, payload: Uint8Array): void {
    this.out.push({ type: 'transmit', to, payload });
  }

  private event(event: EasyConnectOfferEvent): void {
    this.out.push({ type: 'event', event });
  }
}
