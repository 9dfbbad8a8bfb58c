/**
 * @module peer/create-peer
 * `createPeer`: the async API most applications use (docs/design.md §1, `peer.ts`). It builds a
 * `PnrpNode` over `runNode()` with real (or injected) timers and one datagram transport per
 * cloud, and turns the node's events into Promises, `AsyncIterable`s and listeners. Every long
 * operation takes an `AbortSignal`; failures reject with {@link PnrpError}. Nothing outlives
 * `close()`: pending operations reject with `CLOSED`, the node's timer is cancelled, the
 * transports are closed and every listener on a caller's `AbortSignal` is removed.
 */

import { type BootstrapProvider, staticBootstrap } from '../drt/bootstrap-provider.js';
import type { DrtStatus, SearchResult } from '../drt/events.js';
import { type Endpoint, formatEndpoint } from '../keys/endpoint.js';
import type { Key } from '../keys/key256.js';
import type { Logger } from '../log.js';
import { type CacheSnapshot, cacheSnapshotOf } from '../pnrp/cache-snapshot.js';
import type { VerifiedRegistration } from '../pnrp/cpa-security-provider.js';
import { PnrpNode } from '../pnrp/pnrp-node.js';
import type { PnrpEvent, RegistrationEndpoint } from '../pnrp/types.js';
import { realTimers, systemRng, systemWallClock } from '../runtime.js';
import {
  type DatagramTransport,
  type RunningNode,
  runNode,
  type Timers,
} from '../transport-adapter.js';
import { equalBytes } from '../util/bytes.js';
import { combineTransports } from './combine-transports.js';
import type { Dht } from './dht-types.js';
import { abortError, asPnrpError, PnrpError } from './error.js';
import { type HostBootstrap, type HostResolver, hostBootstrapOf } from './host-bootstrap.js';
import { openDht } from './open-dht.js';
import { joinError, type PeerEventMap, PeerEvents } from './peer-events.js';
import { PeerRegistration, type RegistrationHost } from './peer-registration.js';
import { type PeerTrace, ResolveTracker } from './resolve-tracker.js';
import { SearchIterator } from './search-iterator.js';
import type {
  CreatePeerOptions,
  Peer,
  PeerBootstrap,
  PeerRegisterOptions,
  PeerResolveOptions,
  PeerSearchOptions,
  PeerStats,
  PnrpResolveResultList,
  WhenActiveOptions,
} from './types.js';

/**
 * Starts a PNRP node in each cloud over its transport and returns its async API.
 * Throws `TypeError`/`RangeError` at once for bad options (no transport, a shared transport, ...).
 * @example
 * const peer = createPeer({ transport, bootstrap: ['[2001:db8::1]:3540'] });
 * await peer.register({ peerName: `${me.authority}.chat`, identity: me });
 * const results = await peer.resolve('0.printer', { signal: AbortSignal.timeout(5000) });
 * await peer.close();
 */
export function createPeer(options: CreatePeerOptions): Peer {
  return new PeerImpl(options);
}

/** A cloud's bootstrap provider, and the host names still to look up for it. */
function providerOf(
  bootstrap: PeerBootstrap | undefined,
  resolveHost: HostResolver | undefined,
): { provider: BootstrapProvider; hosts?: HostBootstrap } {
  if (bootstrap === undefined) return { provider: staticBootstrap([]) };
  if (Array.isArray(bootstrap)) {
    const hosts = hostBootstrapOf(bootstrap as readonly (Endpoint | string)[], resolveHost);
    return hosts.hosts.length === 0
      ? { provider: hosts.provider }
      : { provider: hosts.provider, hosts };
  }
  if (typeof (bootstrap as BootstrapProvider).endpoints !== 'function')
    throw new TypeError('bootstrap must be a BootstrapProvider or a list of endpoints');
  return { provider: bootstrap as BootstrapProvider };
}

