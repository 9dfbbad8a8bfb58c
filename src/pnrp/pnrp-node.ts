/**
 * @module pnrp/pnrp-node
 * `PnrpNode`: PNRP v2 on the DRT, as Windows 7 rebuilt it ([MS-PNRP] §1.3, §3; reference §7-§8).
 *
 * Theory of operation. A node joins one or more clouds (`Global_`, `LinkLocal_...`,
 * `SiteLocal_...`, or an application's name). Each cloud is its own `DrtNode` (header version
 * 4.0) with its own cache, its own local endpoints and its own {@link cpaSecurityProvider}, so
 * messages never cross clouds: a datagram is handled by the cloud that owns the local endpoint it
 * arrived on (`handleDatagram`'s optional `localEndpoint`; a single-cloud node needs none), and
 * every transmit names the local endpoint it leaves from (`from`, the standard optional field of
 * the sans-I/O contract, always set here).
 * Peer names become PNRP IDs (P2P ID ‖ service location); `register` publishes one, `resolve`
 * maps the resolve criteria to a DRT search range and reports only instances whose owner answered
 * an INQUIRE with a CPA signed for the fresh nonce that verified (and, when asked, a verified
 * extended payload). The node is sans-I/O (docs/design.md §2): it drains its clouds' outputs into one
 * queue and reports the earliest of their timers.
 */
import type { NodeEvent } from '../drt/events.js';
import type { DrtNode } from '../drt/node.js';
import { DEFAULT_WALL_CLOCK_MS } from '../drt/options.js';
import { type CryptoBackend, nobleCrypto } from '../keys/crypto-backend.js';
import { type Endpoint, endpointKey } from '../keys/endpoint.js';
import { createIdentity, type Identity } from '../keys/identity.js';
import { p2pIdOf } from '../keys/ids.js';
import type { Key } from '../keys/key256.js';
import { parsePeerName } from '../keys/peer-name.js';
import type { SearchOptions } from '../resolve/search-spec.js';
import {
  type DrainSink,
  drainNode,
  type Output,
  OutputQueue,
  type SansIoNode,
  type WallClock,
} from '../sans-io.js';
import type { Rng } from '../util/rng.js';
import {
  type Cloud,
  cloudStats,
  createCloud,
  type PendingResolve,
  resolveResultOf,
} from './cloud.js';
import type {
  AuthorityVerifier,
  CpaSecurityProvider,
  VerifiedRegistration,
} from './cpa-security-provider.js';
import { peerNameOfInput } from './peer-name-input.js';
import { Publisher } from './publisher.js';
import { searchForCriteria } from './resolve-criteria.js';
import { mergeCounts, type PnrpCloudStats, type PnrpStats } from './stats.js';
import type {
  PnrpCloudConfig,
  PnrpEvent,
  RegisterOptions,
  Registration,
  RegistrationEndpoint,
  ResolveOptions,
} from './types.js';
import { SEED_PEER_NAME } from './types.js';

/**
 * Options of a PnrpNode.
 * @example new PnrpNode({ rng: seededRng(1), clouds: [{ name: 'Global_', localEndpoints: [ep] }] })
 */
export interface PnrpNodeOptions {
  readonly rng: Rng;
  /** The clouds to join, at least one; the first is the default for register and resolve. */
  readonly clouds: readonly PnrpCloudConfig[];
  /** @default a clock frozen at 2026-01-01T00:00:00Z */
  readonly wallClock?: WallClock;
  /** @default nobleCrypto */
  readonly crypto?: CryptoBackend;
  /** Signs unsecured (`0.`) names. @default an identity from `rng` */
  readonly identity?: Identity;
  /** CPA lifetime, 12 h .. 1 week. @default 12 h */
  readonly cpaLifetimeMs?: number;
  /** Window of the byte rates. @default 10000 */
  readonly rateWindowMs?: number;
  /** Accept CPAs whose authority a certificate chain delegates (e.g. `gmcAuthorityVerifier`). */
  readonly authorityVerifier?: AuthorityVerifier;
}

