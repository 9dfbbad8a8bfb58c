/**
 * @module wire/endpoint-array
 * IPV6_ENDPOINT_ARRAY (0x009E) of IPV6_ENDPOINT structures ([MS-PNRP] §2.2.3.6, §2.2.2.4,
 * §2.2.2.8): `009e | 12+18n | NumEntries | ArrayLength 8+18n | ElementFieldType 0x009d |
 * EntryLength 0x0012 | n x (Port u16 BE, Address 16)`. It is the flagged path of a LOOKUP (1..22)
 * and the already-flooded list of a FLOOD (0..22). Ports at or below 1024 are refused.
 */
import { assertEndpoint, type Endpoint } from '../keys/endpoint.js';
import { fail } from '../util/byte-reader.js';
import type { ByteWriter } from '../util/byte-writer.js';
import { ENDPOINT_BYTES, FIELD_IDS } from './constants.js';
import { WIRE_ERROR } from './errors.js';
import { arrayElementBytes, readArrayHeader, writeArrayHeader } from './field-array.js';
import { assertPort } from './route-entry.js';
import type { ElementReader } from './tlv.js';
import { WIRE_LIMITS } from './types.js';

/**
 * Bytes of an IPV6_ENDPOINT_ARRAY element with `count` endpoints, without padding (12 + 18n).
 * @example endpointArrayElementBytes(1) // 30
 */
export function endpointArrayElementBytes(count: number): number {
  return arrayElementBytes(count, ENDPOINT_BYTES);
}

/**
 * Writes an IPV6_ENDPOINT_ARRAY after checking `min <= n <= max` and every endpoint (16-byte
 * address, port 1025..65535). `pad` adds the zero padding another element would need.
 * @example writeEndpointArray(w, path, 1, 22, false, 'flaggedPath');
 */
export function writeEndpointArray(
  w: ByteWriter,
  endpoints: readonly Endpoint[],
  min: number,
  max: number,
  pad: boolean,
  what: string,
): void {
  if (!Array.isArray(endpoints)) throw new TypeError(`${what} must be an array of endpoints`);
  const n = endpoints.length;
  if (n < min || n > max) {
    throw new RangeError(`${what} has ${n} endpoints; ${min}..${max} allowed`);
  }
  for (let i = 0; i < n; i++) {
    const ep = endpoints[i]!;
    // The element name is only built for the error (a string per endpoint per encode was garbage).
    if (!isWireEndpoint(ep)) {
      assertEndpoint(ep, `${what}[${i}]`);
      assertPort(ep.port, `${what}[${i}].port`);
    }
  }
  writeArrayHeader(w, FIELD_IDS.ipv6EndpointArray, FIELD_IDS.ipv6Endpoint, ENDPOINT_BYTES, n);
  for (const ep of endpoints) w.u16be(ep.port).bytes(ep.address);
  if (pad) w.pad4();
}

/**
 * Reads an IPV6_ENDPOINT_ARRAY with `min <= NumEntries <= max`. Counts outside give `limit`,
 * disagreeing lengths `bad-length`, a wrong ElementFieldType `bad-value`, low ports `bad-port`.
 * Addresses are views into one copy of the array.
 * @example const path = readEndpointArray(r, 1, 22);
 */
/** True for a 16-byte address and a port in 1025..65535: what `assertEndpoint` and `assertPort` pass. */
function isWireEndpoint(ep: Endpoint): boolean {
  if (typeof ep !== 'object' || ep === null) return false;
  const port = ep.port;
  return (
    ep.address instanceof Uint8Array &&
    ep.address.length === 16 &&
    Number.isInteger(port) &&
    port > WIRE_LIMITS.portReservedMax &&
    port <= 0xffff
  );
}

export function readEndpointArray(r: ElementReader, min: number, max: number): Endpoint[] {
  const end = r.open(FIELD_IDS.ipv6EndpointArray);
  const n = readArrayHeader(r, end, FIELD_IDS.ipv6Endpoint, ENDPOINT_BYTES, min, max);
  const block = r.bytes(n * ENDPOINT_BYTES);
  const endpoints: Endpoint[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * ENDPOINT_BYTES;
    const port = (block[o]! << 8) | block[o + 1]!;
    if (port <= WIRE_LIMITS.portReservedMax) {
      fail(WIRE_ERROR.badPort, `endpoint ${i} has port ${port}, at or below 1024`);
    }
    endpoints[i] = { address: block.subarray(o + 2, o + ENDPOINT_BYTES), port };
  }
  r.close(end);
  return endpoints;
}
