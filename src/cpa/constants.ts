/**
 * @module cpa/constants
 * Field sizes, flags, versions and limits of the Encoded CPA ([MS-PNRP] §2.2.3.1), the SIGNATURE
 * structure (§2.2.3.2) and the EXTENDED_PAYLOAD (§2.2.3.3), with the Ed25519 profile of docs/design.md
 * §5 in place of RSA-1024/SHA-1. Every number the codec checks is named here.
 *
 * The Ed25519 profile keeps the spec's field shapes and changes only their contents:
 *
 * | structure | spec (RSA) | ours (Ed25519) |
 * |---|---|---|
 * | CPA Public Key: Field Length | 169 | {@link PUBLIC_KEY_FIELD_BYTES} = 52 |
 * | Algorithm ObjId Length | 0x0014 (rsaEncryption text) | 11 ({@link ED25519_OID_TEXT}) |
 * | PublicKey cbData | 0x008C (DER RSAPublicKey) | {@link ED25519_PUBLIC_KEY_BYTES} = 32 (raw) |
 * | SIGNATURE: Field Length | 0x0088 | {@link SIGNATURE_FIELD_BYTES} = 72 |
 * | Signature Length | 0x0080 | {@link ED25519_SIGNATURE_BYTES} = 64 |
 * | ALG_ID | 0x00008004 (CALG_SHA1) | {@link ED25519_ALG_ID} = 0x000020ED |
 */

/** Encoded CPA minor version ([MS-PNRP] §2.2.3.1). */
export const CPA_MINOR_VERSION = 0x00;
/** Encoded CPA major version. */
export const CPA_MAJOR_VERSION = 0x02;
/** PNRP minor version written into a CPA. */
export const CPA_PNRP_MINOR_VERSION = 0x00;
/** PNRP major version written into a CPA. */
export const CPA_PNRP_MAJOR_VERSION = 0x04;
/**
 * Bytes 2-5 of an Encoded CPA in wire order, one table for the encoder and the decoder:
 * CpaMinor, CpaMajor, PnrpMinor, PnrpMajor.
 * @example Array.from(encoded.subarray(2, 6)) // [0, 2, 0, 4]
 */
export const CPA_VERSION_BYTES: readonly number[] = [
  CPA_MINOR_VERSION,
  CPA_MAJOR_VERSION,
  CPA_PNRP_MINOR_VERSION,
  CPA_PNRP_MAJOR_VERSION,
];

/**
 * Flag bits of byte 6 of an Encoded CPA ([MS-PNRP] §2.2.3.1). The top two bits are reserved:
 * written as zero, ignored on receipt.
 * @example const isRevoke = (encoded[6]! & CPA_FLAGS.revoke) !== 0;
 */
export const CPA_FLAGS = {
  /** X: an extended payload exists for this CPA. */
  extendedPayload: 0x20,
  /** F: FriendlyNameLen and FriendlyName are present. */
  friendlyName: 0x10,
  /** C: ClassifierHash is present. */
  classifierHash: 0x08,
  /** A: BinaryAuthority is present (secured names). */
  binaryAuthority: 0x04,
  /** U: the friendly name is UTF-8 rather than UTF-16LE; only with F. */
  utf8: 0x02,
  /** R: a revoke CPA (the ID is being unregistered). */
  revoke: 0x01,
} as const;

/** Bytes in the service location and in the nonce. */
export const CPA_NONCE_BYTES = 16;
/** Bytes in a BinaryAuthority and in a ClassifierHash (SHA-1). */
export const NAME_HASH_BYTES = 20;

/** Friendly name length in bytes, at least ([MS-PNRP] §2.2.3.1). */
export const FRIENDLY_NAME_BYTES_MIN = 1;
/** Friendly name length in bytes, at most. */
export const FRIENDLY_NAME_BYTES_MAX = 78;

/** PNRP service endpoints in a CPA, at most ([MS-PNRP] §2.2.3.1.1); at least one unless R. */
export const SERVICE_ENDPOINTS_MAX = 4;
/** Bytes of one IPV6_ENDPOINT, the ServiceAddressLength value ([MS-PNRP] §2.2.3.6). */
export const IPV6_ENDPOINT_BYTES = 18;
/** Service endpoint ports must be above this ([MS-PNRP] §2.2.3.6). */
export const SERVICE_PORT_RESERVED_MAX = 1024;

/** The only PAYLOAD type: an array of IPV6_APP_ENDPOINT ([MS-PNRP] §2.2.3.1.2). */
export const PAYLOAD_TYPE_APP_ENDPOINTS = 0x00000001;
/** Application endpoints in the PAYLOAD, at most (also PNRP_MAX_ENDPOINT_ADDRESSES). */
export const APP_ENDPOINTS_MAX = 10;
/** Bytes of one IPV6_APP_ENDPOINT ([MS-PNRP] §2.2.3.1.3). */
export const IPV6_APP_ENDPOINT_BYTES = 20;
/** PAYLOAD header: Type (4) and DataLength (2). */
export const PAYLOAD_HEADER_BYTES = 6;
/** NumPayloads (2) and TotalBytes (2), counted in TotalBytes. */
export const PAYLOADS_HEADER_BYTES = 4;

