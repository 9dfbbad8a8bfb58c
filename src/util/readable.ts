/**
 * @module util/readable
 * Results that print readably. What a user gets back from `createPeer` and the nodes (resolved
 * peers, search results, registrations, traces) holds endpoints and IDs as `Uint8Array`s, which
 * `console.log` shows as `Uint8Array(16) [...]` and `JSON.stringify` as `{"0":0,...}`.
 * {@link readable} gives such an object a `toJSON` and a Node.js inspect hook (found by
 * `Symbol.for('nodejs.util.inspect.custom')`, so the core imports nothing from `node:`) that show
 * endpoints as `"[::1]:3540"`, addresses as text and other bytes as hex. Both are non-enumerable:
 * the object's fields, equality and spreading are unchanged.
 */
import { type Endpoint, formatAddress, formatEndpoint } from '../keys/endpoint.js';
import { toHex } from './bytes.js';

/** Node.js looks this symbol up on an object to print it (`util.inspect.custom`). */
export const INSPECT_CUSTOM: unique symbol = Symbol.for('nodejs.util.inspect.custom') as never;

/** Nesting followed before the rest is shown as `'...'` (results are shallow; cycles stop here). */
const DEPTH_MAX = 8;

function isEndpoint(value: object): value is Endpoint {
  const keys = Object.keys(value);
  return (
    keys.length === 2 &&
    (value as Endpoint).address instanceof Uint8Array &&
    (value as Endpoint).address.length === 16 &&
    typeof (value as Endpoint).port === 'number'
  );
}

/**
 * A copy of `value` with the bytes turned into text: an `{ address, port }` endpoint into
 * `"[::1]:3540"` (or `"192.0.2.1:3540"`), any other 16-byte `address`/`addresses` into the address
 * text, other `Uint8Array`s into hex, bigints (FILETIMEs) into decimal text. Functions are left out.
 * @example readableValue({ endpoint: parseEndpoint('[::1]:3540') }) // { endpoint: '[::1]:3540' }
 */
export function readableValue(value: unknown, key = '', depth = 0): unknown {
  if (value instanceof Uint8Array) {
    return value.length === 16 && (key === 'address' || key === 'addresses')
      ? formatAddress(value)
      : toHex(value);
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (depth >= DEPTH_MAX) return '...';
  if (Array.isArray(value)) return value.map((item) => readableValue(item, key, depth + 1));
  if (isEndpoint(value)) return formatEndpoint(value);
  const out: Record<string, unknown> = {};
  for (const [name, item] of Object.entries(value)) {
    if (typeof item === 'function') continue;
    out[name] = readableValue(item, name, depth + 1);
  }
  return out;
}

function toJSON(this: object): unknown {
  return readableValue(this);
}

function inspect(
  this: object,
  _depth: number,
  options: unknown,
  inspectValue?: (value: unknown, options: unknown) => string,
): unknown {
  const text = readableValue(this);
  return inspectValue ? inspectValue(text, options) : text;
}

/**
 * Gives `value` a `toJSON` and a Node.js inspect hook that print its endpoints and bytes as text
 * (see {@link readableValue}); returns the same object.
 * @example console.log(readable({ endpoint })) // { endpoint: '[::1]:3540' }
 */
export function readable<T extends object>(value: T): T {
  Object.defineProperty(value, 'toJSON', { value: toJSON, configurable: true, writable: true });
  Object.defineProperty(value, INSPECT_CUSTOM, { value: inspect, configurable: true });
  return value;
}
