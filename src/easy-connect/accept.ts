/**
 * @module easy-connect/accept
 * The accepting side of the Easy Connect handshake as a sans-I/O node (docs/design.md §2).
 *
 * Theory of operation. `start(nowMs)` draws a session id and an ephemeral key and sends `hello`
 * to the offerer's endpoint (found by resolving the code's peer name), again every
 * `retransmitMs` until a `reply` comes back. The reply's share gives the keys
 * (easy-connect/pake.ts); its tag says whether the offerer knows the same password. Either way
 * the accepter sends `confirm` with its own tag, so the offer counts a failed attempt at once
 * instead of at its timeout; a wrong offerer tag ends the accept with `wrong-password`. With a
 * right tag the accepter waits for `done`: `accepted` with a valid tag connects; any other status
 * ends the accept with that status. Only datagrams from the offerer's endpoint for this session
 * count; everything else is dropped and counted. Nothing lasts past `timeoutMs`.
 */
import { type Endpoint, endpointsEqual } from '../keys/endpoint.js';
import { type Output, OutputQueue, type SansIoNode } from '../sans-io.js';
import { equalBytes } from '../util/bytes.js';
import type { Rng } from '../util/rng.js';
import { parseEasyConnectCode } from './code.js';
import { decodeEasyConnect, encodeEasyConnect, SESSION_ID_BYTES } from './codec.js';
import {
  confirmationOf,
  confirmTag,
  equalConstantTime,
  type PakeKeyPair,
  type PakeKeys,
  pakeKeyPair,
  pakeKeys,
} from './pake.js';

/** Default interval between retransmitted hellos and confirms. */
export const ACCEPT_RETRANSMIT_MS = 500;
/** Default time an accept may take before it ends with `timeout`. */
export const ACCEPT_TIMEOUT_MS = 10_000;

/** Why an accept ended without a connection. */
export type EasyConnectAcceptFailure =
  | 'wrong-password'
  | 'offer-closed'
  | 'busy'
  | 'timeout'
  | 'bad-reply';

/** What an accept reports (exactly one event, at its end). */
export type EasyConnectAcceptEvent =
  | {
      readonly type: 'connected';
      readonly offerer: Endpoint;
      /** 32 bytes both sides hold. */
      readonly sessionKey: Uint8Array;
      /** `XXXX-XXXX`, equal on both sides. */
      readonly confirmation: string;
    }
  | { readonly type: 'failed'; readonly reason: EasyConnectAcceptFailure };

/** Options of an {@link EasyConnectAccept}. */
export interface EasyConnectAcceptOptions {
  /** The password secret (`easyConnectSecret(password, code)`), 32 bytes. */
  readonly secret: Uint8Array;
  /** The code read out by the offerer (any accepted spelling). */
  readonly code: string;
  /** Where the offer listens (an endpoint of its resolved CPA). */
  readonly offerer: Endpoint;
  readonly rng: Rng;
  /** @default 500 */
  readonly retransmitMs?: number;
  /** @default 10000 */
  readonly timeoutMs?: number;
}

/** Counters of an accept. */
export interface EasyConnectAcceptStats {
  /** Datagrams sent (hellos and confirms, retransmits included). */
  sent: number;
  /** Datagrams dropped: undecodable, from elsewhere, another session, or out of turn. */
  dropped: number;
}

/**
 * The accepting side of an Easy Connect handshake.
 * @example
 * const accept = new EasyConnectAccept({ secret, code, offerer: found.endpoints[0], rng });
 * const running = runNode(accept, transport, timers, { onEvent });
 * running.command((n, now) => n.start(now));
 */
export class EasyConnectAccept implements SansIoNode<EasyConnectAcceptEvent> {
  readonly offerer: Endpoint;
  readonly stats: EasyConnectAcceptStats = { sent: 0, dropped: 0 };
  private readonly code: string;
  private readonly secret: Uint8Array;
  private readonly rng: Rng;
  private readonly retransmitMs: number;
  private readonly timeoutMs: number;
  private readonly out = new OutputQueue<EasyConnectAcceptEvent>();
  private stateValue: 'idle' | 'hello-sent' | 'confirm-sent' | 'done' = 'idle';
  private session: Uint8Array = new Uint8Array(SESSION_ID_BYTES);
  private mine: PakeKeyPair | undefined;
  private keys: PakeKeys | undefined;
  private offerShare: Uint8Array | undefined;
  private pending: Uint8Array | undefined;
  private nextSendMs = Number.POSITIVE_INFINITY;
  private deadlineMs = Number.POSITIVE_INFINITY;
  private lastMs = Number.NEGATIVE_INFINITY;

