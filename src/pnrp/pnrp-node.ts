/**
 * @module pnrp/pnrp-node
 * `PnrpNode`: PNRP v2 on the DRT, as Windows 7 rebuilt it ([MS-PNRP] §1.3, §3; reference §7-§8).
 *
 * Theory of operation. A node joins one or more clouds (`Global_`, `LinkLocal_...`,
 * `SiteLocal_...`, or an application's name). Each cloud is its own `DrtNode` (header version
 * 4.0) with its own cache, its own local endpoints and its own {@link cpaSecurityProvider}, so
 * messages never cross clouds: a datagram is handled by the cloud that owns the local endpoint it
 * arrived on (`handleDatagram`'s optional `localEndpoint`; a single-cloud node needs none), and
 * every transmit says which cloud and local endpoint it leaves from (`from`, `cloud`).
 * Peer names become PNRP IDs (P2P ID ‖ service location); `register` publishes one, `resolve`
 * maps the resolve criteria to a DRT search range and reports only instances whose owner answered
 * an INQUIRE with a CPA signed for the fresh nonce that verified (and, when asked, a verified
 * extended payload). The node is sans-I/O (DESIGN.md §2): it drains its clouds' outputs into one
 * queue and reports the earliest of their timers.
 */
import { staticBootstrap } from '../drt/bootstrap-provider.js';
import type { NodeEvent } from '../drt/events.js';
import { DrtNode } from '../drt/node.js';
import { DEFAULT_WALL_CLOCK_MS } from '../drt/options.js';
import type { Output, SansIoNode, WallClock } from '../drt/sans-io.js';
import { type CryptoBackend, nobleCrypto } from '../keys/crypto-backend.js';
import { type Endpoint, endpointKey } from '../keys/endpoint.js';
import { createIdentity, type Identity } from '../keys/identity.js';
import { p2pIdOf } from '../keys/ids.js';
import { parsePeerName } from '../keys/peer-name.js';
import { equalBytes } from '../util/bytes.js';
import type { Rng } from '../util/rng.js';
import {
  type CpaSecurityProvider,
  cpaSecurityProvider,
  type VerifiedRegistration,
} from './cpa-security-provider.js';
import { buildRegistration } from './registration.js';
import { searchForCriteria } from './resolve-criteria.js';
import { mergeCounts, type PnrpCloudStats, type PnrpStats, RateMeter } from './stats.js';
import {
  PNRP_VERSION,
  type PnrpCloudConfig,
  type PnrpEvent,
  type RegisterOptions,
  type Registration,
  type RegistrationEndpoint,
  type ResolveOptions,
} from './types.js';

/** Options of a PnrpNode. */
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
}

interface Cloud {
  readonly name: string;
  readonly drt: DrtNode;
  readonly security: CpaSecurityProvider;
  readonly localEndpoints: readonly Endpoint[];
  readonly meter: RateMeter;
  timerAtMs: number;
  resolves: number;
  resolvesSucceeded: number;
  resolvesFailed: number;
}

interface LocalRegistration {
  id: number;
  cloud: Cloud;
  options: RegisterOptions;
  pnrpId: Uint8Array;
}

interface PendingResolve {
  readonly id: number;
  readonly cloud: Cloud;
  readonly peerName: string;
  readonly p2pId: Uint8Array;
  readonly wantExtendedPayload: boolean;
  results: number;
}

