/**
 * `pnrp/node`: the Node.js adapters. A UDP {@link createUdpTransport | transport} on `node:dgram`
 * and a {@link nodeCrypto | crypto backend} on `node:crypto`. Re-exports only.
 */

export * from './debug-logger.js';
export * from './dns-resolver.js';
export * from './node-crypto.js';
export * from './udp-transport.js';
