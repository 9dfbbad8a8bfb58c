/**
 * @module peer/peer-registration
 * The handle `Peer.register` resolves with: the registration's current facts and the calls that
 * change it (new endpoints, unregister).
 */
import type { Key } from '../keys/key256.js';
import type { PnrpNode } from '../pnrp/pnrp-node.js';
import type { Registration, RegistrationEndpoint } from '../pnrp/types.js';
import { INSPECT_CUSTOM, readableValue } from '../util/readable.js';

/** What a registration handle needs from its peer. */
export interface RegistrationHost {
  /** Runs a command on the node; throws `PnrpError` `CLOSED` after close. */
  command<T>(fn: (node: PnrpNode, nowMs: number) => T): T;
  readonly closed: boolean;
  /** Forgets a handle that no longer publishes (its state stops following the walks). */
  release(handle: PeerRegistration): void;
}

/** Whether other nodes can resolve the name yet. */
export type RegistrationState = 'resolvable' | 'unresolvable';

/**
 * A published peer name.
 * @example const reg = await peer.register({ peerName: '0.printer' }); await reg.update([ep]); await reg.unregister();
 */
export class PeerRegistration implements Registration {
  private stateValue: RegistrationState = 'unresolvable';
  private current: Registration;
  private gone = false;

  /** @internal Made by the peer's `register()`. */
  constructor(
    private readonly host: RegistrationHost,
    registration: Registration,
  ) {
    this.current = registration;
  }

  get id(): number {
    return this.current.id;
  }
  get peerName(): string {
    return this.current.peerName;
  }
  get cloud(): string {
    return this.current.cloud;
  }
  /** Current PNRP ID (new endpoints in another /64 change it). */
  get pnrpId(): Key {
    return this.current.pnrpId;
  }
  get secured(): boolean {
    return this.current.secured;
  }
  /**
   * `resolvable` once a registration walk reached other nodes; follows every later walk (a node
   * that published alone becomes `resolvable` when others join).
   */
  get state(): RegistrationState {
    return this.stateValue;
  }

  /** @internal Called by the peer with the outcome of each registration walk of this name. */
  noteState(state: RegistrationState): void {
    this.stateValue = state;
  }

  /** False after `unregister()` or the peer's close. */
  get active(): boolean {
    return !this.gone && !this.host.closed;
  }

  /**
   * Publishes new application endpoints at once: the next INQUIRE is answered with them, so no
   * resolver gets the old ones. Rejects `CLOSED` after unregister or close.
   */
  update(endpoints: readonly RegistrationEndpoint[]): Promise<void> {
    return this.attempt(() => {
      this.current = this.host.command((n, now) => n.updateEndpoints(now, this.id, endpoints));
    });
  }

  /** Stops publishing (floods a revoke). Harmless twice; after close it does nothing. */
  unregister(): Promise<void> {
    if (!this.active) return Promise.resolve();
    return this.attempt(() => {
      this.host.command((n, now) => n.unregister(now, this.id));
      this.gone = true;
      this.host.release(this);
    });
  }

  /** @internal Undoes a registration whose `register()` call failed (aborted, closed). */
  forget(): void {
    if (!this.active) return;
    this.gone = true;
    this.host.release(this);
    this.host.command((n, now) => n.unregister(now, this.id));
  }

  /**
   * The registration's facts as plain data, the PNRP ID in hex (what `JSON.stringify` prints).
   * @example JSON.stringify(reg) // {"id":1,"peerName":"0.printer","cloud":"Global_",...}
   */
  toJSON(): {
    id: number;
    peerName: string;
    cloud: string;
    pnrpId: string;
    secured: boolean;
    state: RegistrationState;
    active: boolean;
  } {
    return {
      id: this.id,
      peerName: this.peerName,
      cloud: this.cloud,
      pnrpId: readableValue(this.pnrpId) as string,
      secured: this.secured,
      state: this.state,
      active: this.active,
    };
  }

  private attempt(fn: () => void): Promise<void> {
    try {
      fn();
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e);
    }
  }
}

/** What `console.log` shows in Node.js: the `toJSON()` facts, not the handle's internals. */
Object.defineProperty(PeerRegistration.prototype, INSPECT_CUSTOM, {
  value(
    this: PeerRegistration,
    _depth: number,
    options: unknown,
    inspect?: (value: unknown, options: unknown) => string,
  ): unknown {
    const facts = this.toJSON();
    return inspect ? `PeerRegistration ${inspect(facts, options)}` : facts;
  },
});
