/**
 * `pnrp/node`: the Node.js adapters. A UDP {@link createUdpTransport | transport} on `node:dgram`,
 * a TCP {@link createTcpTransport | connection transport} on `node:net` and a
 * {@link nodeCrypto | crypto backend} on `node:crypto`; a {@link dnsBootstrap | DNS bootstrap
 * provider}; Easy Connect ({@link offerEasyConnect}, {@link acceptEasyConnect}); hole punching
 * through the cloud ({@link splitPunchTransport}, {@link startPunch}, {@link reachDirect}).
 * Re-exports only.
 * @module pnrp/node
 */

export {
  easyConnectPeerName,
  formatEasyConnectCode,
  parseEasyConnectCode,
} from '../../easy-connect/code.js';
export type { EasyConnectOfferEvent } from '../../easy-connect/offer.js';
export type { AdvertisingTransport, SplitObserver } from '../../nat/datagram-split.js';
export { PunchNode } from '../../nat/punch-node.js';
export { type PunchSplit, splitPunchTransport } from '../../nat/punch-split.js';
export type { PunchEvent, PunchFailure, PunchOptions, PunchStats } from '../../nat/punch-types.js';
export type { ConnectStatus } from '../../nat/rendezvous-codec.js';
export {
  type DirectPath,
  type PunchHandle,
  type ReachDirectOptions,
  reachDirect,
  startPunch,
} from '../../peer/direct-reach.js';
export {
  type AcceptEasyConnectOptions,
  acceptEasyConnect,
  type EasyConnectCommonOptions,
  EasyConnectError,
  type EasyConnectErrorCode,
  type EasyConnection,
  type EasyConnectOfferHandle,
  type OfferEasyConnectOptions,
  offerEasyConnect,
} from '../../peer/easy-connect.js';
export { debugLogger, formatLogEvent, LOG_NAMESPACES } from './debug-logger.js';
export {
  type DnsBootstrap,
  type DnsBootstrapOptions,
  type DnsBootstrapResolver,
  type DnsSrvRecord,
  dnsBootstrap,
  SRV_TARGETS_MAX,
} from './dns-bootstrap.js';
export { dnsResolver } from './dns-resolver.js';
export {
  type FileDhtStorage,
  type FileDhtStorageOptions,
  fileDhtStorage,
} from './file-dht-storage.js';
export {
  createNodeCrypto,
  type NodeCryptoBackend,
  type NodeCryptoOptions,
  nodeCrypto,
} from './node-crypto.js';
export {
  connectionEndOf,
  createTcpTransport,
  TCP_SEND_BUFFER_MAX_BYTES_DEFAULT,
  type TcpTransport,
  type TcpTransportOptions,
  type TcpTransportStats,
} from './tcp-transport.js';
export {
  createUdpTransport,
  parseHostAddress,
  type UdpTransport,
  type UdpTransportOptions,
  type UdpTransportStats,
} from './udp-transport.js';
