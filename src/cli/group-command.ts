/**
 * @module cli/group-command
 * `pnrp group`: peer groups from the command line (issue 14). `create` writes a group file (the
 * root key pair and certificate), `invite` writes an invitation file from it, `join` runs a
 * member (or, with `--group`, the creator) until Ctrl-C printing record and member changes, and
 * `records` joins, syncs, prints the records and leaves. Members find each other through PNRP
 * (`<group>.participant`, over UDP from `--bootstrap`) or at `--graph HOST:PORT`; graph
 * connections are TCP. This file is loaded by `cli/main.ts` only for `pnrp group` (it needs
 * `pnrp/gmc` and so @peculiar/x509, which the other commands never load).
 */
import { nodeCrypto } from '../adapters/node/node-crypto.js';
import { createTcpTransport, type TcpTransport } from '../adapters/node/tcp-transport.js';
import { createUdpTransport, type UdpTransport } from '../adapters/node/udp-transport.js';
import { joinGroup, openGroup, startGroup } from '../gmc/group.js';
import { encodeGroupFile, encodeInvitationFile } from '../gmc/group-file.js';
import { inviteMember } from '../gmc/group-invite.js';
import { recordTypeOf } from '../gmc/group-records.js';
import type { GroupRecord, GroupSession, GroupSessionOptions } from '../gmc/group-types.js';
import { createGroup } from '../gmc/issue.js';
import { gmcAuthorityVerifier } from '../gmc/participant.js';
import { type Endpoint, formatEndpoint, parseEndpoint } from '../keys/endpoint.js';
import { createIdentity } from '../keys/identity.js';
import { createPeer } from '../peer/create-peer.js';
import { PnrpError } from '../peer/error.js';
import type { Peer } from '../peer/types.js';
import { fromHex, toHex, utf8Decode } from '../util/bytes.js';
import {
  bootstrapEndpoints,
  intOption,
  listOption,
  type OptionValues,
  parseCommandLine,
  stringOption,
} from './args.js';
import { loadGroupFile, loadInvitationFile, writeSecretFile } from './group-files.js';
import { loadIdentity } from './identity-file.js';
import { untilSignal } from './node-command.js';
import { UsageError } from './usage-error.js';

const ROLES = ['member', 'inviting-member', 'admin'] as const;

/** Runs `pnrp group ...`; returns the exit code. */
export async function runGroupCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'create') return groupCreate(rest);
  if (sub === 'invite') return groupInvite(rest);
  if (sub === 'join') return groupRun(rest, 'join');
  if (sub === 'records') return groupRun(rest, 'records');
  throw new UsageError(
    sub === undefined
      ? 'expected a subcommand: create, invite, join or records (see pnrp group --help)'
      : `unknown subcommand "${sub}": expected create, invite, join or records`,
  );
}

function print(json: boolean, doc: Record<string, unknown>, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(doc)}\n` : `${text}\n`);
}

function requiredFile(values: OptionValues, name: string, example: string): string {
  const v = stringOption(values, name);
  if (v === undefined || v === '') throw new UsageError(`--${name} ${example} is required`);
  return v;
}

async function groupCreate(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(args, {
    out: { type: 'string', short: 'o' },
    classifier: { type: 'string' },
    name: { type: 'string' },
    force: { type: 'boolean' },
    json: { type: 'boolean' },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const out = requiredFile(values, 'out', 'FILE');
  const classifier = stringOption(values, 'classifier') ?? 'group';
  if (!/^[^\s.][^\s]{0,63}$/u.test(classifier))
    throw new UsageError(
      `--classifier must be 1..64 characters without spaces, got "${classifier}"`,
    );
  const name = stringOption(values, 'name');
  const group = await createGroup({
    classifier,
    nowWallMs: Date.now(),
    crypto: nodeCrypto,
    ...(name !== undefined ? { friendlyName: name } : {}),
  });
  writeSecretFile(out, encodeGroupFile(group), values.force === true);
  const { peerName } = group.properties;
  print(
    values.json === true,
    { file: out, peerName, authority: group.root.identity.authority },
    `wrote group ${peerName} to ${out} (mode 0600; it holds the group's root key)\n` +
      `invite with: pnrp group invite --group ${out} --out member.invite\n` +
      `run it with: pnrp group join --group ${out} --bootstrap HOST:PORT`,
  );
  return 0;
}

