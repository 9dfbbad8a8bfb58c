/**
 * A cloud of real DrtNodes on loopback UDP in this process, each on its own ephemeral port, run by
 * runNode() on the real clock. Shared by the UDP scenario test and the UDP benchmark, so both
 * measure the same thing. Not a test file itself (no `.test.ts`).
 */
import {
  createUdpTransport,
  nodeCrypto,
  type UdpTransport,
} from '../../../src/adapters/node/index.js';
import { staticBootstrap } from '../../../src/drt/bootstrap-provider.js';
import type { NodeEvent, SearchResult } from '../../../src/drt/events.js';
import { DrtNode } from '../../../src/drt/node.js';
import type { DrtNodeOptions } from '../../../src/drt/options.js';
import type { Endpoint } from '../../../src/keys/endpoint.js';
import type { Key } from '../../../src/keys/key256.js';
import type { SearchOptions } from '../../../src/resolve/search-spec.js';
import { realTimers } from '../../../src/runtime.js';
import { type RunningNode, runNode } from '../../../src/transport-adapter.js';
import type { Rng } from '../../../src/util/rng.js';

/** One node of the cloud. */
export interface UdpMember {
  readonly index: number;
  readonly key: Key;
  readonly endpoint: Endpoint;
  readonly transport: UdpTransport;
  readonly running: RunningNode<DrtNode>;
  /** Registration state of the member's key as last reported. */
  registration: 'pending' | 'resolvable' | 'unresolvable';
  live: boolean;
}

type SearchDone = NodeEvent & { type: 'search-done' };

interface PendingSearch {
  readonly results: SearchResult[];
  done?: SearchDone;
  doneAtMs?: number;
  wake?: () => void;
}

/** The end of one search. */
export interface UdpSearchOutcome {
  readonly results: readonly SearchResult[];
  readonly failure: string | undefined;
  readonly elapsedMs: number;
  /** Requests sent (retransmissions included) plus answers received, as DrtCloud counts them. */
  readonly datagrams: number;
}

/** How the cloud is built. */
export interface UdpCloudOptions {
  readonly rng: Rng;
  /** Bootstrap endpoints per joining node (random earlier members). @default 3 */
  readonly fanout?: number;
  /** Real ms between two joins. @default 20 */
  readonly joinGapMs?: number;
  /** Loopback address every node binds. @default '127.0.0.1' */
  readonly host?: '127.0.0.1' | '::1';
  /** Extra options for every node. */
  readonly node?: UdpNodeOptions;
}

/** DrtNode options the cloud lets callers set. */
export type UdpNodeOptions = Partial<Omit<DrtNodeOptions, 'rng' | 'localEndpoints' | 'bootstrap'>>;

/** Loopback timers: a lost datagram is retried in 250 ms, a hop given up after 500 ms. */
export const LOOPBACK_NODE_OPTIONS: UdpNodeOptions = {
  crypto: nodeCrypto,
  maintenanceIntervalMs: 3_000,
  resolution: { retransmitMs: 250, hopTimeoutMs: 500 },
};

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `done` every 25 ms; false when `maxMs` passes first. */
export async function waitUntil(done: () => boolean, maxMs: number): Promise<boolean> {
  const end = performance.now() + maxMs;
  while (!done()) {
    if (performance.now() > end) return false;
    await sleep(25);
  }
  return true;
}

/** A UDP cloud; always `close()` it (in a `finally`). */
export class UdpCloud {
  readonly members: UdpMember[] = [];
  private readonly pending = new Map<string, PendingSearch>();
  private readonly transports: UdpTransport[] = [];

  constructor(private readonly options: UdpCloudOptions) {}

  /** Adds `count` nodes one after another, each bootstrapping from earlier ones. */
  async grow(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      await this.join();
      await sleep(this.options.joinGapMs ?? 20);
    }
  }

  /** One node on the loopback address, registering a random key. */
  async join(): Promise<UdpMember> {
    const rng = this.options.rng;
    const transport = await createUdpTransport({ host: this.options.host ?? '127.0.0.1' });
    this.transports.push(transport);
    const live = this.members.filter((m) => m.live);
    const seeds: Endpoint[] = [];
    for (let i = 0; i < Math.min(this.options.fanout ?? 3, live.length); i++)
      seeds.push(live[rng.nextInt(live.length)]!.endpoint);
    const index = this.members.length;
    const key = rng.bytes(32);
    const node = new DrtNode({
      ...this.options.node,
      rng: rng.fork(`node ${index}`),
      localEndpoints: transport.localEndpoints(),
      bootstrap: staticBootstrap(seeds),
    });
    const member: UdpMember = {
      index,
      key,
      endpoint: transport.localEndpoints()[0]!,
      transport,
      running: runNode(node, transport, realTimers(), { onEvent: (e) => this.onEvent(member, e) }),
      registration: 'pending',
      live: true,
    };
    this.members.push(member);
    member.running.command((n, now) => {
      n.registerKey(now, key);
      n.start(now);
    });
    return member;
  }

  /** Runs one search from `from` to its end; latency is taken when the search-done event arrives. */
  async search(
    from: UdpMember,
    target: Key,
    options: SearchOptions = {},
  ): Promise<UdpSearchOutcome> {
    const started = performance.now();
    const id = from.running.command((n, now) => n.search(now, target, options));
    const p = this.entry(`${from.index}:${id}`);
    if (!p.done) {
      const limitMs = (options.timeoutMs ?? 30_000) + 2_000;
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        p.wake = resolve;
        timer = setTimeout(resolve, limitMs);
      });
      clearTimeout(timer);
    }
    this.pending.delete(`${from.index}:${id}`);
    const done = p.done;
    if (!done)
      return { results: p.results, failure: 'unfinished', elapsedMs: Infinity, datagrams: 0 };
    const s = done.stats;
    const answers = done.path.filter((h) => h.rttMs !== undefined).length;
    return {
      results: p.results,
      failure: done.failure,
      elapsedMs: (p.doneAtMs ?? performance.now()) - started,
      datagrams: s.lookups + s.inquires + s.retransmits + answers,
    };
  }

  /** Vanishes without notice: stops the loop and closes the socket. */
  async kill(member: UdpMember): Promise<void> {
    member.live = false;
    member.running.stop();
    await member.transport.close();
  }

  /** Leaves gracefully: unregisters (flooding revokes), then stops and closes. */
  async leave(member: UdpMember): Promise<void> {
    member.running.command((n, now) => n.close(now));
    await sleep(50); // let the revoke FLOODs out before the socket closes
    await this.kill(member);
  }

  /** Stops every node and closes every socket, even half-built ones. */
  async close(): Promise<void> {
    for (const m of this.members) m.running.stop();
    await Promise.all(this.transports.map((t) => t.close()));
  }

  private entry(token: string): PendingSearch {
    let p = this.pending.get(token);
    if (!p) {
      p = { results: [] };
      this.pending.set(token, p);
    }
    return p;
  }

  private onEvent(member: UdpMember, e: NodeEvent): void {
    if (e.type === 'registration-state-changed') member.registration = e.state;
    if (e.type === 'search-result')
      this.entry(`${member.index}:${e.result.searchId}`).results.push(e.result);
    if (e.type !== 'search-done') return;
    const p = this.entry(`${member.index}:${e.searchId}`);
    p.done = e;
    p.doneAtMs = performance.now();
    p.wake?.();
  }
}
