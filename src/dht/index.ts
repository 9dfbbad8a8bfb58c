/**
 * The DHT on the DRT (issue 15): `DhtNode`, its records, validators, codec and options. Explicit
 * named re-exports for the rest of the repository; the package's API is `src/index.ts`.
 * @module dht
 */
export { type DhtMessage, decodeDhtMessage, encodeDhtMessage, isDhtDatagram } from './codec.js';
export {
  DHT_MAGIC,
  DHT_RECORD_TYPE,
  DHT_REFUSAL_REASONS,
  DHT_VALUE_BYTES_MAX,
  type DhtRefusal,
} from './constants.js';
export { DhtNode } from './dht-node.js';
export type { DhtNodeOptions } from './options.js';
export {
  type DhtRecord,
  immutableKeyOf,
  immutableRecord,
  immutableValidator,
  type MutableWriter,
  mutableKeyOf,
  mutableRecord,
  mutableValidator,
  type RecordChoice,
  type ValueValidator,
} from './record.js';
export type { DhtEvent, DhtFailure, DhtStats } from './types.js';
