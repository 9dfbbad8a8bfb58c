/**
 * The async facade (docs/design.md §1): `createPeer` over `runNode()`, with Promises, AbortSignals,
 * async iterables and one error type, plus the peer-name bootstrap provider. Re-exports only.
 * @module peer
 */
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
export type { RegistrationEndpoint } from './pnrp/types.js';
