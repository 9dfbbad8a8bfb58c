/**
 * @module peer/combine-transports
 * One `DatagramTransport` over several, for a node in several clouds (one transport per cloud):
 * a transmit leaves through the transport owning its `from` endpoint, and each datagram is
 * delivered with the local endpoint it arrived on, so the node hands it to the right cloud.
 */
import { type Endpoint, endpointKey } from '../keys/endpoint.js';
import type { DatagramTransport } from '../transport-adapter.js';

/**
 * Combines transports; `send` without `from` uses the first.
 * @example runNode(node, combineTransports([globalUdp, appUdp]))
 */
export function combineTransports(transports: readonly DatagramTransport[]): DatagramTransport {
  if (transports.length === 0) throw new RangeError('combineTransports: no transports');
  const owners = new Map<string, DatagramTransport>();
  for (const t of transports) for (const ep of t.localEndpoints()) owners.set(endpointKey(ep), t);
  const first = transports[0]!;
  return {
    send(to, payload, from) {
      const owner = from === undefined ? first : owners.get(endpointKey(from));
      if (!owner) throw new Error(`no transport owns the endpoint ${endpointKey(from!)}`);
      owner.send(to, payload, from);
    },
    attach(sink) {
      for (const t of transports) {
        const local: Endpoint | undefined = t.localEndpoints()[0];
        t.attach(
          sink && {
            datagram: (from, payload) => sink.datagram(from, payload, local),
            sendError: (to, error) => sink.sendError(to, error),
          },
        );
      }
    },
    localEndpoints: () => transports.flatMap((t) => t.localEndpoints()),
    close: async () => {
      await Promise.all(transports.map((t) => t.close()));
    },
  };
}
