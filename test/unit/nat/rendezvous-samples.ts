/** One sample of each rendezvous message with its encoded size (codec tests and properties). */
import { type Endpoint, parseEndpoint } from '../../../src/keys/endpoint.js';
import type { RendezvousMessage } from '../../../src/nat/index.js';

export const SAMPLE_TXID: Uint8Array = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
export const SAMPLE_ENDPOINT: Endpoint = parseEndpoint('203.0.113.21:40000');
export const SAMPLES: readonly [RendezvousMessage, number][] = [
  [{ type: 'keepalive', cookie: new Uint8Array(8).fill(9) }, 12],
  [{ type: 'keepalive-ack', cookie: new Uint8Array(8).fill(3) }, 12],
  [{ type: 'connect', txid: SAMPLE_TXID, target: SAMPLE_ENDPOINT, padding: 24 }, 54],
  [
    {
      type: 'forward',
      txid: SAMPLE_TXID,
      initiator: SAMPLE_ENDPOINT,
      cookie: new Uint8Array(8).fill(5),
    },
    38,
  ],
  [{ type: 'connect-reply', txid: SAMPLE_TXID, status: 'unknown-target' }, 13],
  [{ type: 'probe', txid: SAMPLE_TXID, ack: true, seq: 200 }, 14],
];
