/**
 * @module cache/entry-intern
 * One shared, packed copy of each distinct route entry (issue 13, Build 3: "packed route entries
 * with interned endpoints"). Every node that caches the entry of peer P held its own decoded
 * copy: an object, a 32-byte ID with its own ArrayBuffer, an address array and an address block
 * with another ArrayBuffer, about 470 bytes, and in a cloud of N nodes P sits in dozens of caches.
 * The route cache holds entries by reference and never modifies them (route-cache.ts), so nodes
 * can share one frozen-in-practice copy per (ID, port, addresses): {@link internEntry} returns it,
 * packing ID and addresses into one buffer.
 *
 * The table holds its copies weakly (`WeakRef`), so it costs nothing once no cache holds an entry
 * and hostile input cannot grow it past what the caches themselves hold. Which object comes back
 * never changes what a node does: equal content, and a node compares entries by identity only
 * among its own cache's entries (distinct IDs), which it admits through here.
 */
import { codeUnitString } from '../util/bytes.js';
import type { RouteEntry } from '../wire/types.js';

const table = new Map<string, WeakRef<RouteEntry>>();
const registry = new FinalizationRegistry<string>((key) => {
  const ref = table.get(key);
  if (ref !== undefined && ref.deref() === undefined) table.delete(key);
});

/** Reused code units of {@link contentKey} (ID, port and up to 8 addresses). */
const keyUnits = new Uint16Array(17 + 8 * 8);

/** The content of an entry as a string: 16 chars of ID, the port, 8 chars per address. */
function contentKey(entry: RouteEntry): string {
  const id = entry.id;
  const length = 17 + 8 * entry.addresses.length;
  const units = length <= keyUnits.length ? keyUnits : new Uint16Array(length);
  let u = 0;
  for (let i = 0; i < 32; i += 2) units[u++] = (id[i]! << 8) | id[i + 1]!;
  units[u++] = entry.port;
  for (const a of entry.addresses)
    for (let i = 0; i < 16; i += 2) units[u++] = (a[i]! << 8) | a[i + 1]!;
  return codeUnitString(units, u);
}

/** A copy of `entry` with ID and addresses views into one buffer. */
function packed(entry: RouteEntry): RouteEntry {
  const n = entry.addresses.length;
  const buf = new Uint8Array(32 + 16 * n);
  buf.set(entry.id, 0);
  const addresses: Uint8Array[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const at = 32 + 16 * i;
    buf.set(entry.addresses[i]!, at);
    addresses[i] = buf.subarray(at, at + 16);
  }
  return { id: buf.subarray(0, 32), port: entry.port, addresses };
}

/**
 * The shared copy of an entry with this ID, port and addresses (made from `entry` if there is
 * none). Only for well-formed entries (32-byte ID, 16-byte addresses); do not modify the result.
 * @example cache.add(internEntry(decoded))
 */
export function internEntry(entry: RouteEntry): RouteEntry {
  if (entry.id.length !== 32 || entry.addresses.some((a) => a.length !== 16)) return entry;
  const key = contentKey(entry);
  const shared = table.get(key)?.deref();
  if (shared !== undefined) return shared;
  const copy = packed(entry);
  table.set(key, new WeakRef(copy));
  registry.register(copy, key);
  return copy;
}
