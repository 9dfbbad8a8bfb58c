/**
 * `pnrp/node`: the Node.js adapters. A UDP {@link createUdpTransport | transport} on `node:dgram`
 * and a {@link nodeCrypto | crypto backend} on `node:crypto`. Re-exports only.
 * @module pnrp/node
 */
export { debugLogger, formatLogEvent, LOG_NAMESPACES } from './debug-logger.js';
export { dnsResolver } from './dns-resolver.js';
export {
  createNodeCrypto,
  type NodeCryptoBackend,
  type NodeCryptoOptions,
  nodeCrypto,
} from './node-crypto.js';
export {
  createUdpTransport,
  parseHostAddress,
  type UdpTransport,
  type UdpTransportOptions,
  type UdpTransportStats,
} from './udp-transport.js';
