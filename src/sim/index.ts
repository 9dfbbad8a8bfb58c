/**
 * @module sim
 * `pnrp/sim`: the deterministic discrete-event simulator. Re-exports only.
 */

export * from './adversaries.js';
export * from './attack-setup.js';
export * from './churn.js';
export * from './colluders.js';
export * from './drt-cloud.js';
export * from './event-queue.js';
export * from './intercept.js';
export * from './network.js';
export { NODE_STATUS, type NodeStatus, SimNodeHandle } from './node-table.js';
export * from './pnrp-cloud.js';
export * from './search-report.js';
export * from './search-series.js';
export * from './signed-key-provider.js';
export * from './sim-endpoints.js';
export type { SimEventListener } from './sim-engine.js';
export * from './simulation.js';
export { WALL_CLOCK_START_DEFAULT_MS } from './simulation-options.js';
export * from './trace-hash.js';
export type * from './types.js';
