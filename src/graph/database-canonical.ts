/**
 * @module graph/database-canonical
 * A deterministic byte encoding of every field of a PEER_RECORD ([MS-PPGRH] §2.2.1.9), used by
 * the database's `digest()` to compare two databases. It is not the wire encoding (graph/wire/
 * owns that, with its UTF-16 strings and null terminators); it only has to be injective and
 * stable: fixed-size fields in order, big-endian integers, variable fields behind a u32 length,
 * strings as UTF-8. A caller that wants the digest over wire bytes passes the codec's encoder as
 * `canonicalBytes` instead.
 */
import { ByteWriter } from '../util/byte-writer.js';
import { utf8Encode } from '../util/bytes.js';
import type { GraphRecord } from './model.js';

const writer = new ByteWriter(512);

/**
 * Every field of `r` as bytes: type, id, version, deleted, creator, modifier, security data,
 * the three times, graph ID, payload, attributes. Equal records give equal bytes and different
 * records different bytes.
 * @example sha256(canonicalRecordBytes(record))
 */
export function canonicalRecordBytes(r: GraphRecord): Uint8Array {
  const w = writer.reset();
  sized(w, r.type);
  sized(w, r.id);
  w.u32be(r.version >>> 0);
  w.u8(r.deleted ? 1 : 0);
  sized(w, utf8Encode(r.creatorId));
  sized(w, utf8Encode(r.modifiedById));
  sized(w, r.securityData);
  u64(w, r.createdAt);
  u64(w, r.expiresAt);
  u64(w, r.modifiedAt);
  sized(w, utf8Encode(r.graphId));
  sized(w, r.payload);
  sized(w, utf8Encode(r.attributes));
  return w.finish();
}

function sized(w: ByteWriter, bytes: Uint8Array): void {
  w.u32be(bytes.length).bytes(bytes);
}

function u64(w: ByteWriter, v: bigint): void {
  const u = BigInt.asUintN(64, v);
  w.u32be(Number(u >> 32n)).u32be(Number(u & 0xffff_ffffn));
}
