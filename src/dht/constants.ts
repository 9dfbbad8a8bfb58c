/**
 * @module dht/constants
 * Limits and wire constants of the DHT on the DRT (issue 15). The DHT speaks its own small
 * datagram format on the DRT's endpoint; every DHT datagram starts with {@link DHT_MAGIC}, whose
 * first byte (0x44) can never start an [MS-PNRP] message (those start 0x00 0x10), so a `DhtNode`
 * routes each datagram by its first byte and the DRT decoder never sees a DHT one.
 */

/** First two bytes of every DHT datagram: ASCII `DH`. */
export const DHT_MAGIC: readonly [number, number] = [0x44, 0x48];
/** The only wire version spoken. */
export const DHT_VERSION = 1;
/** Bytes of the header: magic (2), version (1), type (1), request ID (4). */
export const DHT_HEADER_BYTES = 8;
/** Largest value a datagram carries (values in one datagram; larger BLOBs are for the connection seam). */
export const DHT_VALUE_BYTES_MAX = 1000;
/** Longest salt of a mutable value (BEP 44's limit). */
export const DHT_SALT_BYTES_MAX = 64;
/** Longest lifetime a record may ask for: 24 hours, in seconds. */
export const DHT_TTL_SECONDS_MAX: number = 24 * 3600;
/** Largest sequence number (safe integers only, so it stays a JavaScript number). */
export const DHT_SEQ_MAX: number = Number.MAX_SAFE_INTEGER;
/** Endpoints a NOT_FOUND answer may suggest. */
export const DHT_HINTS_MAX = 3;
/** Bytes of one endpoint on the wire: IPv6 address (16) and port (u16). */
export const DHT_ENDPOINT_BYTES = 18;
/** Bytes of one keyed hint of a NOT_FOUND: the node's DRT key (32) and its endpoint (18). */
export const DHT_KEYED_HINT_BYTES = 50;
/** Smallest FIND_VALUE: header, key, cookie and 20 zero bytes (a NOT_FOUND with 3 plain hints fits). */
export const DHT_FIND_VALUE_BYTES_MIN = 64;
/**
 * Largest FIND_VALUE (padded with zero bytes): the 1,280-byte IPv6 minimum MTU less the IPv6 and
 * UDP headers, so a padded request is never fragmented by IP.
 */
export const DHT_FIND_VALUE_BYTES_MAX = 1232;
/**
 * Largest VALUE in one datagram: header (8), TTL (4), a signed record of a 1,000-byte value with
 * a 64-byte salt (1 + 1 + 32 + 8 + 2 + 1000 + 32 + 1 + 64 + 64).
 */
export const DHT_VALUE_DATAGRAM_BYTES_MAX = 1217;
/** A FIND_VALUE padded to this size gets 3 keyed hints from an unproven responder (header, count, 3 hints). */
export const DHT_FIND_VALUE_KEYED_BYTES: number = 8 + 1 + 3 * 50;
/** Bytes of an Ed25519 signature and public key. */
export const DHT_SIGNATURE_BYTES = 64;
/** Bytes of an Ed25519 public key. */
export const DHT_PUBLIC_KEY_BYTES = 32;

/** Record types: 1 and 2 are built in, 16..255 are for applications' validators. */
export const DHT_RECORD_TYPE = {
  /** Key = SHA-256 of the value; never changes. */
  immutable: 1,
  /** Key = SHA-256(public key ‖ salt); signed, sequence-numbered (BEP 44). */
  mutable: 2,
} as const;

/** Smallest record type an application may register a validator for. */
export const DHT_APP_TYPE_MIN = 16;

/** Message type codes (the byte after the version). */
export const DHT_MESSAGE_TYPE = {
  store: 1,
  storeAck: 2,
  findValue: 3,
  value: 4,
  notFound: 5,
  cookie: 6,
  replicate: 7,
  /** One slice of a message too large for one datagram (dht/fragments.ts). */
  fragment: 8,
} as const;

/**
 * Why a record was refused, in wire order (the STORE_ACK carries the index). Never renumber:
 * append only.
 */
export const DHT_REFUSAL_REASONS = [
  'oversized',
  'bad-signature',
  'key-mismatch',
  'stale-seq',
  'seq-conflict',
  'cas-mismatch',
  'writer-quota',
  'node-full',
  'not-responsible',
  'unknown-type',
  'ttl-too-long',
  'malformed',
] as const;

/** One of {@link DHT_REFUSAL_REASONS}. */
export type DhtRefusal = (typeof DHT_REFUSAL_REASONS)[number];

/**
 * Largest value a DHT record may carry at all: values above {@link DHT_VALUE_BYTES_MAX} travel
 * in fragments (dht/fragments.ts). Fits the record's u16 length field.
 */
export const DHT_LARGE_VALUE_BYTES_MAX = 65_000;
/** Largest message that travels in fragments (a record of the largest value, with room to spare). */
export const DHT_FRAGMENTED_MESSAGE_BYTES_MAX = 66_000;
/** Bytes of a FRAGMENT's header: the DHT header (8), total length (u32), index (u16), count (u16). */
export const DHT_FRAGMENT_HEADER_BYTES = 16;
/** Message bytes one FRAGMENT carries (every fragment but the last carries exactly this many). */
export const DHT_FRAGMENT_DATA_BYTES = 1184;
/** Largest FRAGMENT datagram: 1200 bytes, below the 1280-byte IPv6 minimum MTU with room for UDP/IP. */
export const DHT_FRAGMENT_DATAGRAM_BYTES_MAX: number =
  DHT_FRAGMENT_HEADER_BYTES + DHT_FRAGMENT_DATA_BYTES;
