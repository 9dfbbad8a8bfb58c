/**
 * @module pnrp/types
 * What a `PnrpNode` takes and reports: cloud configurations, registration and resolve options,
 * results and events ([MS-PNRP] §1.3, §3.2.4; the Win32 PEER_PNRP_REGISTRATION_INFO and
 * PEER_PNRP_ENDPOINT_INFO shapes). Naming: `endpoints` of a registration are the application's
 * (the CPA PAYLOAD, up to 10); the PNRP endpoints (up to 4) are the cloud's local endpoints and
 * travel as the CPA's service addresses. Windows' registration "payload" is what this package
 * calls the extended payload (up to 4,096 bytes, served only on request).
 */

import type { ExtendedPayloadData } from '../cpa/extended-payload.js';
import type { Cpa } from '../cpa/model.js';
import type { BootstrapProvider } from '../drt/bootstrap-provider.js';
import type { NodeEvent, SearchFailure } from '../drt/events.js';
import type { DrtNodeOptions } from '../drt/options.js';
import type { Endpoint } from '../keys/endpoint.js';
import type { Identity } from '../keys/identity.js';
import type { Key } from '../keys/key256.js';
import type { PathHop } from '../resolve/path.js';
import type { ResolutionStats } from '../resolve/resolution.js';
import type { ResolveCriteria } from '../wire/types.js';
import type { VerifiedRegistration } from './cpa-security-provider.js';

/**
 * DRT options a cloud may tune (the rest PnrpNode sets).
 * @example { name: 'Global_', localEndpoints: [ep], drt: { maintenanceIntervalMs: 10_000 } }
 */
export type CloudDrtOptions = Partial<
  Omit<
    DrtNodeOptions,
    'rng' | 'localEndpoints' | 'wallClock' | 'crypto' | 'security' | 'bootstrap' | 'version'
  >
>;

/**
 * One cloud a node joins.
 * @example { name: 'LinkLocal_fe80::/64', localEndpoints: [parseEndpoint('[fe80::1]:3540')], bootstrap: staticBootstrap([seed]) }
 */
export interface PnrpCloudConfig {
  /** `Global_`, `LinkLocal_<prefix>`, `SiteLocal_<prefix>` or any application name. */
  readonly name: string;
  /** This node's 1..4 endpoints in that cloud (one port); no two clouds share an endpoint. */
  readonly localEndpoints: readonly Endpoint[];
  /** @default staticBootstrap([]) */
  readonly bootstrap?: BootstrapProvider;
  /** Extra DRT options (cache sizes, timers) for this cloud. */
  readonly drt?: CloudDrtOptions;
  /**
   * Bootstrap-only node ("seed"): when `start` finds no registration of its own in this cloud, it
   * publishes {@link SEED_PEER_NAME}, so it has an ID to advertise. A node that publishes nothing
   * has nothing to put in an ADVERTISE, not even itself, and a joiner of such a node could never
   * leave `alone` ([MS-PNRP] §3.2.5.3 fills the ADVERTISE with the publisher's own IDs).
   * @default false
   */
  readonly seed?: boolean;
}

/**
 * The name a seed (bootstrap-only node) publishes in each cloud it seeds. Resolving it with
 * `maxResults` finds seeds of a cloud.
 */
export const SEED_PEER_NAME = '0.pnrp-seed';

/**
 * An application endpoint of a registration; `protocol` defaults to UDP (17).
 * @example { address: parseAddress('2001:db8::5'), port: 443, protocol: 6 }
 */
export interface RegistrationEndpoint {
  readonly address: Uint8Array;
  readonly port: number;
  readonly protocol?: number;
}

/**
 * What `PnrpNode.register` publishes.
 * @example node.register(now, { peerName: `${alice.authority}.chat`, identity: alice, friendlyName: 'Alice' })
 */
