/**
 * @module cli/dht-command
 * `pnrp put` and `pnrp get` (issue 15 Build 6): store and look up DHT values, over UDP through
 * running `pnrp node --dht` processes, or in a simulated cloud (`--sim`, see dht-sim.ts). Over
 * UDP the command opens a short-lived DHT client (`openDht` with role `client`) on an ephemeral
 * port: it joins the DHT's DRT through the bootstrap nodes, puts or gets, and closes. It holds
 * nothing and registers no ID, so its coming and going costs the cloud nothing; the value stays
 * with its owner and the owner's replicas (it is not republished after the client exits: it
 * lives for the DHT's record lifetime, one hour by default).
 */
import { writeFileSync } from 'node:fs';
import { debugLogger } from '../adapters/node/debug-logger.js';
import { dnsResolver } from '../adapters/node/dns-resolver.js';
import { nodeCrypto } from '../adapters/node/node-crypto.js';
import { createUdpTransport } from '../adapters/node/udp-transport.js';
import type { DhtRecord } from '../dht/record.js';
import { type Endpoint, formatEndpoint, splitHostPort } from '../keys/endpoint.js';
import type { Dht, DhtPutResult } from '../peer/dht-types.js';
import { PnrpError } from '../peer/error.js';
import { openDht } from '../peer/open-dht.js';
import { toHex, utf8Decode } from '../util/bytes.js';
import {
  type DhtWhere,
  type GetArgs,
  type PutArgs,
  parseGetArgs,
  parsePutArgs,
} from './dht-options.js';
import { simGet, simPut } from './dht-sim.js';
import { UsageError } from './usage-error.js';

export { GET_USAGE, PUT_USAGE } from './dht-options.js';

/** Runs `pnrp put`; returns the exit code. */
export async function runPutCommand(args: string[]): Promise<number> {
  const a = parsePutArgs(args);
  try {
    const result =
      a.where.kind === 'sim'
        ? simPut(a, a.where)
        : await withClient(a.where, (dht) => udpPut(dht, a));
    const fields = {
      key: toHex(result.key),
      seq: result.seq,
      mutable: a.mutable !== undefined,
      bytes: a.value.length,
      messages: result.messages,
      ...(a.mutable ? { publicKey: toHex(a.mutable.identity.publicKey) } : {}),
    };
    process.stdout.write(
      a.json
        ? `${JSON.stringify(fields)}\n`
        : `stored ${fields.key} (${a.mutable ? `mutable, seq ${result.seq}` : 'immutable'}, ${a.value.length} bytes, ${result.messages} messages)\n`,
    );
    return 0;
  } catch (e) {
    return failed(e, a.json);
  }
}

/** Runs `pnrp get`; returns the exit code. */
export async function runGetCommand(args: string[]): Promise<number> {
  const a = parseGetArgs(args);
  try {
    const record =
      a.where.kind === 'sim'
        ? simGet(a, a.where)
        : await withClient(a.where, (dht) => dht.get(a.key!, { timeoutMs: a.timeoutMs }));
    printRecord(a, record);
    return 0;
  } catch (e) {
    return failed(e, a.json);
  }
}

function udpPut(dht: Dht, a: PutArgs): Promise<DhtPutResult> {
  const options = { timeoutMs: a.timeoutMs };
  if (a.mutable === undefined) return dht.put(a.value, options);
  const { identity, salt, seq } = a.mutable;
  return dht.putMutable(a.value, {
    ...options,
    writer: identity,
    salt,
    ...(seq !== undefined ? { seq } : {}),
  });
}

function printRecord(a: GetArgs, record: DhtRecord): void {
  if (a.out !== undefined) {
    try {
      writeFileSync(a.out, record.value);
    } catch (e) {
      throw new Error(`--out ${a.out}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const text = utf8Decode(record.value);
  const fields = {
    key: toHex(record.key),
    seq: record.seq,
    mutable: record.publicKey !== undefined,
    bytes: record.value.length,
    value: text ?? null,
    valueHex: toHex(record.value),
    ...(record.publicKey ? { publicKey: toHex(record.publicKey) } : {}),
    ...(a.out !== undefined ? { out: a.out } : {}),
  };
  if (a.json) return void process.stdout.write(`${JSON.stringify(fields)}\n`);
  if (a.out !== undefined)
    return void process.stdout.write(`wrote ${record.value.length} bytes to ${a.out}\n`);
  process.stdout.write(`${text ?? fields.valueHex}\n`);
}

/** Prints a failure (JSON on stdout with --json) and returns exit code 1; rethrows others. */
function failed(e: unknown, json: boolean): number {
  if (!(e instanceof PnrpError)) throw e;
  if (e.code === 'INVALID_ARGUMENT') throw new UsageError(e.message);
  if (json)
    process.stdout.write(
      `${JSON.stringify({ error: e.code, reason: e.reason ?? null, message: e.message })}\n`,
    );
  process.stderr.write(`${e.message} (${e.code}${e.reason ? `: ${e.reason}` : ''})\n`);
  return 1;
}

/** Opens a short-lived DHT client over UDP, runs `fn`, closes. */
async function withClient<T>(
  where: Extract<DhtWhere, { kind: 'udp' }>,
  fn: (dht: Dht) => Promise<T>,
): Promise<T> {
  const bootstrap = await resolveBootstrap(where.bootstrap);
  let transport: Awaited<ReturnType<typeof createUdpTransport>>;
  try {
    transport = await createUdpTransport({
      port: 0,
      ...(where.host !== undefined ? { host: where.host } : {}),
    });
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(`--host: ${e.message}`);
    throw new Error(`cannot open a UDP socket: ${e instanceof Error ? e.message : String(e)}`);
  }
  const logger = debugLogger();
  const dht = openDht({
    transport,
    bootstrap,
    role: 'client',
    crypto: nodeCrypto,
    ...(logger ? { logger } : {}),
  });
  try {
    return await fn(dht);
  } catch (e) {
    if (
      e instanceof PnrpError &&
      (e.code === 'ALONE' || e.code === 'TIMEOUT') &&
      dht.status() !== 'active'
    )
      throw new PnrpError(
        e.code,
        `no DHT node answered the bootstrap (${bootstrap.map(formatEndpoint).join(', ')})`,
        { cause: e },
      );
    throw e;
  } finally {
    await dht.close();
  }
}

/**
 * Looks up the host names of a bootstrap list (IP literals pass through).
 * @example await resolveBootstrap(['localhost:3541'])
 */
export async function resolveBootstrap(
  list: readonly (Endpoint | string)[],
  option = 'bootstrap',
): Promise<Endpoint[]> {
  const out: Endpoint[] = [];
  for (const item of list) {
    if (typeof item !== 'string') {
      out.push(item);
      continue;
    }
    const host = splitHostPort(item);
    if (host === undefined) continue;
    const addresses = await dnsResolver(host.host).catch((e: unknown) => {
      throw new Error(`--${option} ${item}: ${e instanceof Error ? e.message : String(e)}`);
    });
    for (const address of addresses) out.push({ address, port: host.port });
  }
  return out;
}
