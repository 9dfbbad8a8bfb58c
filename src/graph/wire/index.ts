/**
 * @module graph/wire
 * The [MS-PPGRH] wire codec: messages (§2.2.2) with their PEER_MESSAGE header, PEER_RECORD
 * (§2.2.1.9) and the checks of §3.1.7.27, record IDs (§3.1.7.2), internal record payloads
 * (§2.2.3), record attributes (§2.2.3.5), framing (§2.2.1.1) and the limits they enforce.
 */
export {
  ATTRIBUTE_NAME_CHARS_MAX,
  ATTRIBUTES_COUNT_MAX,
  ATTRIBUTES_XML_CHARS_MAX,
  formatAttributes,
  parseAttributes,
  RESERVED_ATTRIBUTE_NAMES,
  type RecordAttribute,
} from './attributes.js';
export { GRAPH_WIRE_ERROR } from './errors.js';
export { frameUnit, UnitReader, type UnitReaderOptions } from './framing.js';
export {
  type ContactPayload,
  decodeContact,
  decodeGraphInfo,
  decodePresence,
  decodeSignature,
  encodeContact,
  encodeGraphInfo,
  encodePresence,
  encodeSignature,
  GRAPH_SCOPE,
  type GraphInfo,
  type GraphScope,
  MAX_RECORD_SIZE_MIN,
  PRESENCE_LIFETIME_MIN_S,
  type PresencePayload,
} from './internal-records.js';
export { MESSAGE_HEADER_BYTES, MESSAGE_VERSION } from './layout.js';
export {
  GRAPH_WIRE_LIMITS,
  type GraphWireLimits,
  MAX_FRAME_SIZE_CEILING,
  resolveGraphWireLimits,
  SPEC_MAX_RECORD_SIZE,
} from './limits.js';
export { decodeGraphMessage, encodeGraphMessage, peekMessageType } from './message.js';
export { encodeSyncEnd } from './messages-sync.js';
export {
  decodeRecord,
  encodeRecord,
  RECORD_PROTOCOL_VERSION,
  recordSizeForLimit,
} from './record.js';
export { creatorIdHigh, newRecordId, recordIdMatchesCreator } from './record-id.js';
export { type RecordValidationContext, validateRecord } from './validate-record.js';
