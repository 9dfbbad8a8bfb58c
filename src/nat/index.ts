/**
 * @module nat
 * NAT traversal, sans-I/O parts (issue 16, docs/design.md §8): STUN Binding codec, the responder
 * every node runs, address discovery with dial-back confirmation, and the socket split. Explicit
 * re-exports; not a package entry yet (issue 16 is in progress).
 */
export { AddressDiscovery, DISCOVERY_SERVERS_MAX } from './address-discovery.js';
export type {
  AddressDiscoveryOptions,
  AddressDiscoveryStats,
  AddressEvent,
  Observation,
  UnconfirmedReason,
} from './address-types.js';
export { KEEPALIVE_PEERS_MAX, KeepAliveSender } from './keepalive.js';
export { HEARD_MAX, OPEN_PUNCHES_MAX, PunchNode, TARGET_PROBES_MAX } from './punch-node.js';
export { type PunchObserver, type PunchSplit, splitPunchTransport } from './punch-split.js';
export type { PunchEvent, PunchFailure, PunchOptions, PunchStats } from './punch-types.js';
export { RelayClient } from './relay-client.js';
export {
  decodeRelayMessage,
  encodeRelayMessage,
  isRelayDatagram,
  RELAY_DATA_OVERHEAD,
  RELAY_MAGIC,
  RELAY_PAYLOAD_MAX,
  RELAY_REFUSALS,
  type RelayMessage,
  type RelayRefusal,
} from './relay-codec.js';
export {
  RELAY_PEER_ANSWERS_PER_SECOND,
  RelayPeerResponder,
  type RelayPeerStats,
  type RelayPong,
  RelayResponderNode,
  type RelayResponderStats,
} from './relay-peer.js';
export {
  RELAY_CHALLENGE_TTL_MS,
  RELAY_CHALLENGES_MAX,
  RELAY_CREDIT_MAX,
  RELAY_KNOCK_INTERVAL_MS,
  RelayServer,
} from './relay-server.js';
export {
  type RelayedTransport,
  type RelaySender,
  type RelaySplit,
  relayedTransport,
  splitRelayTransport,
} from './relay-transport.js';
export type {
  RelayClientEvent,
  RelayClientOptions,
  RelayClientStats,
  RelayDrop,
  RelayServerEvent,
  RelayServerOptions,
  RelayServerStats,
} from './relay-types.js';
export { PROVEN_PEERS_MAX, RendezvousServer } from './rendezvous.js';
export {
  CONNECT_PADDING_MIN,
  type ConnectStatus,
  decodeRendezvous,
  encodeRendezvous,
  isRendezvousDatagram,
  RENDEZVOUS_MAGIC,
  type RendezvousMessage,
} from './rendezvous-codec.js';
export {
  ATTR_DIAL_BACK,
  ATTR_PADDING,
  ATTR_XOR_MAPPED_ADDRESS,
  decodeStun,
  encodeStun,
  isStunDatagram,
  STUN_BYTES_MAX,
  STUN_HEADER_BYTES,
  STUN_MAGIC_COOKIE,
  type StunClass,
  type StunMessage,
} from './stun.js';
export {
  DIAL_BACK_BURST,
  DIAL_BACK_PADDING,
  DIAL_BACK_SOURCES_MAX,
  DIAL_BACKS_PER_SECOND,
  STUN_ANSWERS_PER_SECOND,
  StunResponder,
  type StunResponderStats,
} from './stun-responder.js';
export { type AdvertisingTransport, type StunSplit, splitStunTransport } from './stun-split.js';