class PeerImpl implements Peer, RegistrationHost {
  readonly node: PnrpNode;
  readonly clouds: readonly string[];
  readonly dht: Dht | undefined;
  private readonly running: RunningNode<PnrpNode>;
  private readonly transports: DatagramTransport[];
  private readonly timers: Timers;
  private readonly events = new PeerEvents();
  private readonly tracker = new ResolveTracker();
  /** Live registration handles, whose `state` follows the walks. */
  private readonly handles = new Set<PeerRegistration>();
  private readonly closeTransports: boolean;
  private closedValue = false;
  private readonly logger: Logger | undefined;
  /** Clouds whose last join attempt failed, with its error (an operation then solicits again). */
  private readonly joinFailed = new Map<string, PnrpError>();
  /** Bootstrap host-name lookups in flight, per cloud. */
  private readonly hostLookups = new Map<string, number>();

  constructor(options: CreatePeerOptions) {
    if (typeof options !== 'object' || options === null)
      throw new TypeError('createPeer: options must be an object');
    const clouds = (options.clouds ?? ['Global_']).map((c) =>
      typeof c === 'string' ? { name: c } : c,
    );
    if (clouds.length === 0)
      throw new RangeError('createPeer: clouds must name at least one cloud');
    let shared = false;
    const transports: DatagramTransport[] = [];
    const lookups: [string, HostBootstrap][] = [];
    const configs = clouds.map((c) => {
      let transport = c.transport;
      if (!transport) {
        if (!options.transport)
          throw new TypeError(
            `createPeer: cloud ${c.name} has no transport and options.transport is missing`,
          );
        if (shared)
          throw new RangeError(
            'createPeer: only one cloud may use options.transport; give the others their own',
          );
        shared = true;
        transport = options.transport;
      }
      if (transports.includes(transport))
        throw new RangeError(`createPeer: cloud ${c.name} reuses another cloud's transport`);
      transports.push(transport);
      const { provider, hosts } = providerOf(c.bootstrap ?? options.bootstrap, options.resolveHost);
      if (hosts) lookups.push([c.name, hosts]);
      return {
        name: c.name,
        localEndpoints: transport.localEndpoints(),
        bootstrap: provider,
        ...(c.drt || options.logger
          ? { drt: { ...c.drt, ...(options.logger ? { logger: options.logger } : {}) } }
          : {}),
        ...((c.seed ?? options.seed) ? { seed: true } : {}),
      };
    });
    this.transports = transports;
    this.timers = options.timers ?? realTimers();
    this.closeTransports = options.closeTransports ?? true;
    this.node = new PnrpNode({
      rng: options.rng ?? systemRng(),
      clouds: configs,
      wallClock: options.wallClock ?? systemWallClock,
      ...(options.crypto ? { crypto: options.crypto } : {}),
      ...(options.identity ? { identity: options.identity } : {}),
      ...(options.cpaLifetimeMs !== undefined ? { cpaLifetimeMs: options.cpaLifetimeMs } : {}),
      ...(options.authorityVerifier ? { authorityVerifier: options.authorityVerifier } : {}),
    });
    this.clouds = this.node.cloudNames;
    const transport = transports.length === 1 ? transports[0]! : combineTransports(transports);
    this.logger = options.logger;
    this.running = runNode(this.node, transport, this.timers, {
      onEvent: (e) => this.onEvent(e),
      ...(options.logger ? { logger: options.logger } : {}),
    });
    try {
      this.dht = options.dht
        ? openDht({
            ...options.dht,
            timers: this.timers,
            wallClock: options.wallClock ?? systemWallClock,
            ...(options.rng ? { rng: options.rng.fork('dht') } : {}),
            ...(options.crypto ? { crypto: options.crypto } : {}),
            ...(options.logger ? { logger: options.logger } : {}),
          })
        : undefined;
      for (const config of configs) bindBootstrap(config.bootstrap, this, config.name);
      this.running.command((n, now) => n.start(now));
      for (const [cloud, hosts] of lookups) this.lookUpHosts(cloud, hosts, options.resolveHost!);
    } catch (e) {
      // Nothing half-started may outlive the throw: detach from the transports, disarm the timer.
      this.closedValue = true;
      this.running.stop();
      void this.dht?.close();
      throw e;
    }
  }

