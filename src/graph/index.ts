/**
 * `pnrp/graph`: peer graphing ([MS-PPGRH]): the shapes of records and messages, the database and
 * security-provider contracts, and the null security provider. x509-free: the grouping provider,
 * which admits members by their group membership certificates, is in `pnrp/gmc`.
 * @module pnrp/graph
 */
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
  type CountingSecurityProvider,
  nullSecurityProvider,
  type SecurityStats,
} from './security/index.js';
