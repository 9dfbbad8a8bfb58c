/**
 * @module sim/sim-roster
 * The membership half of the simulator, the base class of `Simulation`: which nodes exist,
 * their endpoints (synthetic `2001:db8::<index + 1>` port 3540, decoded without a map; only
 * caller-chosen endpoints live in a `Map` keyed by `endpointKey`; a node may have several, e.g.
 * a `PnrpNode` in several clouds), which are alive, partition groups and wall-clock skew. Event processing lives in `simulation.ts`.
 */

import { assertEndpoint, type Endpoint, endpointKey } from '../keys/endpoint.js';
import type { SansIoNode } from '../sans-io.js';
import { type NodeTable, SimNodeHandle } from './node-table.js';
import { isSimAddress, SIM_PORT, simEndpointIndex, writeSimAddress } from './sim-endpoints.js';
import type { AddNodeOptions } from './types.js';

/** Synthetic addresses are views into shared buffers of this many addresses. */
const ADDRESSES_PER_BUFFER = 1024;

/** What `addNode` reserved before calling the factory. */
interface Reservation {
  readonly index: number;
  readonly endpoint: Endpoint;
  /** Every caller-chosen endpoint (`endpoint` first); undefined for a synthetic endpoint. */
  readonly custom: readonly Endpoint[] | undefined;
  readonly skewMs: number;
}

/**
 * Node membership, endpoints, liveness and partitions. Not used on its own.
 * @example class Simulation<E> extends SimRoster<E> {}
 */
export class SimRoster<E> {
  /** Per-node arrays shared with the handles. */
  protected readonly table: NodeTable;
  /** Handle of each node by index. */
  protected readonly handles: SimNodeHandle<SansIoNode<E>>[] = [];
  /** True between `partition` and `heal`. */
  protected partitioned = false;
  private readonly nodesMax: number;
  private readonly customEndpoints = new Map<string, number>();
  private addressPool = new Uint8Array(0);
  private addressPoolUsed = 0;

  /**
   * @example super(new NodeTable(), 1_000_000)
   */
  constructor(table: NodeTable, nodesMax: number) {
    this.table = table;
    this.nodesMax = nodesMax;
  }

  /**
   * Nodes ever added (up or not).
   * @example for (let i = 0; i < sim.nodeCount; i++) sim.handle(i)
   */
  get nodeCount(): number {
    return this.table.count;
  }

  /**
   * Nodes up now.
   * @example sim.liveCount
   */
  get liveCount(): number {
    return this.table.liveCount;
  }

  /**
   * The handle of node `index`; `RangeError` when there is none.
   * @example sim.handle(0).endpoint
   */
  handle(index: number): SimNodeHandle<SansIoNode<E>> {
    const h = this.handles[index];
    if (h === undefined) throw new RangeError(`no node with index ${index}`);
    return h;
  }

  /**
   * The handle of the node at `endpoint`, or undefined.
   * @example sim.handleOf(result.endpoint)?.index
   */
  handleOf(endpoint: Endpoint): SimNodeHandle<SansIoNode<E>> | undefined {
    const i = this.indexOf(endpoint);
    return i < 0 ? undefined : this.handles[i];
  }

  /**
   * The `k`-th live node, `0 <= k < liveCount`, in an order that changes as nodes go down
   * (deterministically). With a seeded `Rng`, `liveHandle(rng.nextInt(liveCount))` is a
   * uniform pick.
   * @example const victim = sim.liveHandle(rng.nextInt(sim.liveCount));
   */
  liveHandle(k: number): SimNodeHandle<SansIoNode<E>> {
    if (!Number.isInteger(k) || k < 0 || k >= this.table.liveCount) {
      throw new RangeError(`live node position must be 0..${this.table.liveCount - 1}, got ${k}`);
    }
    return this.handles[this.table.liveList[k]!]!;
  }

  /**
   * Splits the network: datagrams between different groups are dropped (checked at send and
   * at delivery). Nodes not listed, including nodes added later, form one more group together.
   * Replaces any previous partition.
   * @example sim.partition([[a, b], [c]]); // a-b talk; c is alone; others only among themselves
   */
  partition(groups: readonly (readonly SimNodeHandle<unknown>[])[]): void {
    if (!Array.isArray(groups)) throw new TypeError('partition takes an array of handle arrays');
    const group = new Int32Array(this.table.group.length);
    groups.forEach((members, g) => {
      if (!Array.isArray(members)) throw new TypeError('each partition group must be an array');
      for (const h of members) {
        const i = this.own(h);
        if (group[i] !== 0) throw new RangeError(`node ${i} is listed in two partition groups`);
        group[i] = g + 1;
      }
    });
    this.table.group.set(group);
    this.partitioned = true;
  }