/** The Ed25519 OID ([RFC 8410] id-Ed25519) as ASCII dotted text in Algorithm ObjId. */
export const ED25519_OID_TEXT = '1.3.101.112';
/** Bytes of a raw Ed25519 public key ([RFC 8032] §5.1.5). */
export const ED25519_PUBLIC_KEY_BYTES = 32;
/** Bytes of an Ed25519 signature ([RFC 8032] §5.1.6). */
export const ED25519_SIGNATURE_BYTES = 64;
/**
 * CPA Public Key fixed part: Field Length (2), Algorithm ObjId Length (2), Reserved (2),
 * PublicKey cbData (2), PublicKey Unused (1).
 */
export const PUBLIC_KEY_FIELD_HEADER_BYTES = 9;
/** Whole CPA Public Key structure with the Ed25519 profile: 9 + 11 + 32 = 52. */
export const PUBLIC_KEY_FIELD_BYTES: number =
  PUBLIC_KEY_FIELD_HEADER_BYTES + ED25519_OID_TEXT.length + ED25519_PUBLIC_KEY_BYTES;

/**
 * Our private ALG_ID for "Ed25519 over the bytes as they are", in the CryptoAPI layout
 * (class bits 13-15, type bits 9-12, sub-id bits 0-8): ALG_CLASS_SIGNATURE (1 << 13) |
 * ALG_TYPE_ANY (0) | sub-id 0xED ("Ed"). No CryptoAPI algorithm uses 0x20ED; the spec's value,
 * 0x00008004 (CALG_SHA1), is refused because this profile does not hash with SHA-1 first.
 * @example ED25519_ALG_ID.toString(16) // '20ed', written little-endian: ed 20 00 00
 */
export const ED25519_ALG_ID = 0x000020ed;
/** SIGNATURE fixed part: Field Length (2), Signature Length (2), ALG_ID (4). */
export const SIGNATURE_FIELD_HEADER_BYTES = 8;
/** Whole SIGNATURE structure with the Ed25519 profile: 8 + 64 = 72. */
export const SIGNATURE_FIELD_BYTES: number = SIGNATURE_FIELD_HEADER_BYTES + ED25519_SIGNATURE_BYTES;

/** Extended payload minor version ([MS-PNRP] §2.2.3.3). */
export const EXTENDED_PAYLOAD_MINOR_VERSION = 0x00;
/** Extended payload major version. */
export const EXTENDED_PAYLOAD_MAJOR_VERSION = 0x02;
/** Extended payload bytes before Number of Payloads: 2+1+1+2+2+8+32+16. */
export const EXTENDED_PAYLOAD_HEADER_BYTES = 64;
/** Number of Payloads (2), Total Payload Bytes (2), Payload Type (4), Payload Length (2). */
export const EXTENDED_PAYLOAD_ITEM_HEADER_BYTES = 10;
/** Payload Type of a NUL-terminated string. */
export const EXTENDED_PAYLOAD_TYPE_STRING = 0x80000002;
/** Payload Type of binary data. */
export const EXTENDED_PAYLOAD_TYPE_BINARY = 0x80000003;
/**
 * String Type values ([MS-PNRP] §2.2.3.3): 0 UTF-16 ("Unicode"), 1 UTF-8.
 * @example EXTENDED_PAYLOAD_STRING_TYPES['utf-8'] // 1
 */
export const EXTENDED_PAYLOAD_STRING_TYPES = { 'utf-16le': 0x0000, 'utf-8': 0x0001 } as const;
/** Binary payload bytes, at least. */
export const EXTENDED_PAYLOAD_BINARY_BYTES_MIN = 1;
/** Binary payload bytes, at most (PNRP_MAX_EXTENDED_PAYLOAD_BYTES). */
export const EXTENDED_PAYLOAD_BINARY_BYTES_MAX = 4096;
/** Payload Length of a string (String Type + text + NUL), at least. */
export const EXTENDED_PAYLOAD_STRING_LENGTH_MIN = 6;
/** Payload Length of a string (String Type + text + NUL), at most. */
export const EXTENDED_PAYLOAD_STRING_LENGTH_MAX = 4098;

/**
 * Recommended CPA lifetime bounds ([MS-PNRP] §2.2.3.1: NotAfter SHOULD be 12 hours to one week
 * ahead). Advice for publishers; neither `createCpa` nor `verifyCpa` enforces them.
 * @example createCpa({ ...params, notAfterMs: nowWallMs + CPA_LIFETIME_MS.min }, identity)
 */
export const CPA_LIFETIME_MS: { readonly min: number; readonly max: number } = {
  min: 12 * 3_600_000,
  max: 7 * 24 * 3_600_000,
};
