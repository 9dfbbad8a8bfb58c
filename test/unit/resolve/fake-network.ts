/**
 * Test helpers for the resolver: keys and route entries from small numbers, a tiny "fake network"
 * of nodes that answer LOOKUP and INQUIRE with the [MS-PNRP] §3.2.5.2 responder rules (closest
 * match not in the flagged path and closer than the Validate ID unless A; own keys only when our
 * endpoint is not flagged; dead end otherwise), and a driver that runs a `Resolution` to the end
 * with virtual time, logging every action. The rules here are written independently of
 * `src/drt/responder.ts` so that the tests check the resolver against the specification, not
 * against another part of the code base.
 */
import {
  type Endpoint,
  endpointKey,
  formatEndpoint,
  ipv4Mapped,
} from '../../../src/keys/endpoint.js';
import { type Key, keyFromBigInt, keyToBigInt, RING_SIZE } from '../../../src/keys/key256.js';
import {
  type InquireVerdict,
  Resolution,
  type ResolutionAction,
  type ResolutionInit,
} from '../../../src/resolve/resolution.js';
import { normalizeSearch, type SearchOptions } from '../../../src/resolve/search-spec.js';
import type { AuthorityFlags, RouteEntry } from '../../../src/wire/types.js';

export type LookupAction = Extract<ResolutionAction, { type: 'lookup' }>;
export type InquireAction = Extract<ResolutionAction, { type: 'inquire' }>;
export type DoneAction = Extract<ResolutionAction, { type: 'done' }>;

/** What a LOOKUP is answered with (the AUTHORITY of a LOOKUP, as the resolver sees it). */
export interface LookupReply {
  readonly flags: AuthorityFlags;
  readonly routeEntry?: RouteEntry;
}

export const PORT = 3540;
export const NO_FLAGS: AuthorityFlags = { suspicious: false, busy: false, notRegistered: false };

/** The key for an integer (mod 2^256). */
export const k = (n: bigint): Key => keyFromBigInt(n);

/** The address of host `n`: ::ffff:10.0.(n >> 8).(n & 255). */
export function host(n: number): Uint8Array {
  return ipv4Mapped(10, 0, (n >> 8) & 0xff, n & 0xff);
}

/** The endpoint of host `n`. */
export function ep(n: number, port: number = PORT): Endpoint {
  return { address: host(n), port };
}

/** A route entry for key `id` on hosts `hosts` (first address first). */
export function entry(id: bigint, ...hosts: number[]): RouteEntry {
  return { id: k(id), port: PORT, addresses: hosts.map(host) };
}

/** `'10.0.0.7:3540'` for an endpoint: short, exact, readable in assertion diffs. */
export function name(endpoint: Endpoint): string {
  return formatEndpoint(endpoint);
}

/** One line per action, e.g. `lookup 10.0.0.7:3540 path=2`, `stale 10.0.0.7:3540`. */
export function describeAction(action: ResolutionAction): string {
  switch (action.type) {
    case 'lookup':
      return `lookup ${name(action.endpoint)} path=${action.flaggedPath.length}${action.retransmit ? ' retransmit' : ''}`;
    case 'inquire':
      return `inquire ${name(action.endpoint)}${action.retransmit ? ' retransmit' : ''}`;
    case 'stale':
      return `stale ${entryName(action.entry)}`;
    case 'intermediate':
      return `intermediate ${entryName(action.hop)}`;
    case 'result':
      return `result ${entryName(action.entry)}`;
    case 'wait':
      return `wait ${action.untilMs}`;
    case 'done':
      return `done ${action.results} ${action.failure ?? 'ok'}`;
  }
}

function entryName(e: RouteEntry): string {
  return name({ address: e.addresses[0]!, port: e.port });
}

/** A node of the fake network. */
export interface FakeNode {
  /** Keys this node publishes; all on `endpoint`. */
  readonly keys: readonly Key[];
  readonly endpoint: Endpoint;
  /** Route entries this node knows. */
  readonly cache: RouteEntry[];
  /** A dead node never answers. @default true */
  alive?: boolean;
  /** Always set the L flag. @default false */
  suspicious?: boolean;
  /**
   * A colluding forger (issue 10): answers every LOOKUP with the target's exact ID at its own
   * endpoint, and an INQUIRE about a key it does not own with an N flag (`refuse`) or with a
   * proof the security provider refuses (`bad-proof`). @default undefined (honest)
   */
  forges?: 'refuse' | 'bad-proof';
}

/** Nodes answering LOOKUP/INQUIRE by the [MS-PNRP] responder rules. Counts what it answered. */
export class FakeNetwork {
  readonly nodes: Map<string, FakeNode> = new Map();
  readonly lookupsAnswered: string[] = [];

  add(node: FakeNode): FakeNode {
    this.nodes.set(endpointKey(node.endpoint), node);
    return node;
  }

  /** The entry a node advertises for one of its keys. */
  static entryOf(node: FakeNode, key: Key): RouteEntry {
    return { id: key, port: node.endpoint.port, addresses: [node.endpoint.address] };
  }

