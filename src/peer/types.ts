/**
 * @module peer/types
 * What `createPeer` takes and what a `Peer` offers: the options of each operation and the `Peer`
 * interface itself.
 */
import type { BootstrapProvider } from '../drt/bootstrap-provider.js';
import type { DrtStatus, SearchResult } from '../drt/events.js';
import type { CryptoBackend } from '../keys/crypto-backend.js';
import type { Endpoint } from '../keys/endpoint.js';
import type { Identity } from '../keys/identity.js';
import type { Key } from '../keys/key256.js';
import type { Logger } from '../log.js';
import type { CacheSnapshot } from '../pnrp/cache-snapshot.js';
import type { AuthorityVerifier, VerifiedRegistration } from '../pnrp/cpa-security-provider.js';
import type { PnrpNode } from '../pnrp/pnrp-node.js';
import type { PnrpStats } from '../pnrp/stats.js';
import type {
  CloudDrtOptions,
  PnrpResolveResult,
  RegisterOptions,
  ResolveOptions,
} from '../pnrp/types.js';
import type { SearchOptions } from '../resolve/search-spec.js';
import type { WallClock } from '../sans-io.js';
import type { DatagramTransport, RunningNodeStats, Timers } from '../transport-adapter.js';
import type { Rng } from '../util/rng.js';
import type { Dht, OpenDhtOptions } from './dht-types.js';
import type { HostResolver } from './host-bootstrap.js';
import type { PeerEventMap } from './peer-events.js';
import type { PeerRegistration } from './peer-registration.js';
import type { PeerTrace } from './resolve-tracker.js';

/**
 * Bootstrap of a cloud: a provider, or endpoints; text may be `[ipv6]:port`, `[fe80::1%eth0]:port`,
 * `a.b.c.d:port` or `host.name:port` (host names need `CreatePeerOptions.resolveHost`).
 */
export type PeerBootstrap = BootstrapProvider | readonly (Endpoint | string)[];

/**
 * One cloud of a peer.
 * @example { name: 'MyApp', transport: await createUdpTransport({ port: 3541 }), bootstrap: ['[2001:db8::1]:3541'] }
 */
export interface PeerCloudOptions {
  /** `Global_`, `LinkLocal_...`, `SiteLocal_...` or any application name. */
  readonly name: string;
  /** This cloud's transport. @default the peer's `transport` (one cloud at most may share it) */
  readonly transport?: DatagramTransport;
  /** @default the peer's `bootstrap` */
  readonly bootstrap?: PeerBootstrap;
  /** DRT tuning for this cloud (cache sizes, timers). */
  readonly drt?: CloudDrtOptions;
  /** Seed this cloud (see `PnrpCloudConfig.seed`). @default the peer's `seed` */
  readonly seed?: boolean;
}

/**
 * Options of {@link createPeer}.
 * @example createPeer({ transport: await createUdpTransport({ port: 3540 }), bootstrap: ['[2001:db8::1]:3540'], crypto: nodeCrypto })
 */
export interface CreatePeerOptions {
  /** The transport of clouds that name none. */
  readonly transport?: DatagramTransport;
  /** @default ['Global_'] */
  readonly clouds?: readonly (string | PeerCloudOptions)[];
  /** Bootstrap of clouds that name none. @default no bootstrap nodes (the first node of a cloud) */
  readonly bootstrap?: PeerBootstrap;
  /** @default realTimers() */
  readonly timers?: Timers;
  /** Signs unsecured (`0.`) names. @default a new identity */
  readonly identity?: Identity;
  /** @default nobleCrypto; pass `nodeCrypto` from `pnrp/node` for native speed */
  readonly crypto?: CryptoBackend;
  /** @default systemRng() */
  readonly rng?: Rng;
  /** Wall-clock time for CPA validity. @default systemWallClock */
  readonly wallClock?: WallClock;
  /** CPA lifetime, 12 h .. 1 week. @default 12 h */
  readonly cpaLifetimeMs?: number;
  /** Accept CPAs whose authority a certificate chain delegates (e.g. `gmcAuthorityVerifier().verify`). */
  readonly authorityVerifier?: AuthorityVerifier;
  /**
   * Looks up host names in bootstrap lists (`seed.example.net:3540`); without it, a host name is
   * refused with a TypeError. `dnsResolver` from `pnrp/node` uses `node:dns`.
   */
  readonly resolveHost?: HostResolver;
  /**
   * Structured log: status changes, failed joins (endpoints tried), resolves, timeouts, dropped
   * datagrams with their reason, datagrams in and out. `debugLogger()` from `pnrp/node` maps it
   * onto `DEBUG=pnrp:*`. @default none (no event is built)
   */
  readonly logger?: Logger | undefined;
  /** Close the transports in `close()`. @default true */
  readonly closeTransports?: boolean;
  /**
   * Bootstrap-only node: a cloud in which this peer registers nothing still gets an ID to
   * advertise (it publishes `SEED_PEER_NAME`), so others can join through it. @default false
   */
  readonly seed?: boolean;
  /**
   * Opens a DHT beside the clouds as `peer.dht` (see `openDht`): a DRT cloud of its own, on its
   * own transport and with its own bootstrap (the DHT endpoints of other nodes); it shares the
   * peer's timers, crypto, randomness, wall clock and logger, and closes with the peer.
   * @default none (`peer.dht` is undefined)
   */
  readonly dht?: PeerDhtOptions;
}

