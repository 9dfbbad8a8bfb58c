/**
 * @module wire/request
 * REQUEST (0x03, [MS-PNRP] §2.2.2.3): NONCE (whose SHA-1 the SOLICIT carried) and PNRP_ID_ARRAY
 * (the advertised IDs wanted), then, in [MC-DRT] membership/confidential mode, CREDENTIAL,
 * SIGNATURE and KEY_IDENTIFIER. (The optional MC-DRT FLAGS_FIELD and SPLIT_CONTROLS before the
 * NONCE are not modelled and are refused as `unexpected-field`.)
 */
import type { ByteWriter } from '../util/byte-writer.js';
import { type Mutable, readNonce, writeNonce } from './elements.js';
import type { MessageHeader } from './header.js';
import { readIdArray, writeIdArray } from './id-array.js';
import { readSecurity, writeSecurity } from './security.js';
import type { ElementReader } from './tlv.js';
import type { RequestMessage } from './types.js';

/**
 * Writes the elements of a REQUEST after its header.
 * @example writeRequest(w, message);
 */
export function writeRequest(w: ByteWriter, m: RequestMessage): void {
  writeNonce(w, m.nonce);
  writeIdArray(w, m.ids, 'ids');
  if (m.security !== undefined) writeSecurity(w, m.security);
}

/**
 * Reads the elements of a REQUEST after its header.
 * @example const m = readRequest(r, header);
 */
export function readRequest(r: ElementReader, h: MessageHeader): RequestMessage {
  const nonce = readNonce(r);
  const ids = readIdArray(r);
  const security = readSecurity(r);
  r.expectEnd();
  const m: Mutable<RequestMessage> = {
    type: 'request',
    messageId: h.messageId,
    version: h.version,
    nonce,
    ids,
  };
  if (security !== undefined) m.security = security;
  return m;
}
