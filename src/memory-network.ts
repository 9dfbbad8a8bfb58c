/**
 * @module memory-network
 * An in-memory datagram hub implementing {@link DatagramTransport} (transport-adapter.ts), for
 * tests and examples that run real nodes through `runNode()` in one process. Delivery is one
 * microtask per datagram; it reads no clock and sets no timer. It is also the smallest complete
 * transport to read before writing one.
 */
import { type Endpoint, endpointKey } from './keys/endpoint.js';
import type { DatagramTransport, TransportSink } from './transport-adapter.js';

/** Options of {@link createMemoryNetwork}. */
export interface MemoryNetworkOptions {
  /** UDP-style port every synthetic endpoint uses (must be > 1024). @default 3540 */
  readonly port?: number;
}

/** Counters of a memory network. */
export interface MemoryNetworkStats {
  /** Datagrams handed to a live, attached transport. */
  delivered: number;
  /** Datagrams to an unknown or closed endpoint, or to a transport with no sink attached. */
  undeliverable: number;
}

/** An in-memory datagram hub for tests: every transport it creates can reach every other. */
export interface MemoryNetwork {
  readonly stats: MemoryNetworkStats;
  /** A new transport at the next synthetic endpoint `fd00::<n>` (unique-local addresses). */
  createTransport(): DatagramTransport;
}

/**
 * An in-memory network. Delivery is asynchronous (one microtask per datagram), loss-free and in
 * order; payloads are copied. Use it to run real nodes through {@link runNode} in one process.
 * @example
 * const net = createMemoryNetwork();
 * const a = net.createTransport(), b = net.createTransport();
 * b.attach({ datagram: (from, bytes) => console.log(from, bytes), sendError: () => {} });
 * a.send(b.localEndpoints()[0]!, new Uint8Array([1, 2, 3]));
 */
export function createMemoryNetwork(options: MemoryNetworkOptions = {}): MemoryNetwork {
  const port = options.port ?? 3540;
  if (!Number.isInteger(port) || port <= 1024 || port > 0xffff)
    throw new RangeError(
      `createMemoryNetwork: port must be an integer in 1025..65535, got ${port}`,
    );
  const stats: MemoryNetworkStats = { delivered: 0, undeliverable: 0 };
  const sinks = new Map<string, TransportSink | undefined>();
  let count = 0;
  return {
    stats,
    createTransport() {
      const n = ++count;
      if (n > 0xffff_ffff) throw new RangeError('createMemoryNetwork: out of addresses');
      const address = new Uint8Array(16);
      address[0] = 0xfd;
      new DataView(address.buffer).setUint32(12, n);
      const self: Endpoint = { address, port };
      const selfKey = endpointKey(self);
      sinks.set(selfKey, undefined);
      let closed = false;
      return {
        send(to, payload) {
          if (closed) throw new Error('memory transport is closed');
          const copy = payload.slice();
          const toKey = endpointKey(to);
          queueMicrotask(() => {
            const sink = sinks.get(toKey);
            if (sink === undefined) {
              stats.undeliverable++;
              return;
            }
            stats.delivered++;
            sink.datagram({ address: address.slice(), port }, copy);
          });
        },
        attach(sink) {
          if (!closed) sinks.set(selfKey, sink);
        },
        localEndpoints: () => [{ address: address.slice(), port }],
        close() {
          closed = true;
          sinks.delete(selfKey);
          return Promise.resolve();
        },
      };
    },
  };
}