/**
 * The DHT of a peer: `openDht`'s options but what the peer shares with it.
 * @example createPeer({ transport, dht: { transport: await createUdpTransport({ port: 3541 }), bootstrap: ['[::1]:3551'] } })
 */
export type PeerDhtOptions = Omit<
  OpenDhtOptions,
  'timers' | 'crypto' | 'rng' | 'wallClock' | 'logger'
>;

/** What every long operation accepts. */
export interface OperationOptions {
  /** Cancels the operation: it rejects with `CANCELLED` and leaves nothing behind. */
  readonly signal?: AbortSignal;
}

/** Options of `Peer.register`. */
export interface PeerRegisterOptions extends RegisterOptions, OperationOptions {
  /** Longest wait for the registration walk. @default 30000 */
  readonly timeoutMs?: number;
}

/** Options of `Peer.resolve` and `Peer.trace`. */
export type PeerResolveOptions = ResolveOptions & OperationOptions;

/** Options of `Peer.search`. */
export interface PeerSearchOptions extends SearchOptions, OperationOptions {
  /** @default the peer's first cloud */
  readonly cloud?: string;
}

/** Options of `Peer.whenActive`. */
export interface WhenActiveOptions extends OperationOptions {
  /** @default the peer's first cloud */
  readonly cloud?: string;
  /** @default 30000 */
  readonly timeoutMs?: number;
}

/** Counters of a peer: the node's and its run loop's. */
export interface PeerStats extends PnrpStats {
  readonly loop: RunningNodeStats;
}

/**
 * A running PNRP node with an async API. See {@link createPeer}.
 * @example const [found] = await peer.resolve(`${alice.authority}.chat`, { timeoutMs: 5000 });
 */
export interface Peer {
  /** The sans-I/O node underneath (read it; drive it only through the peer). */
  readonly node: PnrpNode;
  /** The clouds this peer is in; the first is the default. */
  readonly clouds: readonly string[];
  /** True after `close()`. */
  readonly closed: boolean;
  /** The DHT opened with `CreatePeerOptions.dht`, if any (closed with the peer). */
  readonly dht: Dht | undefined;
  /** DRT status of a cloud. */
  status(cloud?: string): DrtStatus;
  /** Resolves once the cloud is `active` (knows another node); rejects with `TIMEOUT` after `timeoutMs`. */
  whenActive(options?: WhenActiveOptions): Promise<void>;
  /**
   * Publishes a peer name; resolves when its registration walk ended (at once when the node knows
   * no other node yet: state `unresolvable`, retried by maintenance). Aborting unregisters it.
   */
  register(options: PeerRegisterOptions): Promise<PeerRegistration>;
  /** The verified instances of a name (1..`maxResults`); rejects `NOT_FOUND`, `TIMEOUT`, ... */
  resolve(peerName: string, options?: PeerResolveOptions): Promise<PnrpResolveResultList>;
  /** Resolves and reports the path hop by hop; a failed resolve still resolves, with `failure`. */
  trace(peerName: string, options?: PeerResolveOptions): Promise<PeerTrace>;
  /** A raw DRT search (keys are PNRP IDs) as an async iterable; starts at the first pull. */
  search(
    target: Key,
    options?: PeerSearchOptions,
  ): AsyncIterableIterator<SearchResult<VerifiedRegistration>>;
  /** Listens to an event; returns the function that stops listening. */
  on<K extends keyof PeerEventMap>(type: K, listener: (event: PeerEventMap[K]) => void): () => void;
  /** The cache endpoints of a cloud, for `cacheSnapshotBootstrap` after a restart. */
  exportCache(cloud?: string): CacheSnapshot;
  /** The node's counters and the run loop's, read now. */
  stats(): PeerStats;
  /** Unregisters everything (flooding revokes), rejects pending operations with `CLOSED`, stops. */
  close(): Promise<void>;
}

/**
 * Verified instances, in the order they were verified; never empty (`resolve` rejects
 * `NOT_FOUND` instead), so `const [bob] = await peer.resolve(...)` types `bob` as a result even
 * under `noUncheckedIndexedAccess`.
 */
export type PnrpResolveResultList = [PnrpResolveResult, ...PnrpResolveResult[]];
