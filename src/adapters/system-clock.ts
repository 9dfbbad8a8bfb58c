/**
 * @module adapters/system-clock
 * The platform's wall clock as a {@link WallClock} (CPA and certificate validity). Lives in the
 * adapter layer because the sans-I/O core may not read clocks (DESIGN.md §2); simulations inject
 * their own, skewed per node.
 */
import type { WallClock } from '../sans-io.js';

/**
 * `Date.now()`: milliseconds since the Unix epoch.
 * @example new PnrpNode({ rng: systemRng(), wallClock: systemWallClock, clouds })
 */
export const systemWallClock: WallClock = { nowMs: () => Date.now() };
