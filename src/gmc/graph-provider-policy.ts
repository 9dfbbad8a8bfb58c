/**
 * @module gmc/graph-provider-policy
 * Who may publish which record type in a group ([MS-PPSEC] §1.3.2.3, §2.2.3, §2.2.5.3, §3.1.7.1),
 * and who may update or delete whose record. Defaults:
 * - graph info ([MS-PPGRH] §2.2.3.1) and [MS-PPSEC] Security Properties: admins only (the group's
 *   own configuration; [MS-PPSEC] reserves Security Properties to the group creator, whose bare
 *   root chain validates with the role `admin`);
 * - signature, contact and presence records ([MS-PPGRH] §2.2.3.2-4), [MS-PPSEC] Membership
 *   records, and every application record type: any member (admin, inviting member, member).
 * A policy replaces the roles of the types it names and may change the default for the others.
 * Ownership ([MS-PPSEC] §2.2.5.3): a record's last toucher is its modifier when the modified-by
 * ID is set, else its creator; a last toucher who is not the creator (a different key) must hold
 * `admin`. Remote input never throws here; a malformed policy (local input) throws `RangeError`.
 */
import type { Guid } from '../graph/model.js';
import { RECORD_TYPE } from '../graph/model.js';
import { toHex } from '../util/bytes.js';
import type { GmcRole } from './constants.js';

/** Every role a GMC grants. */
const ALL_ROLES: readonly GmcRole[] = ['admin', 'inviting-member', 'member'];

/**
 * The [MS-PPSEC] §2.2.3 record types, as GUID wire bytes in hex (as the spec prints them).
 * @example toHex(record.type) === GROUPING_RECORD_TYPE_HEX.membership
 */
export const GROUPING_RECORD_TYPE_HEX: {
  readonly securityProperties: string;
  readonly membership: string;
} = {
  securityProperties: '02000000000000000000000000000000',
  membership: '01000000000000000000000000000000',
};

/** Which roles may publish a record type. */
export interface RecordRolePolicy {
  /** Roles per record type, keyed by the type GUID's 16 wire bytes as 32 hex digits. */
  readonly byType?: Readonly<Record<string, readonly GmcRole[]>>;
  /** Roles for types `byType` and the defaults do not name. @default every role */
  readonly otherTypes?: readonly GmcRole[];
}

/**
 * The default roles per record type (see the module header).
 * @example DEFAULT_RECORD_ROLES[toHex(RECORD_TYPE.graphInfo)] // ['admin']
 */
export const DEFAULT_RECORD_ROLES: Readonly<Record<string, readonly GmcRole[]>> = {
  [toHex(RECORD_TYPE.graphInfo)]: ['admin'],
  [toHex(RECORD_TYPE.signature)]: ALL_ROLES,
  [toHex(RECORD_TYPE.contact)]: ALL_ROLES,
  [toHex(RECORD_TYPE.presence)]: ALL_ROLES,
  [GROUPING_RECORD_TYPE_HEX.securityProperties]: ['admin'],
  [GROUPING_RECORD_TYPE_HEX.membership]: ALL_ROLES,
};

function checkRoles(where: string, roles: readonly GmcRole[]): readonly GmcRole[] {
  if (!Array.isArray(roles) || roles.some((r) => !ALL_ROLES.includes(r)))
    throw new RangeError(`${where}: roles must be among ${ALL_ROLES.join(', ')}`);
  return [...roles];
}

/** A validated policy: the roles allowed for a record type. */
export type RoleLookup = (type: Guid) => readonly GmcRole[];

/**
 * Validates `policy` once and returns the lookup the provider uses.
 * @example const rolesFor = compileRolePolicy({ byType: { [appTypeHex]: ['admin'] } });
 */
export function compileRolePolicy(policy: RecordRolePolicy = {}): RoleLookup {
  const table = new Map<string, readonly GmcRole[]>(Object.entries(DEFAULT_RECORD_ROLES));
  for (const [hex, roles] of Object.entries(policy.byType ?? {})) {
    if (!/^[0-9a-f]{32}$/.test(hex))
      throw new RangeError(`rolePolicy: ${hex} is not 32 lowercase hex digits of a type GUID`);
    table.set(hex, checkRoles(`rolePolicy ${hex}`, roles));
  }
  const others = checkRoles('rolePolicy.otherTypes', policy.otherTypes ?? ALL_ROLES);
  return (type) => table.get(toHex(type)) ?? others;
}

/**
 * True when a signer holding `roles` may publish a record the policy gives to `allowed`.
 * @example mayPublish(['member'], ['admin']) // false
 */
export function mayPublish(roles: readonly GmcRole[], allowed: readonly GmcRole[]): boolean {
  return roles.some((r) => allowed.includes(r));
}