/**
 * A PNRP node in one or more clouds. See the module header.
 * @example
 * const node = new PnrpNode({ rng: seededRng(1), clouds: [{ name: 'Global_', localEndpoints: [ep], bootstrap }] });
 * node.start(0);
 * node.register(0, { peerName: `${alice.authority}.chat`, identity: alice });
 * const id = node.resolve(5000, '0.printer', { criteria: 'any-peer-name' });
 * for (let o = node.poll(); o.type !== 'timeout'; o = node.poll()) handle(o);
 */
export class PnrpNode implements SansIoNode<PnrpEvent> {
  private readonly clouds = new Map<string, Cloud>();
  /** Where each cloud's DRT is drained to (one sink per cloud, made once). */
  private readonly sinks = new Map<Cloud, DrainSink<NodeEvent<VerifiedRegistration>>>();
  private readonly byEndpoint = new Map<string, Cloud>();
  private readonly firstCloud: Cloud;
  private readonly rng: Rng;
  private readonly crypto: CryptoBackend;
  private readonly wallClock: WallClock;
  private readonly publisher: Publisher;
  private readonly resolves = new Map<string, PendingResolve>();
  private readonly outputs = new OutputQueue<PnrpEvent>();
  private readonly dropped: Record<string, number> = {};
  /** Clouds this node seeds (`PnrpCloudConfig.seed`). */
  private readonly seeds = new Set<string>();
  private nextId = 1;
  private nowMsValue = Number.NEGATIVE_INFINITY;

  constructor(options: PnrpNodeOptions) {
    if (typeof options !== 'object' || options === null)
      throw new TypeError('options must be an object');
    if (!Array.isArray(options.clouds) || options.clouds.length === 0) {
      throw new RangeError('options.clouds must name at least one cloud');
    }
    this.rng = options.rng;
    this.crypto = options.crypto ?? nobleCrypto;
    this.wallClock = options.wallClock ?? { nowMs: () => DEFAULT_WALL_CLOCK_MS };
    for (const config of options.clouds) this.addCloud(config, options);
    this.firstCloud = this.clouds.get(options.clouds[0]!.name)!;
    this.publisher = new Publisher({
      rng: this.rng,
      crypto: this.crypto,
      wallClock: this.wallClock,
      identity:
        options.identity ?? createIdentity(this.rng.fork('identity').bytes(32), this.crypto),
      run: (cloud, fn) => this.run(cloud, fn),
    });
  }

  private addCloud(config: PnrpCloudConfig, options: PnrpNodeOptions): void {
    if (this.clouds.has(config.name)) throw new RangeError(`cloud ${config.name} is listed twice`);
    const cloud = createCloud(config, {
      rng: this.rng,
      crypto: this.crypto,
      wallClock: this.wallClock,
      cpaLifetimeMs: options.cpaLifetimeMs,
      authorityVerifier: options.authorityVerifier,
      rateWindowMs: options.rateWindowMs ?? 10_000,
    });
    for (const ep of config.localEndpoints) {
      const key = endpointKey(ep);
      if (this.byEndpoint.has(key)) throw new RangeError(`two clouds share the endpoint ${key}`);
      this.byEndpoint.set(key, cloud);
    }
    this.clouds.set(config.name, cloud);
    this.sinks.set(cloud, this.sinkOf(cloud));
    if (config.seed === true) this.seeds.add(config.name);
  }

  /** Names of the clouds this node is in. */
  get cloudNames(): string[] {
    return [...this.clouds.keys()];
  }

  /** Resolves started and not yet done (each ends with `resolve-done`). */
  get pendingResolves(): number {
    return this.resolves.size;
  }

  /** The DRT instance of a cloud (read it; do not drive it directly). */
  drtOf(cloud: string): DrtNode<VerifiedRegistration> {
    return this.cloud(cloud).drt;
  }

  /** The CPA provider of a cloud (its counters and registrations). */
  securityOf(cloud: string): CpaSecurityProvider {
    return this.cloud(cloud).security;
  }