  constructor(options: EasyConnectAcceptOptions) {
    if (!(options.secret instanceof Uint8Array) || options.secret.length !== 32)
      throw new RangeError('secret must be 32 bytes (easyConnectSecret)');
    const code = parseEasyConnectCode(options.code);
    if (!code.ok) throw new RangeError(code.error.detail);
    this.code = code.value;
    this.secret = options.secret.slice();
    this.offerer = { address: options.offerer.address.slice(), port: options.offerer.port };
    this.rng = options.rng;
    this.retransmitMs = options.retransmitMs ?? ACCEPT_RETRANSMIT_MS;
    this.timeoutMs = options.timeoutMs ?? ACCEPT_TIMEOUT_MS;
    if (!Number.isFinite(this.retransmitMs) || this.retransmitMs < 10)
      throw new RangeError('retransmitMs must be >= 10');
    if (!Number.isFinite(this.timeoutMs) || this.timeoutMs < this.retransmitMs)
      throw new RangeError('timeoutMs must be finite and >= retransmitMs');
  }

  /** `idle`, `hello-sent`, `confirm-sent` or `done` (after its one event). */
  get state(): 'idle' | 'hello-sent' | 'confirm-sent' | 'done' {
    return this.stateValue;
  }

  /** Sends the hello; call once. Throws when already started. */
  start(nowMs: number): void {
    this.advance(nowMs);
    if (this.stateValue !== 'idle') throw new Error('this accept has started already');
    this.session = this.rng.bytes(SESSION_ID_BYTES);
    this.mine = pakeKeyPair(this.secret, this.code, this.rng);
    this.deadlineMs = nowMs + this.timeoutMs;
    this.stateValue = 'hello-sent';
    this.pending = encodeEasyConnect({
      type: 'hello',
      session: this.session,
      share: this.mine.share,
    });
    this.transmit(nowMs);
  }

  private advance(nowMs: number): void {
    if (nowMs < this.lastMs)
      throw new RangeError(`nowMs went backwards: ${nowMs} < ${this.lastMs}`);
    this.lastMs = nowMs;
  }

  private transmit(nowMs: number): void {
    this.stats.sent++;
    this.out.push({ type: 'transmit', to: this.offerer, payload: this.pending! });
    this.nextSendMs = nowMs + this.retransmitMs;
  }

  private finish(event: EasyConnectAcceptEvent): void {
    this.stateValue = 'done';
    this.pending = undefined;
    this.nextSendMs = Number.POSITIVE_INFINITY;
    this.deadlineMs = Number.POSITIVE_INFINITY;
    this.out.push({ type: 'event', event });
  }

  handleDatagram(nowMs: number, from: Endpoint, payload: Uint8Array): void {
    this.advance(nowMs);
    const decoded = decodeEasyConnect(payload);
    if (
      !decoded.ok ||
      !endpointsEqual(from, this.offerer) ||
      !equalBytes(decoded.value.session, this.session)
    ) {
      this.stats.dropped++;
      return;
    }
    const m = decoded.value;
    if (m.type === 'reply' && this.stateValue === 'hello-sent') return this.onReply(nowMs, m);
    if (m.type === 'done' && this.stateValue !== 'idle' && this.stateValue !== 'done') {
      if (m.status !== 'accepted') return this.finish({ type: 'failed', reason: m.status });
      if (this.stateValue !== 'confirm-sent') {
        this.stats.dropped++;
        return;
      }
      const expected = confirmTag(
        this.keys!.offererConfirm,
        this.session,
        this.mine!.share,
        this.offerShare!,
        'done',
      );
      if (!equalConstantTime(m.tag, expected)) {
        this.stats.dropped++;
        return;
      }
      return this.finish({
        type: 'connected',
        offerer: this.offerer,
        sessionKey: this.keys!.session.slice(),
        confirmation: confirmationOf(this.keys!.session),
      });
    }
    this.stats.dropped++;
  }

  private onReply(nowMs: number, m: { share: Uint8Array; tag: Uint8Array }): void {
    const mine = this.mine!;
    const keys = pakeKeys(mine.scalar, m.share, this.session, mine.share, m.share);
    if (!keys) return this.finish({ type: 'failed', reason: 'bad-reply' });
    const theirs = confirmTag(keys.offererConfirm, this.session, mine.share, m.share);
    const ours = confirmTag(keys.accepterConfirm, this.session, mine.share, m.share);
    this.pending = encodeEasyConnect({ type: 'confirm', session: this.session, tag: ours });
    if (!equalConstantTime(m.tag, theirs)) {
      // Tell the offer at once (it counts the failed attempt), then give up.
      this.stats.sent++;
      this.out.push({ type: 'transmit', to: this.offerer, payload: this.pending });
      return this.finish({ type: 'failed', reason: 'wrong-password' });
    }
    this.keys = keys;
    this.offerShare = m.share;
    this.stateValue = 'confirm-sent';
    this.transmit(nowMs);
  }

  handleTimeout(nowMs: number): void {
    this.advance(nowMs);
    if (this.stateValue === 'idle' || this.stateValue === 'done') return;
    if (nowMs >= this.deadlineMs) return this.finish({ type: 'failed', reason: 'timeout' });
    if (nowMs >= this.nextSendMs) this.transmit(nowMs);
  }

  poll(): Output<EasyConnectAcceptEvent> {
    const next = this.out.shift();
    if (next) return next;
    return { type: 'timeout', atMs: Math.min(this.nextSendMs, this.deadlineMs) };
  }
}
