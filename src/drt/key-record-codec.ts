/**
 * @module drt/key-record-codec
 * The plain layout security providers use for the fields every key record carries: a 4-byte
 * magic naming the provider, key (32), nonce (16), revoke flag (1), endpoints (count + port and
 * address each, at most 4) and application data (u16 length + bytes, at most 4 KB). Providers add
 * their own fields after these (the DKSP its certificate chain and signature).
 */
import type { Endpoint } from '../keys/endpoint.js';
import type { ByteReader } from '../util/byte-reader.js';
import { fail } from '../util/byte-reader.js';
import type { ByteWriter } from '../util/byte-writer.js';
import type { KeyRecord } from './security-provider.js';

/** Most application-data bytes in a key record (DRT registrations carry under 4 KB). */
export const KEY_RECORD_APP_DATA_MAX = 4096;
/** Most endpoints in a key record ([MS-PNRP] §3.1.4.1: up to 4 addresses). */
export const KEY_RECORD_ENDPOINTS_MAX = 4;

/**
 * Writes the magic and the common fields.
 * @example writeKeyRecord(w, 0x44525430, record); // then provider-specific fields
 */
export function writeKeyRecord(w: ByteWriter, magic: number, record: KeyRecord): void {
  w.u32be(magic)
    .bytes(record.key)
    .bytes(record.nonce)
    .u8(record.revoke ? 1 : 0);
  w.u8(record.endpoints.length);
  for (const ep of record.endpoints) w.u16be(ep.port).bytes(ep.address);
  w.u16be(record.appData.length).bytes(record.appData);
}

/**
 * Reads what {@link writeKeyRecord} wrote, failing the decode (inside `decodeWith`) on a wrong
 * magic or a broken limit.
 * @example decodeWith(() => { const fields = readKeyRecord(r, MAGIC, 'DKSP'); ... })
 */
export function readKeyRecord(r: ByteReader, magic: number, what: string): KeyRecord {
  if (r.u32be() !== magic) fail('bad-magic', `not a ${what} record`);
  const key = r.bytes(32);
  const nonce = r.bytes(16);
  const flag = r.u8();
  if (flag > 1) fail('malformed', `revoke flag ${flag}`);
  const count = r.u8();
  if (count > KEY_RECORD_ENDPOINTS_MAX) {
    fail('limit', `${count} endpoints, at most ${KEY_RECORD_ENDPOINTS_MAX}`);
  }
  const endpoints: Endpoint[] = [];
  for (let i = 0; i < count; i++) {
    const port = r.u16be();
    endpoints.push({ address: r.bytes(16), port });
  }
  const length = r.u16be();
  if (length > KEY_RECORD_APP_DATA_MAX) {
    fail('limit', `app data of ${length} bytes, at most ${KEY_RECORD_APP_DATA_MAX}`);
  }
  return { key, nonce, revoke: flag === 1, endpoints, appData: r.bytes(length) };
}
