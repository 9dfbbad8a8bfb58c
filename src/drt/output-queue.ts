/**
 * @module drt/output-queue
 * Moved to `src/sans-io.ts`; re-exported here until every import points there.
 */
export { OutputQueue } from '../sans-io.js';
