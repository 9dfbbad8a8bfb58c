/**
 * @module wire/solicit
 * SOLICIT (0x01, [MS-PNRP] §2.2.2.1): optional SOLICIT_CONTROLS `0044 0006 | Reserved 0 |
 * SolicitType (0 any, 1 local) | Padding 2`, optional ROUTING_ENTRY (the solicitor's own entry),
 * then HASHED_NONCE. [MC-DRT] SOLICIT simply omits SOLICIT_CONTROLS.
 */
import { fail } from '../util/byte-reader.js';
import type { ByteWriter } from '../util/byte-writer.js';
import { ELEMENT_LENGTHS, FIELD_IDS, SOLICIT_TYPE_CODES } from './constants.js';
import { type Mutable, readHashedNonce, writeHashedNonce } from './elements.js';
import { WIRE_ERROR } from './errors.js';
import type { MessageHeader } from './header.js';
import { readRoutingEntry, writeRoutingEntry } from './route-entry.js';
import type { ElementReader } from './tlv.js';
import type { SolicitMessage } from './types.js';

/**
 * Writes the elements of a SOLICIT after its header.
 * @example writeSolicit(w, message);
 */
export function writeSolicit(w: ByteWriter, m: SolicitMessage): void {
  if (m.solicitType !== undefined) {
    if (!Object.hasOwn(SOLICIT_TYPE_CODES, m.solicitType)) {
      throw new TypeError(`solicitType must be 'any' or 'local', got ${String(m.solicitType)}`);
    }
    const code = SOLICIT_TYPE_CODES[m.solicitType];
    w.u16be(FIELD_IDS.solicitControls).u16be(ELEMENT_LENGTHS.solicitControls);
    w.u8(0).u8(code).u16be(0);
  }
  if (m.routeEntry !== undefined) writeRoutingEntry(w, m.routeEntry);
  writeHashedNonce(w, m.hashedNonce);
}

/**
 * Reads the elements of a SOLICIT after its header.
 * @example const m = readSolicit(r, header);
 */
export function readSolicit(r: ElementReader, h: MessageHeader): SolicitMessage {
  let solicitType: 'any' | 'local' | undefined;
  if (r.peekFieldId() === FIELD_IDS.solicitControls) {
    const end = r.openFixed(FIELD_IDS.solicitControls, ELEMENT_LENGTHS.solicitControls);
    r.skip(1); // Reserved: ignored on receipt
    const code = r.u8();
    if (code === SOLICIT_TYPE_CODES.any) solicitType = 'any';
    else if (code === SOLICIT_TYPE_CODES.local) solicitType = 'local';
    else fail(WIRE_ERROR.badValue, `SolicitType 0x${code.toString(16)}`);
    r.close(end);
  }
  const routeEntry = r.peekFieldId() === FIELD_IDS.routingEntry ? readRoutingEntry(r) : undefined;
  const hashedNonce = readHashedNonce(r);
  r.expectEnd();
  const m: Mutable<SolicitMessage> = {
    type: 'solicit',
    messageId: h.messageId,
    version: h.version,
    hashedNonce,
  };
  if (solicitType !== undefined) m.solicitType = solicitType;
  if (routeEntry !== undefined) m.routeEntry = routeEntry;
  return m;
}
