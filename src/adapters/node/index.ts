/**
 * `pnrp/node`: the Node.js adapters. A UDP {@link createUdpTransport | transport} on `node:dgram`,
 * a TCP {@link createTcpTransport | connection transport} on `node:net` and a
 * {@link nodeCrypto | crypto backend} on `node:crypto`. Re-exports only.
 * @module pnrp/node
 */
export { debugLogger, formatLogEvent, LOG_NAMESPACES } from './debug-logger.js';
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
