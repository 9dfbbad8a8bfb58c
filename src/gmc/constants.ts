/**
 * @module gmc/constants
 * Object identifiers, role UUIDs and limits of PNRP / grouping certificates ([MS-PNRP]
 * §2.2.3.5, [MS-PPSEC] §2.2.5). Decisions on what the specifications leave open are written here.
 */

/**
 * Extension and name-type OIDs.
 * @example cert.extensions.find((e) => e.oid === GMC_OID.peerName)
 */
export const GMC_OID = {
  certificateType: '1.3.6.1.4.1.311.44.0.1',
  peerNameType: '1.3.6.1.4.1.311.44.0.2',
  classifierType: '1.3.6.1.4.1.311.44.0.3',
  certificateVersion: '1.3.6.1.4.1.311.44.0.4',
  peerName: '1.3.6.1.4.1.311.44.3.1',
  role: '1.3.6.1.4.1.311.44.3.3',
  classifiers: '1.3.6.1.4.1.311.44.3.5',
  ed25519: '1.3.101.112',
} as const;

/**
 * PnrpCertificateType values (u32 little-endian in the extension).
 * @example facts.extensions.certificateType === CERT_TYPE.root
 */
export const CERT_TYPE = { member: 1, root: 2, identity: 3 } as const;

/**
 * PnrpCertificateVersion: 0x01000200 in network order, "1.2".
 * @example toHex(CERT_VERSION_BYTES) // '01000200'
 */
export const CERT_VERSION_BYTES: Uint8Array = new Uint8Array([0x01, 0x00, 0x02, 0x00]);

/** A role a certificate grants. */
export type GmcRole = 'admin' | 'inviting-member' | 'member';

/**
 * Role UUIDs as 16 bytes in the order the specifications print them. Inviting Member: MS-PNRP
 * gives `dd15f41f-…`, MS-PPSEC `4370fd89-…`; group security is MS-PPSEC's, so we issue its value
 * and accept MS-PNRP's as an alias when validating.
 * @example fromHex(ROLE_UUID.member)
 */
export const ROLE_UUID: Readonly<Record<GmcRole, string>> = {
  admin: '04387127aa56450a8ce54f565c6790f4',
  'inviting-member': '4370fd89dc184cfb8dbf9853a8a9f905',
  member: 'f12dc4c708574ca093fcb1bb19a3d8c2',
};

/**
 * The MS-PNRP spelling of roleInvitingMember, accepted when validating.
 * @example hex === ROLE_UUID_INVITING_MEMBER_PNRP // read as 'inviting-member'
 */
export const ROLE_UUID_INVITING_MEMBER_PNRP = 'dd15f41ffc4e4922b0354c06a754d01d';

/**
 * Which roles a certificate holding `role` may issue (MS-PPSEC §1.3.2: Admin any; Inviting Member itself or Member; Member none). The root may issue any.
 * @example ISSUABLE_ROLES['inviting-member'].includes('admin') // false
 */
export const ISSUABLE_ROLES: Readonly<Record<GmcRole, readonly GmcRole[]>> = {
  admin: ['admin', 'inviting-member', 'member'],
  'inviting-member': ['inviting-member', 'member'],
  member: [],
};

/**
 * Limits from [MS-PNRP] §2.2.3.5 and §2.2.3.5.1.
 * @example chain.length <= GMC_LIMITS.chainCertificatesMax
 */
export const GMC_LIMITS = {
  chainCertificatesMax: 25,
  peerNameCharsMax: 192,
  classifierCharsMax: 150,
  serialNumberBytes: 16,
} as const;
