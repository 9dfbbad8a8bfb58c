/**
 * `pnrp/webrtc`: a {@link createWebRtcTransport | DatagramTransport over RTCDataChannels} for
 * browsers, a {@link createWebRtcConnections | ConnectionTransport over reliable ordered
 * channels}, and the mapping of peer ids to synthetic endpoints. Re-exports only; no `node:`.
 * @module pnrp/webrtc
 */
export {
  PEER_ID_LENGTH_MAX,
  PeerEndpointMap,
  peerEndpoint,
  WEBRTC_PORT_DEFAULT,
} from './peer-endpoint.js';
export {
  createWebRtcConnections,
  type WebRtcConnections,
  type WebRtcConnectionsOptions,
  type WebRtcConnectionsStats,
} from './webrtc-connections.js';
export {
  createWebRtcTransport,
  type Signaller,
  type SignalMessage,
  type WebRtcTransport,
  type WebRtcTransportOptions,
  type WebRtcTransportStats,
} from './webrtc-transport.js';
