/**
 * @module wire/security
 * The [MC-DRT] membership/confidential-mode elements that may close a LOOKUP (§2.2.2.8), an
 * INQUIRE (§2.2.2.5) or a REQUEST (§2.2.2.3): CREDENTIAL (0x0080), SIGNATURE (0x00A5) and an
 * optional KEY_IDENTIFIER (0x00A6), in that order. Their bodies are opaque here (the security
 * provider defines them). Each is padded to 4 except the last element of the message.
 */
import type { ByteWriter } from '../util/byte-writer.js';
import { FIELD_IDS } from './constants.js';
import { assertOpaque, opaqueElementSize, writeOpaque } from './elements.js';
import type { ElementReader } from './tlv.js';
import type { SecurityElements } from './types.js';

/**
 * Throws unless `security` holds encodable credential, signature and optional key identifier.
 * @example assertSecurity({ credential, signature });
 */
export function assertSecurity(security: SecurityElements): void {
  if (typeof security !== 'object' || security === null) {
    throw new TypeError('security must be an object { credential, signature, keyIdentifier? }');
  }
  assertOpaque(security.credential, 'security.credential');
  assertOpaque(security.signature, 'security.signature');
  if (security.keyIdentifier !== undefined) {
    assertOpaque(security.keyIdentifier, 'security.keyIdentifier');
  }
}

/**
 * Writes the security elements as the last elements of a message.
 * @example writeSecurity(w, message.security);
 */
export function writeSecurity(w: ByteWriter, security: SecurityElements): void {
  assertSecurity(security);
  const keyIdentifier = security.keyIdentifier;
  writeOpaque(w, FIELD_IDS.credential, security.credential, true);
  writeOpaque(w, FIELD_IDS.signature, security.signature, keyIdentifier !== undefined);
  if (keyIdentifier !== undefined) writeOpaque(w, FIELD_IDS.keyIdentifier, keyIdentifier, false);
}

/**
 * Bytes the security elements take (padded, an upper bound for buffer sizing).
 * @example securitySize({ credential, signature })
 */
export function securitySize(security: SecurityElements): number {
  const k = security.keyIdentifier;
  return (
    opaqueElementSize(security.credential) +
    opaqueElementSize(security.signature) +
    (k === undefined ? 0 : opaqueElementSize(k))
  );
}

/**
 * Reads the security elements if a CREDENTIAL is at the cursor; `undefined` otherwise. A
 * CREDENTIAL without a SIGNATURE after it is refused (`missing-field` / `unexpected-field`).
 * @example const security = readSecurity(r);
 */
export function readSecurity(r: ElementReader): SecurityElements | undefined {
  if (r.peekFieldId() !== FIELD_IDS.credential) return undefined;
  const credential = r.opaque(FIELD_IDS.credential);
  const signature = r.opaque(FIELD_IDS.signature);
  if (r.peekFieldId() !== FIELD_IDS.keyIdentifier) return { credential, signature };
  return { credential, signature, keyIdentifier: r.opaque(FIELD_IDS.keyIdentifier) };
}
