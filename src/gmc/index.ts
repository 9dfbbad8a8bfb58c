/**
 * `pnrp/gmc`: group membership certificates, invitations, mutual authentication and the
 * derived-key security provider of [MS-PPGRH]/[MS-PPSEC] peer groups. This entry loads the X.509
 * code; the core (`pnrp`) never does. Explicit named re-exports only.
 * @module pnrp/gmc
 */
export {
  type AuthenticatedPeer,
  type AuthOutput,
  type AuthState,
  type GroupAuthOptions,
  GroupAuthSession,
} from './auth.js';
export type { AuthRole, SessionKeys } from './auth-keys.js';
export { type CertificateFacts, describeCertificate } from './certificate.js';
export { CertificateCache, type CertificateCacheEntry } from './certificate-cache.js';
export {
  type ChainExpectation,
  type ChainFailure,
  type ChainVerdict,
  certificateIdOf,
  type RevokedCertificates,
  validateChain,
} from './chain.js';
export { chainDigest, decodeChainPkcs7, encodeChainPkcs7 } from './chain-codec.js';
export { GMC_LIMITS, GMC_OID, type GmcRole, ISSUABLE_ROLES } from './constants.js';
export {
  type DerivedKeySecurityProvider,
  type DerivedKeySecurityProviderOptions,
  derivedKeyOf,
  derivedKeySecurityProvider,
} from './dksp.js';
export {
  createDkspMembership,
  type DkspMembershipSettings,
  type MembershipCounters,
} from './dksp-membership.js';
export {
  decodePnrpExtensions,
  encodePnrpExtensions,
  type PnrpExtensions,
  type RawExtension,
} from './extensions.js';
export {
  type GroupSecurityProvider,
  type GroupSecurityProviderOptions,
  groupSecurityProvider,
} from './graph-provider.js';
export type { GroupConnectionSecurity } from './graph-provider-connection.js';
export {
  DEFAULT_RECORD_ROLES,
  GROUPING_RECORD_TYPE_HEX,
  type RecordRolePolicy,
} from './graph-provider-policy.js';
export {
  canonicalRecordBytes,
  decodeRecordSecurity,
  encodeRecordSecurity,
  RECORD_SECURITY_LIMITS,
  type RecordSecurityData,
} from './graph-provider-record.js';
export { joinGroup, openGroup, startGroup } from './group.js';
export {
  decodeGroupFile,
  decodeInvitationFile,
  encodeGroupFile,
  encodeInvitationFile,
  GROUP_FILE_MAX_BYTES,
  GROUP_FILE_TYPE,
  INVITATION_FILE_TYPE,
  type InvitationFile,
} from './group-file.js';
export { inviteMember } from './group-invite.js';
export { recordTypeOf } from './group-records.js';
export type { StreamOptions } from './group-stream.js';
export type {
  GroupChangesOptions,
  GroupInviteOptions,
  GroupMember,
  GroupMemberEvent,
  GroupRecord,
  GroupRecordChange,
  GroupRecordOptions,
  GroupRecords,
  GroupRecordType,
  GroupSession,
  GroupSessionOptions,
  JoinGroupOptions,
  StartGroupOptions,
} from './group-types.js';
export {
  acceptInvitation,
  createInvitation,
  exportIdentity,
  type IdentityInfo,
  type Invitation,
  type InvitationCloud,
  type InvitationScope,
  type InvitationVerdict,
  invitationIsFor,
  parseIdentityInfo,
  parseInvitation,
} from './invitation.js';
export {
  createPasswordInvitation,
  type OpenedPasswordInvitation,
  openPasswordInvitation,
  openPasswordInvitationAsync,
  type PasswordInvitationFields,
} from './invitation-password.js';
export {
  type CertificateTemplate,
  type CreateGroupOptions,
  createGroup,
  type GmcCredential,
  type Group,
  type GroupProperties,
  type IssueGmcOptions,
  issueGmc,
  signCertificate,
} from './issue.js';
export {
  type GmcAuthorityVerifier,
  type GmcAuthorityVerifierOptions,
  gmcAuthorityVerifier,
  PARTICIPANT_CLASSIFIER,
  participantPeerName,
} from './participant.js';
export { passwordHashString, passwordProof } from './password.js';
export {
  createKdfParams,
  derivePasswordSecret,
  derivePasswordSecretAsync,
  formatKdfParams,
  PASSWORD_KDF_LIMITS,
  type PasswordKdfParams,
  type PasswordSecret,
  parseKdfParams,
  type StrongProofContext,
  strongPasswordProof,
  verifyStrongPasswordProof,
} from './password-strong.js';
export {
  createRevocation,
  type Revocation,
  type RevocationAddResult,
  RevocationList,
  type RevocationListOptions,
} from './revocation.js';
export { VerifyBudget, type VerifyBudgetOptions } from './verify-budget.js';
export { x509ShimInstalled } from './x509.js';
