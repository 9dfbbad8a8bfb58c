/**
 * @module peer/easy-connect
 * Easy Connect over a real transport (issue 16 Build 4), the async side of easy-connect/: one
 * socket is split (easy-connect/split.ts) between a short-lived `createPeer` and the handshake
 * node.
 *
 * - {@link offerEasyConnect}: makes a fresh identity, derives its code, publishes
 *   `0.EasyConnect-<code>` signed by that identity with the socket's endpoints, and runs an
 *   {@link EasyConnectOffer} until one accepter proves the password (`connected`) or the offer's
 *   attempts are spent (`OFFER_CLOSED`).
 * - {@link acceptEasyConnect}: resolves the code's peer name, keeps the instances whose key hashes
 *   to the code, and runs an {@link EasyConnectAccept} against their endpoints in turn.
 *
 * Both sides end knowing the other's endpoint and a 32-byte session key. Where the offerer sits
 * behind a NAT that filters, its published endpoint needs the hole punching or relays of
 * src/nat/ (not used here); an offerer with a public address works from any accepter.
 */

import { EasyConnectAccept, type EasyConnectAcceptEvent } from '../easy-connect/accept.js';
import {
  codeMatchesKey,
  easyConnectCodeOf,
  easyConnectPeerName,
  formatEasyConnectCode,
  parseEasyConnectCode,
} from '../easy-connect/code.js';
import { EasyConnectOffer, type EasyConnectOfferEvent } from '../easy-connect/offer.js';
import { easyConnectSecretAsync } from '../easy-connect/pake.js';
import { splitEasyConnectTransport } from '../easy-connect/split.js';
import type { CryptoBackend } from '../keys/crypto-backend.js';
import type { Endpoint } from '../keys/endpoint.js';
import { createIdentity } from '../keys/identity.js';
import type { Logger } from '../log.js';
import type { RegistrationEndpoint } from '../pnrp/types.js';
import { realTimers, systemRng } from '../runtime.js';
import { type DatagramTransport, runNode, type Timers } from '../transport-adapter.js';
import type { Rng } from '../util/rng.js';
import { createPeer } from './create-peer.js';
import type { HostResolver } from './host-bootstrap.js';
import type { Peer, PeerBootstrap } from './types.js';

/**
 * Why an Easy Connect failed.
 * - `INVALID_CODE`: the code is not 12 symbols of the alphabet (`message` says which symbol).
 * - `NOT_FOUND`: nothing is published under the code's peer name (offer gone or never made).
 * - `NO_MATCH`: instances were found, but none has a key that hashes to the code (a squatter).
 * - `WRONG_PASSWORD`: the handshake ran and the passwords differ.
 * - `OFFER_CLOSED`: the offer spent its attempts, or connected someone else.
 * - `BUSY`: the offer runs as many handshakes as it allows; retry shortly.
 * - `TIMEOUT`: no answer in time (joining, resolving or the handshake).
 * - `ALONE`: the cloud could not be joined through the bootstrap nodes.
 * - `CANCELLED`: the caller's signal fired.
 */
export type EasyConnectErrorCode =
  | 'INVALID_CODE'
  | 'NOT_FOUND'
  | 'NO_MATCH'
  | 'WRONG_PASSWORD'
  | 'OFFER_CLOSED'
  | 'BUSY'
  | 'TIMEOUT'
  | 'ALONE'
  | 'CANCELLED';

/**
 * An Easy Connect failed; `code` says why.
 * @example catch (e) { if (e instanceof EasyConnectError && e.code === 'WRONG_PASSWORD') askAgain(); }
 */
export class EasyConnectError extends Error {
  readonly code: EasyConnectErrorCode;
  constructor(code: EasyConnectErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EasyConnectError';
    this.code = code;
  }
}

/** A completed Easy Connect. */
export interface EasyConnection {
  /** The other side's endpoint (as this side sees it). */
  readonly peer: Endpoint;
  /** 32 bytes both sides hold; secret. */
  readonly sessionKey: Uint8Array;
  /** `XXXX-XXXX`, equal on both sides, for the two people to compare. */
  readonly confirmation: string;
}

/** What offers and accepts share. */
export interface EasyConnectCommonOptions {
  /** The socket to use for the cloud and the handshake (not closed here). */
  readonly transport: DatagramTransport;
  readonly password: string;
  /** Bootstrap of the cloud. @default none (the first node of a cloud) */
  readonly bootstrap?: PeerBootstrap;
  /** Looks up bootstrap host names (`dnsResolver` from `pnrp/node`). */
  readonly resolveHost?: HostResolver;
  /** @default 'Global_' */
  readonly cloud?: string;
  readonly crypto?: CryptoBackend;
  /** @default realTimers() */
  readonly timers?: Timers;
  /** @default systemRng() */
  readonly rng?: Rng;
  /** scrypt cost (log2 N) of the password secret; both sides must agree. @default 15 */
  readonly kdfLogN?: number;
  /** Longest wait to join the cloud. @default 15000 */
  readonly joinTimeoutMs?: number;
  readonly logger?: Logger;
}

