/**
 * @module gmc/extensions
 * The PNRP certificate extensions ([MS-PNRP] §2.2.3.5.1): PnrpCertificateType, version,
 * PnrpPeerName (one otherName GeneralName holding a UniversalString), PnrpRole (SEQUENCE OF
 * 16-byte role UUIDs) and PnrpClassifiersList (GeneralNames of otherName UniversalStrings; empty
 * means every classifier). Encoders take local values and throw on misuse; the decoder runs
 * inside `decodeWith` and fails on hostile bytes.
 */
import { fail } from '../util/byte-reader.js';
import { concatBytes, fromHex, toHex } from '../util/bytes.js';
import {
  CERT_VERSION_BYTES,
  GMC_LIMITS,
  GMC_OID,
  type GmcRole,
  ROLE_UUID,
  ROLE_UUID_INVITING_MEMBER_PNRP,
} from './constants.js';
import {
  derOid,
  derTlv,
  derUniversalString,
  oidText,
  readDer,
  readDerChildren,
  universalStringText,
} from './der.js';

/** One extension as DER pieces: OID, critical flag and the DER of its value. */
export interface RawExtension {
  readonly oid: string;
  readonly critical: boolean;
  readonly value: Uint8Array;
}

/** What the PNRP extensions of one certificate say. */
export interface PnrpExtensions {
  readonly certificateType: number | undefined;
  readonly versionOk: boolean;
  readonly peerName: string | undefined;
  readonly roles: readonly GmcRole[] | undefined;
  /** Undefined when the extension is absent; empty when it grants every classifier. */
  readonly classifiers: readonly string[] | undefined;
  /** OIDs of critical extensions this module does not understand. */
  readonly unknownCritical: readonly string[];
  /** OIDs of PNRP extensions present but not marked critical. */
  readonly notCritical: readonly string[];
}

function otherName(typeOid: string, text: string): Uint8Array {
  return derTlv(0xa0, concatBytes(derOid(typeOid), derTlv(0xa0, derUniversalString(text))));
}

function checkText(what: string, text: string, max: number, allowEmpty: boolean): void {
  if (typeof text !== 'string') throw new TypeError(`${what} must be a string`);
  const length = Array.from(text).length;
  if ((!allowEmpty && length === 0) || length > max || text.includes('\0')) {
    throw new RangeError(`${what} must be ${allowEmpty ? 0 : 1}..${max} non-NUL characters`);
  }
}

/**
 * The DER value of each PNRP extension, ready for a certificate generator.
 * @example encodePnrpExtensions({ certificateType: 2, peerName: `${authority}.chat` })
 */
export function encodePnrpExtensions(fields: {
  readonly certificateType: number;
  readonly peerName: string;
  readonly roles?: readonly GmcRole[];
  readonly classifiers?: readonly string[];
}): RawExtension[] {
  checkText('peer name', fields.peerName, GMC_LIMITS.peerNameCharsMax, false);
  const type = new Uint8Array(4);
  new DataView(type.buffer).setUint32(0, fields.certificateType, true);
  const out: RawExtension[] = [
    { oid: GMC_OID.certificateType, critical: true, value: derTlv(0x04, type) },
    { oid: GMC_OID.certificateVersion, critical: true, value: derTlv(0x04, CERT_VERSION_BYTES) },
    {
      oid: GMC_OID.peerName,
      critical: true,
      value: derTlv(0x30, otherName(GMC_OID.peerNameType, fields.peerName)),
    },
  ];
  if (fields.roles !== undefined) {
    if (fields.roles.length === 0) throw new RangeError('a PnrpRole extension needs a role');
    const uuids = fields.roles.map((role) => {
      const hex = ROLE_UUID[role];
      if (hex === undefined) throw new RangeError(`unknown role ${String(role)}`);
      return derTlv(0x04, fromHex(hex));
    });
    out.push({ oid: GMC_OID.role, critical: true, value: derTlv(0x30, concatBytes(...uuids)) });
  }
  if (fields.classifiers !== undefined) {
    const names = fields.classifiers.map((c) => {
      checkText('classifier', c, GMC_LIMITS.classifierCharsMax, true);
      return otherName(GMC_OID.classifierType, c);
    });
    out.push({
      oid: GMC_OID.classifiers,
      critical: true,
      value: derTlv(0x30, concatBytes(...names)),
    });
  }
  return out;
}

