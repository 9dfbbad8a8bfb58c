/**
 * @module drt/bootstrap-provider
 * The bootstrap seam ([MC-DRT] DRT_BOOTSTRAP_PROVIDER), sans-I/O: a provider only hands the node
 * endpoints to try; it never does I/O itself. Providers that must look something up (DNS, another
 * cloud's peer name) do it outside the core and feed the result in. The built-in
 * {@link staticBootstrap} returns a fixed list.
 */
import { assertEndpoint, type Endpoint } from '../keys/endpoint.js';

/** Gives a joining node endpoints of nodes already in the cloud. */
export interface BootstrapProvider {
  /** Endpoints to SOLICIT now (the node uses at most five per attempt). */
  endpoints(nowMs: number): readonly Endpoint[];
  /** Told the node's own endpoints once it publishes, for providers that advertise them. */
  register?(endpoints: readonly Endpoint[]): void;
  /** Told when the node stops publishing. */
  unregister?(): void;
}

/**
 * A fixed list of bootstrap endpoints.
 * @example staticBootstrap([{ address: parseAddress('2001:db8::1'), port: 3540 }])
 */
export function staticBootstrap(list: readonly Endpoint[]): BootstrapProvider {
  for (const [i, ep] of list.entries()) assertEndpoint(ep, `bootstrap endpoint ${i}`);
  return new StaticBootstrap([...list]);
}

/**
 * The provider of {@link staticBootstrap}: one small object per node instead of a closure and its
 * context (issue 13: ~450 bytes per simulated node, which each get their own seed list).
 */
class StaticBootstrap implements BootstrapProvider {
  private readonly list: readonly Endpoint[];

  constructor(list: readonly Endpoint[]) {
    this.list = list;
  }

  endpoints(): readonly Endpoint[] {
    return this.list;
  }
}
