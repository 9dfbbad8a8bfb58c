/**
 * @module sim/sim-endpoints
 * Synthetic endpoints for simulated nodes. Node `i` gets the IPv6 address
 * `2001:db8::<i + 1>` (the RFC 3849 documentation prefix; the low 32 bits hold `i + 1`, so
 * node 0 is `2001:db8::1` and never the all-zero subnet-router anycast address) and UDP port
 * 3540, the PNRP port. The index decodes straight from the address, so the simulator needs no
 * map from endpoint to node for synthetic endpoints; only caller-chosen endpoints go in a map.
 */
import type { Endpoint } from '../keys/endpoint.js';

/**
 * UDP port of every synthetic endpoint (the registered PNRP port).
 * @example simEndpoint(0).port === SIM_PORT // true
 */
export const SIM_PORT = 3540;

/** Bytes 0..3 of every synthetic address: 2001:0db8. Bytes 4..11 are zero. */
const PREFIX = [0x20, 0x01, 0x0d, 0xb8] as const;

/**
 * Largest node index a synthetic address can hold.
 * @example simEndpoint(SIM_INDEX_MAX) // [2001:db8::ffff:ffff]:3540
 */
export const SIM_INDEX_MAX = 0xffff_fffe;

/**
 * The synthetic endpoint of node `index`: `[2001:db8::<index + 1>]:3540`.
 * @example formatEndpoint(simEndpoint(0)) // '[2001:db8::1]:3540'
 */
export function simEndpoint(index: number): Endpoint {
  return { address: writeSimAddress(index, new Uint8Array(16)), port: SIM_PORT };
}

/**
 * Writes the synthetic address of node `index` into 16 bytes (the simulator packs many into
 * one buffer to save memory) and returns them.
 * @example writeSimAddress(0, pool.subarray(0, 16))
 */
export function writeSimAddress(index: number, into: Uint8Array): Uint8Array {
  if (!Number.isSafeInteger(index) || index < 0 || index > SIM_INDEX_MAX) {
    throw new RangeError(`node index must be 0..${SIM_INDEX_MAX}, got ${index}`);
  }
  if (into.length !== 16) throw new RangeError(`an address is 16 bytes, got ${into.length}`);
  into.fill(0);
  into[0] = PREFIX[0];
  into[1] = PREFIX[1];
  into[2] = PREFIX[2];
  into[3] = PREFIX[3];
  const v = index + 1;
  into[12] = v >>> 24;
  into[13] = (v >>> 16) & 0xff;
  into[14] = (v >>> 8) & 0xff;
  into[15] = v & 0xff;
  return into;
}

/**
 * True when the address lies in the synthetic range `2001:db8::/96` (any port).
 * @example isSimAddress(simEndpoint(3).address) // true
 */
export function isSimAddress(address: Uint8Array): boolean {
  if (address.length !== 16) return false;
  if (address[0] !== PREFIX[0] || address[1] !== PREFIX[1]) return false;
  if (address[2] !== PREFIX[2] || address[3] !== PREFIX[3]) return false;
  for (let i = 4; i < 12; i++) if (address[i] !== 0) return false;
  return true;
}

/**
 * The node index a synthetic endpoint encodes, or -1 when it is not one (other prefix, other
 * port, or the unused `2001:db8::` itself).
 * @example simEndpointIndex(simEndpoint(41)) // 41
 */
export function simEndpointIndex(endpoint: Endpoint): number {
  if (endpoint.port !== SIM_PORT || !isSimAddress(endpoint.address)) return -1;
  const a = endpoint.address;
  const v = a[12]! * 0x100_0000 + ((a[13]! << 16) | (a[14]! << 8) | a[15]!);
  return v - 1;
}
