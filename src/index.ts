/**
 * pnrp: the Peer Name Resolution Protocol (PNRP v2) and the Distributed Routing Table in pure
 * TypeScript. This entry is the sans-I/O core; it imports nothing from `node:` and never pulls in
 * X.509 code. See README.md for the run loop and the determinism contract.
 *
 * The list below is the curated public API (sorted by defining module): the async facade
 * (`createPeer`), names and endpoints, the sans-I/O nodes and their contract, the run loop with its
 * real-world defaults, security and bootstrap providers, and Certified Peer Addresses, with every
 * type their signatures use. Internals stay in their own modules, importable inside the
 * repository only; `test/unit/api/public-exports.test.ts` holds this list to a committed snapshot.
 * @module pnrp
 */

export {
  type ConnectionEventOf,
  type RunConnectionNodeOptions,
  type RunningConnectionNode,
  type RunningConnectionNodeStats,
  runConnectionNode,
} from './connection-adapter.js';
export type {
  ConnectionSink,
  ConnectionTransport,
  ConnectionTransportStats,
} from './connection-transport.js';
export { decodeCpa } from './cpa/decode.js';
export { encodeCpa } from './cpa/encode.js';
export type { ExtendedPayload, ExtendedPayloadData } from './cpa/extended-payload.js';
export type { AppEndpoint, Cpa, FriendlyName, SignedCpa, TextEncoding } from './cpa/model.js';
export { type CreateCpaParams, createCpa } from './cpa/sign.js';
export {
  type AuthorityDelegation,
  type AuthorityVerifier,
  CPA_REJECT_REASONS,
  type CpaDelegatedAuthority,
  type CpaExpectations,
  type CpaRejectReason,
  type CpaVerdict,
  pnrpIdOfCpa,
  verifyCpa,
} from './cpa/verify.js';
export { type BootstrapProvider, staticBootstrap } from './drt/bootstrap-provider.js';
export type {
  DrtStatus,
  MatchType,
  NodeEvent,
  SearchFailure,
  SearchResult,
} from './drt/events.js';
export { DrtNode } from './drt/node.js';
export type { DrtNodeOptions } from './drt/options.js';
export {
  type AuthorityExtras,
  type KeyRecord,
  type MembershipInput,
  type MembershipSecurity,
  type MembershipVerdict,
  nullSecurityProvider,
  type RecordExpectation,
  type RecordVerdict,
  type RevokeSummary,
  type SecurityProvider,
  type ValidatedRecord,
} from './drt/security-provider.js';
export type { DrtStats } from './drt/stats.js';
export {
  type CryptoBackend,
  type MemoizedCryptoBackend,
  nobleCrypto,
} from './keys/crypto-backend.js';
export {
  type Endpoint,
  endpointsEqual,
  formatAddress,
  formatEndpoint,
  parseEndpoint,
} from './keys/endpoint.js';
export { createIdentity, type Identity } from './keys/identity.js';
export { pnrpIdOf } from './keys/ids.js';
export { type Key, keyFromHex, keyToHex } from './keys/key256.js';
export { formatPeerName, type PeerName, parsePeerName } from './keys/peer-name.js';
export type { LogEvent, LogEventType, Logger } from './log.js';
export {
  createMemoryConnections,
  type MemoryConnections,
  type MemoryConnectionsOptions,
  type MemoryConnectionsStats,
} from './memory-connections.js';
export {
  createMemoryNetwork,
  type MemoryNetwork,
  type MemoryNetworkOptions,
  type MemoryNetworkStats,
} from './memory-network.js';
export { combineTransports } from './peer/combine-transports.js';
export { createPeer } from './peer/create-peer.js';
export { PnrpError, type PnrpErrorCode } from './peer/error.js';
export type { HostResolver } from './peer/host-bootstrap.js';
export {
  type PeerNameBootstrap,
  type PeerNameBootstrapOptions,
  peerNameBootstrap,
} from './peer/name-bootstrap.js';
export type { PeerEventMap } from './peer/peer-events.js';
export type { PeerRegistration, RegistrationState } from './peer/peer-registration.js';
export type { PeerTrace } from './peer/resolve-tracker.js';
export type {
  CreatePeerOptions,
  OperationOptions,
  Peer,
  PeerBootstrap,
  PeerCloudOptions,
  PeerRegisterOptions,
  PeerResolveOptions,
  PeerSearchOptions,
  PeerStats,
  PnrpResolveResultList,
  WhenActiveOptions,
} from './peer/types.js';
export {
  type CacheSnapshot,
  cacheSnapshotBootstrap,
  cacheSnapshotOf,
  decodeCacheSnapshot,
  encodeCacheSnapshot,
} from './pnrp/cache-snapshot.js';
export { GLOBAL_CLOUD, linkLocalCloudName, siteLocalCloudName } from './pnrp/cloud-names.js';
export {
  type CpaProviderCounters,
  type CpaRegistration,
  type CpaSecurityProvider,
  type CpaSecurityProviderOptions,
  cpaSecurityProvider,
  type VerifiedRegistration,
} from './pnrp/cpa-security-provider.js';
export { hostNameToPeerName, peerNameToHostName } from './pnrp/host-name.js';
export { PnrpNode, type PnrpNodeOptions } from './pnrp/pnrp-node.js';
export type { PnrpCloudStats, PnrpPerformanceCounters, PnrpStats } from './pnrp/stats.js';
export {
  type CloudDrtOptions,
  type PnrpCloudConfig,
  type PnrpEvent,
  type PnrpResolveResult,
  type RegisterOptions,
  type Registration,
  type RegistrationEndpoint,
  type ResolveFailure,
  type ResolveOptions,
  SEED_PEER_NAME,
} from './pnrp/types.js';
export type { PathHop } from './resolve/path.js';
export type { ResolutionLimits, ResolutionStats } from './resolve/resolution-types.js';
export type { SearchOptions } from './resolve/search-spec.js';
export { realTimers, systemRng, systemWallClock } from './runtime.js';

export {
  type ConnectionEnd,
  type ConnectionId,
  type ConnectionNode,
  type ConnectionOutput,
  type DrainSink,
  drainNode,
  type Output,
  OutputQueue,
  type SansIoNode,
  type Transmit,
  type WallClock,
} from './sans-io.js';
export {
  type DatagramTransport,
  type EventOf,
  type RunNodeOptions,
  type RunningNode,
  type RunningNodeStats,
  runNode,
  type TimerHandle,
  type Timers,
  type TransportSink,
} from './transport-adapter.js';
export type { DecodeError, Result } from './util/result.js';
export { type Rng, seededRng } from './util/rng.js';
export type { ProtocolVersion, ResolveCriteria, RouteEntry } from './wire/types.js';
