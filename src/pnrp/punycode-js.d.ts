/**
 * @module pnrp/punycode-js
 * Types of the `punycode.js` package (RFC 3492, Mathias Bynens), which ships none. Its default
 * export is the same object from its CommonJS file (Node) and its ES module (bundlers). Only
 * host-name.ts uses it, privately: no public signature mentions these types.
 */
declare module 'punycode.js' {
  interface Punycode {
    /** Unicode text to Punycode ASCII (no `xn--` prefix); RangeError on overflow. */
    encode(input: string): string;
    /** Punycode ASCII (no `xn--` prefix) to Unicode text; RangeError on invalid input. */
    decode(input: string): string;
    readonly version: string;
  }
  const punycode: Punycode;
  export default punycode;
}
