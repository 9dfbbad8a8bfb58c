/**
 * @module graph/security/units
 * The framing every graph security provider obeys: a unit (a handshake message or a sealed
 * message) begins with its own total size as a u32 big-endian, the way a plain [MS-PPGRH] message
 * (§2.2.1.2) begins with its Message Size, so the graph's connection framing reassembles units by
 * that leading size whatever provider runs. Pure helpers; remote units are checked, never trusted.
 */

/** Bytes of the leading size. */
export const UNIT_SIZE_BYTES = 4;

/** The largest unit a u32 size can describe. */
export const UNIT_BYTES_MAX = 0xffff_ffff;

/**
 * Wraps `body` as a unit: u32 BE total size (4 + body length), then `body`.
 * Local input: a body too large for a u32 size throws `RangeError`.
 * @example const unit = wrapUnit(authMessage); readUnitSize(unit) === unit.length
 */
export function wrapUnit(body: Uint8Array): Uint8Array {
  const size = UNIT_SIZE_BYTES + body.length;
  if (size > UNIT_BYTES_MAX) throw new RangeError(`a unit holds at most ${UNIT_BYTES_MAX} bytes`);
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, size);
  out.set(body, UNIT_SIZE_BYTES);
  return out;
}

/**
 * The leading u32 BE size of `unit`, or undefined when it has fewer than 4 bytes.
 * @example readUnitSize(new Uint8Array([0, 0, 0, 4])) // 4
 */
export function readUnitSize(unit: Uint8Array): number | undefined {
  if (unit.length < UNIT_SIZE_BYTES) return undefined;
  return ((unit[0]! << 24) | (unit[1]! << 16) | (unit[2]! << 8) | unit[3]!) >>> 0;
}

/**
 * Checks a received unit's leading size against its length: `ok` with the body after the size,
 * or the stable reason `bad-unit-size` (too short for a size, or a size that disagrees).
 * @example const r = unwrapUnit(unit); if (!r.ok) count(r.reason);
 */
export function unwrapUnit(
  unit: Uint8Array,
): { ok: true; body: Uint8Array } | { ok: false; reason: 'bad-unit-size' } {
  const size = readUnitSize(unit);
  if (size === undefined || size !== unit.length) return { ok: false, reason: 'bad-unit-size' };
  return { ok: true, body: unit.subarray(UNIT_SIZE_BYTES) };
}
