/**
 * @module pnrp/host-name
 * Peer host names, the `pnrp.net` form of a peer name (PeerNameToPeerHostName and
 * PeerHostNameToPeerName; the P2P team's "PNRP and pnrp.net" note, reference §1.1):
 * `classifier.authority.pnrp.net`, the authority prefixed with `p` when it starts with a digit,
 * the `p0` authority dropped for unsecured names (`0.test` → `test.pnrp.net`), and every label
 * of the classifier with non-ASCII characters punycoded (`xn--`, RFC 3492) by the maintained
 * `punycode.js` package (pure JS, no `node:` import, so the core still bundles for browsers).
 *
 * Decisions: case is kept in both directions (peer names are case-sensitive); a classifier must
 * split into non-empty labels of at most 63 octets once encoded. Reading back, the label before
 * `pnrp.net` is the authority when it is 40 hex digits (after an optional `p`), so an unsecured
 * classifier whose last label is 40 hex digits, or an ASCII label starting with `xn--`, does not
 * round-trip (the Windows API has the same ambiguity). Case of basic code points is kept as
 * given (RFC 3492 §5 mixed-case annotation is not applied), as `punycode.js` does. Host names
 * come back with the classifier NFC-normalized, like every peer name (keys/peer-name.ts).
 */
// Types of punycode.js (it ships none), for every program that compiles this file; TypeScript
// 5.5+ does not copy this directive into the emitted host-name.d.ts.
/// <reference path="./punycode-js.d.ts" />
import punycode from 'punycode.js';
import { parsePeerName } from '../keys/peer-name.js';

/** Punycode of one label, without the `xn--` prefix. */
function punycodeEncode(label: string): string {
  return punycode.encode(label);
}

/**
 * The Unicode text of a Punycode label (no `xn--`), or undefined when malformed, including a
 * label that decodes to a lone surrogate (not a Unicode scalar value): remote text never throws.
 */
function punycodeDecode(ascii: string): string | undefined {
  let text: string;
  try {
    text = punycode.decode(ascii);
  } catch {
    return undefined;
  }
  return /\p{Cs}/u.test(text) ? undefined : text;
}

/**
 * The DNS suffix of peer host names.
 * @example host.endsWith(`.${PNRP_HOST_SUFFIX}`)
 */
export const PNRP_HOST_SUFFIX = 'pnrp.net';

const LABEL_OCTETS_MAX = 63;
const ACE_PREFIX = 'xn--';
const HEX40 = /^[0-9a-f]{40}$/;

function encodeLabel(label: string): string {
  if (label.length === 0) throw new RangeError('a peer host name cannot have an empty label');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII is U+0000..U+007F
  const ascii = /^[\u0000-\u007f]*$/.test(label);
  const out = ascii ? label : ACE_PREFIX + punycodeEncode(label);
  if (out.length > LABEL_OCTETS_MAX) {
    throw new RangeError(`label "${label}" is ${out.length} octets, at most ${LABEL_OCTETS_MAX}`);
  }
  return out;
}

/**
 * The host name of a peer name. Throws RangeError for a malformed peer name or a classifier that
 * makes an empty or over-long DNS label.
 * @example
 * peerNameToHostName('0.test') // 'test.pnrp.net'
 * peerNameToHostName('1a2b...40 hex....chat') // 'chat.p1a2b....pnrp.net'
 */
export function peerNameToHostName(peerName: string): string {
  const name = parsePeerName(peerName);
  const labels = name.classifier.split('.').map(encodeLabel);
  if (name.secured) {
    const first = name.authority.charCodeAt(0);
    labels.push(first >= 0x30 && first <= 0x39 ? `p${name.authority}` : name.authority);
  }
  return `${labels.join('.')}.${PNRP_HOST_SUFFIX}`;
}

/**
 * The peer name of a `pnrp.net` host name, or undefined when it is not one (remote text never
 * throws). A trailing dot is accepted; the suffix is matched without regard to case.
 * @example hostNameToPeerName('test.pnrp.net') // '0.test'
 */
export function hostNameToPeerName(hostName: string): string | undefined {
  if (typeof hostName !== 'string') throw new TypeError('host name must be a string');
  const host = hostName.endsWith('.') ? hostName.slice(0, -1) : hostName;
  const suffix = `.${PNRP_HOST_SUFFIX}`;
  if (host.length <= suffix.length || host.slice(-suffix.length).toLowerCase() !== suffix) {
    return undefined;
  }
  const labels = host.slice(0, -suffix.length).split('.');
  let authority = '0';
  const last = labels[labels.length - 1]!;
  const bare = /^p[0-9]/.test(last) ? last.slice(1) : last;
  if (HEX40.test(bare) && (bare !== last || !/^[0-9]/.test(bare)) && labels.length > 1) {
    authority = bare;
    labels.pop();
  }
  const classifier: string[] = [];
  for (const label of labels) {
    if (label.length === 0 || label.length > LABEL_OCTETS_MAX) return undefined;
    if (label.slice(0, 4).toLowerCase() === ACE_PREFIX) {
      const decoded = punycodeDecode(label.slice(4));
      if (decoded === undefined) return undefined;
      classifier.push(decoded);
    } else classifier.push(label);
  }
  try {
    return parsePeerName(`${authority}.${classifier.join('.')}`).text;
  } catch {
    return undefined;
  }
}
