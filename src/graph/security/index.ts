/**
 * @module graph/security
 * Graph security providers usable without `pnrp/gmc`: the null provider, the unit framing every
 * provider obeys and the counters they keep. The grouping (GMC) provider lives in `pnrp/gmc`.
 */
export { nullGraphSecurityProvider } from './null-provider.js';
export {
  type CountingSecurityProvider,
  countReason,
  createSecurityStats,
  type SecurityStats,
} from './stats.js';
export { readUnitSize, UNIT_BYTES_MAX, UNIT_SIZE_BYTES, unwrapUnit, wrapUnit } from './units.js';
