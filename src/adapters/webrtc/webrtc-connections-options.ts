/**
 * @module adapters/webrtc/webrtc-connections-options
 * The options, counters and public shape of the WebRTC connection transport
 * (webrtc-connections.ts), and the validation of the options, done once at construction.
 */
import {
  CONNECTIONS_MAX_DEFAULT,
  type ConnectionTransport,
  type ConnectionTransportStats,
  positiveIntegerOption,
  SEND_BUFFER_MAX_BYTES_DEFAULT,
} from '../../connection-transport.js';
import type { Endpoint } from '../../keys/endpoint.js';
import { assertPeerId, WEBRTC_PORT_DEFAULT } from './peer-endpoint.js';
import type { Signaller } from './webrtc-transport.js';

/** Options of `createWebRtcConnections`. */
export interface WebRtcConnectionsOptions {
  /** This peer's id, as the signaller knows it (1..256 characters). */
  readonly peerId: string;
  /** This transport's own signaller (its handler is replaced by ours). */
  readonly signaller: Signaller;
  /** Configuration of every `RTCPeerConnection`. @default {} */
  readonly rtcConfiguration?: RTCConfiguration;
  /** Port of every synthetic endpoint, 1025..65535. @default 3540 */
  readonly port?: number;
  /** A connection not open after this long is `unreachable`. @default 15000 */
  readonly connectTimeoutMs?: number;
  /** Unsent bytes per connection (queue + `bufferedAmount`); more ends it `error`. @default 1 MiB */
  readonly sendBufferMaxBytes?: number;
  /** Largest message put on a channel; sends are cut to fit. @default 16384 */
  readonly messageBytesMax?: number;
  /** Connections open at once; further incoming channels are closed. @default 1024 */
  readonly connectionsMax?: number;
  /** Peer connections up at once. @default 256 */
  readonly peersMax?: number;
  /** Makes the peer connections. @default `new RTCPeerConnection(configuration)` */
  readonly createPeerConnection?: (configuration: RTCConfiguration) => RTCPeerConnection;
}

/** Counters of a WebRTC connection transport. */
export interface WebRtcConnectionsStats extends ConnectionTransportStats {
  /** Peer connections we offered. */
  peersOffered: number;
  /** Peer connections we answered. */
  peersAnswered: number;
  /** Peer connections torn down (failure, glare, room for another, shutdown). */
  peersClosed: number;
  /** Signalling messages that made no sense in the peer connection's state. */
  signalsIgnored: number;
}

/** A ConnectionTransport over RTCDataChannels, with its peer id mapping. */
export interface WebRtcConnections extends ConnectionTransport {
  readonly peerId: string;
  readonly stats: WebRtcConnectionsStats;
  /** The synthetic endpoint of `peerId` (what to `connect` to). */
  endpointOf(peerId: string): Endpoint;
  /** The peer id behind a synthetic endpoint, or `undefined` if unknown. */
  peerIdOf(endpoint: Endpoint): string | undefined;
}

/** The options with every default filled in. */
export type ValidatedWebRtcConnectionsOptions = Required<
  Omit<WebRtcConnectionsOptions, 'createPeerConnection'>
> & {
  readonly createPeerConnection: (configuration: RTCConfiguration) => RTCPeerConnection;
};

/**
 * Validates the options once; throws `TypeError` or `RangeError`.
 * @example const o = validateWebRtcConnectionsOptions({ peerId: 'alice', signaller });
 */
export function validateWebRtcConnectionsOptions(
  o: WebRtcConnectionsOptions,
): ValidatedWebRtcConnectionsOptions {
  assertPeerId(o?.peerId);
  if (typeof o.signaller?.send !== 'function' || typeof o.signaller.onMessage !== 'function')
    throw new TypeError('createWebRtcConnections: signaller must have send and onMessage');
  const port = o.port ?? WEBRTC_PORT_DEFAULT;
  if (!Number.isInteger(port) || port <= 1024 || port > 0xffff)
    throw new RangeError(`createWebRtcConnections: port must be in 1025..65535, got ${port}`);
  const make =
    o.createPeerConnection ??
    ((configuration: RTCConfiguration) => {
      if (typeof RTCPeerConnection !== 'function')
        throw new TypeError('createWebRtcConnections: RTCPeerConnection is not available here');
      return new RTCPeerConnection(configuration);
    });
  if (typeof make !== 'function')
    throw new TypeError('createWebRtcConnections: createPeerConnection must be a function');
  return {
    peerId: o.peerId,
    signaller: o.signaller,
    rtcConfiguration: o.rtcConfiguration ?? {},
    port,
    connectTimeoutMs: positiveIntegerOption('connectTimeoutMs', o.connectTimeoutMs, 15_000),
    sendBufferMaxBytes: positiveIntegerOption(
      'sendBufferMaxBytes',
      o.sendBufferMaxBytes,
      SEND_BUFFER_MAX_BYTES_DEFAULT,
    ),
    messageBytesMax: positiveIntegerOption('messageBytesMax', o.messageBytesMax, 16_384),
    connectionsMax: positiveIntegerOption(
      'connectionsMax',
      o.connectionsMax,
      CONNECTIONS_MAX_DEFAULT,
    ),
    peersMax: positiveIntegerOption('peersMax', o.peersMax, 256),
    createPeerConnection: make,
  };
}
