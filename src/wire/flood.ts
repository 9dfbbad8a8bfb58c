/**
 * @module wire/flood
 * FLOOD (0x04, [MS-PNRP] §2.2.2.4): FLOOD_CONTROLS `0043 0007 | flags u16 (D = 0x0001) |
 * Reserved2 (any value, ignored) | Padding 1`, VALIDATE_PNRP_ID (the destination's ID or zero),
 * optional REVOKE_CPA (opaque, padded), optional ROUTING_ENTRY (padded), then the already-flooded
 * IPV6_ENDPOINT_ARRAY (0..22 endpoints, last, unpadded).
 */
import type { ByteWriter } from '../util/byte-writer.js';
import { ELEMENT_LENGTHS, FIELD_IDS, FLOOD_FLAG_DONT_ACK } from './constants.js';
import {
  assertBoolean,
  type Mutable,
  readIdElement,
  writeIdElement,
  writeOpaque,
} from './elements.js';
import { readEndpointArray, writeEndpointArray } from './endpoint-array.js';
import type { MessageHeader } from './header.js';
import { readRoutingEntry, writeRoutingEntry } from './route-entry.js';
import type { ElementReader } from './tlv.js';
import { type FloodMessage, WIRE_LIMITS } from './types.js';

/**
 * Writes the elements of a FLOOD after its header.
 * @example writeFlood(w, message);
 */
export function writeFlood(w: ByteWriter, m: FloodMessage): void {
  assertBoolean(m.dontAck, 'dontAck');
  w.u16be(FIELD_IDS.floodControls).u16be(ELEMENT_LENGTHS.floodControls);
  w.u16be(m.dontAck ? FLOOD_FLAG_DONT_ACK : 0)
    .u8(0)
    .u8(0);
  writeIdElement(w, FIELD_IDS.validatePnrpId, m.validateId, 'validateId');
  if (m.revokeCpa !== undefined) writeOpaque(w, FIELD_IDS.revokeCpa, m.revokeCpa, true);
  if (m.routeEntry !== undefined) writeRoutingEntry(w, m.routeEntry);
  writeEndpointArray(
    w,
    m.alreadyFlooded,
    0,
    WIRE_LIMITS.alreadyFloodedMax,
    false,
    'alreadyFlooded',
  );
}

/**
 * Reads the elements of a FLOOD after its header.
 * @example const m = readFlood(r, header);
 */
export function readFlood(r: ElementReader, h: MessageHeader): FloodMessage {
  const end = r.openFixed(FIELD_IDS.floodControls, ELEMENT_LENGTHS.floodControls);
  const flags = r.u16be();
  r.skip(1); // Reserved2: any value, ignored on receipt
  r.close(end);
  const validateId = readIdElement(r, FIELD_IDS.validatePnrpId);
  const revokeCpa =
    r.peekFieldId() === FIELD_IDS.revokeCpa ? r.opaque(FIELD_IDS.revokeCpa) : undefined;
  const routeEntry = r.peekFieldId() === FIELD_IDS.routingEntry ? readRoutingEntry(r) : undefined;
  const alreadyFlooded = readEndpointArray(r, 0, WIRE_LIMITS.alreadyFloodedMax);
  r.expectEnd();
  const m: Mutable<FloodMessage> = {
    type: 'flood',
    messageId: h.messageId,
    version: h.version,
    dontAck: (flags & FLOOD_FLAG_DONT_ACK) !== 0,
    validateId,
    alreadyFlooded,
  };
  if (revokeCpa !== undefined) m.revokeCpa = revokeCpa;
  if (routeEntry !== undefined) m.routeEntry = routeEntry;
  return m;
}
