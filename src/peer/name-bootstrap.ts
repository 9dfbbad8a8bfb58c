/**
 * @module peer/name-bootstrap
 * Bootstrapping a cloud through a peer name in another cloud, like DRT's PNRP bootstrap provider
 * (DrtCreatePnrpBootstrapResolver): nodes of the cloud publish `peerName` in a PNRP cloud with
 * their endpoints in the cloud being bootstrapped, and a joining node resolves the name to find
 * them. The DRT asks its provider synchronously; this provider answers with the endpoints of its
 * last resolve and refreshes them in the background, then asks the node to solicit again.
 */
import type { BootstrapProvider } from '../drt/bootstrap-provider.js';
import type { Endpoint } from '../keys/endpoint.js';
import type { Identity } from '../keys/identity.js';
import type { PeerRegistration } from './peer-registration.js';
import type { Peer } from './types.js';

/** Options of {@link peerNameBootstrap}. */
export interface PeerNameBootstrapOptions {
  /** The peer that resolves and publishes the name. @default the peer the provider is given to */
  readonly via?: Peer;
  /** The cloud of `via` the name lives in. @default its first cloud */
  readonly cloud?: string;
  /** Identity of a secured name. */
  readonly identity?: Identity;
  /** Instances to resolve (bootstrap nodes), 1..20. @default 5 */
  readonly maxResults?: number;
  /** Minimum time between two resolves. @default 15000 */
  readonly refreshMs?: number;
  /** Deadline of one resolve. @default 10000 */
  readonly timeoutMs?: number;
}

/** A bootstrap provider backed by a peer name. */
export interface PeerNameBootstrap extends BootstrapProvider {
  readonly peerName: string;
  /** The endpoints of the last successful resolve. */
  readonly known: readonly Endpoint[];
  /** Why the last resolve or registration failed, if it did. */
  readonly lastError: unknown;
  /** Resolves the name now and returns the endpoints found. */
  refresh(): Promise<readonly Endpoint[]>;
  /** Called by `createPeer`: the peer to use when `via` is not given, and how to re-solicit. */
  bindPeer(peer: Peer, rejoin: () => void): void;
}

/**
 * A provider that finds bootstrap nodes by resolving `peerName` and, when the node registers a
 * key, publishes `peerName` with the node's endpoints so later joiners find it too.
 * @example
 * const peer = createPeer({ clouds: ['Global_', { name: 'MyApp', transport: appUdp,
 *   bootstrap: peerNameBootstrap('0.myapp-nodes', { cloud: 'Global_' }) }], transport: globalUdp });
 */
export function peerNameBootstrap(
  peerName: string,
  options: PeerNameBootstrapOptions = {},
): PeerNameBootstrap {
  if (typeof peerName !== 'string') throw new TypeError('peerName must be a string');
  const maxResults = options.maxResults ?? 5;
  const refreshMs = options.refreshMs ?? 15_000;
  let via = options.via;
  let rejoin: (() => void) | undefined;
  let known: Endpoint[] = [];
  let lastError: unknown;
  let lastResolveMs = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<readonly Endpoint[]> | undefined;
  let registration: Promise<PeerRegistration | undefined> | undefined;

  const publish = (peer: Peer, endpoints: readonly Endpoint[]): Promise<PeerRegistration> =>
    peer.register({
      peerName,
      endpoints,
      ...(options.identity ? { identity: options.identity } : {}),
      ...(options.cloud !== undefined ? { cloud: options.cloud } : {}),
    });

  const refresh = (): Promise<readonly Endpoint[]> => {
    if (inFlight) return inFlight;
    const peer = via;
    if (!peer || peer.closed) return Promise.resolve(known);
    inFlight = peer
      .resolve(peerName, {
        criteria: 'any-peer-name',
        maxResults,
        timeoutMs: options.timeoutMs ?? 10_000,
        ...(options.cloud !== undefined ? { cloud: options.cloud } : {}),
      })
      .then(
        (results) => {
          known = results.flatMap((r) =>
            r.endpoints.map((e) => ({ address: e.address, port: e.port })),
          );
          lastError = undefined;
          try {
            rejoin?.();
          } catch (error) {
            lastError = error;
          }
          return known;
        },
        (error: unknown) => {
          lastError = error;
          return known;
        },
      )
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };

  return {
    peerName,
    get known() {
      return known;
    },
    get lastError() {
      return lastError;
    },
    refresh,
    bindPeer(peer, rejoinCloud) {
      if (rejoin)
        throw new RangeError(
          `peerNameBootstrap(${peerName}) serves one cloud of one peer; create one per cloud`,
        );
      via ??= peer;
      rejoin = rejoinCloud;
    },
    endpoints(nowMs) {
      if (nowMs - lastResolveMs >= refreshMs) {
        lastResolveMs = nowMs;
        // Resolving is asynchronous: answer with what is known, re-solicit when it completes.
        queueMicrotask(() => void refresh());
      }
      return known;
    },
    register(endpoints) {
      const peer = via;
      if (registration || !peer || peer.closed) return;
      // Called from inside the node's own registerKey: publish after that command has drained.
      registration = Promise.resolve()
        .then(() => (peer.closed ? undefined : publish(peer, endpoints)))
        .catch((error: unknown) => {
          lastError = error;
          registration = undefined;
          return undefined;
        });
    },
    unregister() {
      const pending = registration;
      registration = undefined;
      void pending?.then((r) => r?.unregister());
    },
  };
}
