/**
 * @module graph/peer-time
 * Peer time ([MS-PPGRH] §1.3.6, §3.1.1 Peer Time Delta, §3.1.5.2.2): the graph's shared clock, a
 * FILETIME (100 ns since 1601-01-01 UTC) equal to the node's wall clock plus a delta. The creator
 * starts with delta 0; a node's first WELCOME sets its peer time to the neighbour's; every later
 * WELCOME moves it toward the neighbour's by a weighted average.
 *
 * The formulas of §3.1.5.2.2 are images missing from our copy of the specification. Decisions:
 * - the WELCOME's peer time is corrected by half the CONNECT-to-WELCOME round trip measured in
 *   local peer time: `PTwelcome = PTremote + (Twelcome - Tconnect) / 2`;
 * - the first neighbour sets the delta outright (`PTwelcome - localUTC`), even when more than 20
 *   minutes away (a fresh node adopts the graph's clock);
 * - with `n` neighbours (this one included), a later WELCOME more than 20 minutes away is ignored;
 *   otherwise `delta = (delta * (n - 1) + remoteDelta) / n`: every neighbour weighs the same.
 */
import type { WallClock } from '../sans-io.js';
import type { PeerTime } from './model.js';

/** 100 ns ticks from 1601-01-01 to 1970-01-01. */
const UNIX_EPOCH_FILETIME = 116_444_736_000_000_000n;
/** 100 ns ticks in a millisecond. */
const TICKS_PER_MS = 10_000n;
/** A WELCOME's peer time further than this from ours is ignored when averaging (§3.1.5.2.2). */
export const PEER_TIME_TOLERANCE: PeerTime = 20n * 60n * 1000n * TICKS_PER_MS;

/**
 * Converts milliseconds to peer-time ticks.
 * @example msToTicks(1000) // 10_000_000n
 */
export function msToTicks(ms: number): PeerTime {
  return BigInt(Math.round(ms)) * TICKS_PER_MS;
}

/**
 * Converts peer-time ticks to milliseconds (rounded toward zero), clamped to ±2^53.
 * @example ticksToMs(10_000_000n) // 1000
 */
export function ticksToMs(ticks: PeerTime): number {
  const ms = ticks / TICKS_PER_MS;
  const cap = BigInt(Number.MAX_SAFE_INTEGER);
  return Number(ms > cap ? cap : ms < -cap ? -cap : ms);
}

/** The node's view of peer time. */
export class PeerClock {
  /** Peer Time Delta (§3.1.1), in ticks: peer time minus local UTC. */
  private deltaTicks = 0n;

  constructor(private readonly wall: WallClock) {}

  /** Peer Time Delta in ticks (positive: the graph's clock is ahead of ours). */
  get delta(): PeerTime {
    return this.deltaTicks;
  }

  /** Sets the delta (a persisted one when re-opening, §3.1.4.2). */
  setDelta(delta: PeerTime): void {
    this.deltaTicks = delta;
  }

  /** Local UTC as a FILETIME. */
  utc(): PeerTime {
    return BigInt(Math.floor(this.wall.nowMs())) * TICKS_PER_MS + UNIX_EPOCH_FILETIME;
  }

  /** Current peer time. */
  now(): PeerTime {
    return this.utc() + this.deltaTicks;
  }

  /**
   * Folds a WELCOME's peer time in (§3.1.5.2.2). `connectSentAt` is our peer time when the CONNECT
   * went out; `neighbours` counts neighbours including the one that welcomed us. Returns whether
   * the remote time was used.
   */
  onWelcome(remote: PeerTime, connectSentAt: PeerTime, neighbours: number): boolean {
    const local = this.now();
    const rtt = local > connectSentAt ? local - connectSentAt : 0n;
    const adjusted = remote + rtt / 2n;
    const remoteDelta = adjusted - this.utc();
    if (neighbours <= 1) {
      this.deltaTicks = remoteDelta;
      return true;
    }
    const gap = adjusted > local ? adjusted - local : local - adjusted;
    if (gap > PEER_TIME_TOLERANCE) return false;
    const n = BigInt(neighbours);
    this.deltaTicks = (this.deltaTicks * (n - 1n) + remoteDelta) / n;
    return true;
  }
}
