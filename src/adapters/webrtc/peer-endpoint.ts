/**
 * @module adapters/webrtc/peer-endpoint
 * WebRTC peers have no addresses the core can use: a peer is an application-chosen id that the
 * signaller understands. The core speaks {@link Endpoint}s, so each peer id maps to a synthetic
 * unique-local IPv6 address (fd00::/8: `fd` followed by the first 15 bytes of SHA-256 of the
 * UTF-8 peer id) and one fixed port. {@link PeerEndpointMap} keeps both directions.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { type Endpoint, endpointKey } from '../../keys/endpoint.js';

/** The port every synthetic WebRTC endpoint carries (must be > 1024). */
export const WEBRTC_PORT_DEFAULT = 3540;

/** Longest peer id in UTF-16 code units. */
export const PEER_ID_LENGTH_MAX = 256;

/**
 * The synthetic endpoint of `peerId`: fd + 15 bytes of SHA-256(UTF-8 peer id), at `port`.
 * @example
 * const ep = peerEndpoint('alice'); // { address: fd..:.., port: 3540 }
 */
export function peerEndpoint(peerId: string, port: number = WEBRTC_PORT_DEFAULT): Endpoint {
  assertPeerId(peerId);
  const digest = sha256(new TextEncoder().encode(peerId));
  const address = new Uint8Array(16);
  address[0] = 0xfd;
  address.set(digest.subarray(0, 15), 1);
  return { address, port };
}

/**
 * Throws `TypeError` unless `peerId` is a non-empty string of at most {@link PEER_ID_LENGTH_MAX}.
 * @example assertPeerId('alice');
 */
export function assertPeerId(peerId: unknown): asserts peerId is string {
  if (typeof peerId !== 'string' || peerId.length === 0 || peerId.length > PEER_ID_LENGTH_MAX)
    throw new TypeError(
      `webrtc: peer id must be a string of 1..${PEER_ID_LENGTH_MAX} characters, got ${String(peerId)}`,
    );
}

/**
 * Both directions between peer ids and their synthetic endpoints. An endpoint maps back only
 * once its peer id was seen (mapped locally or met through signalling).
 * @example
 * const map = new PeerEndpointMap(3540);
 * const ep = map.endpointOf('bob');
 * map.peerIdOf(ep); // 'bob'
 */
export class PeerEndpointMap {
  private readonly byKey = new Map<string, string>();

  constructor(readonly port: number = WEBRTC_PORT_DEFAULT) {}

  /** The endpoint of `peerId`, remembered for {@link PeerEndpointMap.peerIdOf}. */
  endpointOf(peerId: string): Endpoint {
    const ep = peerEndpoint(peerId, this.port);
    const key = endpointKey(ep);
    const known = this.byKey.get(key);
    if (known !== undefined && known !== peerId)
      throw new Error(`webrtc: peer ids ${known} and ${peerId} map to the same endpoint`);
    this.byKey.set(key, peerId);
    return ep;
  }

  /** The peer id behind `endpoint`, or `undefined` if none was seen. */
  peerIdOf(endpoint: Endpoint): string | undefined {
    if (endpoint.port !== this.port) return undefined;
    return this.byKey.get(endpointKey(endpoint));
  }
}