  get closed(): boolean {
    return this.closedValue;
  }

  status(cloud?: string): DrtStatus {
    return this.node.drtOf(cloud ?? this.clouds[0]!).status;
  }

  whenActive(options: WhenActiveOptions = {}): Promise<void> {
    const cloud = options.cloud ?? this.clouds[0]!;
    const timeoutMs = options.timeoutMs ?? 30_000;
    const refused = badTimeout(timeoutMs);
    if (refused) return Promise.reject(refused);
    return this.operation(options.signal, undefined, (settle) => {
      if (this.status(cloud) === 'active') {
        settle.resolve(undefined);
        return undefined;
      }
      // Failed attempts are retried (maintenance); at the deadline the last one says why.
      let lastFailure = this.joinFailed.get(cloud);
      const offStatus = this.events.on('status', (e) => {
        if (e.cloud === cloud && e.status === 'active') settle.resolve(undefined);
      });
      const offFailed = this.events.on('join-failed', (e) => {
        if (e.cloud === cloud) lastFailure = e.error;
      });
      const timer = this.timers.arm(this.timers.nowMs() + timeoutMs, () => {
        this.logger?.({ type: 'timeout', operation: 'whenActive', afterMs: timeoutMs });
        const why = lastFailure ? `: ${lastFailure.message}` : '';
        settle.reject(
          new PnrpError(lastFailure?.code ?? 'TIMEOUT', `not joined within ${timeoutMs} ms${why}`, {
            endpoints: lastFailure?.endpoints ?? [],
          }),
        );
      });
      return () => {
        offStatus();
        offFailed();
        timer.cancel();
      };
    });
  }

  register(options: PeerRegisterOptions): Promise<PeerRegistration> {
    if (typeof options !== 'object' || options === null)
      return Promise.reject(
        new PnrpError('INVALID_ARGUMENT', 'register: options must be an object'),
      );
    const { signal, timeoutMs = 30_000, ...register } = options;
    const refused = badTimeout(timeoutMs);
    if (refused) return Promise.reject(refused);
    const cloud = register.cloud ?? this.clouds[0]!;
    const deadlineMs = this.timers.nowMs() + timeoutMs;
    return this.operation(signal, undefined, (settle) =>
      this.afterJoin(cloud, deadlineMs, settle, () =>
        this.startRegister(register, timeoutMs, settle),
      ),
    );
  }

  private startRegister(
    register: Omit<PeerRegisterOptions, 'signal' | 'timeoutMs'>,
    timeoutMs: number,
    settle: Settle<PeerRegistration>,
  ): (() => void) | undefined {
    {
      const reg = this.command((n, now) => n.register(now, register));
      const handle = new PeerRegistration(this, reg);
      settle.onFail(() => handle.forget());
      this.handles.add(handle);
      // Knowing no other node (alone, or still joining), no walk starts now: the name is
      // published locally, the walk runs once the node is in, and `handle.state` follows it.
      if (this.node.drtOf(reg.cloud).cache.size === 0) {
        settle.resolve(handle);
        return undefined;
      }
      const offWalk = this.events.onRegistration(reg.cloud, reg.pnrpId, () =>
        settle.resolve(handle),
      );
      // A walk that never reports (none could start) leaves the registration unresolvable.
      const timer = this.timers.arm(this.timers.nowMs() + timeoutMs, () => settle.resolve(handle));
      return () => {
        offWalk();
        timer.cancel();
      };
    }
  }

  resolve(peerName: string, options: PeerResolveOptions = {}): Promise<PnrpResolveResultList> {
    return this.trace(peerName, options).then((trace) => {
      const [first, ...more] = trace.results;
      if (trace.failure !== undefined || first === undefined)
        throw trace.error ?? new PnrpError('NOT_FOUND', `resolve of ${peerName} found nothing`);
      return [first, ...more];
    });
  }

