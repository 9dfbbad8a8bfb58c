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
import { KEY_RECORD_APP_DATA_MAX, readKeyRecord, writeKeyRecord } from './key-record-codec.js';

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

/**
 * What a resolver learns from a valid proof; `P` is the provider's evidence (a verified CPA for
 * PNRP, `undefined` for the null provider), typed so that no reader has to cast it.
 */
export interface ValidatedRecord<P = unknown> {
  readonly key: Key;
  readonly appData: Uint8Array;
  readonly endpoints: readonly Endpoint[];
  readonly revoke: boolean;
  /** Provider-specific evidence (e.g. the verified CPA). */
  readonly proof: P;
  /**
   * The public key that signed the record, when the key (ID) binds its owner so that only that
   * key may sign for it: a revoke of an entry admitted with this record must carry the same
   * owner key. Absent where anyone may sign for the key (the null provider, unsecured `0.` PNRP
   * names): then any valid revoke is accepted, as the spec has it.
   */
  readonly ownerKey?: Uint8Array;
  /**
   * When the record stops being valid (wall-clock ms; a CPA's Not After). Every record of one
   * publisher is signed with the same lifetime, so this orders its records by signing time: a
   * revoke whose validity ends before that of the registration it would remove was signed before
   * that registration, and is ignored as a replay. Absent: no ordering (any valid revoke counts).
   */
  readonly validUntilWallMs?: number;
}

/**
 * What a revoke says about itself before any signature is checked (`peekRevoke`): enough to
 * drop revokes for keys this node does not hold, by keys other than the owner's, or older than
 * the registration, without paying for a verification. Never trusted on its own: a revoke that
 * passes these checks is verified in full with `validateRecord`.
 */
export interface RevokeSummary {
  readonly key: Key;
  /** As {@link ValidatedRecord.ownerKey}. */
  readonly ownerKey?: Uint8Array;
  /** As {@link ValidatedRecord.validUntilWallMs}. */
  readonly validUntilWallMs?: number;
}

/** Outcome of validating a remote proof. */
export type RecordVerdict<P = unknown> =
  | { readonly ok: true; readonly record: ValidatedRecord<P> }
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

/**
 * The pluggable security of a DRT instance. All methods are synchronous and never throw on remote
 * input. `P` is the evidence its valid proofs carry (`ValidatedRecord.proof`), which reaches
 * search results typed as `P`.
 */
export interface SecurityProvider<P = unknown> {
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
  validateRecord(bytes: Uint8Array, expect: RecordExpectation): RecordVerdict<P>;
  /**
   * Decodes a flooded revoke cheaply (no signature check): the key it names and, where the
   * provider knows them, its owner key and validity. Undefined for bytes that are no revoke.
   * Absent: every revoke is verified in full before the node can see which key it names.
   */
  peekRevoke?(bytes: Uint8Array): RevokeSummary | undefined;
  /** Credential sent when an INQUIRE sets the C flag, if the provider has one. */
  certChain?(key: Key): Uint8Array | undefined;
  /**
   * Should an application search's INQUIRE about `key` set the C flag (ask for the certificate
   * chain, passed to `validateRecord` as `authority.certChain`)? Absent: never. Cache admission
   * checks always ask.
   */
  wantCertChain?(key: Key): boolean;
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
  /**
   * [MC-DRT] membership security mode (DRT_SECURITY_MODE SECURE_MEMBERSHIP = 1, §1.3.2.2): when
   * present, every LOOKUP, INQUIRE and REQUEST this node sends carries CREDENTIAL + SIGNATURE (+
   * KEY_IDENTIFIER), and every one it receives without a valid credential and signature is dropped
   * unanswered. Absent: resolve mode, exactly as before.
   */
  readonly membership?: MembershipSecurity;
}