/** Reads one otherName GeneralName of the given type-id; fails otherwise. */
function readOtherName(
  encoded: Uint8Array,
  typeOid: string,
  max: number,
  allowEmpty: boolean,
): string {
  const node = readDer(encoded);
  if (node.tag !== 0xa0) fail('extension', 'GeneralName is not an otherName');
  const [oid, explicit, ...rest] = readDerChildren(node.content);
  if (!oid || !explicit || rest.length > 0 || oid.tag !== 0x06 || explicit.tag !== 0xa0) {
    fail('extension', 'malformed otherName');
  }
  if (oidText(oid.content) !== typeOid) fail('extension', `otherName type is not ${typeOid}`);
  const [str, ...more] = readDerChildren(explicit.content);
  if (!str || more.length > 0 || str.tag !== 0x1c)
    fail('extension', 'otherName is not a UniversalString');
  const text = universalStringText(str.content);
  const length = Array.from(text).length;
  if ((!allowEmpty && length === 0) || length > max) {
    fail('extension', `name of ${length} characters, expected ${allowEmpty ? 0 : 1}..${max}`);
  }
  return text;
}

function sequenceChildren(value: Uint8Array) {
  const seq = readDer(value);
  if (seq.tag !== 0x30 || seq.end !== value.length) fail('extension', 'value is not one SEQUENCE');
  return readDerChildren(seq.content);
}

function readOctets4(value: Uint8Array): Uint8Array {
  const node = readDer(value);
  if (node.tag !== 0x04 || node.content.length !== 4 || node.end !== value.length) {
    fail('extension', 'expected OCTET STRING (SIZE(4))');
  }
  return node.content;
}

function readRoles(value: Uint8Array): GmcRole[] {
  const children = sequenceChildren(value);
  if (children.length === 0) fail('extension', 'empty PnrpRole');
  return children.map((child) => {
    if (child.tag !== 0x04 || child.content.length !== 16)
      fail('extension', 'RoleUuid is not 16 bytes');
    const hex = toHex(child.content);
    if (hex === ROLE_UUID_INVITING_MEMBER_PNRP) return 'inviting-member';
    const role = (Object.keys(ROLE_UUID) as GmcRole[]).find((r) => ROLE_UUID[r] === hex);
    if (role === undefined) fail('unknown-role', `unknown role UUID ${hex}`);
    return role;
  });
}

const PNRP_OIDS: ReadonlySet<string> = new Set([
  GMC_OID.certificateType,
  GMC_OID.certificateVersion,
  GMC_OID.peerName,
  GMC_OID.role,
  GMC_OID.classifiers,
]);

/**
 * Reads the PNRP extensions of one certificate. Use inside `decodeWith`; fails on a malformed
 * value or a repeated extension.
 * @example const facts = decodePnrpExtensions(rawExtensions);
 */
export function decodePnrpExtensions(extensions: readonly RawExtension[]): PnrpExtensions {
  let certificateType: number | undefined;
  let versionOk = false;
  let peerName: string | undefined;
  let roles: GmcRole[] | undefined;
  let classifiers: string[] | undefined;
  const unknownCritical: string[] = [];
  const notCritical: string[] = [];
  const seen = new Set<string>();
  for (const ext of extensions) {
    if (seen.has(ext.oid)) fail('extension', `extension ${ext.oid} appears twice`);
    seen.add(ext.oid);
    if (PNRP_OIDS.has(ext.oid) && !ext.critical) notCritical.push(ext.oid);
    switch (ext.oid) {
      case GMC_OID.certificateType:
        certificateType = new DataView(readOctets4(ext.value).slice().buffer).getUint32(0, true);
        break;
      case GMC_OID.certificateVersion: {
        const v = readOctets4(ext.value);
        versionOk = v.every((b, i) => b === CERT_VERSION_BYTES[i]);
        break;
      }
      case GMC_OID.peerName: {
        const names = sequenceChildren(ext.value);
        if (names.length !== 1) fail('extension', 'PnrpPeerName must hold exactly one name');
        peerName = readOtherName(
          names[0]!.encoded,
          GMC_OID.peerNameType,
          GMC_LIMITS.peerNameCharsMax,
          false,
        );
        break;
      }
      case GMC_OID.role:
        roles = readRoles(ext.value);
        break;
      case GMC_OID.classifiers:
        classifiers = sequenceChildren(ext.value).map((n) =>
          readOtherName(n.encoded, GMC_OID.classifierType, GMC_LIMITS.classifierCharsMax, true),
        );
        break;
      default:
        if (ext.critical) unknownCritical.push(ext.oid);
    }
  }
  return { certificateType, versionOk, peerName, roles, classifiers, unknownCritical, notCritical };
}
