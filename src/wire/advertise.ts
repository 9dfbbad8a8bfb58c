/**
 * @module wire/advertise
 * ADVERTISE (0x02, [MS-PNRP] §2.2.2.2): PNRP_HEADER_ACKED (the SOLICIT's message ID),
 * PNRP_ID_ARRAY (the IDs offered; empty means busy) and HASHED_NONCE copied from the SOLICIT.
 */
import type { ByteWriter } from '../util/byte-writer.js';
import { readAcked, readHashedNonce, writeAcked, writeHashedNonce } from './elements.js';
import type { MessageHeader } from './header.js';
import { readIdArray, writeIdArray } from './id-array.js';
import type { ElementReader } from './tlv.js';
import type { AdvertiseMessage } from './types.js';

/**
 * Writes the elements of an ADVERTISE after its header.
 * @example writeAdvertise(w, message);
 */
export function writeAdvertise(w: ByteWriter, m: AdvertiseMessage): void {
  writeAcked(w, m.ackedMessageId);
  writeIdArray(w, m.ids, 'ids');
  writeHashedNonce(w, m.hashedNonce);
}

/**
 * Reads the elements of an ADVERTISE after its header.
 * @example const m = readAdvertise(r, header);
 */
export function readAdvertise(r: ElementReader, h: MessageHeader): AdvertiseMessage {
  const ackedMessageId = readAcked(r);
  const ids = readIdArray(r);
  const hashedNonce = readHashedNonce(r);
  r.expectEnd();
  return {
    type: 'advertise',
    messageId: h.messageId,
    version: h.version,
    ackedMessageId,
    ids,
    hashedNonce,
  };
}
