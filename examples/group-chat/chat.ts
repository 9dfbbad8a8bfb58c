/**
 * A group chat for terminals. Every message is a record of the group's graph, so a member who
 * joins gets the whole history, and members who were offline catch up when they come back.
 * Members find the group through PNRP (`<group>.participant`, over UDP from a bootstrap node)
 * and talk over TCP graph connections secured by their membership certificates.
 *
 *   npx tsx src/cli/main.ts node --port 3540                       # a PNRP bootstrap node
 *   npx tsx examples/group-chat/chat.ts --name alice --create team.group.json --bootstrap 127.0.0.1:3540
 *   > /invite bob.invite                                           # writes a bearer invitation
 *   npx tsx examples/group-chat/chat.ts --name bob --invite bob.invite --bootstrap 127.0.0.1:3540
 *   > hello alice                                                  # every line is a message
 *   > /members                                                     # who is present
 *
 * `--create FILE` makes the group the first time and runs its creator from FILE afterwards.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import {
  createTcpTransport,
  createUdpTransport,
  nodeCrypto,
} from '../../src/adapters/node/index.js';
import {
  createGroup,
  decodeGroupFile,
  decodeInvitationFile,
  encodeGroupFile,
  encodeInvitationFile,
  type GroupSession,
  gmcAuthorityVerifier,
  joinGroup,
  recordTypeOf,
  startGroup,
} from '../../src/gmc/index.js';
import { createIdentity, createPeer, formatEndpoint, PnrpError } from '../../src/index.js';

const { values } = parseArgs({
  options: {
    name: { type: 'string', default: 'anonymous' },
    create: { type: 'string' },
    invite: { type: 'string' },
    bootstrap: { type: 'string', multiple: true, default: [] },
    port: { type: 'string', default: '0' },
    'tcp-port': { type: 'string', default: '0' },
  },
});
if ((values.create === undefined) === (values.invite === undefined)) {
  console.error('give --create GROUP-FILE (the creator) or --invite INVITATION-FILE');
  process.exit(2);
}
const MESSAGE = 'group-chat.message';
const NICK = 'group-chat.nick';

// PNRP over UDP to find members; graph connections over TCP.
const udp = await createUdpTransport({ port: Number(values.port), host: '127.0.0.1' });
const tcp = await createTcpTransport({ port: Number(values['tcp-port']), host: '127.0.0.1' });
const peer = createPeer({
  transport: udp,
  crypto: nodeCrypto,
  bootstrap: values.bootstrap,
  authorityVerifier: gmcAuthorityVerifier({ crypto: nodeCrypto }).verify, // members' names
});
if (values.bootstrap.length > 0) await peer.whenActive({ timeoutMs: 10_000 }).catch(() => {});

const common = { connections: tcp, peer, crypto: nodeCrypto, friendlyName: values.name };
let session: GroupSession;
try {
  if (values.create !== undefined) {
    const file = values.create;
    const saved = existsSync(file) ? decodeGroupFile(readFileSync(file, 'utf8')) : undefined;
    if (saved && !saved.ok) throw new Error(`${file}: ${saved.error.detail}`);
    const group =
      saved?.value ?? (await createGroup({ classifier: 'chat', nowWallMs: Date.now() }));
    if (!saved) writeFileSync(file, encodeGroupFile(group), { mode: 0o600 });
    session = await startGroup({ ...common, group });
  } else {
    const file = decodeInvitationFile(readFileSync(values.invite!, 'utf8'));
    if (!file.ok || !file.value.identity)
      throw new Error(`${values.invite}: not a bearer invitation`);
    session = await joinGroup(file.value.invitation, { ...common, identity: file.value.identity });
  }
} catch (e) {
  console.error(e instanceof PnrpError ? `cannot join: ${e.message} (${e.code})` : String(e));
  await peer.close();
  await tcp.shutdown();
  process.exit(1);
}

// Nicknames are records too: peer ID -> the name its owner chose.
const nicks = new Map<string, string>();
const nickOf = (peerId: string): string => nicks.get(peerId) ?? peerId.slice(0, 8);
const text = (payload: Uint8Array): string => new TextDecoder().decode(payload);
const mine = session.records.query(NICK).find((r) => r.creatorId === session.peerId);
if (mine) session.records.update(mine.id, { payload: values.name });
else session.records.add(NICK, values.name);

const changes = session.changes({ replay: true });
const history = session.records.query(MESSAGE).length;
console.log(
  `ready: ${values.name} in ${session.graphId} (${history} messages of history; graph on ${formatEndpoint(tcp.localEndpoint)})`,
);
const hex = (name: string): string => Buffer.from(recordTypeOf(name)).toString('hex');
const [messageType, nickType] = [hex(MESSAGE), hex(NICK)];
void (async () => {
  for await (const { change, record } of changes) {
    if (change !== 'added' && change !== 'updated') continue;
    if (record.type === nickType) nicks.set(record.creatorId, text(record.payload));
    else if (record.type === messageType && change === 'added')
      console.log(`${nickOf(record.creatorId)}: ${text(record.payload)}`);
  }
})();
void (async () => {
  for await (const e of session.memberEvents())
    if (!e.member.self) console.log(`* ${nickOf(e.member.peerId)} ${e.type}`);
})();

const lines = createInterface({ input: process.stdin });
lines.on('line', async (line) => {
  const [command, arg] = line.trim().split(/\s+/, 2);
  try {
    if (command === '/invite' && arg) {
      // A bearer invitation: a new key pair for the invitee, and a certificate for it.
      const invitee = createIdentity(undefined, nodeCrypto);
      const invitation = await session.invite({ publicKey: invitee.publicKey });
      writeFileSync(arg, encodeInvitationFile({ invitation, identity: invitee }), { mode: 0o600 });
      console.log(`wrote invitation ${arg}`);
    } else if (command === '/members') {
      for (const m of session.members())
        console.log(`  ${nickOf(m.peerId)}${m.self ? ' (me)' : ''}`);
    } else if (line.trim() !== '') {
      session.records.add(MESSAGE, line.trim(), { lifetimeMs: 7 * 86_400_000 });
    }
  } catch (e) {
    console.log(e instanceof PnrpError ? `refused: ${e.code} ${e.reason ?? ''}` : String(e));
  }
});
lines.on('close', async () => {
  await session.close(); // DISCONNECT (leaving) to every neighbour
  await peer.close(); // revokes <group>.participant
  process.exit(0);
});
