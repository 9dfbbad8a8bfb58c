/**
 * @module peer/direct-reach
 * "Reach this resolved peer directly" (issue 16): the async side of `PunchNode`. {@link startPunch}
 * runs a `PunchNode` on the rendezvous half of a socket (`splitPunchTransport`) and feeds it the
 * other half's traffic; {@link reachDirect} takes what a resolve returned (the CPA's endpoints)
 * and resolves with a confirmed direct endpoint: at once when the peer's datagrams already arrive
 * directly (a public peer, or a hole an automatic punch opened during the resolve), else after a
 * punch through a rendezvous. It then exchanges `pings` probes with the peer over that path.
 * Failures reject with `PnrpError`: `TIMEOUT` (reason `punch:timeout`, `punch:refused`,
 * `punch:no-rendezvous`), `BUSY`, `CANCELLED`.
 */
import { type Endpoint, formatEndpoint } from '../keys/endpoint.js';
import { PunchNode } from '../nat/punch-node.js';
import type { PunchSplit } from '../nat/punch-split.js';
import type { PunchEvent, PunchOptions } from '../nat/punch-types.js';
import { realTimers } from '../runtime.js';
import { type RunningNode, runNode, type Timers } from '../transport-adapter.js';
import { toHex } from '../util/bytes.js';
import { PnrpError } from './error.js';

/** A running `PunchNode` and its event listeners. */
export interface PunchHandle {
  readonly running: RunningNode<PunchNode>;
  /** The clock and timers it runs on. */
  readonly timers: Timers;
  /** Adds a listener; returns its removal. */
  on(listener: (event: PunchEvent) => void): () => void;
  /** Stops the node and the observation of the other half. */
  stop(): void;
}

/**
 * Starts a `PunchNode` on `split.punch`, observing `split.rest`.
 * @example const punch = startPunch(splitPunchTransport(stun.pnrp), { rng: systemRng(), autoPunch: true });
 */
export function startPunch(split: PunchSplit, options: PunchOptions, timers?: Timers): PunchHandle {
  const listeners = new Set<(event: PunchEvent) => void>();
  const clock = timers ?? realTimers();
  const running = runNode(new PunchNode(options), split.punch, clock, {
    onEvent: (e) => {
      for (const l of [...listeners]) l(e);
    },
  });
  split.observe({
    heard: (from) => {
      if (!running.stopped) running.command((n, now) => n.noteHeard(now, from));
    },
    sent: (to, payload) => {
      if (!running.stopped) running.command((n, now) => n.noteSent(now, to, payload));
    },
  });
  return {
    running,
    timers: clock,
    on: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    stop: () => {
      split.observe(undefined);
      running.stop();
    },
  };
}

/** Options of {@link reachDirect}. */
export interface ReachDirectOptions {
  /** Rendezvous to ask (default: the node's live keep-alive peers and the peers heard lately). */
  readonly rendezvous?: readonly Endpoint[];
  /** Probes exchanged over the path once open (0..255). @default 0 */
  readonly pings?: number;
  /** How long the pings may take. @default 2000 */
  readonly pingTimeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** A confirmed direct path to a peer. */
export interface DirectPath {
  /** The peer's endpoint, as its datagrams arrive. */
  readonly endpoint: Endpoint;
  /** True when the peer was already reachable (no punch was needed now). */
  readonly alreadyDirect: boolean;
  /** Time from the punch's start to the first direct datagram (0 when already direct). */
  readonly punchMs: number;
  /** Round trips of the pings that came back, by seq. */
  readonly pongs: readonly {
    readonly seq: number;
    readonly rttMs: number;
    readonly from: Endpoint;
  }[];
}

/**
 * Resolves with a confirmed direct endpoint of the peer whose resolve returned `endpoints` (its
 * CPA's PNRP endpoints), punching a hole if need be; see the module header.
 * @example const path = await reachDirect(punch, result.pnrpEndpoints, { pings: 3 });
 */
export async function reachDirect(
  punch: PunchHandle,
  endpoints: readonly Endpoint[],
  options: ReachDirectOptions = {},
): Promise<DirectPath> {
  if (endpoints.length === 0) throw new PnrpError('INVALID_ARGUMENT', 'no endpoint to reach');
  const pings = options.pings ?? 0;
  if (!Number.isInteger(pings) || pings < 0 || pings > 255)
    throw new PnrpError('INVALID_ARGUMENT', 'pings must be an integer in 0..255');
  let last: PnrpError | undefined;
  for (const target of endpoints) {
    try {
      const opened = await open(punch, target, options);
      const pongs = pings > 0 ? await exchange(punch, opened.txid, pings, options) : [];
      return {
        endpoint: opened.endpoint,
        alreadyDirect: opened.already,
        punchMs: opened.ms,
        pongs,
      };
    } catch (e) {
      if (!(e instanceof PnrpError) || e.code === 'CANCELLED') throw e;
      last = e;
    }
  }
  throw last!;
}

async function open(
  punch: PunchHandle,
  target: Endpoint,
  options: ReachDirectOptions,
): Promise<{ txid: Uint8Array; endpoint: Endpoint; already: boolean; ms: number }> {
  const existing = punch.running.command((n) => n.openPunch(target));
  if (existing) return { txid: existing, endpoint: target, already: true, ms: 0 };
  return new Promise((resolve, reject) => {
    let txid = '';
    const done = (): void => {
      off();
      options.signal?.removeEventListener('abort', abort);
    };
    const abort = (): void => {
      done();
      reject(new PnrpError('CANCELLED', 'reachDirect was cancelled'));
    };
    const off = punch.on((e) => {
      if (e.type === 'pong' || toHex(e.txid) !== txid) return;
      done();
      if (e.type === 'punched')
        resolve({ txid: e.txid, endpoint: e.peer, already: false, ms: e.elapsedMs });
      else
        reject(
          new PnrpError(
            e.reason === 'busy' ? 'BUSY' : 'TIMEOUT',
            `no direct path to ${formatEndpoint(target)}: ${e.reason}`,
            { endpoints: [formatEndpoint(target)], reason: `punch:${e.reason}` },
          ),
        );
    });
    if (options.signal?.aborted) return abort();
    options.signal?.addEventListener('abort', abort);
    const already = punch.running.command((n, now) => n.isDirect(now, target));
    // Even a peer heard from lately gets a punch: its probes and acknowledgements carry the pings.
    txid = toHex(
      punch.running.command((n, now) => n.punch(now, target, already ? [] : options.rendezvous)),
    );
  });
}

function exchange(
  punch: PunchHandle,
  txid: Uint8Array,
  count: number,
  options: ReachDirectOptions,
): Promise<DirectPath['pongs']> {
  const pongs: { seq: number; rttMs: number; from: Endpoint }[] = [];
  const key = toHex(txid);
  return new Promise((resolve, reject) => {
    const timers = punch.timers;
    const timer = timers.arm(timers.nowMs() + (options.pingTimeoutMs ?? 2000), () => finish());
    const finish = (): void => {
      timer.cancel();
      off();
      if (pongs.length === 0)
        reject(
          new PnrpError('TIMEOUT', 'the punched path carried no ping', { reason: 'punch:no-pong' }),
        );
      else resolve(pongs);
    };
    const off = punch.on((e) => {
      if (e.type !== 'pong' || toHex(e.txid) !== key) return;
      pongs.push({ seq: e.seq, rttMs: e.rttMs, from: e.from });
      if (pongs.length === count) finish();
    });
    punch.running.command((n, now) => {
      for (let seq = 1; seq <= count; seq++) n.ping(now, txid, seq);
    });
  });
}
