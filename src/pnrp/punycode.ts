/**
 * @module pnrp/punycode
 * Punycode (RFC 3492), the Bootstring profile IDNA uses, written here because the core may not
 * import `node:` modules and no punycode package is installed. Works on one DNS label at a time:
 * {@link punycodeEncode} / {@link punycodeDecode} convert between Unicode text and the ASCII
 * form without the `xn--` prefix; host-name.ts adds and strips the prefix. Case of basic code
 * points is kept as given (RFC 3492 §5: mixed-case annotation is not applied).
 */

const BASE = 36;
const T_MIN = 1;
const T_MAX = 26;
const SKEW = 38;
const DAMP = 700;
const INITIAL_BIAS = 72;
const INITIAL_N = 0x80;
const DELIMITER = '-';
const MAX_INT = 0x7fff_ffff;

function adapt(delta: number, numPoints: number, firstTime: boolean): number {
  let d = firstTime ? Math.floor(delta / DAMP) : delta >> 1;
  d += Math.floor(d / numPoints);
  let k = 0;
  while (d > ((BASE - T_MIN) * T_MAX) >> 1) {
    d = Math.floor(d / (BASE - T_MIN));
    k += BASE;
  }
  return k + Math.floor(((BASE - T_MIN + 1) * d) / (d + SKEW));
}

function digitToChar(d: number): string {
  // 0..25 -> a..z, 26..35 -> 0..9
  return String.fromCharCode(d < 26 ? 0x61 + d : 0x30 + d - 26);
}

function charToDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30 + 26;
  if (c >= 0x41 && c <= 0x5a) return c - 0x41;
  if (c >= 0x61 && c <= 0x7a) return c - 0x61;
  return BASE; // invalid
}

/**
 * Encodes Unicode text (one label) as Punycode, without the `xn--` prefix.
 * Throws RangeError on overflow (absurdly long input).
 * @example punycodeEncode('bücher') // 'bcher-kva'
 */
export function punycodeEncode(input: string): string {
  if (typeof input !== 'string') throw new TypeError('punycodeEncode: input must be a string');
  const codePoints = Array.from(input, (ch) => ch.codePointAt(0)!);
  let output = '';
  for (const cp of codePoints) if (cp < 0x80) output += String.fromCharCode(cp);
  const basicCount = output.length;
  let handled = basicCount;
  if (basicCount > 0) output += DELIMITER;
  let n = INITIAL_N;
  let delta = 0;
  let bias = INITIAL_BIAS;
  while (handled < codePoints.length) {
    let m = MAX_INT;
    for (const cp of codePoints) if (cp >= n && cp < m) m = cp;
    if (m - n > Math.floor((MAX_INT - delta) / (handled + 1)))
      throw new RangeError('punycode overflow');
    delta += (m - n) * (handled + 1);
    n = m;
    for (const cp of codePoints) {
      if (cp < n && ++delta > MAX_INT) throw new RangeError('punycode overflow');
      if (cp !== n) continue;
      let q = delta;
      for (let k = BASE; ; k += BASE) {
        const t = k <= bias ? T_MIN : k >= bias + T_MAX ? T_MAX : k - bias;
        if (q < t) break;
        output += digitToChar(t + ((q - t) % (BASE - t)));
        q = Math.floor((q - t) / (BASE - t));
      }
      output += digitToChar(q);
      bias = adapt(delta, handled + 1, handled === basicCount);
      delta = 0;
      handled++;
    }
    delta++;
    n++;
  }
  return output;
}

/**
 * Decodes Punycode (without the `xn--` prefix) to Unicode text; undefined for invalid input
 * (remote text never throws).
 * @example punycodeDecode('bcher-kva') // 'bücher'
 */
export function punycodeDecode(input: string): string | undefined {
  if (typeof input !== 'string') throw new TypeError('punycodeDecode: input must be a string');
  const last = input.lastIndexOf(DELIMITER);
  const basic = Math.max(last, 0);
  const output: number[] = [];
  for (let j = 0; j < basic; j++) {
    const c = input.charCodeAt(j);
    if (c >= 0x80) return undefined;
    output.push(c);
  }
  let n = INITIAL_N;
  let i = 0;
  let bias = INITIAL_BIAS;
  for (let pos = basic > 0 ? basic + 1 : 0; pos < input.length; ) {
    const oldi = i;
    let w = 1;
    for (let k = BASE; ; k += BASE) {
      if (pos >= input.length) return undefined;
      const digit = charToDigit(input.charCodeAt(pos++));
      if (digit >= BASE || digit > Math.floor((MAX_INT - i) / w)) return undefined;
      i += digit * w;
      const t = k <= bias ? T_MIN : k >= bias + T_MAX ? T_MAX : k - bias;
      if (digit < t) break;
      if (w > Math.floor(MAX_INT / (BASE - t))) return undefined;
      w *= BASE - t;
    }
    const count = output.length + 1;
    bias = adapt(i - oldi, count, oldi === 0);
    if (Math.floor(i / count) > MAX_INT - n) return undefined;
    n += Math.floor(i / count);
    i %= count;
    if (n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return undefined;
    output.splice(i, 0, n);
    i++;
  }
  return String.fromCodePoint(...output);
}