/** A transmit of a PnrpNode also names the cloud and the local endpoint it leaves from. */
export type PnrpTransmit = Extract<Output<PnrpEvent>, { type: 'transmit' }> & {
  readonly from: Endpoint;
  readonly cloud: string;
};

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
  private readonly byEndpoint = new Map<string, Cloud>();
  private readonly firstCloud: Cloud;
  private readonly rng: Rng;
  private readonly crypto: CryptoBackend;
  private readonly wallClock: WallClock;
  private readonly identity: Identity;
  private readonly registrations = new Map<number, LocalRegistration>();
  private readonly resolves = new Map<string, PendingResolve>();
  private readonly outputs: Output<PnrpEvent>[] = [];
  private readonly dropped: Record<string, number> = {};
  private nextId = 1;
  private nowMsValue = 0;

  constructor(options: PnrpNodeOptions) {
    if (typeof options !== 'object' || options === null)
      throw new TypeError('options must be an object');
    if (!Array.isArray(options.clouds) || options.clouds.length === 0) {
      throw new RangeError('options.clouds must name at least one cloud');
    }
    this.rng = options.rng;
    this.crypto = options.crypto ?? nobleCrypto;
    this.wallClock = options.wallClock ?? { nowMs: () => DEFAULT_WALL_CLOCK_MS };
    this.identity =
      options.identity ?? createIdentity(this.rng.fork('identity').bytes(32), this.crypto);
    for (const config of options.clouds) this.addCloud(config, options);
    this.firstCloud = this.clouds.get(options.clouds[0]!.name)!;
  }

  private addCloud(config: PnrpCloudConfig, options: PnrpNodeOptions): void {
    if (typeof config.name !== 'string' || config.name.length === 0) {
      throw new RangeError('a cloud needs a non-empty name');
    }
    if (this.clouds.has(config.name)) throw new RangeError(`cloud ${config.name} is listed twice`);
    const security = cpaSecurityProvider({
      crypto: this.crypto,
      ...(options.cpaLifetimeMs !== undefined ? { lifetimeMs: options.cpaLifetimeMs } : {}),
    });
    const drt = new DrtNode({
      ...config.drt,
      rng: this.rng.fork(`cloud:${config.name}`),
      localEndpoints: config.localEndpoints,
      wallClock: this.wallClock,
      crypto: security.crypto,
      security,
      bootstrap: config.bootstrap ?? staticBootstrap([]),
      version: PNRP_VERSION,
    });
    const cloud: Cloud = {
      name: config.name,
      drt,
      security,
      localEndpoints: [...config.localEndpoints],
      meter: new RateMeter(options.rateWindowMs ?? 10_000),
      timerAtMs: Number.POSITIVE_INFINITY,
      resolves: 0,
      resolvesSucceeded: 0,
      resolvesFailed: 0,
    };
    for (const ep of config.localEndpoints) {
      const key = endpointKey(ep);
      if (this.byEndpoint.has(key)) throw new RangeError(`two clouds share the endpoint ${key}`);
      this.byEndpoint.set(key, cloud);
    }
    this.clouds.set(config.name, cloud);
  }

  /** Names of the clouds this node is in. */
  get cloudNames(): string[] {
    return [...this.clouds.keys()];
  }

  /** The DRT instance of a cloud (read it; do not drive it directly). */
  drtOf(cloud: string): DrtNode {
    return this.cloud(cloud).drt;
  }

  /** The CPA provider of a cloud (its counters and registrations). */
  securityOf(cloud: string): CpaSecurityProvider {
    return this.cloud(cloud).security;
  }

  /** Joins every cloud. */
  start(nowMs: number): void {
    this.advance(nowMs);
    for (const cloud of this.clouds.values()) this.run(cloud, () => cloud.drt.start(nowMs));
  }

  /**
   * Publishes a peer name in a cloud. Throws RangeError for a secured name without its identity,
   * more than 10 endpoints, an unknown cloud or a field the CPA cannot carry.
   */
  register(nowMs: number, options: RegisterOptions): Registration {
    this.advance(nowMs);
    if (typeof options !== 'object' || options === null)
      throw new TypeError('options must be an object');
    const cloud = this.cloud(options.cloud);
    const local: LocalRegistration = {
      id: this.nextId++,
      cloud,
      options,
      pnrpId: new Uint8Array(32),
    };
    this.publish(nowMs, local, undefined);
    this.registrations.set(local.id, local);
    return this.describe(local);
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
    const local = this.registration(registrationId);
    const old = local.cloud.security.getRegistration(local.pnrpId)!;
    const options = { ...local.options, endpoints };
    const next = this.build(nowMs, options, local.cloud, old.serviceLocation.slice(8));
    local.options = options;
    if (equalBytes(next.pnrpId, local.pnrpId)) {
      local.cloud.security.setRegistration(next);
    } else {
      this.withdraw(nowMs, local);
      this.publish(nowMs, local, next);
    }
    return this.describe(local);
  }

  /** Stops publishing: floods a revoke CPA to the leaf set. */
  unregister(nowMs: number, registrationId: number): void {
    this.advance(nowMs);
    const local = this.registration(registrationId);
    this.withdraw(nowMs, local);
    this.registrations.delete(registrationId);
  }

  /** Current registrations. */
  registered(): Registration[] {
    return [...this.registrations.values()].map((r) => this.describe(r));
  }

  /**
   * Resolves a peer name; verified instances arrive as `resolve-result` events, the end as
   * `resolve-done`. Returns the resolve ID. Throws RangeError for bad options.
   */
  resolve(nowMs: number, peerName: string, options: ResolveOptions = {}): number {
    this.advance(nowMs);
    const name = parsePeerName(peerName);
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
    const pending: PendingResolve = {
      id,
      cloud,
      peerName: name.text,
      p2pId,
      wantExtendedPayload: want,
      results: 0,
    };
    cloud.resolves++;
    if (want) cloud.security.wantExtendedPayloadsOf(p2pId, 1);
    // Register the resolve before the search starts: it may end inside search().
    let searchId = 0;
    this.run(cloud, () => {
      searchId = cloud.drt.search(nowMs, target, search);
      this.resolves.set(`${cloud.name}:${searchId}`, pending);
    });
    return id;
  }

  /** Cancels a resolve; it ends with `resolve-done` and failure `cancelled`. */
  cancel(nowMs: number, resolveId: number): boolean {
    this.advance(nowMs);
    for (const [key, p] of this.resolves) {
      if (p.id !== resolveId) continue;
      const searchId = Number(key.slice(p.cloud.name.length + 1));
      let ok = false;
      this.run(p.cloud, () => {
        ok = p.cloud.drt.cancel(nowMs, searchId);
      });
      return ok;
    }
    return false;
  }

  /** Unregisters everything (flooding revokes) in every cloud and stops. */
  close(nowMs: number): void {
    this.advance(nowMs);
    for (const cloud of this.clouds.values()) this.run(cloud, () => cloud.drt.close(nowMs));
    this.registrations.clear();
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
    const sum = { rx: 0, tx: 0, ids: 0, resolves: 0, stale: 0 };
    for (const c of this.clouds.values()) {
      const s = c.drt.stats;
      const rates = c.meter.rates(nowMs, s.bytesReceived, s.bytesSent);
      const cs: PnrpCloudStats = {
        cloud: c.name,
        bytesReceivedPerSecond: rates.received,
        bytesSentPerSecond: rates.sent,
        idsRegistered: c.drt.localKeys().length,
        resolves: c.resolves,
        staleCacheEntryHits: s.staleCacheEntryHits,
        resolvesSucceeded: c.resolvesSucceeded,
        resolvesFailed: c.resolvesFailed,
        dropped: { ...s.dropped },
        cpaRejected: { ...c.security.counters.rejected },
        cpasSigned: c.security.counters.cpasSigned,
        signatureVerifications: c.security.crypto.verifyMisses,
        signatureVerifyHits: c.security.crypto.verifyHits,
        drt: s,
      };
      clouds[c.name] = cs;
      mergeCounts(dropped, s.dropped);
      sum.rx += cs.bytesReceivedPerSecond;
      sum.tx += cs.bytesSentPerSecond;
      sum.ids += cs.idsRegistered;
      sum.resolves += cs.resolves;
      sum.stale += cs.staleCacheEntryHits;
    }
    return {
      bytesReceivedPerSecond: sum.rx,
      bytesSentPerSecond: sum.tx,
      idsRegistered: sum.ids,
      resolves: sum.resolves,
      staleCacheEntryHits: sum.stale,
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

  private registration(id: number): LocalRegistration {
    const local = this.registrations.get(id);
    if (!local) throw new RangeError(`registration ${id} does not exist`);
    return local;
  }

  private describe(local: LocalRegistration): Registration {
    const name = parsePeerName(local.options.peerName);
    return {
      id: local.id,
      peerName: name.text,
      cloud: local.cloud.name,
      pnrpId: local.pnrpId.slice(),
      secured: name.secured,
    };
  }

  private build(
    nowMs: number,
    options: RegisterOptions,
    cloud: Cloud,
    suffix: Uint8Array | undefined,
  ) {
    void nowMs;
    return buildRegistration({
      peerName: options.peerName,
      identity: options.identity,
      nodeIdentity: this.identity,
      endpoints: options.endpoints ?? cloud.localEndpoints,
      friendlyName: options.friendlyName,
      extendedPayload: options.extendedPayload,
      serviceLocationPrefix: options.serviceLocationPrefix,
      ...(suffix ? { suffix } : {}),
      rng: this.rng,
      crypto: this.crypto,
      nowWallMs: this.wallClock.nowMs(),
    });
  }

  private publish(
    nowMs: number,
    local: LocalRegistration,
    built: ReturnType<PnrpNode['build']> | undefined,
  ): void {
    const reg = built ?? this.build(nowMs, local.options, local.cloud, undefined);
    const cloud = local.cloud;
    cloud.security.setRegistration(reg);
    try {
      this.run(cloud, () => cloud.drt.registerKey(nowMs, reg.pnrpId));
    } catch (e) {
      cloud.security.deleteRegistration(reg.pnrpId);
      throw e;
    }
    local.pnrpId = reg.pnrpId;
  }

  private withdraw(nowMs: number, local: LocalRegistration): void {
    const cloud = local.cloud;
    this.run(cloud, () => cloud.drt.unregisterKey(nowMs, local.pnrpId));
    cloud.security.deleteRegistration(local.pnrpId);
  }

  /** Runs one call on a cloud's DRT, then drains its outputs into ours. */
  private run(cloud: Cloud, fn: () => void): void {
    try {
      fn();
    } finally {
      this.drain(cloud);
    }
  }

  private drain(cloud: Cloud): void {
    const from = cloud.localEndpoints[0]!;
    for (let o = cloud.drt.poll(); ; o = cloud.drt.poll()) {
      if (o.type === 'timeout') {
        cloud.timerAtMs = o.atMs;
        break;
      }
      if (o.type === 'transmit') {
        const t: PnrpTransmit = {
          type: 'transmit',
          to: o.to,
          payload: o.payload,
          from,
          cloud: cloud.name,
        };
        this.outputs.push(t);
      } else this.onEvent(cloud, o.event);
    }
    const s = cloud.drt.stats;
    cloud.meter.sample(this.nowMsValue, s.bytesReceived, s.bytesSent);
  }

  private onEvent(cloud: Cloud, event: NodeEvent): void {
    if (event.type === 'search-result' || event.type === 'search-done') {
      const key = `${cloud.name}:${event.type === 'search-result' ? event.result.searchId : event.searchId}`;
      const pending = this.resolves.get(key);
      if (!pending) return; // a search this node did not start as a resolve
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

  private onResult(pending: PendingResolve, type: string, proof: unknown): void {
    if (type === 'intermediate') return;
    const verified = proof as VerifiedRegistration | undefined;
    // Only a CPA verified for this search's nonce counts (never a local shortcut without one).
    if (!verified?.cpa || !equalBytes(verified.pnrpId.subarray(0, 16), pending.p2pId)) return;
    const { cpa } = verified;
    pending.results++;
    this.outputs.push({
      type: 'event',
      event: {
        type: 'resolve-result',
        result: {
          resolveId: pending.id,
          cloud: pending.cloud.name,
          peerName: pending.peerName,
          pnrpId: verified.pnrpId,
          endpoints: cpa.appEndpoints,
          pnrpEndpoints: cpa.serviceEndpoints,
          friendlyName: cpa.friendlyName?.text,
          extendedPayload: verified.extendedPayload?.payload,
          hasExtendedPayload: cpa.hasExtendedPayload,
          secured: cpa.secured,
          cpa,
        },
      },
    });
  }

  private advance(nowMs: number): void {
    if (typeof nowMs !== 'number' || Number.isNaN(nowMs))
      throw new TypeError('nowMs must be a number');
    if (nowMs < this.nowMsValue)
      throw new RangeError(`time went backwards: ${nowMs} < ${this.nowMsValue}`);
    this.nowMsValue = nowMs;
  }
}
