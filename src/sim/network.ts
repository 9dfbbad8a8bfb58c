/**
 * @module sim/network
 * The simulated network's fault model: one-way delay, loss, duplication and extra reordering,
 * every draw taken from the network's own `Rng` stream (the simulation forks it as
 * `'network'`), so faults are a function of the seed and of the order of sends alone.
 *
 * Delay of one datagram from node `f` to node `t`:
 *
 *     delay = delayMinMs + pairMs(f, t) + jitter [+ reorder extra] , rounded up to 1/1024 ms
 *
 * - `pairMs(f, t)` is a per-ordered-pair base latency, uniform in `[0, 2 * pairMeanMs]` where
 *   `pairMeanMs = delayMeanMs - delayMinMs - jitterMeanMs`. It is "drawn once per pair" by a
 *   stateless hash of (two salts drawn from the network stream at construction, f, t), so it
 *   costs no memory even for 100,000 nodes and never changes between packets.
 * - `jitter` is exponential with mean `jitterMeanMs`, drawn per packet; it reorders packets of
 *   one pair naturally.
 * - With probability `reorderProbability` a packet gets an extra uniform delay in
 *   `[0, 2 * delayMeanMs)`, so it is likely overtaken by later ones.
 * - The sum is capped at `delayMaxMs` and rounded up to a multiple of 1/1024 ms, which keeps
 *   virtual times exact binary fractions (no drift from decimal rounding) and makes the result
 *   robust to last-bit differences of `Math.log` between JavaScript engines.
 *
 * So the mean one-way delay is `delayMeanMs` (before the cap and reordering), and never below
 * `delayMinMs`. Every packet draws the same four numbers (loss, duplicate, jitter, reorder) in
 * the same order whatever the probabilities, plus two (jitter, reorder) for a duplicate copy, so
 * changing the loss or reordering probability at run time does not shift the stream of draws.
 */
import type { Rng } from '../util/rng.js';

/**
 * Knobs of the network model; every one optional and changeable at run time.
 * @example new Simulation({ seed: 1, network: { delayMeanMs: 20, lossProbability: 0.1 } })
 */
export interface NetworkOptions {
  /** Smallest one-way delay. @default 10 */
  readonly delayMinMs?: number;
  /** Mean one-way delay; at least `delayMinMs + jitterMeanMs`. @default 50 */
  readonly delayMeanMs?: number;
  /** Mean of the per-packet exponential jitter (part of the mean delay). @default 5 */
  readonly jitterMeanMs?: number;
  /** Largest one-way delay; the sum is capped here. At least `delayMinMs`. @default Infinity */
  readonly delayMaxMs?: number;
  /** Probability that a datagram is lost, in [0, 1]. @default 0 */
  readonly lossProbability?: number;
  /** Probability that a datagram is delivered twice (independent delays), in [0, 1]. @default 0 */
  readonly duplicateProbability?: number;
  /** Probability of an extra uniform delay in [0, 2 * delayMeanMs), in [0, 1]. @default 0 */
  readonly reorderProbability?: number;
}

/**
 * {@link NetworkOptions} with every default filled in.
 * @example const s: NetworkSettings = sim.network;
 */
export type NetworkSettings = Required<NetworkOptions>;

/**
 * The defaults: a LAN-to-WAN mix of 10..~110 ms, no loss, no duplication.
 * @example { ...NETWORK_DEFAULTS, lossProbability: 0.01 }
 */
export const NETWORK_DEFAULTS: NetworkSettings = Object.freeze({
  delayMinMs: 10,
  delayMeanMs: 50,
  jitterMeanMs: 5,
  delayMaxMs: Number.POSITIVE_INFINITY,
  lossProbability: 0,
  duplicateProbability: 0,
  reorderProbability: 0,
});

/**
 * Merges `options` over `base` and validates the result once; throws `RangeError`.
 * @example resolveNetworkOptions({ lossProbability: 0.1 })
 */
export function resolveNetworkOptions(
  options: NetworkOptions = {},
  base: NetworkSettings = NETWORK_DEFAULTS,
): NetworkSettings {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('network options must be an object');
  }
  const s: { -readonly [K in keyof NetworkSettings]: NetworkSettings[K] } = { ...base };
  for (const key of Object.keys(NETWORK_DEFAULTS) as (keyof NetworkSettings)[]) {
    const v = options[key];
    if (v !== undefined) s[key] = v;
  }
  for (const key of ['delayMinMs', 'delayMeanMs', 'jitterMeanMs', 'delayMaxMs'] as const) {
    if (typeof s[key] !== 'number' || Number.isNaN(s[key]) || s[key] < 0) {
      throw new RangeError(`network.${key} must be a number >= 0, got ${s[key]}`);
    }
  }
  for (const key of ['delayMinMs', 'delayMeanMs', 'jitterMeanMs'] as const) {
    if (!Number.isFinite(s[key])) throw new RangeError(`network.${key} must be finite`);
  }
  if (s.delayMeanMs < s.delayMinMs + s.jitterMeanMs) {
    throw new RangeError(
      `network.delayMeanMs (${s.delayMeanMs}) must be >= delayMinMs + jitterMeanMs ` +
        `(${s.delayMinMs + s.jitterMeanMs})`,
    );
  }
  if (s.delayMaxMs < s.delayMinMs) {
    throw new RangeError(`network.delayMaxMs (${s.delayMaxMs}) must be >= delayMinMs`);
  }
  for (const key of ['lossProbability', 'duplicateProbability', 'reorderProbability'] as const) {
    if (typeof s[key] !== 'number' || !(s[key] >= 0 && s[key] <= 1)) {
      throw new RangeError(`network.${key} must be in [0, 1], got ${s[key]}`);
    }
  }
  return Object.freeze(s);
}