/**
 * The membership-mode half of DRT_SECURITY_PROVIDER: GetSerializedCredential, SignData,
 * ValidateRemoteCredential + VerifyData. Synchronous; never throws on remote input.
 *
 * What is signed (our decision; [MC-DRT] §2.2.2.3/.5/.8 name only the Validate Key of a LOOKUP or
 * INQUIRE and the IDList of a REQUEST): the whole message as `encodeMessage` writes it without its
 * security elements, header included, prefixed with the receiver's endpoint and the sender's wall
 * clock (drt/membership.ts, which also carries both in the SIGNATURE element and refuses stale,
 * misdirected and replayed signatures before calling `verify`). That covers the fields the spec
 * names and also binds the message type, message ID, target, nonce and flagged path, so a
 * credential and signature seen on the wire can be pasted neither onto another question nor onto
 * the same question to another node or later.
 */
export interface MembershipSecurity {
  /** GetSerializedCredential: the credential sent in every LOOKUP, INQUIRE and REQUEST. */
  credential(): Uint8Array;
  /** KEY_IDENTIFIER: which key of the credential signs ([MC-DRT] §2.2.3.1.5); absent: none sent. */
  keyIdentifier?(): Uint8Array | undefined;
  /** SignData: the signature of `data` with the key the credential certifies. */
  sign(data: Uint8Array): Uint8Array;
  /** ValidateRemoteCredential + VerifyData for one received message. */
  verify(input: MembershipInput): MembershipVerdict;
}

/** What a receiver checks: the security elements of a message and the bytes they sign. */
export interface MembershipInput {
  readonly credential: Uint8Array;
  readonly signature: Uint8Array;
  readonly keyIdentifier?: Uint8Array;
  /** The signed bytes (see {@link MembershipSecurity}). */
  readonly data: Uint8Array;
  /** Wall-clock ms, for certificate validity. */
  readonly nowWallMs: number;
  /** Monotonic ms, for verification budgets (absent: no budget). */
  readonly nowMs?: number;
  /** Endpoint key of the datagram's source, for per-source budgets (absent: no budget). */
  readonly source?: string;
}

/**
 * Outcome of {@link MembershipSecurity.verify}. A refusal's `reason` is what the node counts in
 * `stats.dropped`: `'bad-credential'` (the credential is malformed, untrusted or expired) or
 * `'bad-signature'` (a valid credential, but its key did not sign these bytes) or
 * `'membership-throttled'` (a credential the provider has not verified yet, over the source's or
 * the node's verification budget); `detail` says more.
 */
export type MembershipVerdict =
  | { readonly ok: true; readonly peer?: unknown }
  | {
      readonly ok: false;
      readonly reason: 'bad-credential' | 'bad-signature' | 'membership-throttled';
      readonly detail: string;
    };

const NULL_MAGIC = 0x44525430; // "DRT0"
const NULL_RECORD_WRITER = new ByteWriter(512);

/** Encodes a {@link KeyRecord} in the null provider's plain layout. */
function encodeNullRecord(record: KeyRecord): Uint8Array {
  // One reused writer (`finish` copies): a new one per INQUIRE answer grew past 64 bytes each time.
  const w = NULL_RECORD_WRITER.reset();
  writeKeyRecord(w, NULL_MAGIC, record);
  return w.finish();
}

function decodeNullRecord(bytes: Uint8Array) {
  return decodeWith(() => {
    const r = new ByteReader(bytes);
    const record = readKeyRecord(r, NULL_MAGIC, 'null-provider');
    if (r.remaining !== 0) fail('trailing-bytes', `${r.remaining} bytes after the record`);
    return record;
  });
}

/**
 * A provider that authenticates nothing: any key may be registered and any well-formed record
 * that names the expected key and nonce is accepted.
 * @example new DrtNode({ security: nullSecurityProvider(), ... })
 */
export function nullSecurityProvider(): SecurityProvider<undefined> {
  return {
    name: 'null',
    checkRegistration: (_key, appData) =>
      appData.length > KEY_RECORD_APP_DATA_MAX
        ? `app data is ${appData.length} bytes, at most ${KEY_RECORD_APP_DATA_MAX}`
        : undefined,
    secureRecord: (record) => encodeNullRecord(record),
    // Null records carry no signature, so anyone may forge a revoke of any key: as with
    // DrtCreateNullSecurityProvider, the null provider protects nothing (no owner, no ordering).
    peekRevoke(bytes) {
      const decoded = decodeNullRecord(bytes);
      return decoded.ok && decoded.value.revoke ? { key: decoded.value.key } : undefined;
    },
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
