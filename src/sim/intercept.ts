/**
 * @module sim/intercept
 * Wrapping a real sans-I/O node (docs/design.md §2) so that a test or a simulated cloud can plant a
 * node that misbehaves on the wire: an {@link Interceptor} sees every datagram the node receives
 * (and may keep it from the node, answering itself) and every datagram the node sends (and may
 * rewrite or suppress it). Everything else (commands, getters, stats) reaches the real node
 * unchanged, so the wrapper has the real node's type and a `DrtCloud`/`PnrpCloud` drives it like
 * any member. The attacks of `sim/adversaries` are interceptors.
 *
 * Design decision: the wrapper is a `Proxy` whose `handleDatagram`, `handleTimeout` and `poll`
 * are replaced and whose other members are the real node's (methods bound to it). A subclass
 * would tie the wrapper to one node class; a separate object would not have the node's type.
 */

import type { Endpoint } from '../keys/endpoint.js';
import type { Output, SansIoNode } from '../sans-io.js';

/**
 * Where an interceptor queues datagrams of its own (sent before the node's next output).
 * @example out.send(from, encodeMessage(reply))
 */
export interface InterceptOutbox {
  /** Sends `payload` to `to` as if the intercepted node had sent it. */
  send(to: Endpoint, payload: Uint8Array): void;
}

/**
 * What a wrapper does with the node's traffic. Both hooks are optional.
 * @example const spy: Interceptor = { onReceive: (_now, _from, payload) => (seen.push(payload), true) };
 */
export interface Interceptor {
  /**
   * A datagram arrived for the node. Return true to hand it to the node, false to keep it
   * (dropped, or answered through `out`).
   */
  onReceive?(nowMs: number, from: Endpoint, payload: Uint8Array, out: InterceptOutbox): boolean;
  /**
   * The node sends `payload` to `to`. Return the datagrams to send instead: the payload itself,
   * others, or none (suppressed).
   */
  onTransmit?(nowMs: number, to: Endpoint, payload: Uint8Array): readonly Uint8Array[];
}

interface Queued {
  readonly to: Endpoint;
  readonly payload: Uint8Array;
  /** The local endpoint the node's own transmit named; none for the interceptor's datagrams. */
  readonly from: Endpoint | undefined;
}

/**
 * Wraps `inner` so that `interceptor` sees its traffic; the result has `inner`'s type and is
 * what the simulator should drive (`DrtCloud` / `PnrpCloud` option `wrapNode`).
 * @example const spy = interceptNode(node, { onTransmit: (_now, _to, p) => [p] });
 */
export function interceptNode<N extends SansIoNode<unknown>>(
  inner: N,
  interceptor: Interceptor,
): N {
  if (typeof interceptor !== 'object' || interceptor === null) {
    throw new TypeError('interceptor must be an object');
  }
  const queue: Queued[] = [];
  let head = 0;
  let nowMs = Number.NEGATIVE_INFINITY;
  const outbox: InterceptOutbox = {
    send: (to, payload) => {
      queue.push({ to, payload, from: undefined });
    },
  };
  const handleDatagram = (
    at: number,
    from: Endpoint,
    payload: Uint8Array,
    localEndpoint?: Endpoint,
  ): void => {
    nowMs = at;
    const pass = interceptor.onReceive?.(at, from, payload, outbox) ?? true;
    if (pass) inner.handleDatagram(at, from, payload, localEndpoint);
  };
  const handleTimeout = (at: number): void => {
    nowMs = at;
    inner.handleTimeout(at);
  };
  const poll = (): Output<unknown> => {
    for (;;) {
      if (head < queue.length) {
        const q = queue[head++]!;
        if (head === queue.length) {
          queue.length = 0;
          head = 0;
        }
        return q.from === undefined
          ? { type: 'transmit', to: q.to, payload: q.payload }
          : { type: 'transmit', to: q.to, payload: q.payload, from: q.from };
      }
      const out = inner.poll();
      if (out.type !== 'transmit' || interceptor.onTransmit === undefined) return out;
      const sent = interceptor.onTransmit(nowMs, out.to, out.payload);
      for (const payload of sent) queue.push({ to: out.to, payload, from: out.from });
    }
  };
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(inner, {
    get(target, prop) {
      if (prop === 'handleDatagram') return handleDatagram;
      if (prop === 'handleTimeout') return handleTimeout;
      if (prop === 'poll') return poll;
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      let fn = bound.get(prop);
      if (fn === undefined) {
        fn = (value as (...args: unknown[]) => unknown).bind(target);
        bound.set(prop, fn);
      }
      return fn;
    },
  });
}