async function groupInvite(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(args, {
    group: { type: 'string', short: 'g' },
    out: { type: 'string', short: 'o' },
    for: { type: 'string' },
    role: { type: 'string' },
    force: { type: 'boolean' },
    json: { type: 'boolean' },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const groupFile = requiredFile(values, 'group', 'FILE');
  const out = requiredFile(values, 'out', 'INVITE');
  const role = stringOption(values, 'role') ?? 'member';
  if (!(ROLES as readonly string[]).includes(role))
    throw new UsageError(`--role must be one of ${ROLES.join(', ')}, got "${role}"`);
  const forKey = stringOption(values, 'for');
  if (forKey !== undefined && !/^[0-9a-fA-F]{64}$/.test(forKey))
    throw new UsageError('--for must be an Ed25519 public key as 64 hex digits');
  const group = loadGroupFile(groupFile);
  const bearer = forKey === undefined ? createIdentity(undefined, nodeCrypto) : undefined;
  const publicKey = bearer?.publicKey ?? fromHex(forKey!.toLowerCase());
  const invitation = await inviteMember(group.root, {
    publicKey,
    role: role as (typeof ROLES)[number],
    nowWallMs: Date.now(),
    crypto: nodeCrypto,
  });
  const text = encodeInvitationFile({
    invitation,
    group: group.properties.peerName,
    ...(bearer ? { identity: bearer } : {}),
  });
  writeSecretFile(out, text, values.force === true);
  print(
    values.json === true,
    {
      file: out,
      group: group.properties.peerName,
      publicKey: toHex(publicKey),
      role,
      bearer: !!bearer,
    },
    `wrote an invitation to ${group.properties.peerName} (${role}) to ${out}` +
      (bearer ? ' (a bearer invitation: whoever holds the file may join)' : ''),
  );
  return 0;
}

interface RunArgs {
  readonly invite: string | undefined;
  readonly groupFile: string | undefined;
  readonly identityFile: string | undefined;
  readonly bootstrap: ReturnType<typeof bootstrapEndpoints>;
  readonly graph: Endpoint[];
  readonly port: number;
  readonly tcpPort: number;
  readonly host: string;
  readonly timeoutMs: number;
  readonly type: string;
  readonly add: string[];
  readonly json: boolean;
}

function parseRun(args: string[], mode: 'join' | 'records'): RunArgs {
  const { values, positionals } = parseCommandLine(args, {
    group: { type: 'string', short: 'g' },
    identity: { type: 'string' },
    bootstrap: { type: 'string', multiple: true, short: 'b' },
    graph: { type: 'string', multiple: true },
    port: { type: 'string', short: 'p' },
    'tcp-port': { type: 'string' },
    host: { type: 'string' },
    timeout: { type: 'string' },
    type: { type: 'string' },
    ...(mode === 'join' ? { add: { type: 'string' as const, multiple: true } } : {}),
    json: { type: 'boolean' },
  });
  const [invite, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const groupFile = stringOption(values, 'group');
  if ((invite === undefined) === (groupFile === undefined))
    throw new UsageError('give either an invitation file or --group FILE (not both)');
  if (groupFile !== undefined && stringOption(values, 'identity') !== undefined)
    throw new UsageError('--identity goes with an invitation; the group file holds its own key');
  const graph = listOption(values, 'graph').map((t) => {
    try {
      return parseEndpoint(t);
    } catch {
      throw new UsageError(`bad --graph "${t}": expected a.b.c.d:port or [ipv6]:port`);
    }
  });
  const type = stringOption(values, 'type') ?? 'message';
  try {
    recordTypeOf(type);
  } catch (e) {
    throw new UsageError(`bad --type: ${e instanceof Error ? e.message : String(e)}`);
  }
  return {
    invite,
    groupFile,
    identityFile: stringOption(values, 'identity'),
    bootstrap: bootstrapEndpoints(listOption(values, 'bootstrap')),
    graph,
    port: intOption(values, 'port', 0, 0, 65535),
    tcpPort: intOption(values, 'tcp-port', 0, 0, 65535),
    host: stringOption(values, 'host') ?? '127.0.0.1',
    timeoutMs: intOption(values, 'timeout', 30_000, 1, 3_600_000),
    type,
    add: listOption(values, 'add'),
    json: values.json === true,
  };
}

function payloadText(payload: Uint8Array): string {
  const text = utf8Decode(payload);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters print as hex
  return text !== undefined && !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(text)
    ? text
    : `0x${toHex(payload)}`;
}

function recordDoc(r: GroupRecord): Record<string, unknown> {
  return {
    id: r.id,
    type: r.type,
    creatorId: r.creatorId,
    version: r.version,
    modifiedAt: new Date(r.modifiedAtMs).toISOString(),
    payload: payloadText(r.payload),
    ...(r.attributes !== '' ? { attributes: r.attributes } : {}),
  };
}

function recordLine(r: GroupRecord): string {
  return `${r.id} ${r.type.slice(0, 8)} by ${r.creatorId.slice(0, 8)} v${r.version}: ${payloadText(r.payload)}`;
}

async function groupRun(args: string[], mode: 'join' | 'records'): Promise<number> {
  const a = parseRun(args, mode);
  const group = a.groupFile !== undefined ? loadGroupFile(a.groupFile) : undefined;
  const invite = a.invite !== undefined ? loadInvitationFile(a.invite) : undefined;
  const identity = a.identityFile !== undefined ? loadIdentity(a.identityFile) : invite?.identity;
  if (invite && !identity)
    throw new UsageError('this invitation holds no key pair: give --identity FILE (the invitee)');
  const signals = mode === 'join' ? untilSignal() : undefined;
  let udp: UdpTransport | undefined;
  let tcp: TcpTransport | undefined;
  let peer: Peer | undefined;
  let session: GroupSession | undefined;
  try {
    tcp = await listen(() => createTcpTransport({ port: a.tcpPort, host: a.host }), 'TCP', a);
    udp = await listen(() => createUdpTransport({ port: a.port, host: a.host }), 'UDP', a);
    peer = createPeer({
      transport: udp,
      crypto: nodeCrypto,
      bootstrap: a.bootstrap,
      authorityVerifier: gmcAuthorityVerifier({ crypto: nodeCrypto }).verify,
      closeTransports: false,
    });
    if (a.bootstrap.length > 0) await peer.whenActive({ timeoutMs: 10_000 }).catch(() => {});
    const options: GroupSessionOptions = {
      connections: tcp,
      peer,
      bootstrap: a.graph,
      crypto: nodeCrypto,
      timeoutMs: a.timeoutMs,
      closeConnections: false,
    };
    session =
      group && mode === 'join'
        ? await startGroup({ ...options, group })
        : group
          ? await openGroup(group.root, options)
          : await joinGroup(invite!.invitation, { ...options, identity: identity! });
    if (mode === 'records') {
      const records = session.records.query(a.type === '*' ? undefined : a.type);
      if (a.json) print(true, { group: session.graphId, records: records.map(recordDoc) }, '');
      else for (const r of records) process.stdout.write(`${recordLine(r)}\n`);
      return 0;
    }
    await follow(session, a, tcp, udp, signals!);
    return 0;
  } catch (e) {
    if (e instanceof PnrpError) throw new Error(`${e.message} (${e.code})`);
    throw e;
  } finally {
    signals?.dispose();
    await session?.close();
    if (peer && !peer.closed) await peer.close();
    await tcp?.shutdown();
    await udp?.close();
  }
}

async function listen<T>(open: () => Promise<T>, what: string, a: RunArgs): Promise<T> {
  try {
    return await open();
  } catch (e) {
    if (e instanceof RangeError || e instanceof TypeError) throw new UsageError(e.message);
    const code = (e as { code?: unknown }).code;
    const port = what === 'TCP' ? a.tcpPort : a.port;
    throw new Error(`cannot listen on ${a.host} ${what} port ${port}: ${String(code ?? e)}`);
  }
}

/** `join`: prints what happens until a signal. */
async function follow(
  session: GroupSession,
  a: RunArgs,
  tcp: TcpTransport,
  udp: UdpTransport,
  signals: ReturnType<typeof untilSignal>,
): Promise<void> {
  const changes = session.changes({ replay: true });
  const members = session.memberEvents();
  print(
    a.json,
    {
      event: 'joined',
      group: session.graphId,
      peerId: session.peerId,
      roles: session.roles,
      graph: formatEndpoint(tcp.localEndpoint),
      pnrp: udp.localEndpoints().map(formatEndpoint),
    },
    `joined ${session.graphId} as ${session.peerId} (${session.roles.join(',')}); graph on ${formatEndpoint(tcp.localEndpoint)} (TCP), PNRP on ${udp.localEndpoints().map(formatEndpoint).join(', ')} (UDP)`,
  );
  for (const m of session.members())
    print(
      a.json,
      { event: 'member', change: 'present', peerId: m.peerId, self: m.self },
      `member present: ${m.peerId}${m.self ? ' (me)' : ''}`,
    );
  const pump = async (): Promise<void> => {
    for await (const c of changes)
      print(
        a.json,
        { event: 'record', change: c.change, local: c.local, record: recordDoc(c.record) },
        `record ${c.change}: ${recordLine(c.record)}`,
      );
  };
  const pumpMembers = async (): Promise<void> => {
    for await (const m of members)
      print(
        a.json,
        { event: 'member', change: m.type, peerId: m.member.peerId, self: m.member.self },
        `member ${m.type}: ${m.member.peerId}${m.member.self ? ' (me)' : ''}`,
      );
  };
  const done = Promise.all([pump(), pumpMembers()]);
  for (const text of a.add) session.records.add(a.type, text);
  const signal = await signals.stopped;
  print(a.json, { event: 'stopping', signal }, `stopping on ${signal}: leaving the group`);
  await session.close();
  await done;
  print(a.json, { event: 'stopped' }, 'stopped');
}