  trace(peerName: string, options: PeerResolveOptions = {}): Promise<PeerTrace> {
    const { signal, ...resolve } = options;
    const cloud = resolve.cloud ?? this.clouds[0]!;
    const timeoutMs = resolve.timeoutMs ?? 30_000;
    const deadlineMs = this.timers.nowMs() + timeoutMs;
    return this.operation(signal, undefined, (settle) =>
      this.afterJoin(cloud, deadlineMs, settle, () => {
        // The join took part of the deadline: the resolve gets what is left.
        const left = Math.max(1, deadlineMs - this.timers.nowMs());
        let id = 0;
        this.command((n, now) => {
          id = n.resolve(now, peerName, { ...resolve, timeoutMs: Math.min(timeoutMs, left) });
          this.tracker.track(id, peerName, (trace) => settle.resolve(trace));
        });
        settle.onFail(() => {
          this.tracker.forget(id);
          if (!this.closedValue) this.command((n, now) => n.cancel(now, id));
        });
        return undefined;
      }),
    );
  }

  /**
   * Runs `begin` once `cloud` has joined (at once when it is active, or when it has no bootstrap
   * node to join through: the first node of a cloud). While a join attempt is under way it waits,
   * until `deadlineMs` (`TIMEOUT`); a failed attempt rejects with its error (`NO_BOOTSTRAP_ANSWER`
   * or `ALONE`, naming the endpoints). After a failed attempt, an operation solicits again.
   */
  private afterJoin<T>(
    cloud: string,
    deadlineMs: number,
    settle: Settle<T>,
    begin: () => (() => void) | undefined,
  ): (() => void) | undefined {
    const drt = this.node.drtOf(cloud);
    if (drt.status !== 'active' && !drt.joining && this.joinFailed.has(cloud))
      this.command((n, now) => n.start(now, cloud));
    if (drt.status === 'active' || !this.isJoining(cloud)) return begin();
    let cleanup: (() => void) | undefined;
    let waiting = true;
    const startMs = this.timers.nowMs();
    const stopWaiting = (): void => {
      waiting = false;
      offStatus();
      offFailed();
      timer.cancel();
    };
    const offStatus = this.events.on('status', (e) => {
      if (e.cloud !== cloud || e.status !== 'active' || !waiting) return;
      stopWaiting();
      try {
        cleanup = begin();
      } catch (error) {
        settle.reject(asPnrpError(error));
      }
    });
    const offFailed = this.events.on('join-failed', (e) => {
      if (e.cloud !== cloud || !waiting) return;
      stopWaiting();
      settle.reject(e.error);
    });
    const timer = this.timers.arm(deadlineMs, () => {
      if (!waiting) return;
      stopWaiting();
      this.logger?.({ type: 'timeout', operation: `join ${cloud}`, afterMs: deadlineMs - startMs });
      settle.reject(new PnrpError('TIMEOUT', `still joining cloud ${cloud} at the deadline`));
    });
    return () => {
      if (waiting) stopWaiting();
      cleanup?.();
    };
  }

  /**
   * Looks up a cloud's bootstrap host names; solicits the addresses found, or fails what waits
   * for the join with `BOOTSTRAP_UNRESOLVED` when none resolved.
   */
  private lookUpHosts(cloud: string, list: HostBootstrap, resolveHost: HostResolver): void {
    this.hostLookups.set(cloud, list.hosts.length);
    const failures: string[] = [];
    let found = 0;
    for (const { host, port } of list.hosts) {
      void Promise.resolve()
        .then(() => resolveHost(host))
        .then(
          (addresses) => {
            list.add(addresses.map((address) => ({ address, port })));
            found += addresses.length;
            if (addresses.length === 0) failures.push(`${host}: no address`);
          },
          (error: unknown) => {
            failures.push(`${host}: ${error instanceof Error ? error.message : String(error)}`);
          },
        )
        .then(() => {
          const left = (this.hostLookups.get(cloud) ?? 1) - 1;
          if (left > 0) return this.hostLookups.set(cloud, left);
          this.hostLookups.delete(cloud);
          if (this.closedValue) return;
          if (found > 0) return this.command((n, now) => n.start(now, cloud));
          const hosts = list.hosts.map((h) => `${h.host}:${h.port}`);
          const error = new PnrpError(
            'BOOTSTRAP_UNRESOLVED',
            `cannot join cloud ${cloud}: no bootstrap host name resolved (${failures.join('; ')})`,
            { endpoints: hosts },
          );
          this.joinFailed.set(cloud, error);
          this.events.joinFailed(cloud, error);
        });
    }
  }

