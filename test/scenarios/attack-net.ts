/**
 * A tiny deterministic network for the attack scenarios (issue 10): a few `DrtNode`s on fixed
 * endpoints, a fixed one-way latency, a binary-heap event queue (so thousands of injected
 * datagrams stay cheap), and an attacker that injects datagrams with any source it likes
 * (spoofing is free here, as on the open internet). Kept apart from src/sim so the attacks do not
 * depend on simulator internals. Counts only; time is virtual.
 */
import { staticBootstrap } from '../../src/drt/bootstrap-provider.js';
import type { NodeEvent } from '../../src/drt/events.js';
import { DrtNode } from '../../src/drt/node.js';
import type { DrtNodeOptions } from '../../src/drt/options.js';
import { type Endpoint, endpointKey } from '../../src/keys/endpoint.js';
import { seededRng } from '../../src/util/rng.js';

interface Item {
  readonly at: number;
  readonly seq: number;
  readonly run: () => void;
}

class Heap {
  private readonly a: Item[] = [];
  get size(): number {
    return this.a.length;
  }
  private less(i: number, j: number): boolean {
    const x = this.a[i]!;
    const y = this.a[j]!;
    return x.at < y.at || (x.at === y.at && x.seq < y.seq);
  }
  push(item: Item): void {
    const a = this.a;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  peek(): Item | undefined {
    return this.a[0];
  }
  pop(): Item | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(l, m)) m = l;
        if (r < a.length && this.less(r, m)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}

export interface NetNode {
  readonly node: DrtNode;
  readonly endpoint: Endpoint;
  readonly events: NodeEvent[];
  timerAt: number;
}

/** Datagrams a node sent, for counting reflection. */
export interface SentRecord {
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly payload: Uint8Array;
}

export class AttackNet {
  nowMs = 0;
  readonly latencyMs: number;
  private readonly heap = new Heap();
  private seq = 0;
  private readonly nodes = new Map<string, NetNode>();
  /** Every datagram a node sent to an endpoint that is no node (spoofed or third parties). */
  readonly offNet: SentRecord[] = [];

  constructor(latencyMs = 10) {
    this.latencyMs = latencyMs;
  }

  add(endpoint: Endpoint, seed: number, options: Partial<DrtNodeOptions> = {}): NetNode {
    const node = new DrtNode({
      rng: seededRng(seed),
      localEndpoints: [endpoint],
      bootstrap: staticBootstrap([]),
      ...options,
    });
    const n: NetNode = { node, endpoint, events: [], timerAt: Number.POSITIVE_INFINITY };
    this.nodes.set(endpointKey(endpoint), n);
    return n;
  }

  /** Runs `fn(now)` against a node at `at`, then flushes its outputs. */
  call(at: number, n: NetNode, fn: (node: DrtNode, nowMs: number) => void): void {
    this.schedule(at, () => {
      fn(n.node, this.nowMs);
      this.flush(n);
    });
  }

  /** Delivers `payload` to `to` at `at`, claiming to come from `from`. */
  inject(at: number, from: Endpoint, to: Endpoint, payload: Uint8Array): void {
    this.schedule(at, () => this.deliver(from, to, payload));
  }

  schedule(at: number, run: () => void): void {
    this.heap.push({ at, seq: this.seq++, run });
  }

  runUntil(untilMs: number): void {
    for (;;) {
      const next = this.heap.peek();
      if (!next || next.at > untilMs) break;
      this.heap.pop();
      this.nowMs = next.at;
      next.run();
    }
    this.nowMs = untilMs;
  }

  private deliver(from: Endpoint, to: Endpoint, payload: Uint8Array): void {
    const n = this.nodes.get(endpointKey(to));
    if (!n) return;
    n.node.handleDatagram(this.nowMs, from, payload);
    this.flush(n);
  }

  private flush(n: NetNode): void {
    for (;;) {
      const o = n.node.poll();
      if (o.type === 'transmit') {
        if (!this.nodes.has(endpointKey(o.to)))
          this.offNet.push({ from: n.endpoint, to: o.to, payload: o.payload });
        const { to, payload } = o;
        this.schedule(this.nowMs + this.latencyMs, () => this.deliver(n.endpoint, to, payload));
      } else if (o.type === 'event') {
        n.events.push(o.event);
      } else {
        if (o.atMs !== n.timerAt && Number.isFinite(o.atMs)) {
          n.timerAt = o.atMs;
          const at = Math.max(o.atMs, this.nowMs);
          this.schedule(at, () => {
            if (n.timerAt !== o.atMs) return;
            n.timerAt = Number.POSITIVE_INFINITY;
            n.node.handleTimeout(this.nowMs);
            this.flush(n);
          });
        }
        return;
      }
    }
  }
}
