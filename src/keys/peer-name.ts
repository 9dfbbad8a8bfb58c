/**
 * @module keys/peer-name
 * Peer names, [MS-PNRP] §1.3.1.1 and §2.2.4: `authority "." classifier`, where the authority is
 * `0` (unsecured) or 40 lowercase hex digits (secured: SHA-1 of the owner's public key), and the
 * classifier is 1..149 UTF-16 code units with no NUL. Everything else is refused with a
 * `RangeError` that says why.
 *
 * Decisions where the spec leaves a choice:
 * - Unicode normalization: the classifier is normalized to NFC before anything else (length
 *   check, hashing, display), so `café` typed precomposed (U+00E9) or decomposed (e + U+0301)
 *   is one peer name with one P2P ID. [MS-PNRP] hashes the classifier's UTF-16 code units as
 *   given and says nothing about normalization; NFC is what keyboards and the Windows input
 *   stack produce, so names typed on Windows keep their IDs. `text` and `classifier` hold the
 *   normalized form; `classifierHashOf` (keys/ids.ts) normalizes too, so every path to an ID
 *   agrees. The length bound applies to the normalized classifier.
 * - An empty classifier (`0.`, `<authority>.`) is refused: the grammar of §2.2.4 wants a
 *   classifier, and `0.` would be one shared, meaningless name. (A CPA carrying no
 *   ClassifierHash still hashes as the empty classifier; see cpa/verify.ts.)
 */

/** Most UTF-16 code units in a classifier (150 with the terminating NUL of the spec). */
export const CLASSIFIER_UNITS_MAX = 149;
/** Hex digits in a secured authority (20 bytes of SHA-1). */
export const AUTHORITY_HEX_DIGITS = 40;

/** A parsed, valid peer name. */
export interface PeerName {
  /** The canonical text, `authority.classifier`, with the classifier in NFC. */
  readonly text: string;
  /** `'0'` or 40 lowercase hex digits. */
  readonly authority: string;
  /** The classifier, NFC-normalized. */
  readonly classifier: string;
  /** True when the authority is a key hash rather than `0`. */
  readonly secured: boolean;
}

const HEX40 = /^[0-9a-f]{40}$/;

/**
 * Parses and validates a peer name, normalizing its classifier to NFC.
 * @example parsePeerName('0.MyApplication') // { authority: '0', classifier: 'MyApplication', secured: false, ... }
 * @example parsePeerName('0.cafe\u0301').text // '0.caf\u00e9'
 * @throws TypeError if `name` is not a string; RangeError if it breaks the grammar (including an
 * empty classifier).
 */
export function parsePeerName(name: string): PeerName {
  if (typeof name !== 'string') throw new TypeError('peer name must be a string');
  const dot = name.indexOf('.');
  if (dot < 0) {
    throw new RangeError(`peer name "${clip(name)}" has no "." between authority and classifier`);
  }
  const authority = name.slice(0, dot);
  const classifier = name.slice(dot + 1).normalize('NFC');
  if (authority !== '0' && !HEX40.test(authority)) {
    const hint = /^[0-9a-fA-F]{40}$/.test(authority) ? ' (hex digits must be lowercase)' : '';
    throw new RangeError(
      `peer name authority "${clip(authority)}" must be "0" or ${AUTHORITY_HEX_DIGITS} hex digits${hint}`,
    );
  }
  if (classifier.length === 0) {
    throw new RangeError(
      `peer name "${clip(name)}" has an empty classifier: write ${authority === '0' ? '0' : 'authority'}.<classifier>, e.g. 0.chat`,
    );
  }
  if (classifier.length > CLASSIFIER_UNITS_MAX) {
    throw new RangeError(
      `peer name classifier has ${classifier.length} UTF-16 code units, at most ${CLASSIFIER_UNITS_MAX} allowed`,
    );
  }
  if (classifier.includes('\u0000')) throw new RangeError('peer name classifier contains a NUL');
  return { text: `${authority}.${classifier}`, authority, classifier, secured: authority !== '0' };
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
