/**
 * @module adapters/webrtc
 * `pnrp/webrtc`: a {@link createWebRtcTransport | DatagramTransport over RTCDataChannels} for
 * browsers, and the mapping of peer ids to synthetic endpoints. Re-exports only; no `node:`.
 */
export * from './peer-endpoint.js';
export * from './webrtc-transport.js';
