/**
 * Record builders for the database tests: a record is described by a small integer ID, a version
 * and a modification time; everything else has plain defaults that a test may override.
 */
import type { GraphRecord } from '../../../../src/graph/model.js';

/** An application record type used by the tests. */
export const APP_TYPE: Uint8Array = new Uint8Array(16).fill(0xa1);
/** A second application record type. */
export const OTHER_TYPE: Uint8Array = new Uint8Array(16).fill(0xb2);

/** A 16-byte record ID whose last four bytes are `n` (big-endian) and first byte `prefix`. */
export function idOf(n: number, prefix = 0x10): Uint8Array {
  const id = new Uint8Array(16);
  id[0] = prefix;
  new DataView(id.buffer).setUint32(12, n, false);
  return id;
}

/** A record with plain defaults; `n` names its ID. */
export function rec(n: number, fields: Partial<GraphRecord> = {}): GraphRecord {
  return {
    type: APP_TYPE,
    id: idOf(n),
    version: 1,
    deleted: false,
    creatorId: 'alice',
    modifiedById: '',
    securityData: new Uint8Array(0),
    createdAt: 1000n,
    expiresAt: 1_000_000n,
    modifiedAt: 1000n,
    graphId: 'graph',
    payload: new Uint8Array(0),
    attributes: '',
    ...fields,
  };
}

/** The record IDs' numbers of `records`, in order. */
export function numbers(records: Iterable<GraphRecord>): number[] {
  return [...records].map((r) => new DataView(r.id.buffer, r.id.byteOffset).getUint32(12, false));
}