/** Delays are rounded up to a multiple of 1/1024 ms. */
const TICKS_PER_MS = 1024;

/**
 * Verdict of {@link NetworkModel.sample} for one datagram.
 * @example const { lost, delayMs, duplicateDelayMs }: PacketFate = net.sample(0, 1);
 */
export interface PacketFate {
  /** The datagram is lost in the network. */
  lost: boolean;
  /** One-way delay of the (first) copy. */
  delayMs: number;
  /** Delay of the duplicate copy, or -1 when there is none. */
  duplicateDelayMs: number;
}

/**
 * Draws the fate of datagrams. One instance per simulation; the caller owns partitions and
 * node liveness, this class only owns randomness and delays.
 * @example
 * const net = new NetworkModel(seededRng(1).fork('network'), { lossProbability: 0.1 });
 * const fate = net.sample(0, 1); // reused object: copy what you need before the next call
 */
export class NetworkModel {
  private settings: NetworkSettings;
  private readonly rng: Rng;
  private readonly saltA: number;
  private readonly saltB: number;
  private readonly fate: PacketFate = { lost: false, delayMs: 0, duplicateDelayMs: -1 };

  /**
   * @param rng the network stream; two salts for the pair latencies are drawn from it at once.
   * @example new NetworkModel(rng.fork('network'))
   */
  constructor(rng: Rng, options: NetworkOptions = {}) {
    this.settings = resolveNetworkOptions(options);
    this.rng = rng;
    this.saltA = rng.nextU32();
    this.saltB = rng.nextU32();
  }

  /**
   * The settings in force.
   * @example net.options.lossProbability
   */
  get options(): NetworkSettings {
    return this.settings;
  }

  /**
   * Changes some knobs from now on (validated; others keep their values).
   * @example net.update({ lossProbability: 0.2 })
   */
  update(options: NetworkOptions): void {
    this.settings = resolveNetworkOptions(options, this.settings);
  }

  /**
   * The fixed base latency of the ordered pair (from, to), before jitter: uniform in
   * `[0, 2 * (delayMeanMs - delayMinMs - jitterMeanMs)]`.
   * @example net.pairMs(3, 4) === net.pairMs(3, 4) // true
   */
  pairMs(from: number, to: number): number {
    const s = this.settings;
    const pairMeanMs = s.delayMeanMs - s.delayMinMs - s.jitterMeanMs;
    return pairUnit(this.saltA, this.saltB, from, to) * 2 * pairMeanMs;
  }

  /**
   * Draws loss, duplication and delays for one datagram from `from` to `to`. Returns a shared
   * object overwritten by the next call.
   * @example const { lost, delayMs } = net.sample(from, to);
   */
  sample(from: number, to: number): PacketFate {
    const s = this.settings;
    const rng = this.rng;
    const fate = this.fate;
    fate.lost = rng.nextFloat() < s.lossProbability;
    const duplicate = rng.nextFloat() < s.duplicateProbability;
    const base = s.delayMinMs + this.pairMs(from, to);
    fate.delayMs = this.finish(base, rng.nextFloat(), rng.nextFloat());
    fate.duplicateDelayMs = -1;
    if (duplicate) {
      // Drawn even when the datagram is lost, so the loss knob never shifts the stream.
      const delayMs = this.finish(base, rng.nextFloat(), rng.nextFloat());
      if (!fate.lost) fate.duplicateDelayMs = delayMs;
    }
    return fate;
  }

  private finish(baseMs: number, jitterUnit: number, reorderUnit: number): number {
    const s = this.settings;
    let delay = baseMs - Math.log(1 - jitterUnit) * s.jitterMeanMs;
    if (reorderUnit < s.reorderProbability) {
      // Reuse the unit: below p it is uniform in [0, p), rescale it to [0, 1).
      delay += (reorderUnit / s.reorderProbability) * 2 * s.delayMeanMs;
    }
    delay = Math.ceil(delay * TICKS_PER_MS) / TICKS_PER_MS;
    return Math.min(delay, s.delayMaxMs);
  }
}

/** A uniform number in [0, 1) from a murmur3-style mix of the salts and the pair. */
function pairUnit(saltA: number, saltB: number, from: number, to: number): number {
  let h = Math.imul(from ^ saltA, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h ^= Math.imul(to ^ saltB, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 13), 0x27d4eb2f);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return (h >>> 0) / 0x1_0000_0000;
}
