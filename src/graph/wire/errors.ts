/**
 * @module graph/wire/errors
 * The stable kebab-case codes the [MS-PPGRH] codec returns for refused remote bytes (docs/design.md
 * §4). The node counts drops by these codes; they never change meaning.
 */

/** Error codes of the [MS-PPGRH] codec, one per kind of refusal. */
export const GRAPH_WIRE_ERROR: {
  readonly truncated: 'truncated';
  readonly tooShort: 'too-short';
  readonly tooLarge: 'too-large';
  readonly sizeMismatch: 'size-mismatch';
  readonly badVersion: 'bad-version';
  readonly unknownType: 'unknown-type';
  readonly badConnectionType: 'bad-connection-type';
  readonly offsetOrder: 'offset-order';
  readonly offsetOutOfBounds: 'offset-out-of-bounds';
  readonly arrayOutOfBounds: 'array-out-of-bounds';
  readonly limitExceeded: 'limit-exceeded';
  readonly emptyString: 'empty-string';
  readonly unterminatedString: 'unterminated-string';
  readonly invalidUtf8: 'invalid-utf8';
  readonly badStringLength: 'bad-string-length';
  readonly badAddress: 'bad-address';
  readonly includeAndExclude: 'include-and-exclude';
  readonly inclusionCount: 'inclusion-count';
  readonly badRefuseCode: 'bad-refuse-code';
  readonly badDisconnectReason: 'bad-disconnect-reason';
  readonly updateWithoutAddresses: 'update-without-addresses';
  readonly reservedNotZero: 'reserved-not-zero';
  readonly syncEndNotFinal: 'sync-end-not-final';
  readonly badProtocolVersion: 'bad-protocol-version';
  readonly trailingBytes: 'trailing-bytes';
  readonly badPayload: 'bad-payload';
  readonly recordIdMismatch: 'record-id-mismatch';
  readonly recordTimes: 'record-times';
  readonly deletedWithPayload: 'deleted-with-payload';
  readonly graphIdMismatch: 'graph-id-mismatch';
  readonly recordTooLarge: 'record-too-large';
  readonly modifiedBy: 'modified-by';
  readonly badAttributes: 'bad-attributes';
  readonly frameSizeZero: 'frame-size-zero';
  readonly frameTooLarge: 'frame-too-large';
  readonly unitTooSmall: 'unit-too-small';
  readonly unitTooLarge: 'unit-too-large';
} = {
  /** Fewer bytes than a field needs. */
  truncated: 'truncated',
  /** Message Size below the message's minimum (§3.1.5.2.x) or its fixed part. */
  tooShort: 'too-short',
  /** More bytes than the limits allow. */
  tooLarge: 'too-large',
  /** Message Size differs from the unit's length. */
  sizeMismatch: 'size-mismatch',
  /** PEER_MESSAGE Version is not 0x10 (§3.1.5.2). */
  badVersion: 'bad-version',
  /** Message Type outside 0x01..0x0E (§3.1.5.2). */
  unknownType: 'unknown-type',
  /** AUTH_INFO Connection Type not 0x01 or 0x02 (§3.1.5.1.1). */
  badConnectionType: 'bad-connection-type',
  /** Offsets out of the order the specification requires. */
  offsetOrder: 'offset-order',
  /** An offset beyond Message Size or into the fixed part of the message. */
  offsetOutOfBounds: 'offset-out-of-bounds',
  /** count × entry size + offset beyond its bound. */
  arrayOutOfBounds: 'array-out-of-bounds',
  /** A count above {@link GraphWireLimits}. */
  limitExceeded: 'limit-exceeded',
  /** A string the specification requires non-empty is empty. */
  emptyString: 'empty-string',
  /** A string without its terminating null, or with a null inside. */
  unterminatedString: 'unterminated-string',
  /** A UTF-8 string that does not decode. */
  invalidUtf8: 'invalid-utf8',
  /** A character count outside the range the specification gives. */
  badStringLength: 'bad-string-length',
  /** PEER_IN6_ADDRESS / PEER_ADDRESS with a wrong family or size. */
  badAddress: 'bad-address',
  /** Both Inclusion Count and Exclusion Count non-zero (§3.1.5.2.5-7). */
  includeAndExclude: 'include-and-exclude',
  /** Inclusion Count above 1 in SOLICIT_NEW or SOLICIT_TIME (§3.1.5.2.5-6). */
  inclusionCount: 'inclusion-count',
  /** REFUSE Error Code outside 0x01..0x04 (§3.1.5.2.3). */
  badRefuseCode: 'bad-refuse-code',
  /** DISCONNECT Reason outside 0x01..0x03 (§3.1.5.2.4). */
  badDisconnectReason: 'bad-disconnect-reason',
  /** CONNECT with the Update bit and no address (§2.2.2.2). */
  updateWithoutAddresses: 'update-without-addresses',
  /** FLOOD Reserved2 not zero (§3.1.5.2.10 checks it). */
  reservedNotZero: 'reserved-not-zero',
  /** A SYNC_END without the Final bit: valid, but to be ignored (§3.1.5.2.11), not processed. */
  syncEndNotFinal: 'sync-end-not-final',
  /** PEER_RECORD Protocol Version not 0x0100 (§3.1.7.27). */
  badProtocolVersion: 'bad-protocol-version',
  /** Bytes after a self-delimiting structure. */
  trailingBytes: 'trailing-bytes',
  /** An internal record payload (§2.2.3) or attributes value out of its range. */
  badPayload: 'bad-payload',
  /** Record ID not bound to the creator ID (§3.1.7.27). */
  recordIdMismatch: 'record-id-mismatch',
  /** Expiration <= modification or modification < creation (§3.1.7.27). */
  recordTimes: 'record-times',
  /** A deleted record with payload (§2.2.1.9). */
  deletedWithPayload: 'deleted-with-payload',
  /** A record of another graph (§3.1.7.27). */
  graphIdMismatch: 'graph-id-mismatch',
  /** Payload + attributes × 2 above Max Record Size (§3.1.7.27). */
  recordTooLarge: 'record-too-large',
  /** Last Modified By present on a never-modified record, or absent on a modified one. */
  modifiedBy: 'modified-by',
  /** Attributes XML outside the syntax of §2.2.3.5. */
  badAttributes: 'bad-attributes',
  /** A frame of size 0 (§2.2.1.1). */
  frameSizeZero: 'frame-size-zero',
  /** A frame above Max Frame Size (§2.2.1.1). */
  frameTooLarge: 'frame-too-large',
  /** A unit whose size is below the 8-byte PEER_MESSAGE header. */
  unitTooSmall: 'unit-too-small',
  /** A unit above maxUnitBytes. */
  unitTooLarge: 'unit-too-large',
} as const;
