/**
 * @module wire/lookup
 * LOOKUP (0x0B, [MS-PNRP] §2.2.2.8): LOOKUP_CONTROLS `0045 000c | flags u16 (A 0x0002) |
 * Precision u16 | ResolveCriteria u8 | ResolveReasonCode u8 | Reserved u16`, TARGET_PNRP_ID,
 * VALIDATE_PNRP_ID, optional ROUTING_ENTRY (best match so far), the flagged path
 * (IPV6_ENDPOINT_ARRAY, 1..22), then the optional [MC-DRT] security elements. The array is
 * padded only when security elements follow it.
 */
import { fail } from '../util/byte-reader.js';
import type { ByteWriter } from '../util/byte-writer.js';
import {
  ELEMENT_LENGTHS,
  FIELD_IDS,
  LOOKUP_FLAG_ACCEPT_ANY,
  PRECISION_BITS_MAX,
} from './constants.js';
import { assertBoolean, type Mutable, readIdElement, writeIdElement } from './elements.js';
import { readEndpointArray, writeEndpointArray } from './endpoint-array.js';
import { WIRE_ERROR } from './errors.js';
import type { MessageHeader } from './header.js';
import { readRoutingEntry, writeRoutingEntry } from './route-entry.js';
import { readSecurity, writeSecurity } from './security.js';
import type { ElementReader } from './tlv.js';
import {
  type LookupControls,
  type LookupMessage,
  REASON_CODES,
  RESOLVE_CRITERIA_CODES,
  type ReasonCode,
  type ResolveCriteria,
  WIRE_LIMITS,
} from './types.js';

const CRITERIA_BY_CODE = new Map<number, ResolveCriteria>(
  Object.entries(RESOLVE_CRITERIA_CODES).map(([name, code]) => [code, name as ResolveCriteria]),
);
const REASON_BY_CODE = new Map<number, ReasonCode>(
  Object.entries(REASON_CODES).map(([name, code]) => [code, name as ReasonCode]),
);

/**
 * Writes LOOKUP_CONTROLS. Throws for an unknown criteria or reason, a Precision outside
 * 0..65535, or over 256 with `'upper-bits'`.
 * @example writeLookupControls(w, { acceptAny: true, precision: 64, resolveCriteria: 'upper-bits', reasonCode: 'split-detection' });
 */
export function writeLookupControls(w: ByteWriter, c: LookupControls): void {
  if (typeof c !== 'object' || c === null) throw new TypeError('controls must be an object');
  assertBoolean(c.acceptAny, 'controls.acceptAny');
  if (!Object.hasOwn(RESOLVE_CRITERIA_CODES, c.resolveCriteria)) {
    throw new TypeError(`unknown resolveCriteria ${String(c.resolveCriteria)}`);
  }
  if (!Object.hasOwn(REASON_CODES, c.reasonCode)) {
    throw new TypeError(`unknown reasonCode ${String(c.reasonCode)}`);
  }
  const criteria = RESOLVE_CRITERIA_CODES[c.resolveCriteria];
  const reason = REASON_CODES[c.reasonCode];
  const precisionMax = c.resolveCriteria === 'upper-bits' ? PRECISION_BITS_MAX : 0xffff;
  if (!Number.isInteger(c.precision) || c.precision < 0 || c.precision > precisionMax) {
    throw new RangeError(`controls.precision must be an integer 0..${precisionMax}`);
  }
  w.u16be(FIELD_IDS.lookupControls).u16be(ELEMENT_LENGTHS.lookupControls);
  w.u16be(c.acceptAny ? LOOKUP_FLAG_ACCEPT_ANY : 0).u16be(c.precision);
  w.u8(criteria).u8(reason).u16be(0);
}

/**
 * Writes the elements of a LOOKUP after its header.
 * @example writeLookup(w, message);
 */
export function writeLookup(w: ByteWriter, m: LookupMessage): void {
  writeLookupControls(w, m.controls);
  writeIdElement(w, FIELD_IDS.targetPnrpId, m.target, 'target');
  writeIdElement(w, FIELD_IDS.validatePnrpId, m.validateId, 'validateId');
  if (m.bestMatch !== undefined) writeRoutingEntry(w, m.bestMatch, 'bestMatch');
  const { flaggedPathMin, flaggedPathMax } = WIRE_LIMITS;
  const secured = m.security !== undefined;
  writeEndpointArray(w, m.flaggedPath, flaggedPathMin, flaggedPathMax, secured, 'flaggedPath');
  if (m.security !== undefined) writeSecurity(w, m.security);
}

/**
 * Reads LOOKUP_CONTROLS. Reserved bits are ignored; an unknown ResolveCriteria or reason code, or
 * a Precision over 256 with `'upper-bits'`, is `bad-value`.
 * @example const controls = readLookupControls(r);
 */
export function readLookupControls(r: ElementReader): LookupControls {
  const end = r.openFixed(FIELD_IDS.lookupControls, ELEMENT_LENGTHS.lookupControls);
  const flags = r.u16be();
  const precision = r.u16be();
  const criteriaCode = r.u8();
  const reasonCode = r.u8();
  r.skip(2); // Reserved2: ignored on receipt
  r.close(end);
  const resolveCriteria = CRITERIA_BY_CODE.get(criteriaCode);
  if (resolveCriteria === undefined) {
    fail(WIRE_ERROR.badValue, `ResolveCriteria 0x${criteriaCode.toString(16)}`);
  }
  const reason = REASON_BY_CODE.get(reasonCode);
  if (reason === undefined) fail(WIRE_ERROR.badValue, `ResolveReasonCode ${reasonCode}`);
  if (resolveCriteria === 'upper-bits' && precision > PRECISION_BITS_MAX) {
    fail(WIRE_ERROR.badValue, `Precision ${precision} is over 256 bits`);
  }
  return {
    acceptAny: (flags & LOOKUP_FLAG_ACCEPT_ANY) !== 0,
    precision,
    resolveCriteria,
    reasonCode: reason,
  };
}

/**
 * Reads the elements of a LOOKUP after its header.
 * @example const m = readLookup(r, header);
 */
export function readLookup(r: ElementReader, h: MessageHeader): LookupMessage {
  const controls = readLookupControls(r);
  const target = readIdElement(r, FIELD_IDS.targetPnrpId);
  const validateId = readIdElement(r, FIELD_IDS.validatePnrpId);
  const bestMatch = r.peekFieldId() === FIELD_IDS.routingEntry ? readRoutingEntry(r) : undefined;
  const flaggedPath = readEndpointArray(r, WIRE_LIMITS.flaggedPathMin, WIRE_LIMITS.flaggedPathMax);
  const security = readSecurity(r);
  r.expectEnd();
  const m: Mutable<LookupMessage> = {
    type: 'lookup',
    messageId: h.messageId,
    version: h.version,
    controls,
    target,
    validateId,
    flaggedPath,
  };
  if (bestMatch !== undefined) m.bestMatch = bestMatch;
  if (security !== undefined) m.security = security;
  return m;
}
