/**
 * `pnrp/graph`: peer graphing ([MS-PPGRH]): `GraphNode` (the sans-I/O protocol engine, driven by
 * `runConnectionNode` or the simulator), the record database, the wire codec's entry points, the
 * shapes of records and messages, the security-provider contract and the null provider. x509-free: the grouping provider,
 * which admits members by their group membership certificates, is in `pnrp/gmc`.
 * @module pnrp/graph
 */

export {
  type CreatorUsage,
  compareRecords,
  type DatabaseRefusal,
  RecordDatabase,
  type RecordDatabaseOptions,
  type RecordDatabaseStats,
  recordBytes,
} from './database.js';
export type { GraphEvent, GraphStatus, RecordChange, SyncKind } from './events.js';
export type { GraphInfoOptions } from './graph-info.js';
export {
  type AdvertiseDiff,
  type ApplyOutcome,
  CONNECTION_TYPE,
  type ConnectionSecurity,
  DISCONNECT_REASON,
  FIXED_RECORD_ID,
  type GraphAddress,
  type GraphDatabase,
  type GraphMessage,
  type GraphMessageType,
  type GraphRecord,
  type GraphSecurityProvider,
  type Guid,
  type HashEntryBoundary,
  type HashInfoEntry,
  MESSAGE_TYPE,
  type NodeId,
  type PeerTime,
  PING_DATA_TYPE,
  RECORD_TYPE,
  REFUSE_CODE,
  type RecordAbstract,
  type RecordOrder,
  type RecordTypeFilter,
  type RecordVerdict,
  type SecurityStep,
} from './model.js';
export {
  GraphNode,
  type GraphNodeOptions,
  type NeighbourInfo,
  type PersistedState,
} from './node.js';
export { GRAPH_LIMITS, GRAPH_TIMERS, type GraphLimits, type GraphTimers } from './options.js';
export type { NewRecord, RecordChanges, RecordRefusal, RecordResult } from './records.js';
export {
  type CountingSecurityProvider,
  nullGraphSecurityProvider,
  type SecurityStats,
} from './security/index.js';
export type { GraphStats } from './stats.js';
export {
  decodeGraphMessage,
  decodeRecord,
  encodeGraphMessage,
  encodeRecord,
  formatAttributes,
  GRAPH_WIRE_ERROR,
  GRAPH_WIRE_LIMITS,
  type GraphInfo,
  type GraphScope,
  type GraphWireLimits,
  parseAttributes,
  type RecordAttribute,
} from './wire/index.js';