  /** A join attempt of `cloud` is under way (or its bootstrap host names are being resolved). */
  private isJoining(cloud: string): boolean {
    return this.node.drtOf(cloud).joining || (this.hostLookups.get(cloud) ?? 0) > 0;
  }

  search(
    target: Key,
    options: PeerSearchOptions = {},
  ): AsyncIterableIterator<SearchResult<VerifiedRegistration>> {
    const { signal, cloud: cloudOption, ...search } = options;
    const cloud = cloudOption ?? this.clouds[0]!;
    const deadlineMs = this.timers.nowMs() + (search.timeoutMs ?? 30_000);
    return new SearchIterator(
      (sink) => {
        if (this.closedValue) throw new PnrpError('CLOSED', 'the peer is closed');
        let id = 0;
        let over = false;
        const start = (): undefined => {
          if (over) return undefined;
          this.command((n, now) => {
            id = n.search(now, target, search, cloud);
            this.events.trackSearch(cloud, id, sink);
          });
          return undefined;
        };
        // Waiting for the join: its failure ends the iteration with the join's error.
        const stopWaiting = this.afterJoin(
          cloud,
          deadlineMs,
          { resolve: () => {}, reject: (e) => sink.abort(e), onFail: () => {} },
          start,
        );
        return {
          continue: () => {
            if (!this.closedValue && id !== 0)
              this.command((n, now) => n.continueSearch(now, id, cloud));
          },
          cancel: () => {
            over = true;
            if (!this.closedValue && id !== 0)
              this.command((n, now) => n.cancelSearch(now, id, cloud));
          },
          release: () => {
            over = true;
            stopWaiting?.();
            this.events.untrackSearch(cloud, id);
          },
        };
      },
      'search',
      signal,
    );
  }

  on<K extends keyof PeerEventMap>(
    type: K,
    listener: (event: PeerEventMap[K]) => void,
  ): () => void {
    return this.events.on(type, listener);
  }

  exportCache(cloud?: string): CacheSnapshot {
    const name = cloud ?? this.clouds[0]!;
    return cacheSnapshotOf(name, this.node.drtOf(name));
  }

  stats(): PeerStats {
    return { ...this.node.stats(this.timers.nowMs()), loop: { ...this.running.stats } };
  }

  async close(): Promise<void> {
    if (this.closedValue) return;
    this.command((n, now) => n.close(now));
    this.closedValue = true;
    this.running.stop();
    this.events.closeAll();
    this.tracker.closeAll();
    this.handles.clear();
    await this.dht?.close();
    if (this.closeTransports) await Promise.all(this.transports.map((t) => t.close()));
  }

  /** RegistrationHost: runs a command on the node; `CLOSED` after close. */
  command<T>(fn: (node: PnrpNode, nowMs: number) => T): T {
    if (this.closedValue) throw new PnrpError('CLOSED', 'the peer is closed');
    try {
      return this.running.command(fn);
    } catch (e) {
      throw asPnrpError(e);
    }
  }

