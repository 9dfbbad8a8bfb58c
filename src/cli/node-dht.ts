/**
 * @module cli/node-dht
 * `pnrp node --dht`: the node also hosts DHT storage, so that `pnrp node` processes form a DHT.
 * The DHT is a DRT cloud of its own (see `openDht`): it listens on a second UDP port
 * (`--dht-port`, by default the PNRP port + 1), joins through `--dht-bootstrap` (the DHT
 * endpoints of other nodes; without one this node starts a new DHT), and with `--dht-store FILE`
 * keeps the values it holds in FILE across restarts. It prints a `dht` line with its endpoints
 * (what `pnrp put|get --bootstrap` take) and its status changes; it closes with the node.
 */
import { fileDhtStorage } from '../adapters/node/file-dht-storage.js';
import { nodeCrypto } from '../adapters/node/node-crypto.js';
import { createUdpTransport } from '../adapters/node/udp-transport.js';
import { formatEndpoint } from '../keys/endpoint.js';
import type { Dht } from '../peer/dht-types.js';
import { openDht } from '../peer/open-dht.js';
import { toHex } from '../util/bytes.js';
import {
  bootstrapEndpoints,
  intOption,
  listOption,
  type OptionSpecs,
  type OptionValues,
  stringOption,
} from './args.js';
import { resolveBootstrap } from './dht-command.js';
import type { PrintEvent } from './node-address.js';
import { UsageError } from './usage-error.js';

/** The options `pnrp node` gains for the DHT. */
export const NODE_DHT_OPTIONS: OptionSpecs = {
  dht: { type: 'boolean' },
  'dht-port': { type: 'string' },
  'dht-bootstrap': { type: 'string', multiple: true },
  'dht-store': { type: 'string' },
};

/** Their lines in `pnrp node --help`. */
export const NODE_DHT_HELP = `  --dht                    also host DHT storage (pnrp put/get), on its own UDP port
  --dht-port P             the DHT's UDP port (default: --port + 1; 0 picks an ephemeral port)
  --dht-bootstrap HOST:PORT  a DHT node to join through (repeatable; its DHT port, not its
                           PNRP port); without one this node starts a new DHT
  --dht-store FILE         keep the values this node holds in FILE across restarts
`;

/** Parsed DHT options of `pnrp node`. */
export interface NodeDhtArgs {
  readonly port: number;
  readonly bootstrap: ReturnType<typeof bootstrapEndpoints>;
  readonly store: string | undefined;
}

/**
 * The DHT options, or undefined without `--dht`.
 * @throws UsageError for a DHT option without `--dht` or a bad value.
 */
export function parseNodeDhtArgs(values: OptionValues, pnrpPort: number): NodeDhtArgs | undefined {
  if (values.dht !== true) {
    const stray = ['dht-port', 'dht-bootstrap', 'dht-store'].find((o) => values[o] !== undefined);
    if (stray) throw new UsageError(`--${stray} needs --dht`);
    return undefined;
  }
  const port = intOption(values, 'dht-port', pnrpPort === 0 ? 0 : pnrpPort + 1, 0, 65535);
  if (port !== 0 && (port <= 1024 || port === pnrpPort))
    throw new UsageError('--dht-port must be 0 or above 1024, and not the PNRP port');
  const store = stringOption(values, 'dht-store');
  if (store === '') throw new UsageError('--dht-store needs a file name');
  return {
    port,
    bootstrap: bootstrapEndpoints(listOption(values, 'dht-bootstrap'), 'dht-bootstrap'),
    store,
  };
}

/**
 * Opens the node's DHT and prints its endpoints and status changes.
 * @example const dht = await startNodeDht(args, host, advertise, print); ... await dht.close();
 */
export async function startNodeDht(
  a: NodeDhtArgs,
  host: string | undefined,
  advertise: readonly string[],
  print: PrintEvent,
): Promise<Dht> {
  let transport: Awaited<ReturnType<typeof createUdpTransport>>;
  try {
    transport = await createUdpTransport({
      port: a.port,
      ...(host !== undefined ? { host } : {}),
      ...(advertise.length > 0 ? { advertise } : {}),
    });
  } catch (e) {
    throw new Error(
      `cannot listen for the DHT on port ${a.port}: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  const storage =
    a.store === undefined
      ? undefined
      : fileDhtStorage({
          path: a.store,
          onWarning: (m) => print('dht-store', { warning: m }, `dht store: ${m}`),
        });
  const dht = openDht({
    transport,
    crypto: nodeCrypto,
    bootstrap: await resolveBootstrap(a.bootstrap, 'dht-bootstrap'),
    ...(storage ? { storage } : {}),
  });
  const endpoints = dht.localEndpoints.map(formatEndpoint);
  print(
    'dht',
    {
      port: transport.port,
      endpoints,
      nodeId: toHex(dht.node.nodeId),
      records: dht.node.recordCount,
    },
    `dht listening on ${endpoints.join(', ')} (UDP port ${transport.port}, ${dht.node.recordCount} stored values)`,
  );
  dht.onStatus((status) => print('dht-status', { status }, `dht status: ${status}`));
  return dht;
}