  /** The AUTHORITY for a LOOKUP, or undefined when nobody answers at that endpoint. */
  answerLookup(action: LookupAction, target: Key): LookupReply | undefined {
    const node = this.nodes.get(endpointKey(action.endpoint));
    if (!node || node.alive === false) return undefined;
    this.lookupsAnswered.push(name(node.endpoint));
    if (node.forges) {
      return { flags: NO_FLAGS, routeEntry: FakeNetwork.entryOf(node, target) };
    }
    const t = keyToBigInt(target);
    const dist = (key: Key): bigint => distanceBig(keyToBigInt(key), t);
    const validate = keyToBigInt(action.hop.id);
    const validateLocal = node.keys.some((key) => keyToBigInt(key) === validate);
    const validateDistance = distanceBig(validate, t);
    const flagged = new Set(action.flaggedPath.map(endpointKey));
    let best: RouteEntry | undefined;
    let bestDistance = 0n;
    const consider = (candidate: RouteEntry): void => {
      const d = dist(candidate.id);
      if (!best || d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    };
    if (!flagged.has(endpointKey(node.endpoint))) {
      for (const key of node.keys) {
        if (!validateLocal || dist(key) < validateDistance)
          consider(FakeNetwork.entryOf(node, key));
      }
    }
    for (const e of node.cache) {
      if (e.addresses.some((address) => flagged.has(endpointKey({ address, port: e.port }))))
        continue;
      if (action.acceptAny || dist(e.id) < validateDistance) consider(e);
    }
    const flags: AuthorityFlags = {
      suspicious: node.suspicious ?? false,
      busy: false,
      notRegistered: !validateLocal,
    };
    return best ? { flags, routeEntry: best } : { flags };
  }

  /** The verdict on an INQUIRE, or undefined when nobody answers. */
  answerInquire(action: InquireAction): InquireVerdict | undefined {
    const node = this.nodes.get(endpointKey(action.endpoint));
    if (!node || node.alive === false) return undefined;
    const wanted = keyToBigInt(action.candidate.id);
    if (!node.keys.some((key) => keyToBigInt(key) === wanted)) {
      if (node.forges === 'bad-proof') return { ok: false, reason: 'bad-signature' };
      return { ok: false, reason: 'not-registered' };
    }
    return { ok: true, proof: `proof:${wanted.toString(16)}` };
  }
}

/** Ring distance on integers, computed here independently of src/keys. */
export function distanceBig(a: bigint, b: bigint): bigint {
  const d = (((a - b) % RING_SIZE) + RING_SIZE) % RING_SIZE;
  return d > RING_SIZE / 2n ? RING_SIZE - d : d;
}

/** How the driver answers a request: after `afterMs`, or never (undefined). */
export type Responder = (
  action: LookupAction | InquireAction,
  nowMs: number,
) => { readonly afterMs: number; readonly reply: LookupReply | InquireVerdict } | undefined;

/** A responder for a fake network with a fixed one-way-and-back latency. */
export function networkResponder(net: FakeNetwork, target: Key, rttMs = 10): Responder {
  return (action) => {
    if (action.type === 'lookup') {
      const reply = net.answerLookup(action, target);
      return reply ? { afterMs: rttMs, reply } : undefined;
    }
    const verdict = net.answerInquire(action);
    return verdict ? { afterMs: rttMs, reply: verdict } : undefined;
  };
}

export interface LoggedAction {
  readonly atMs: number;
  readonly action: ResolutionAction;
}

export interface DriveOptions {
  readonly startMs?: number;
  /** Called on `intermediate`; by default the driver calls `continue()` at once. */
  readonly onIntermediate?: (resolution: Resolution, nowMs: number) => void;
  /** Safety net against a machine that never ends. @default 10000 */
  readonly stepsMax?: number;
}

export interface DriveResult {
  readonly log: LoggedAction[];
  /** `describeAction()` of every action, in order. */
  readonly lines: string[];
  readonly done: DoneAction;
  readonly endMs: number;
}

/**
 * Runs a resolution to `done`: polls, answers requests through `respond` (feeding replies back
 * after their delay), jumps time to each `wait`. Throws if a `wait` does not move time forward.
 */
export function drive(
  resolution: Resolution,
  respond: Responder,
  options: DriveOptions = {},
): DriveResult {
  let now = options.startMs ?? 0;
  const log: LoggedAction[] = [];
  const stepsMax = options.stepsMax ?? 10_000;
  for (let i = 0; i < stepsMax; i++) {
    const action = resolution.poll(now);
    log.push({ atMs: now, action });
    switch (action.type) {
      case 'done':
        return { log, lines: log.map((l) => describeAction(l.action)), done: action, endMs: now };
      case 'wait':
        if (action.untilMs <= now) throw new Error(`wait until ${action.untilMs} at ${now}`);
        now = action.untilMs;
        break;
      case 'intermediate':
        if (options.onIntermediate) options.onIntermediate(resolution, now);
        else resolution.continue();
        break;
      case 'lookup':
      case 'inquire': {
        if (action.retransmit) break;
        const answer = respond(action, now);
        if (!answer) break;
        now += answer.afterMs;
        if (action.type === 'lookup') resolution.onLookupReply(now, answer.reply as LookupReply);
        else resolution.onInquireReply(now, answer.reply as InquireVerdict);
        break;
      }
      case 'stale':
      case 'result':
        break;
    }
  }
  throw new Error(`resolution did not finish in ${stepsMax} steps`);
}

/** Deterministic 64-bit generator (SplitMix64) for building networks from a printed seed. */
export class SplitMix64 {
  private state: bigint;
  constructor(seed: number | bigint) {
    this.state = BigInt.asUintN(64, BigInt(seed));
  }
  next(): bigint {
    this.state = BigInt.asUintN(64, this.state + 0x9e3779b97f4a7c15n);
    let z = this.state;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    return z ^ (z >> 31n);
  }
  /** A uniform 256-bit integer. */
  key(): bigint {
    return (this.next() << 192n) | (this.next() << 128n) | (this.next() << 64n) | this.next();
  }
  /** An integer in [0, n). */
  below(n: number): number {
    return Number(this.next() % BigInt(n));
  }
}

/** The target most tests use: 2^200, so nearness (common prefix bits) is easy to reason about. */
export const T: bigint = 1n << 200n;
export const TARGET: Key = k(T);
/** The resolver's own endpoint. */
export const SELF: Endpoint = ep(1);

/** The seed of the randomized resolver tests; replay one with PNRP_SEED. */
export const SEED: number = Number(process.env.PNRP_SEED ?? 20261121);
/** Search options spanning the whole key space (nearest-N and range searches). */
export const WHOLE_RING: { readonly minKey: Key; readonly maxKey: Key } = {
  minKey: keyFromBigInt(0n),
  maxKey: keyFromBigInt(RING_SIZE - 1n),
};

/**
 * A resolver started at 0 from SELF on an exact search for TARGET with no initial hops, but for
 * what `init` says (the hops, another spec, limits ...).
 * @example resolution({ initialHops: [a], spec: normalizeSearch(TARGET, { iterative: true }) })
 */
export function resolution(init: Partial<ResolutionInit> = {}): Resolution {
  return new Resolution({
    spec: normalizeSearch(TARGET),
    startMs: 0,
    initialHops: [],
    selfEndpoints: [SELF],
    ...init,
  });
}

export interface Ring {
  readonly net: FakeNetwork;
  readonly nodes: readonly FakeNode[];
  /** One route entry per node, sorted by key. */
  readonly entries: readonly RouteEntry[];
}

/**
 * `count` nodes with random keys on hosts 100.., each knowing its leaf set (`leafEach` on each
 * side) and `extra` other random nodes: the shape of a small, healthy PNRP cloud.
 */
export function buildRing(seed: number, count: number, leafEach = 5, extra = 4): Ring {
  const rng = new SplitMix64(seed);
  const keys = Array.from({ length: count }, () => rng.key()).sort((a, b) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  const entries = keys.map((key, i) => entry(key, 100 + i));
  const net = new FakeNetwork();
  const nodes = entries.map((e, i) => {
    const known = new Set<number>();
    for (let d = 1; d <= leafEach; d++) {
      known.add((i + d) % count);
      known.add((i - d + count) % count);
    }
    while (known.size < Math.min(count - 1, 2 * leafEach + extra)) {
      const j = rng.below(count);
      if (j !== i) known.add(j);
    }
    return net.add({
      keys: [e.id],
      endpoint: ep(100 + i),
      cache: [...known].sort((a, b) => a - b).map((j) => entries[j]!),
    });
  });
  return { net, nodes, entries };
}

/** The `n` entries closest to `target`, closest first (brute force; ties by key). */
export function closestByBruteForce(
  entries: readonly RouteEntry[],
  target: Key,
  n: number,
): RouteEntry[] {
  const t = keyToBigInt(target);
  return [...entries]
    .map((e) => ({ e, d: distanceBig(keyToBigInt(e.id), t), key: keyToBigInt(e.id) }))
    .sort((a, b) => (a.d !== b.d ? (a.d < b.d ? -1 : 1) : a.key < b.key ? -1 : 1))
    .slice(0, n)
    .map((x) => x.e);
}

/** A resolver that knows 8 random nodes of the ring and starts from the 4 closest to `target`. */
export function ringResolution(
  ring: Ring,
  target: Key,
  options: SearchOptions,
  rngSeed: number,
): Resolution {
  const rng = new SplitMix64(rngSeed);
  const known = new Set<number>();
  while (known.size < 8) known.add(rng.below(ring.entries.length));
  const cache = [...known].map((i) => ring.entries[i]!);
  return resolution({
    spec: normalizeSearch(target, options),
    initialHops: closestByBruteForce(cache, target, cache.length),
  });
}
