/**
 * @module drt/security-provider
 * The DRT security provider seam ([MC-DRT] §1.3, DRT_SECURITY_PROVIDER in drt.h), synchronous as
 * the sans-I/O core requires. A provider decides which keys this node may register, packs the
 * proof a publisher returns to an INQUIRE (the VALIDATE_CPA element) or floods on unregistration
 * (REVOKE_CPA), and validates such proofs from others. The built-in {@link nullSecurityProvider}
 * authenticates nothing (like DrtCreateNullSecurityProvider): it binds key, nonce, endpoints and
 * application data in a plain record so resolvers still get them.
 */
import type { Endpoint } from '../keys/endpoint.js';
import type { Key } from '../keys/key256.js';
import { ByteReader, decodeWith, fail } from '../util/byte-reader.js';
import { ByteWriter } from '../util/byte-writer.js';
import { equalBytes } from '../util/bytes.js';

/** What a publisher vouches for. */
export interface KeyRecord {
  readonly key: Key;
  readonly appData: Uint8Array;
  /** Where the publisher answers. */
  readonly endpoints: readonly Endpoint[];
  /** 16 bytes from the INQUIRE (zeros for a revoke). */
  readonly nonce: Uint8Array;
  readonly revoke: boolean;
}

/** What a resolver learns from a valid proof. */
export interface ValidatedRecord {
  readonly key: Key;
  readonly appData: Uint8Array;
  readonly endpoints: readonly Endpoint[];
  readonly revoke: boolean;
  /** Provider-specific evidence (e.g. the verified CPA). */
  readonly proof: unknown;
}

/** Outcome of validating a remote proof. */
export type RecordVerdict =
  | { readonly ok: true; readonly record: ValidatedRecord }
  | { readonly ok: false; readonly reason: string };

/** What a resolver expects a proof to show. */
export interface RecordExpectation {
  /** The key the proof must name; undefined for a flooded revoke, which names its own. */
  readonly key: Key | undefined;
  /** The nonce sent in the INQUIRE; undefined for a flooded revoke. */
  readonly nonce: Uint8Array | undefined;
  readonly revoke: boolean;
  /** Wall-clock ms, for expiry checks. */
  readonly nowWallMs: number;
  /** True when the INQUIRE set the X flag (the provider asked for it in `wantExtendedPayload`). */
  readonly wantedExtendedPayload?: boolean;
  /** The other AUTHORITY elements that came with an INQUIRE answer, for the provider to check. */
  readonly authority?: AuthorityExtras;
}

/** AUTHORITY elements besides the proof: what `authorityExtras` and `certChain` produce. */
export interface AuthorityExtras {
  readonly classifier?: string;
  readonly extendedPayload?: Uint8Array;
  readonly certChain?: Uint8Array;
}

/** The pluggable security of a DRT instance. All methods are synchronous and never throw on remote input. */
export interface SecurityProvider {
  /** Short name for reports. */
  readonly name: string;
  /**
   * May this node register `key`? Return a reason string to refuse (the node throws it to the
   * caller as a `RangeError`).
   */
  checkRegistration(key: Key, appData: Uint8Array): string | undefined;
  /** Packs the proof for an INQUIRE answer or a revoke flood. */
  secureRecord(record: KeyRecord, nowWallMs: number): Uint8Array;
  /** Validates a remote proof. */
  validateRecord(bytes: Uint8Array, expect: RecordExpectation): RecordVerdict;
  /** Credential sent when an INQUIRE sets the C flag, if the provider has one. */
  certChain?(key: Key): Uint8Array | undefined;
  /**
   * Extra AUTHORITY elements for an INQUIRE about a local key (PNRP: the classifier, and the
   * extended payload when the X flag asks for it).
   */
  authorityExtras?(
    key: Key,
    wantExtendedPayload: boolean,
    nonce: Uint8Array,
    nowWallMs: number,
  ): { readonly classifier?: string; readonly extendedPayload?: Uint8Array };
  /**
   * Should an application search's INQUIRE about `key` set the X flag (ask for the extended
   * payload)? Absent: never. Registration, maintenance and cache checks never ask.
   */
  wantExtendedPayload?(key: Key): boolean;
}

const NULL_MAGIC = 0x44525430; // "DRT0"
const APP_DATA_MAX = 4096;
const ENDPOINTS_MAX = 4;

/** Encodes a {@link KeyRecord} in the null provider's plain layout. */
function encodeNullRecord(record: KeyRecord): Uint8Array {
  const w = new ByteWriter(64 + record.appData.length);
  w.u32be(NULL_MAGIC)
    .bytes(record.key)
    .bytes(record.nonce)
    .u8(record.revoke ? 1 : 0);
  w.u8(record.endpoints.length);
  for (const ep of record.endpoints) w.u16be(ep.port).bytes(ep.address);
  w.u16be(record.appData.length).bytes(record.appData);
  return w.finish();
}

function decodeNullRecord(bytes: Uint8Array) {
  return decodeWith(() => {
    const r = new ByteReader(bytes);
    if (r.u32be() !== NULL_MAGIC) fail('bad-magic', 'not a null-provider record');
    const key = r.bytes(32);
    const nonce = r.bytes(16);
    const revoke = r.u8() === 1;
    const count = r.u8();
    if (count > ENDPOINTS_MAX) fail('limit', `${count} endpoints, at most ${ENDPOINTS_MAX}`);
    const endpoints: Endpoint[] = [];
    for (let i = 0; i < count; i++) {
      const port = r.u16be();
      endpoints.push({ address: r.bytes(16), port });
    }
    const length = r.u16be();
    if (length > APP_DATA_MAX)
      fail('limit', `app data of ${length} bytes, at most ${APP_DATA_MAX}`);
    const appData = r.bytes(length);
    if (r.remaining !== 0) fail('trailing-bytes', `${r.remaining} bytes after the record`);
    return { key, nonce, revoke, endpoints, appData };
  });
}

/**
 * A provider that authenticates nothing: any key may be registered and any well-formed record
 * that names the expected key and nonce is accepted.
 * @example new DrtNode({ security: nullSecurityProvider(), ... })
 */
export function nullSecurityProvider(): SecurityProvider {
  return {
    name: 'null',
    checkRegistration: (_key, appData) =>
      appData.length > APP_DATA_MAX
        ? `app data is ${appData.length} bytes, at most ${APP_DATA_MAX}`
        : undefined,
    secureRecord: (record) => encodeNullRecord(record),
    validateRecord(bytes, expect) {
      const decoded = decodeNullRecord(bytes);
      if (!decoded.ok) return { ok: false, reason: 'malformed' };
      const r = decoded.value;
      if (expect.key !== undefined && !equalBytes(r.key, expect.key)) {
        return { ok: false, reason: 'id-mismatch' };
      }
      if (r.revoke !== expect.revoke)
        return { ok: false, reason: r.revoke ? 'revoked' : 'malformed' };
      if (expect.nonce !== undefined && !equalBytes(r.nonce, expect.nonce)) {
        return { ok: false, reason: 'nonce-mismatch' };
      }
      return {
        ok: true,
        record: {
          key: r.key,
          appData: r.appData,
          endpoints: r.endpoints,
          revoke: r.revoke,
          proof: undefined,
        },
      };
    },
  };
}
