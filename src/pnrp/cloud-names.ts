/**
 * @module pnrp/cloud-names
 * Names of PNRP clouds ([MS-PPSEC] §2.2.1.1; reference §8): the one global cloud `Global_`, and
 * per-link or per-site clouds named after the IPv6 global prefix of the network they serve
 * (`LinkLocal_<prefix>`, `SiteLocal_<prefix>`). An application may name its own clouds freely.
 */

/**
 * The global cloud.
 * @example new PnrpNode({ rng, clouds: [{ name: GLOBAL_CLOUD, localEndpoints: [ep] }] })
 */
export const GLOBAL_CLOUD = 'Global_';

/**
 * A cloud's scope from its name: `global`, `link-local`, `site-local` or `application`.
 * @example cloudScopeOf('LinkLocal_2001:db8:1::/64') // 'link-local'
 */
export function cloudScopeOf(name: string): 'global' | 'link-local' | 'site-local' | 'application' {
  if (name === GLOBAL_CLOUD) return 'global';
  if (name.startsWith('LinkLocal_')) return 'link-local';
  if (name.startsWith('SiteLocal_')) return 'site-local';
  return 'application';
}

/**
 * The name of the link-local cloud of a network, from its /64 prefix text.
 * @example linkLocalCloudName('2001:db8:1::/64') // 'LinkLocal_2001:db8:1::/64'
 */
export function linkLocalCloudName(prefix: string): string {
  return `LinkLocal_${prefix}`;
}

/**
 * The name of the site-local cloud of a network, from its prefix text.
 * @example siteLocalCloudName('2001:db8::/48') // 'SiteLocal_2001:db8::/48'
 */
export function siteLocalCloudName(prefix: string): string {
  return `SiteLocal_${prefix}`;
}