  /**
   * Joins every cloud, or solicits one cloud's bootstrap endpoints again (after they changed).
   * A seed cloud (`PnrpCloudConfig.seed`) without a registration first publishes `SEED_PEER_NAME`.
   */
  start(nowMs: number, cloudName?: string): void {
    this.advance(nowMs);
    const clouds = cloudName === undefined ? [...this.clouds.values()] : [this.cloud(cloudName)];
    for (const cloud of clouds) {
      if (this.seeds.has(cloud.name) && !this.publisher.list().some((r) => r.cloud === cloud.name))
        this.publisher.register(nowMs, cloud, { peerName: SEED_PEER_NAME, cloud: cloud.name });
      this.run(cloud, () => cloud.drt.start(nowMs));
    }
  }

  /**
   * A raw DRT search in a cloud (keys are PNRP IDs; see `SearchOptions`). Its results and end
   * arrive as `cloud` events wrapping `search-result` / `search-done` with this search ID, which
   * is per cloud. Throws `SearchOptionsError` for invalid options.
   */
  search(nowMs: number, target: Key, options: SearchOptions = {}, cloudName?: string): number {
    this.advance(nowMs);
    const cloud = this.cloud(cloudName);
    let id = 0;
    this.run(cloud, () => {
      id = cloud.drt.search(nowMs, target, options);
    });
    return id;
  }

  /** Asks the next hop of an iterative search; false when it is unknown or over. */
  continueSearch(nowMs: number, searchId: number, cloudName?: string): boolean {
    return this.onSearch(nowMs, cloudName, (drt) => drt.continueSearch(nowMs, searchId));
  }

  /** Cancels a raw search; false when it is unknown or over. */
  cancelSearch(nowMs: number, searchId: number, cloudName?: string): boolean {
    return this.onSearch(nowMs, cloudName, (drt) => drt.cancel(nowMs, searchId));
  }

  private onSearch(nowMs: number, name: string | undefined, fn: (d: DrtNode) => boolean): boolean {
    this.advance(nowMs);
    const cloud = this.cloud(name);
    let ok = false;
    this.run(cloud, () => {
      ok = fn(cloud.drt);
    });
    return ok;
  }

  /**
   * Publishes a peer name (or its `pnrp.net` host name) in a cloud. Throws RangeError for a secured name without its identity,
   * more than 10 endpoints, an unknown cloud or a field the CPA cannot carry.
   */
  register(nowMs: number, options: RegisterOptions): Registration {
    this.advance(nowMs);
    if (typeof options !== 'object' || options === null)
      throw new TypeError('options must be an object');
    // A `pnrp.net` host name is taken for the peer name it stands for (pnrp/peer-name-input.ts).
    const peerName = peerNameOfInput(options.peerName);
    const named = peerName === options.peerName ? options : { ...options, peerName };
    return this.publisher.register(nowMs, this.cloud(options.cloud), named);
  }

  /**
   * Changes a registration's application endpoints. The next INQUIRE is answered with them, so
   * resolvers never get the old ones; when the /64 changes, the old PNRP ID is revoked and the new
   * one registered at once. Returns the registration with its (possibly new) PNRP ID.
   */
  updateEndpoints(
    nowMs: number,
    registrationId: number,
    endpoints: readonly RegistrationEndpoint[],
  ): Registration {
    this.advance(nowMs);
    return this.publisher.updateEndpoints(nowMs, registrationId, endpoints);
  }

  /** Stops publishing: floods a revoke CPA to the leaf set. */
  unregister(nowMs: number, registrationId: number): void {
    this.advance(nowMs);
    this.publisher.unregister(nowMs, registrationId);
  }

  /** Current registrations. */
  registered(): Registration[] {
    return this.publisher.list();
  }

