/**
 * @module cpa/model
 * The Certified Peer Address as data ([MS-PNRP] §1.3.1.3, §2.2.3.1). A {@link Cpa} is always a
 * signed CPA: it comes from `createCpa` or `decodeCpa`. Its flags are not stored; they follow
 * from which optional fields are present (A from `binaryAuthority`, C from `classifierHash`,
 * F and U from `friendlyName`) or are plain booleans (X `hasExtendedPayload`, R `revoke`).
 *
 * Byte orders (docs/design.md §5): 128-bit service locations and 160-bit authorities are kept most
 * significant byte first, exactly as every other ID in this package, which deviates from the
 * spec's "least significant byte first" for these two CPA fields.
 */
import type { Endpoint } from '../keys/endpoint.js';

/**
 * An application endpoint of the CPA's PAYLOAD, the IPV6_APP_ENDPOINT of [MS-PNRP] §2.2.3.1.3.
 * IPv4 addresses are carried IPv4-mapped (`::ffff:a.b.c.d`).
 * @example
 * const web: AppEndpoint = { address: ipv4Mapped(192, 0, 2, 1), port: 443, protocol: 6 };
 */
export interface AppEndpoint {
  /** 16 bytes. */
  readonly address: Uint8Array;
  /** 0..65535, written in network byte order (big-endian). */
  readonly port: number;
  /** IANA protocol number 0..65535, e.g. 6 TCP, 17 UDP; written little-endian. */
  readonly protocol: number;
}

/**
 * IANA protocol numbers most app endpoints use.
 * @example { address, port: 5353, protocol: IP_PROTOCOL.udp }
 */
export const IP_PROTOCOL = { tcp: 6, udp: 17 } as const;

/**
 * How a friendly name or extended payload string is encoded on the wire.
 * @example const encoding: TextEncoding = 'utf-16le';
 */
export type TextEncoding = 'utf-8' | 'utf-16le';

/**
 * A friendly name and its wire encoding (the U flag).
 * @example cpa.friendlyName?.text // 'Alice\'s laptop'
 */
export interface FriendlyName {
  /** 1..78 bytes once encoded; no NUL. */
  readonly text: string;
  readonly encoding: TextEncoding;
}

/**
 * A signed Certified Peer Address.
 * @example
 * const { cpa } = createCpa(params, identity);
 * cpa.secured; // true for `<authority>.classifier` names
 * unixMsFromFiletime(cpa.notAfterFiletime); // expiry in Unix ms
 */
export interface Cpa {
  /** R: a revoke CPA, sent when the ID is unregistered. Its nonce is zero. */
  readonly revoke: boolean;
  /** X: the publisher holds an extended payload for this ID. */
  readonly hasExtendedPayload: boolean;
  /** Not After as FILETIME ticks (see `unixMsFromFiletime`). */
  readonly notAfterFiletime: bigint;
  /** 16 bytes, most significant first: the low half of the PNRP ID. */
  readonly serviceLocation: Uint8Array;
  /** 16 bytes: the INQUIRE nonce this CPA answers, or zeros. */
  readonly nonce: Uint8Array;
  /** A: 20 bytes, SHA-1 of `publicKey`, for secured names. Absent for unsecured names. */
  readonly binaryAuthority?: Uint8Array;
  /** C: 20 bytes, SHA-1 of the classifier's UTF-16LE code units. */
  readonly classifierHash?: Uint8Array;
  /** F (and U): a label for the ID. */
  readonly friendlyName?: FriendlyName;
  /** The publisher's own PNRP endpoints (IPV6_ENDPOINT), 0..4; at least one unless `revoke`. */
  readonly serviceEndpoints: readonly Endpoint[];
  /** The PAYLOAD's application endpoints, 0..10. */
  readonly appEndpoints: readonly AppEndpoint[];
  /** The 32-byte Ed25519 public key that signed this CPA. */
  readonly publicKey: Uint8Array;
  /** The 64-byte Ed25519 signature over the Encoded CPA up to its SIGNATURE field. */
  readonly signature: Uint8Array;
  /**
   * True when a nonzero BinaryAuthority names the key's owner. An unsecured (`0.`) name still
   * carries a key and a signature, but anyone may sign one, so it is unprotected.
   */
  readonly secured: boolean;
  /** Local knowledge, not in the bytes: the peer name, when the creator or verifier knows it. */
  readonly peerName?: string;
  /** Local knowledge, not in the bytes (the CPA carries only its hash): the classifier. */
  readonly classifier?: string;
}

/**
 * A freshly signed CPA and its encoding.
 * @example const { cpa, encoded }: SignedCpa = createCpa(params, identity);
 */
export interface SignedCpa {
  readonly cpa: Cpa;
  readonly encoded: Uint8Array;
}

/**
 * True when every byte is zero.
 * @example isAllZero(new Uint8Array(16)) // true
 */
export function isAllZero(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}
