/**
 * Keys on the 256-bit ring, peer names, PNRP IDs, identities, endpoints and the crypto backend.
 * Explicit named re-exports for the rest of the repository; the package's API is `src/index.ts`.
 * @module keys
 */
export {
  type CryptoBackend,
  type MemoizedCryptoBackend,
  memoizeVerify,
  nobleCrypto,
} from './crypto-backend.js';
export {
  type Endpoint,
  endpointsEqual,
  formatAddress,
  formatEndpoint,
  ipv4Mapped,
  isIpv4Mapped,
  parseAddress,
  parseEndpoint,
} from './endpoint.js';
export { authorityOf, createIdentity, type Identity } from './identity.js';
export { binaryAuthorityOf, p2pIdOf, pnrpIdOf, resolveTargetOf, serviceLocationOf } from './ids.js';
export {
  clockwiseDistance,
  commonPrefixBits,
  compareDistance,
  compareKeys,
  type Key,
  keyFromHex,
  keyInRange,
  keyToHex,
  ringDistance,
} from './key256.js';
export { formatPeerName, type PeerName, parsePeerName } from './peer-name.js';