export interface RegisterOptions {
  /** `0.classifier` (unsecured) or `<authority>.classifier` (secured). */
  readonly peerName: string;
  /** Required for a secured name: the identity whose authority the name carries. */
  readonly identity?: Identity;
  /** Application endpoints, 0..10. @default the cloud's local endpoints */
  readonly endpoints?: readonly RegistrationEndpoint[];
  /** A label (the CPA friendly name), 1..78 bytes in UTF-8. */
  readonly friendlyName?: string;
  /** Up to 4,096 bytes (or a string), served only to resolvers that ask for it. */
  readonly extendedPayload?: Uint8Array | string;
  /** @default the node's first cloud */
  readonly cloud?: string;
  /** 8 bytes: the service location prefix. @default the /64 of the first IPv6 endpoint */
  readonly serviceLocationPrefix?: Uint8Array;
  /**
   * Publish a secured name whose authority is not `identity`'s own, delegated by this chain
   * ([MS-PNRP] §3.1.5.10; e.g. a member's GMC chain for `<group authority>.participant`).
   * Resolvers accept such CPAs only with an `authorityVerifier` that validates the chain.
   */
  readonly certChain?: Uint8Array;
}

/**
 * A registration as the node keeps it.
 * @example const reg = node.register(now, { peerName: '0.printer' }); node.unregister(later, reg.id);
 */
export interface Registration {
  /** Stable handle for `unregister` / `updateEndpoints`. */
  readonly id: number;
  readonly peerName: string;
  readonly cloud: string;
  /** Current PNRP ID (changes when new endpoints move the service location prefix). */
  readonly pnrpId: Key;
  /** False for `0.` names: anyone may publish them. */
  readonly secured: boolean;
}

/**
 * Options of `PnrpNode.resolve`.
 * @example node.resolve(now, '0.printer', { criteria: 'nearest-peer-name', maxResults: 3, timeoutMs: 10_000 })
 */
export interface ResolveOptions {
  /** @default 'any-peer-name' (any instance, the first found; PNRP_RESOLVE_CRITERIA_DEFAULT) */
  readonly criteria?: ResolveCriteria;
  /** Bits that must match, for `upper-bits`. */
  readonly precision?: number;
  /** Instances wanted, 1..20. @default 1 */
  readonly maxResults?: number;
  /** @default 30000 */
  readonly timeoutMs?: number;
  /** Ask each owner for its extended payload (INQUIRE X flag). @default false */
  readonly wantExtendedPayload?: boolean;
  /** @default the node's first cloud */
  readonly cloud?: string;
  /** The 64-bit prefix in the resolve target. @default the /64 of the cloud's first local endpoint */
  readonly prefix?: Uint8Array;
  /** For criteria `none`: the exact service location (16 bytes). */
  readonly serviceLocation?: Uint8Array;
}

/**
 * One verified instance of a name.
 * @example if (event.type === 'resolve-result') connect(event.result.endpoints[0]);
 */
export interface PnrpResolveResult {
  readonly resolveId: number;
  readonly cloud: string;
  readonly peerName: string;
  readonly pnrpId: Key;
  /** Application endpoints from the CPA PAYLOAD. */
  readonly endpoints: readonly RegistrationEndpoint[];
  /** The publisher's PNRP endpoints (the CPA's service addresses). */
  readonly pnrpEndpoints: readonly Endpoint[];
  readonly friendlyName: string | undefined;
  /** Present when asked for and the publisher has one; its signature verified. */
  readonly extendedPayload: ExtendedPayloadData | undefined;
  /** True when the publisher holds an extended payload (the CPA's X flag). */
  readonly hasExtendedPayload: boolean;
  readonly secured: boolean;
  /** The verified CPA. */
  readonly cpa: Cpa;
}

/**
 * Why a resolve failed.
 * @example if (done.failure === 'timeout') retry();
 */
export type ResolveFailure = SearchFailure;

/**
 * Every event a PnrpNode emits.
 * @example if (out.type === 'event' && out.event.type === 'resolve-done') finish(out.event);
 */
export type PnrpEvent =
  | { readonly type: 'resolve-result'; readonly result: PnrpResolveResult }
  | {
      readonly type: 'resolve-done';
      readonly resolveId: number;
      readonly cloud: string;
      readonly peerName: string;
      readonly results: number;
      /** Undefined when at least one verified instance came back. */
      readonly failure: ResolveFailure | undefined;
      readonly path: readonly PathHop[];
      readonly stats: ResolutionStats;
    }
  /** Other DRT events of a cloud (status, leaf set, registration state). */
  | {
      readonly type: 'cloud';
      readonly cloud: string;
      readonly event: NodeEvent<VerifiedRegistration>;
    };