  /**
   * Resolves a peer name (or its `pnrp.net` host name); verified instances arrive as `resolve-result` events, the end as
   * `resolve-done`. Returns the resolve ID. Throws RangeError for bad options.
   */
  resolve(nowMs: number, peerName: string, options: ResolveOptions = {}): number {
    this.advance(nowMs);
    const name = parsePeerName(peerNameOfInput(peerName));
    const cloud = this.cloud(options.cloud);
    const p2pId = p2pIdOf(name, this.crypto);
    const { target, options: search } = searchForCriteria({
      p2pId,
      criteria: options.criteria ?? 'any-peer-name',
      maxResults: options.maxResults ?? 1,
      ...(options.precision !== undefined ? { precision: options.precision } : {}),
      prefix: options.prefix ?? cloud.localEndpoints[0]!.address.slice(0, 8),
      ...(options.serviceLocation ? { serviceLocation: options.serviceLocation } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
    const want = options.wantExtendedPayload ?? false;
    const id = this.nextId++;
    if (want) cloud.security.wantExtendedPayloadsOf(p2pId, 1);
    // The resolve is recorded before the drain: the search may end inside search().
    this.run(cloud, () => {
      let searchId: number;
      try {
        searchId = cloud.drt.search(nowMs, target, search);
      } catch (e) {
        if (want) cloud.security.wantExtendedPayloadsOf(p2pId, -1);
        throw e;
      }
      cloud.resolves++;
      this.resolves.set(`${cloud.name}:${searchId}`, {
        id,
        cloud,
        searchId,
        peerName: name.text,
        p2pId,
        wantExtendedPayload: want,
        results: 0,
      });
    });
    return id;
  }

  /** Cancels a resolve; it ends with `resolve-done` and failure `cancelled`. */
  cancel(nowMs: number, resolveId: number): boolean {
    this.advance(nowMs);
    for (const p of this.resolves.values()) {
      if (p.id !== resolveId) continue;
      let ok = false;
      this.run(p.cloud, () => {
        ok = p.cloud.drt.cancel(nowMs, p.searchId);
      });
      return ok;
    }
    return false;
  }

  /** Unregisters everything (flooding revokes) in every cloud and stops. */
  close(nowMs: number): void {
    this.advance(nowMs);
    for (const cloud of this.clouds.values()) this.run(cloud, () => cloud.drt.close(nowMs));
    this.publisher.clear();
  }

  /**
   * Feeds a datagram to the cloud owning `localEndpoint` (the address and port it arrived on).
   * Without one, a single-cloud node uses its cloud; a multi-cloud node drops it (`no-cloud`).
   */
  handleDatagram(
    nowMs: number,
    from: Endpoint,
    payload: Uint8Array,
    localEndpoint?: Endpoint,
  ): void {
    this.advance(nowMs);
    let cloud: Cloud | undefined;
    if (localEndpoint) cloud = this.byEndpoint.get(endpointKey(localEndpoint));
    else if (this.clouds.size === 1) cloud = this.firstCloud;
    if (!cloud) {
      this.dropped['no-cloud'] = (this.dropped['no-cloud'] ?? 0) + 1;
      return;
    }
    const c = cloud;
    this.run(c, () => c.drt.handleDatagram(nowMs, from, payload));
  }

  handleTimeout(nowMs: number): void {
    this.advance(nowMs);
    for (const cloud of this.clouds.values()) {
      if (nowMs >= cloud.timerAtMs) this.run(cloud, () => cloud.drt.handleTimeout(nowMs));
    }
  }

  poll(): Output<PnrpEvent> {
    const out = this.outputs.shift();
    if (out) return out;
    let atMs = Number.POSITIVE_INFINITY;
    for (const cloud of this.clouds.values()) atMs = Math.min(atMs, cloud.timerAtMs);
    return { type: 'timeout', atMs };
  }

  /** Counters per cloud and in sum, with byte rates over the window ending at `nowMs`. */
  stats(nowMs: number = this.nowMsValue): PnrpStats {
    const clouds: Record<string, PnrpCloudStats> = {};
    const dropped: Record<string, number> = { ...this.dropped };
    let rx = 0;
    let tx = 0;
    let ids = 0;
    let resolves = 0;
    let stale = 0;
    for (const c of this.clouds.values()) {
      const cs = cloudStats(c, nowMs);
      clouds[c.name] = cs;
      mergeCounts(dropped, cs.dropped);
      rx += cs.bytesReceivedPerSecond;
      tx += cs.bytesSentPerSecond;
      ids += cs.idsRegistered;
      resolves += cs.resolves;
      stale += cs.staleCacheEntryHits;
    }
    return {
      bytesReceivedPerSecond: rx,
      bytesSentPerSecond: tx,
      idsRegistered: ids,
      resolves,
      staleCacheEntryHits: stale,
      dropped,
      clouds,
    };
  }

  private cloud(name: string | undefined): Cloud {
    if (name === undefined) return this.firstCloud;
    const cloud = this.clouds.get(name);
    if (!cloud)
      throw new RangeError(
        `this node is not in cloud "${name}" (it is in ${this.cloudNames.join(', ')})`,
      );
    return cloud;
  }

  /** Runs one call on a cloud's DRT, then drains its outputs into ours. */
  private run(cloud: Cloud, fn: () => void): void {
    try {
      fn();
    } finally {
      this.drain(cloud);
    }
  }

  /** Drains a cloud's DRT (bounded, `drainNode`) into our queue and notes its next timer. */
  private drain(cloud: Cloud): void {
    const atMs = drainNode(cloud.drt, this.sinks.get(cloud)!);
    cloud.timerAtMs = atMs ?? Number.POSITIVE_INFINITY;
    const s = cloud.drt.stats;
    cloud.meter.sample(this.nowMsValue, s.bytesReceived, s.bytesSent);
  }

  /** Where a cloud's DRT outputs go: transmits leave from the cloud's endpoint, events to `onEvent`. */
  private sinkOf(cloud: Cloud): DrainSink<NodeEvent<VerifiedRegistration>> {
    const from = cloud.localEndpoints[0]!;
    return {
      transmit: (out) =>
        this.outputs.push(
          out.from ? out : { type: 'transmit', to: out.to, payload: out.payload, from },
        ),
      event: (event) => this.onEvent(cloud, event),
      name: `cloud ${cloud.name}`,
    };
  }

  private onEvent(cloud: Cloud, event: NodeEvent<VerifiedRegistration>): void {
    if (event.type === 'search-result' || event.type === 'search-done') {
      const key = `${cloud.name}:${event.type === 'search-result' ? event.result.searchId : event.searchId}`;
      const pending = this.resolves.get(key);
      if (!pending) {
        // A raw search (`search()`) or an internal one: reported as a cloud event.
        this.outputs.push({ type: 'event', event: { type: 'cloud', cloud: cloud.name, event } });
        return;
      }
      if (event.type === 'search-result')
        return this.onResult(pending, event.result.type, event.result.proof);
      this.resolves.delete(key);
      if (pending.wantExtendedPayload) cloud.security.wantExtendedPayloadsOf(pending.p2pId, -1);
      const failure = pending.results > 0 ? undefined : (event.failure ?? 'not-found');
      if (failure === undefined) cloud.resolvesSucceeded++;
      else cloud.resolvesFailed++;
      this.outputs.push({
        type: 'event',
        event: {
          type: 'resolve-done',
          resolveId: pending.id,
          cloud: cloud.name,
          peerName: pending.peerName,
          results: pending.results,
          failure,
          path: event.path,
          stats: event.stats,
        },
      });
      return;
    }
    this.outputs.push({ type: 'event', event: { type: 'cloud', cloud: cloud.name, event } });
  }

  private onResult(
    pending: PendingResolve,
    type: string,
    proof: VerifiedRegistration | undefined,
  ): void {
    const result = resolveResultOf(pending, type, proof);
    if (!result) return;
    pending.results++;
    this.outputs.push({ type: 'event', event: { type: 'resolve-result', result } });
  }

  private advance(nowMs: number): void {
    if (typeof nowMs !== 'number' || Number.isNaN(nowMs))
      throw new TypeError('nowMs must be a number');
    if (nowMs < this.nowMsValue)
      throw new RangeError(`time went backwards: ${nowMs} < ${this.nowMsValue}`);
    this.nowMsValue = nowMs;
  }
}
