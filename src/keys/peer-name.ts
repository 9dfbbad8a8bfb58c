/**
 * @module keys/peer-name
 * Peer names, [MS-PNRP] §1.3.1.1 and §2.2.4: `authority "." classifier`, where the authority is
 * `0` (unsecured) or 40 lowercase hex digits (secured: SHA-1 of the owner's public key), and the
 * classifier is 0..149 UTF-16 code units with no NUL. Everything else is refused with a
 * `RangeError` that says why.
 */

/** Most UTF-16 code units in a classifier (150 with the terminating NUL of the spec). */
export const CLASSIFIER_UNITS_MAX = 149;
/** Hex digits in a secured authority (20 bytes of SHA-1). */
export const AUTHORITY_HEX_DIGITS = 40;

/** A parsed, valid peer name. */
export interface PeerName {
  /** The canonical text, `authority.classifier`. */
  readonly text: string;
  /** `'0'` or 40 lowercase hex digits. */
  readonly authority: string;
  readonly classifier: string;
  /** True when the authority is a key hash rather than `0`. */
  readonly secured: boolean;
}

const HEX40 = /^[0-9a-f]{40}$/;

/**
 * Parses and validates a peer name.
 * @example parsePeerName('0.MyApplication') // { authority: '0', classifier: 'MyApplication', secured: false, ... }
 * @throws TypeError if `name` is not a string; RangeError if it breaks the grammar.
 */
export function parsePeerName(name: string): PeerName {
  if (typeof name !== 'string') throw new TypeError('peer name must be a string');
  const dot = name.indexOf('.');
  if (dot < 0) {
    throw new RangeError(`peer name "${clip(name)}" has no "." between authority and classifier`);
  }
  const authority = name.slice(0, dot);
  const classifier = name.slice(dot + 1);
  if (authority !== '0' && !HEX40.test(authority)) {
    const hint = /^[0-9a-fA-F]{40}$/.test(authority) ? ' (hex digits must be lowercase)' : '';
    throw new RangeError(
      `peer name authority "${clip(authority)}" must be "0" or ${AUTHORITY_HEX_DIGITS} hex digits${hint}`,
    );
  }
  if (classifier.length > CLASSIFIER_UNITS_MAX) {
    throw new RangeError(
      `peer name classifier has ${classifier.length} UTF-16 code units, at most ${CLASSIFIER_UNITS_MAX} allowed`,
    );
  }
  if (classifier.includes('\u0000')) throw new RangeError('peer name classifier contains a NUL');
  return { text: name, authority, classifier, secured: authority !== '0' };
}

/**
 * Builds a peer name from an authority and a classifier, validating both.
 * @example formatPeerName('0', 'chat') // '0.chat'
 */
export function formatPeerName(authority: string, classifier: string): string {
  return parsePeerName(`${authority}.${classifier}`).text;
}

function clip(s: string): string {
  return s.length > 48 ? `${s.slice(0, 45)}...` : s;
}
