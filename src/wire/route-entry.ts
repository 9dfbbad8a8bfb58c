/**
 * @module wire/route-entry
 * ROUTE_ENTRY ([MS-PNRP] §2.2.3.4) inside a ROUTING_ENTRY element (0x009A):
 * `ID (32) | VersionMajor 4 | VersionMinor 0 | Port (u16 BE, > 1024) | Flags 0 | AddressCount
 * (1..20) | AddressCount x IPv6 (16)`, i.e. 38 + 16n bytes, then padding to 4. The version bytes
 * are always written as 4.0 and, like the reserved Flags, ignored on receipt (a DRT instance may
 * carry its own version there; the model has no field for it).
 */
import { assertKey, KEY_BYTES } from '../keys/key256.js';
import { fail } from '../util/byte-reader.js';
import type { ByteWriter } from '../util/byte-writer.js';
import {
  ADDRESS_BYTES,
  ELEMENT_HEADER_BYTES,
  FIELD_IDS,
  ID_BYTES,
  ROUTE_ENTRY_FIXED_BYTES,
} from './constants.js';
import { WIRE_ERROR } from './errors.js';
import type { ElementReader } from './tlv.js';
import { PNRP_VERSION, type RouteEntry, WIRE_LIMITS } from './types.js';

/**
 * Bytes of a ROUTE_ENTRY structure with `addressCount` addresses (38 + 16n), without the
 * element header or padding.
 * @example routeEntrySize(1) // 54
 */
export function routeEntrySize(addressCount: number): number {
  return ROUTE_ENTRY_FIXED_BYTES + ADDRESS_BYTES * addressCount;
}

/**
 * Bytes a ROUTING_ENTRY element takes in a message: header, structure and padding.
 * @example routingEntryElementSize(1) // 60 (4 + 54, padded to 4)
 */
export function routingEntryElementSize(addressCount: number): number {
  return (ELEMENT_HEADER_BYTES + routeEntrySize(addressCount) + 3) & ~3;
}

/**
 * Throws `TypeError`/`RangeError` unless `entry` is encodable: 32-byte ID, port 1025..65535,
 * 1..20 addresses of 16 bytes.
 * @example assertRouteEntry({ id, port: 3540, addresses: [address] });
 */
export function assertRouteEntry(entry: RouteEntry, what = 'routeEntry'): void {
  if (typeof entry !== 'object' || entry === null) throw new TypeError(`${what} must be an object`);
  const id = entry.id;
  if (!(id instanceof Uint8Array) || id.length !== KEY_BYTES) assertKey(id, `${what}.id`);
  const port = entry.port;
  if (!Number.isInteger(port) || port <= WIRE_LIMITS.portReservedMax || port > 0xffff) {
    assertPort(port, `${what}.port`);
  }
  const addresses = entry.addresses;
  if (!Array.isArray(addresses)) throw new TypeError(`${what}.addresses must be an array`);
  if (addresses.length < 1 || addresses.length > WIRE_LIMITS.routeEntryAddressesMax) {
    throw new RangeError(
      `${what} has ${addresses.length} addresses; a route entry carries 1..${WIRE_LIMITS.routeEntryAddressesMax}`,
    );
  }
  for (let i = 0; i < addresses.length; i++) {
    const a = addresses[i];
    if (!(a instanceof Uint8Array))
      throw new TypeError(`${what}.addresses[${i}] must be a Uint8Array`);
    if (a.length !== ADDRESS_BYTES) {
      throw new RangeError(`${what}.addresses[${i}] must be 16 bytes, got ${a.length}`);
    }
  }
}

/**
 * Throws unless `port` is an integer 1025..65535 (ports at or below 1024 are refused on the wire).
 * @example assertPort(3540, 'port');
 */
export function assertPort(port: number, what: string): void {
  if (!Number.isInteger(port) || port <= WIRE_LIMITS.portReservedMax || port > 0xffff) {
    throw new RangeError(`${what} must be an integer 1025..65535, got ${port}`);
  }
}

/**
 * Writes a ROUTING_ENTRY element; pads it to 4 bytes (the spec pads it even when last).
 * @example writeRoutingEntry(w, { id, port: 3540, addresses: [address] });
 */
export function writeRoutingEntry(w: ByteWriter, entry: RouteEntry, what = 'routeEntry'): void {
  assertRouteEntry(entry, what);
  const count = entry.addresses.length;
  w.u16be(FIELD_IDS.routingEntry).u16be(ELEMENT_HEADER_BYTES + routeEntrySize(count));
  w.bytes(entry.id).u8(PNRP_VERSION.major).u8(PNRP_VERSION.minor).u16be(entry.port);
  w.u8(0).u8(count);
  for (const address of entry.addresses) w.bytes(address);
  w.pad4();
}

/**
 * Reads a ROUTING_ENTRY element. Refuses address counts outside 1..20 (`limit`), a Length that
 * disagrees with the count (`bad-length`) and ports at or below 1024 (`bad-port`).
 * @example const entry = readRoutingEntry(r);
 */
export function readRoutingEntry(r: ElementReader): RouteEntry {
  const end = r.open(FIELD_IDS.routingEntry);
  const bodyBytes = end - r.offset;
  if (bodyBytes < ROUTE_ENTRY_FIXED_BYTES) {
    fail(WIRE_ERROR.badLength, `ROUTE_ENTRY of ${bodyBytes} bytes is shorter than 38`);
  }
  const d = r.data;
  const o = r.offset;
  const port = (d[o + ID_BYTES + 2]! << 8) | d[o + ID_BYTES + 3]!;
  const count = d[o + ID_BYTES + 5]!;
  if (count < 1 || count > WIRE_LIMITS.routeEntryAddressesMax) {
    fail(WIRE_ERROR.limit, `route entry with ${count} addresses (1..20 allowed)`);
  }
  if (bodyBytes !== routeEntrySize(count)) {
    fail(WIRE_ERROR.badLength, `ROUTE_ENTRY of ${bodyBytes} bytes holds ${count} addresses`);
  }
  if (port <= WIRE_LIMITS.portReservedMax) {
    fail(WIRE_ERROR.badPort, `route entry port ${port} is at or below 1024`);
  }
  const id = r.bytes(ID_BYTES);
  r.skip(ROUTE_ENTRY_FIXED_BYTES - ID_BYTES);
  const block = r.bytes(count * ADDRESS_BYTES);
  const addresses: Uint8Array[] = new Array(count);
  for (let i = 0; i < count; i++) {
    addresses[i] = block.subarray(i * ADDRESS_BYTES, (i + 1) * ADDRESS_BYTES);
  }
  r.close(end);
  return { id, port, addresses };
}
