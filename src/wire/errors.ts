/**
 * @module wire/errors
 * The stable reason codes with which the wire decoders refuse remote bytes (docs/design.md §4). Every
 * `{ ok: false }` result of `decodeMessage`, `decodeAuthorityBuffer` and `decodeHeader` carries
 * one of these in `error.code`; nodes count dropped datagrams by them.
 */

/**
 * Decode error codes, each with what it means.
 * @example if (!result.ok && result.error.code === WIRE_ERROR.badPort) stats.badPort++;
 */
export const WIRE_ERROR = {
  /** The bytes end inside the header, an element header, or an element's declared Length. */
  truncated: 'truncated',
  /** Header FieldID is not 0x0010, its Length not 12, or its Identifier not 0x51. */
  badHeader: 'bad-header',
  /** Header MessageType is not one of the eight PNRP v4 codes. */
  unknownType: 'unknown-type',
  /** A FieldID that is unknown, or not allowed at this position of this message type. */
  unexpectedField: 'unexpected-field',
  /** The message ends before a required element. */
  missingField: 'missing-field',
  /** An element Length, ArrayLength or EntryLength disagrees with the layout or the counts. */
  badLength: 'bad-length',
  /** Padding after an element is not zero, or stops short at the end of the message. */
  badPadding: 'bad-padding',
  /** A field holds a value the layout does not allow (ElementFieldType, criteria, NUL...). */
  badValue: 'bad-value',
  /** A count or size beyond the specification's limits (WIRE_LIMITS). */
  limit: 'limit',
  /** A port at or below 1024 in a route entry or an endpoint. */
  badPort: 'bad-port',
  /** SPLIT_CONTROLS that no valid fragmentation produces (offset, size and slice disagree). */
  badFragment: 'bad-fragment',
  /** 1 to 3 bytes after the last element that are not its padding. */
  trailingBytes: 'trailing-bytes',
} as const;

/**
 * One of the decode error codes.
 * @example const code: WireErrorCode = 'bad-port';
 */
export type WireErrorCode = (typeof WIRE_ERROR)[keyof typeof WIRE_ERROR];

/**
 * Every decode error code, for tables of counters.
 * @example const counts = Object.fromEntries(WIRE_ERROR_CODES.map((c) => [c, 0]));
 */
export const WIRE_ERROR_CODES: readonly WireErrorCode[] = Object.values(WIRE_ERROR);
