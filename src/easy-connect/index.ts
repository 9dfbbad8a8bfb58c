/**
 * @module easy-connect
 * Easy Connect (issue 16 Build 4), sans-I/O parts: the 12-symbol code of an offerer's key and the
 * peer name it publishes, the password-authenticated handshake (CPace-shaped, over ristretto255)
 * as two nodes on the datagram seam, and its wire codec. Re-exports only; the async facade is
 * `peer/easy-connect.ts`, exported from `pnrp/node`.
 */
export {
  ACCEPT_RETRANSMIT_MS,
  ACCEPT_TIMEOUT_MS,
  EasyConnectAccept,
  type EasyConnectAcceptEvent,
  type EasyConnectAcceptFailure,
  type EasyConnectAcceptOptions,
  type EasyConnectAcceptStats,
} from './accept.js';
export {
  codeMatchesKey,
  EASY_CONNECT_ALPHABET,
  EASY_CONNECT_CLASSIFIER_PREFIX,
  EASY_CONNECT_CODE_LENGTH,
  easyConnectCodeOf,
  easyConnectPeerName,
  formatEasyConnectCode,
  parseEasyConnectCode,
} from './code.js';
export {
  type DoneStatus,
  decodeEasyConnect,
  EASY_CONNECT_MESSAGE_BYTES,
  type EasyConnectMessage,
  encodeEasyConnect,
  isEasyConnectDatagram,
  SESSION_ID_BYTES,
} from './codec.js';
export {
  EasyConnectOffer,
  type EasyConnectOfferEvent,
  type EasyConnectOfferOptions,
  type EasyConnectOfferStats,
  HELLO_ANSWERS_PER_SECOND,
  HELLOS_PER_SECOND,
  OFFER_ATTEMPTS_MAX,
  OFFER_SESSION_TIMEOUT_MS,
  OFFER_SESSIONS_MAX,
} from './offer.js';
export {
  confirmationOf,
  EASY_CONNECT_KDF_LOG_N,
  type EasyConnectSecretOptions,
  easyConnectSecret,
  easyConnectSecretAsync,
  equalConstantTime,
} from './pake.js';