/** Options of {@link offerEasyConnect}. */
export interface OfferEasyConnectOptions extends EasyConnectCommonOptions {
  /** Handshakes (password guesses) the offer allows before it closes. @default 5 */
  readonly attemptsMax?: number;
  /** Endpoints to publish. @default the transport's `localEndpoints()` */
  readonly endpoints?: readonly RegistrationEndpoint[];
  /** Every event of the offer node (attempts, failures) as it happens. */
  readonly onEvent?: (event: EasyConnectOfferEvent) => void;
}

/** A published offer. */
export interface EasyConnectOfferHandle {
  /** The code to read out, `XXXX-XXXX-XXXX`. */
  readonly code: string;
  readonly peerName: string;
  /** The endpoints published in the CPA. */
  readonly endpoints: readonly Endpoint[];
  /** Settles once: the accepter that proved the password, or `OFFER_CLOSED`. */
  readonly connected: Promise<EasyConnection>;
  /** Stops answering and revokes the registration; idempotent. */
  close(): Promise<void>;
}

async function joinedPeer(
  options: EasyConnectCommonOptions,
  rest: DatagramTransport,
  extra: { identity?: ReturnType<typeof createIdentity> },
): Promise<Peer> {
  const peer = createPeer({
    transport: rest,
    clouds: [options.cloud ?? 'Global_'],
    closeTransports: false,
    ...(options.bootstrap ? { bootstrap: options.bootstrap } : {}),
    ...(options.resolveHost ? { resolveHost: options.resolveHost } : {}),
    ...(options.crypto ? { crypto: options.crypto } : {}),
    ...(options.timers ? { timers: options.timers } : {}),
    ...(options.rng ? { rng: options.rng } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(extra.identity ? { identity: extra.identity } : {}),
  });
  const hasBootstrap =
    options.bootstrap !== undefined &&
    (!Array.isArray(options.bootstrap) || options.bootstrap.length > 0);
  if (!hasBootstrap) return peer;
  try {
    await peer.whenActive({ timeoutMs: options.joinTimeoutMs ?? 15_000 });
  } catch (e) {
    await peer.close();
    throw new EasyConnectError('ALONE', `cannot join the cloud: ${(e as Error).message}`, {
      cause: e,
    });
  }
  return peer;
}

/**
 * Publishes a new offer and waits for one accepter that knows `password`.
 * @example
 * const offer = await offerEasyConnect({ transport, password: 'tulip', bootstrap: ['203.0.113.10:3540'] });
 * console.log(`read out ${offer.code}`);
 * const { peer, confirmation } = await offer.connected;
 */
export async function offerEasyConnect(
  options: OfferEasyConnectOptions,
): Promise<EasyConnectOfferHandle> {
  const rng = options.rng ?? systemRng();
  const identity = createIdentity(rng.bytes(32), options.crypto);
  const code = easyConnectCodeOf(identity.publicKey);
  const secret = await easyConnectSecretAsync(
    options.password,
    code,
    options.kdfLogN !== undefined ? { logN: options.kdfLogN } : {},
  );
  const offer = new EasyConnectOffer({
    secret,
    code,
    rng: rng.fork('easy-connect offer'),
    ...(options.attemptsMax !== undefined ? { attemptsMax: options.attemptsMax } : {}),
  });
  const split = splitEasyConnectTransport(options.transport);
  let settle: { resolve(c: EasyConnection): void; reject(e: unknown): void } | undefined;
  const connected = new Promise<EasyConnection>((resolve, reject) => {
    settle = { resolve, reject };
  });
  connected.catch(() => {}); // callers that never await it do not see an unhandled rejection
  const running = runNode(offer, split.handshake, options.timers ?? realTimers(), {
    onEvent: (e) => {
      options.onEvent?.(e);
      if (e.type === 'connected')
        settle?.resolve({ peer: e.peer, sessionKey: e.sessionKey, confirmation: e.confirmation });
      else if (e.type === 'closed')
        settle?.reject(
          new EasyConnectError(
            'OFFER_CLOSED',
            `${offer.attemptsMax} failed attempts: offer closed`,
          ),
        );
    },
  });
  let peer: Peer | undefined;
  const peerName = easyConnectPeerName(code);
  const endpoints = (options.endpoints ?? split.rest.localEndpoints()).map((e) => ({
    address: e.address.slice(),
    port: e.port,
  }));
  try {
    peer = await joinedPeer(options, split.rest, { identity });
    await peer.register({ peerName, endpoints });
  } catch (e) {
    running.stop();
    await peer?.close();
    options.transport.attach(undefined);
    throw e;
  }
  let closed = false;
  return {
    code: formatEasyConnectCode(code),
    peerName,
    endpoints,
    connected,
    async close() {
      if (closed) return;
      closed = true;
      running.stop();
      settle?.reject(new EasyConnectError('CANCELLED', 'the offer was closed'));
      await peer?.close();
      options.transport.attach(undefined);
    },
  };
}

/** Options of {@link acceptEasyConnect}. */
export interface AcceptEasyConnectOptions extends EasyConnectCommonOptions {
  /** Longest wait for the resolve. @default 15000 */
  readonly resolveTimeoutMs?: number;
  /** Longest handshake with one endpoint of the offer. @default 10000 */
  readonly handshakeTimeoutMs?: number;
}

const FAILURE_CODES: Readonly<Record<string, EasyConnectErrorCode>> = {
  'wrong-password': 'WRONG_PASSWORD',
  'offer-closed': 'OFFER_CLOSED',
  busy: 'BUSY',
  timeout: 'TIMEOUT',
  'bad-reply': 'WRONG_PASSWORD',
};

const FAILURE_TEXT: Readonly<Record<string, string>> = {
  'wrong-password': 'wrong password (the offer counted one failed attempt)',
  'offer-closed': 'the offer is closed (its attempts are spent, or someone else connected)',
  busy: 'the offer is busy with other handshakes; try again shortly',
  timeout: 'the offer did not answer the handshake in time',
  'bad-reply': 'the offer answered with an invalid key share',
};

/** Most endpoints of the offer tried, one after another. */
const ACCEPT_ENDPOINTS_MAX = 4;

/**
 * Finds the offer of `code` and proves `password` to it.
 * @example
 * const { peer, confirmation } = await acceptEasyConnect('K7QX-3MNP-A9RT', { transport, password: 'tulip', bootstrap });
 */
export async function acceptEasyConnect(
  code: string,
  options: AcceptEasyConnectOptions,
): Promise<EasyConnection> {
  const parsed = parseEasyConnectCode(code);
  if (!parsed.ok) throw new EasyConnectError('INVALID_CODE', parsed.error.detail);
  const rng = options.rng ?? systemRng();
  const secret = await easyConnectSecretAsync(
    options.password,
    parsed.value,
    options.kdfLogN !== undefined ? { logN: options.kdfLogN } : {},
  );
  const split = splitEasyConnectTransport(options.transport);
  let peer: Peer | undefined;
  try {
    peer = await joinedPeer(options, split.rest, {});
    const targets = await findOffer(peer, parsed.value, options);
    await peer.close();
    let last: EasyConnectAcceptEvent = { type: 'failed', reason: 'timeout' };
    for (const offerer of targets) {
      last = await handshake(
        split.handshake,
        {
          secret,
          code: parsed.value,
          offerer,
          rng: rng.fork(`easy-connect accept ${offerer.port}`),
          timeoutMs: options.handshakeTimeoutMs ?? 10_000,
        },
        options.timers ?? realTimers(),
      );
      if (last.type === 'connected' || last.reason !== 'timeout') break;
    }
    if (last.type === 'connected')
      return { peer: last.offerer, sessionKey: last.sessionKey, confirmation: last.confirmation };
    const why = FAILURE_CODES[last.reason] ?? 'TIMEOUT';
    throw new EasyConnectError(why, FAILURE_TEXT[last.reason] ?? last.reason);
  } finally {
    if (peer && !peer.closed) await peer.close();
    options.transport.attach(undefined);
  }
}

/** The endpoints of instances whose key hashes to the code. */
async function findOffer(
  peer: Peer,
  code: string,
  options: AcceptEasyConnectOptions,
): Promise<Endpoint[]> {
  const peerName = easyConnectPeerName(code);
  let results: Awaited<ReturnType<Peer['resolve']>>;
  try {
    results = await peer.resolve(peerName, {
      maxResults: 5,
      timeoutMs: options.resolveTimeoutMs ?? 15_000,
    });
  } catch (e) {
    const timeout = (e as { code?: unknown }).code === 'TIMEOUT';
    throw new EasyConnectError(
      timeout ? 'TIMEOUT' : 'NOT_FOUND',
      `no offer found for ${formatEasyConnectCode(code)}: ${(e as Error).message}`,
      { cause: e },
    );
  }
  const matching = results.filter((r) => codeMatchesKey(code, r.cpa.publicKey));
  if (matching.length === 0)
    throw new EasyConnectError(
      'NO_MATCH',
      `${results.length} instance(s) of ${peerName} found, none signed by the key of the code`,
    );
  return matching
    .flatMap((r) => r.endpoints.map((e) => ({ address: e.address, port: e.port })))
    .slice(0, ACCEPT_ENDPOINTS_MAX);
}

/** Runs one accept node to its single event. */
function handshake(
  transport: DatagramTransport,
  options: ConstructorParameters<typeof EasyConnectAccept>[0],
  timers: Timers,
): Promise<EasyConnectAcceptEvent> {
  return new Promise((resolve) => {
    const accept = new EasyConnectAccept(options);
    const running = runNode(accept, transport, timers, {
      onEvent: (e) => {
        running.stop();
        resolve(e);
      },
    });
    running.command((n, now) => n.start(now));
  });
}