  /**
   * Ends any partition.
   * @example sim.heal()
   */
  heal(): void {
    this.table.group.fill(0);
    this.partitioned = false;
  }

  /**
   * Sets a node's wall-clock offset (it sees start + now + skew).
   * @example sim.setWallClockSkew(h, -30 * 60_000) // 30 minutes slow
   */
  setWallClockSkew(handle: SimNodeHandle<unknown>, skewMs: number): void {
    const i = this.own(handle);
    if (!Number.isFinite(skewMs)) throw new RangeError(`skew must be finite, got ${skewMs}`);
    this.table.skewMs[i] = skewMs;
  }

  /** Validates `addNode` options and picks the index and endpoint (no node is added yet). */
  protected reserve(options: AddNodeOptions): Reservation {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError('addNode options must be an object');
    }
    const index = this.table.count;
    if (index >= this.nodesMax) throw new RangeError(`nodesMax (${this.nodesMax}) reached`);
    const skewMs = options.wallClockSkewMs ?? 0;
    if (!Number.isFinite(skewMs)) throw new RangeError(`wallClockSkewMs must be finite`);
    if (options.endpoint !== undefined && options.endpoints !== undefined) {
      throw new TypeError('addNode takes endpoint or endpoints, not both');
    }
    let custom: readonly Endpoint[] | undefined;
    if (options.endpoint !== undefined) custom = [options.endpoint];
    else if (options.endpoints !== undefined) {
      if (!Array.isArray(options.endpoints) || options.endpoints.length === 0) {
        throw new RangeError('addNode endpoints must be a non-empty array');
      }
      custom = options.endpoints;
    }
    if (custom === undefined) {
      return { index, endpoint: this.syntheticEndpoint(index), custom, skewMs };
    }
    const keys = new Set<string>();
    const copies = custom.map((ep, k) => {
      assertEndpoint(ep, `addNode endpoint ${k}`);
      if (ep.port === SIM_PORT && isSimAddress(ep.address)) {
        throw new RangeError(
          'addNode endpoint: 2001:db8::/96 port 3540 is reserved for the simulator',
        );
      }
      const key = endpointKey(ep);
      if (this.customEndpoints.has(key) || keys.has(key)) {
        throw new RangeError('addNode endpoint is already used by another node');
      }
      keys.add(key);
      return { address: ep.address.slice(), port: ep.port };
    });
    return { index, endpoint: copies[0]!, custom: copies, skewMs };
  }

  /** `simEndpoint(index)`, with the address packed into a shared buffer (saves ~130 B/node). */
  private syntheticEndpoint(index: number): Endpoint {
    if (this.addressPoolUsed === this.addressPool.length) {
      this.addressPool = new Uint8Array(16 * ADDRESSES_PER_BUFFER);
      this.addressPoolUsed = 0;
    }
    const start = this.addressPoolUsed;
    const address = writeSimAddress(index, this.addressPool.subarray(start, start + 16));
    this.addressPoolUsed = start + 16;
    return { address, port: SIM_PORT };
  }

  /**
   * Records a built node under its reserved index, with its caller-chosen endpoints (all of
   * them route to it; a node with several also gets them in `table.endpoints`).
   */
  protected commit(
    handle: SimNodeHandle<unknown>,
    node: unknown,
    custom: readonly Endpoint[] | undefined,
    skewMs: number,
  ): void {
    const i = this.table.add(node, custom !== undefined);
    this.table.skewMs[i] = skewMs;
    this.handles.push(handle as SimNodeHandle<SansIoNode<E>>);
    if (custom === undefined) return;
    for (const ep of custom) this.customEndpoints.set(endpointKey(ep), i);
    if (custom.length > 1) this.table.endpoints.set(i, custom);
  }

  /** All endpoints of node `i`, its primary endpoint first. */
  protected endpointsOf(i: number): readonly Endpoint[] {
    return this.table.endpoints.get(i) ?? [this.handles[i]!.endpoint];
  }

  /** Index of a handle of this simulation; `TypeError` for a foreign handle. */
  protected own(handle: SimNodeHandle<unknown>): number {
    if (!(handle instanceof SimNodeHandle) || this.handles[handle.index] !== handle) {
      throw new TypeError('not a node handle of this simulation');
    }
    return handle.index;
  }

  /** Index of the node at `endpoint`, or -1. */
  protected indexOf(endpoint: Endpoint): number {
    const i = simEndpointIndex(endpoint);
    if (i >= 0 && i < this.table.count && this.table.custom[i] === 0) return i;
    if (this.customEndpoints.size === 0) return -1;
    return this.customEndpoints.get(endpointKey(endpoint)) ?? -1;
  }
}
