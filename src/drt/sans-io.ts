/**
 * @module drt/sans-io
 * Moved to `src/sans-io.ts`; re-exported here until every import points there.
 */
export type { Output, SansIoNode, WallClock } from '../sans-io.js';