  /**
   * Runs one operation: `begin` arms it and returns its cleanup; the promise settles once, on
   * `settle`, on abort (`CANCELLED`), on `timeoutMs` (`TIMEOUT`) or on close (`CLOSED`).
   */
  private operation<T>(
    signal: AbortSignal | undefined,
    timeoutMs: number | undefined,
    begin: (settle: Settle<T>) => (() => void) | undefined,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.closedValue) return reject(new PnrpError('CLOSED', 'the peer is closed'));
      if (signal?.aborted) return reject(abortError(signal));
      if (timeoutMs !== undefined) {
        const refused = badTimeout(timeoutMs);
        if (refused) return reject(refused);
      }
      let done = false;
      let cleanup: (() => void) | undefined;
      const failHooks: (() => void)[] = [];
      const timer =
        timeoutMs === undefined
          ? undefined
          : this.timers.arm(this.timers.nowMs() + timeoutMs, () => {
              this.logger?.({ type: 'timeout', operation: 'operation', afterMs: timeoutMs });
              fail(new PnrpError('TIMEOUT', `no answer within ${timeoutMs} ms`));
            });
      const onAbort = (): void => fail(abortError(signal!));
      const unclose = this.events.onClose(() =>
        fail(new PnrpError('CLOSED', 'the peer was closed')),
      );
      const end = (): boolean => {
        if (done) return false;
        done = true;
        timer?.cancel();
        signal?.removeEventListener('abort', onAbort);
        unclose();
        cleanup?.();
        return true;
      };
      const fail = (error: unknown): void => {
        if (!end()) return;
        for (const hook of failHooks) hook();
        reject(error);
      };
      const settle: Settle<T> = {
        resolve: (value) => {
          if (end()) resolve(value);
        },
        reject: fail,
        onFail: (hook) => failHooks.push(hook),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        cleanup = begin(settle) ?? undefined;
        if (done) cleanup?.();
      } catch (e) {
        fail(asPnrpError(e));
      }
    });
  }

  /** RegistrationHost: a handle that stopped publishing. */
  release(handle: PeerRegistration): void {
    this.handles.delete(handle);
  }

  private onEvent(event: PnrpEvent): void {
    if (this.logger) logPeerEvent(this.logger, event);
    if (event.type === 'cloud') {
      const e = event.event;
      if (e.type === 'registration-state-changed')
        for (const h of this.handles)
          if (h.cloud === event.cloud && equalBytes(h.pnrpId, e.key)) h.noteState(e.state);
      if (e.type === 'join-failed')
        this.joinFailed.set(event.cloud, joinError(event.cloud, e.tried, e.answered));
      else if (e.type === 'status-changed' && e.status === 'active')
        this.joinFailed.delete(event.cloud);
      return this.events.dispatch(event.cloud, e);
    }
    this.tracker.dispatch(event);
  }
}

/** What a peer's logger hears of the node's events: status, failed joins, resolves. */
function logPeerEvent(logger: Logger, event: PnrpEvent): void {
  if (event.type === 'resolve-done') {
    logger({
      type: 'resolve',
      cloud: event.cloud,
      peerName: event.peerName,
      results: event.results,
      failure: event.failure,
      hops: event.path.length,
    });
    return;
  }
  if (event.type !== 'cloud') return;
  const e = event.event;
  if (e.type === 'status-changed') logger({ type: 'status', cloud: event.cloud, status: e.status });
  else if (e.type === 'join-failed')
    logger({
      type: 'join-failed',
      cloud: event.cloud,
      tried: e.tried.map(formatEndpoint),
      answered: e.answered.map(formatEndpoint),
    });
}

/** The error for a timeout that is not a finite number of milliseconds >= 0. */
function badTimeout(timeoutMs: unknown): PnrpError | undefined {
  if (typeof timeoutMs === 'number' && Number.isFinite(timeoutMs) && timeoutMs >= 0)
    return undefined;
  return new PnrpError(
    'INVALID_ARGUMENT',
    `timeoutMs must be a finite number >= 0, got ${String(timeoutMs)}`,
  );
}

/** How an operation settles. */
interface Settle<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
  /** Runs when the operation fails (abort, timeout, close), to undo what it started. */
  onFail(hook: () => void): void;
}

/** Lets a peer-name bootstrap provider resolve and register through this peer. */
function bindBootstrap(provider: BootstrapProvider, peer: PeerImpl, cloud: string): void {
  const bindable = provider as BootstrapProvider & {
    bindPeer?: (peer: Peer, rejoin: () => void) => void;
  };
  bindable.bindPeer?.(peer, () => {
    if (!peer.closed) peer.command((n, now) => n.start(now, cloud));
  });
}

export type { PeerRegistration, RegistrationEndpoint };
