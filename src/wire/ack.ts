/**
 * @module wire/ack
 * ACK (0x09, [MS-PNRP] §2.2.2.7): PNRP_HEADER_ACKED, then FLAGS_FIELD `0040 0006 | flags u16
 * (N 0x0001)` only when N is set ([MC-DRT] §2.2.2.7 makes that "if and only if"; we write it only
 * then and read either). The flags element is last and unpadded: 20 or 26 bytes.
 */
import type { ByteWriter } from '../util/byte-writer.js';
import { ACK_FLAG_NOT_REGISTERED, ELEMENT_LENGTHS, FIELD_IDS } from './constants.js';
import { assertBoolean, readAcked, writeAcked } from './elements.js';
import type { MessageHeader } from './header.js';
import type { ElementReader } from './tlv.js';
import type { AckMessage } from './types.js';

/**
 * Writes the elements of an ACK after its header.
 * @example writeAck(w, message);
 */
export function writeAck(w: ByteWriter, m: AckMessage): void {
  assertBoolean(m.notRegistered, 'notRegistered');
  writeAcked(w, m.ackedMessageId);
  if (m.notRegistered) {
    w.u16be(FIELD_IDS.flags).u16be(ELEMENT_LENGTHS.flags).u16be(ACK_FLAG_NOT_REGISTERED);
  }
}

/**
 * Reads the elements of an ACK after its header.
 * @example const m = readAck(r, header);
 */
export function readAck(r: ElementReader, h: MessageHeader): AckMessage {
  const ackedMessageId = readAcked(r);
  let notRegistered = false;
  if (r.peekFieldId() === FIELD_IDS.flags) {
    const end = r.openFixed(FIELD_IDS.flags, ELEMENT_LENGTHS.flags);
    notRegistered = (r.u16be() & ACK_FLAG_NOT_REGISTERED) !== 0;
    r.close(end);
  }
  r.expectEnd();
  return { type: 'ack', messageId: h.messageId, version: h.version, ackedMessageId, notRegistered };
}
