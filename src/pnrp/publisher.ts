/**
 * @module pnrp/publisher
 * The registrations of a `PnrpNode` ([MS-PNRP] §3.2.4, §3.2.7.2): each is a peer name published
 * as one PNRP ID in one cloud. Registering hands the CPA registration to the cloud's provider and
 * the key to its DRT; an endpoint change re-signs at once (the next INQUIRE gets the new
 * addresses) or, when the /64 moves the service location, revokes the old PNRP ID and registers
 * the new one; unregistering floods a revoke CPA. A CPA is signed afresh for every INQUIRE, so a
 * live registration never serves an expired one and needs no re-signing timer.
 */

import type { CryptoBackend } from '../keys/crypto-backend.js';
import type { Identity } from '../keys/identity.js';
import { parsePeerName } from '../keys/peer-name.js';
import type { WallClock } from '../sans-io.js';
import { equalBytes } from '../util/bytes.js';
import { readable } from '../util/readable.js';
import type { Rng } from '../util/rng.js';
import type { Cloud } from './cloud.js';
import type { CpaRegistration } from './cpa-security-provider.js';
import { buildRegistration } from './registration.js';
import type { RegisterOptions, Registration, RegistrationEndpoint } from './types.js';

interface LocalRegistration {
  readonly id: number;
  readonly cloud: Cloud;
  options: RegisterOptions;
  pnrpId: Uint8Array;
}

/**
 * What the publisher needs from its node.
 * @example new Publisher({ rng, crypto, wallClock, identity, run: (cloud, fn) => fn() })
 */
export interface PublisherDeps {
  readonly rng: Rng;
  readonly crypto: CryptoBackend;
  readonly wallClock: WallClock;
  /** Signs unsecured names. */
  readonly identity: Identity;
  /** Runs a call on a cloud's DRT and drains its outputs. */
  readonly run: (cloud: Cloud, fn: () => void) => void;
}

/**
 * The node's registrations. Internal to pnrp/.
 * @example const publisher = new Publisher({ rng, crypto, wallClock, identity, run });
 */
export class Publisher {
  private readonly deps: PublisherDeps;
  private readonly byId = new Map<number, LocalRegistration>();
  private nextId = 1;

  constructor(deps: PublisherDeps) {
    this.deps = deps;
  }

  /** Publishes a name in `cloud`; throws RangeError/TypeError for bad options. */
  register(nowMs: number, cloud: Cloud, options: RegisterOptions): Registration {
    const local: LocalRegistration = {
      id: this.nextId++,
      cloud,
      options,
      pnrpId: new Uint8Array(32),
    };
    this.publish(nowMs, local, this.build(options, cloud, undefined));
    this.byId.set(local.id, local);
    return describe(local);
  }

  /** New application endpoints for a registration (see the module header). */
  updateEndpoints(
    nowMs: number,
    id: number,
    endpoints: readonly RegistrationEndpoint[],
  ): Registration {
    const local = this.get(id);
    const old = local.cloud.security.getRegistration(local.pnrpId)!;
    const options = { ...local.options, endpoints };
    const next = this.build(options, local.cloud, old.serviceLocation.slice(8));
    local.options = options;
    if (equalBytes(next.pnrpId, local.pnrpId)) local.cloud.security.setRegistration(next);
    else {
      this.withdraw(nowMs, local);
      this.publish(nowMs, local, next);
    }
    return describe(local);
  }

  /** Stops publishing, flooding a revoke. */
  unregister(nowMs: number, id: number): void {
    this.withdraw(nowMs, this.get(id));
    this.byId.delete(id);
  }

  /** Current registrations. */
  list(): Registration[] {
    return [...this.byId.values()].map(describe);
  }

  /** Forgets everything (the clouds closed and revoked already). */
  clear(): void {
    this.byId.clear();
  }

  private get(id: number): LocalRegistration {
    const local = this.byId.get(id);
    if (!local) throw new RangeError(`registration ${id} does not exist`);
    return local;
  }

  private build(
    options: RegisterOptions,
    cloud: Cloud,
    suffix: Uint8Array | undefined,
  ): CpaRegistration {
    const d = this.deps;
    return buildRegistration({
      peerName: options.peerName,
      identity: options.identity,
      nodeIdentity: d.identity,
      endpoints: options.endpoints ?? cloud.localEndpoints,
      friendlyName: options.friendlyName,
      extendedPayload: options.extendedPayload,
      serviceLocationPrefix: options.serviceLocationPrefix,
      certChain: options.certChain,
      ...(suffix ? { suffix } : {}),
      rng: d.rng,
      crypto: d.crypto,
      nowWallMs: d.wallClock.nowMs(),
    });
  }

  private publish(nowMs: number, local: LocalRegistration, reg: CpaRegistration): void {
    const cloud = local.cloud;
    cloud.security.setRegistration(reg);
    try {
      this.deps.run(cloud, () => cloud.drt.registerKey(nowMs, reg.pnrpId));
    } catch (e) {
      cloud.security.deleteRegistration(reg.pnrpId);
      throw e;
    }
    local.pnrpId = reg.pnrpId;
  }

  private withdraw(nowMs: number, local: LocalRegistration): void {
    const cloud = local.cloud;
    this.deps.run(cloud, () => cloud.drt.unregisterKey(nowMs, local.pnrpId));
    cloud.security.deleteRegistration(local.pnrpId);
  }
}

function describe(local: LocalRegistration): Registration {
  const name = parsePeerName(local.options.peerName);
  return readable({
    id: local.id,
    peerName: name.text,
    cloud: local.cloud.name,
    pnrpId: local.pnrpId.slice(),
    secured: name.secured,
  });
}
