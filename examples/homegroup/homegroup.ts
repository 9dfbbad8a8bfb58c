/**
 * HomeGroup on one LAN, on pnrp: the computers of a home form a peer group ([MS-PPGRH] graph
 * secured by group membership certificates) and share printers and folders as records of it.
 *
 * - Discovery is PNRP in a link-local cloud (`LinkLocal_<prefix>`, `linkLocalCloudName`): the
 *   peer joins only that cloud, so the group's `<group>.participant` name never leaves the LAN.
 * - The computer that creates the homegroup is its admin and invites the others (a bearer
 *   invitation file: the invitee's new key pair and a certificate for it).
 * - A shared printer is a record of type `homegroup.printer`, a shared folder one of type
 *   `homegroup.folder`; what is shared is in the record's attributes XML ([MS-PPGRH] §2.2.3.5):
 *   `name` and `location` (strings); the payload is the sharing computer's name. Every member
 *   holds every record, so each lists what the others share, and a computer that comes back
 *   later gets it all in its first synchronisation.
 *
 * `main.ts` is the command line around it; test/unit/examples/homegroup.test.ts runs three
 * members on loopback.
 */
import {
  createTcpTransport,
  createUdpTransport,
  nodeCrypto,
  type TcpTransport,
  type UdpTransport,
} from '../../src/adapters/node/index.js';
import {
  decodeInvitationFile,
  encodeInvitationFile,
  type GroupRecord,
  type GroupSession,
  gmcAuthorityVerifier,
  joinGroup,
  recordTypeOf,
  startGroup,
} from '../../src/gmc/index.js';
import { formatAttributes, parseAttributes } from '../../src/graph/index.js';
import {
  createIdentity,
  createPeer,
  formatEndpoint,
  linkLocalCloudName,
  type Peer,
} from '../../src/index.js';

/** Record type of a shared printer. */
export const PRINTER_TYPE = 'homegroup.printer';
/** Record type of a shared folder. */
export const FOLDER_TYPE = 'homegroup.folder';
/** The link-local prefix of the LAN's cloud when none is given. */
export const DEFAULT_PREFIX = 'fe80::/64';

export type ShareKind = 'printer' | 'folder';

/** A printer or folder shared in the homegroup. */
export interface Share {
  /** The record ID (what `unshare` takes). */
  readonly id: string;
  readonly kind: ShareKind;
  /** e.g. `Brother HL-L2350DW` or `Photos`. */
  readonly name: string;
  /** e.g. `study, first floor` or `\\LIVINGROOM\Photos`. */
  readonly location: string;
  /** The sharing computer's name. */
  readonly computer: string;
  /** The sharing member's peer ID. */
  readonly memberId: string;
  /** Shared by this computer. */
  readonly mine: boolean;
}

export interface HomeGroupOptions {
  /** This computer's name, shown to the others. */
  readonly computer: string;
  /** The LAN's prefix: the cloud is `LinkLocal_<prefix>`. @default 'fe80::/64' */
  readonly prefix?: string;
  /** PNRP (UDP) endpoints of computers already in the cloud, e.g. `192.168.1.20:3540`. */
  readonly bootstrap?: readonly string[];
  /** Address to bind both sockets. @default '127.0.0.1' (one machine; '::' on a LAN) */
  readonly host?: string;
  /** The LAN address others should use, with a wildcard `host`. */
  readonly advertise?: string;
  /** UDP port of PNRP. @default 0 (any) */
  readonly udpPort?: number;
  /** TCP port of the graph. @default 0 (any) */
  readonly tcpPort?: number;
  /** Longest wait for finding and syncing with the homegroup. @default 30000 */
  readonly timeoutMs?: number;
}

/** A computer in the homegroup. */
export interface HomeGroupMember {
  readonly computer: string;
  /** `LinkLocal_<prefix>`: the only cloud the peer joins. */
  readonly cloud: string;
  readonly session: GroupSession;
  readonly peer: Peer;
  /** Where other computers reach this one's PNRP node (their `bootstrap`). */
  readonly pnrpEndpoints: readonly string[];
  /** Shares a printer or folder with the homegroup. */
  share(kind: ShareKind, name: string, location: string): Share;
  /** Stops sharing one of ours. */
  unshare(id: string): void;
  /** Everything shared in the homegroup, ours included, by computer, kind, then name. */
  shares(): Share[];
  /** Calls `fn` with the shares whenever they change; returns the unsubscriber. */
  onSharesChanged(fn: (shares: Share[]) => void): () => void;
  /** A bearer invitation file for another computer (admins only). */
  invite(): Promise<string>;
  /** Leaves: the others see this computer go; its shares stay until it deletes them. */
  close(): Promise<void>;
}

/** The attributes XML of a share ([MS-PPGRH] §2.2.3.5): `name` and `location`. */
export function shareAttributes(name: string, location: string): string {
  return formatAttributes([
    { name: 'name', type: 'string', value: name },
    { name: 'location', type: 'string', value: location },
  ]);
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const TYPES = new Map<string, ShareKind>([
  [hex(recordTypeOf(PRINTER_TYPE)), 'printer'],
  [hex(recordTypeOf(FOLDER_TYPE)), 'folder'],
]);

/** The share a record describes, or undefined for other records or bad attributes. */
export function shareOf(record: GroupRecord, selfId: string): Share | undefined {
  const kind = TYPES.get(record.type);
  const attrs = parseAttributes(record.attributes);
  if (!kind || !attrs.ok) return undefined;
  const value = (n: string) => attrs.value.find((a) => a.name === n)?.value;
  const name = value('name');
  if (name === undefined) return undefined;
  return {
    id: record.id,
    kind,
    name,
    location: value('location') ?? '',
    computer: new TextDecoder().decode(record.payload),
    memberId: record.creatorId,
    mine: record.creatorId === selfId,
  };
}

/** The PNRP peer of one cloud, `LinkLocal_<prefix>`, and the graph's TCP transport. */
async function transports(o: HomeGroupOptions) {
  const host = o.host ?? '127.0.0.1';
  const udp: UdpTransport = await createUdpTransport({
    port: o.udpPort ?? 0,
    host,
    ...(o.advertise !== undefined ? { advertise: [o.advertise] } : {}),
  });
  const tcp: TcpTransport = await createTcpTransport({
    port: o.tcpPort ?? 0,
    host,
    ...(o.advertise !== undefined ? { advertise: o.advertise } : {}),
  });
  const cloud = linkLocalCloudName(o.prefix ?? DEFAULT_PREFIX);
  const peer = createPeer({
    clouds: [{ name: cloud, transport: udp, bootstrap: o.bootstrap ?? [] }],
    crypto: nodeCrypto,
    // Members register <group>.participant under their GMC chains: accept those names.
    authorityVerifier: gmcAuthorityVerifier({ crypto: nodeCrypto }).verify,
  });
  const t = { udp, tcp, peer, cloud };
  // With computers to bootstrap from, join the cloud first (the first computer is the cloud).
  if ((o.bootstrap ?? []).length > 0)
    await guarded(t, () => peer.whenActive({ cloud, timeoutMs: o.timeoutMs ?? 30_000 }));
  return t;
}

function member(
  o: HomeGroupOptions,
  t: Awaited<ReturnType<typeof transports>>,
  session: GroupSession,
): HomeGroupMember {
  const listeners = new Set<(shares: Share[]) => void>();
  const shares = (): Share[] =>
    session.records
      .query()
      .map((r) => shareOf(r, session.peerId))
      .filter((s): s is Share => s !== undefined)
      .sort(
        (a, b) =>
          a.computer.localeCompare(b.computer) ||
          a.kind.localeCompare(b.kind) ||
          a.name.localeCompare(b.name),
      );
  void (async () => {
    for await (const c of session.changes())
      if (TYPES.has(c.record.type)) for (const fn of [...listeners]) fn(shares());
  })();
  return {
    computer: o.computer,
    cloud: t.cloud,
    session,
    peer: t.peer,
    pnrpEndpoints: t.udp.localEndpoints().map(formatEndpoint),
    share(kind, name, location) {
      const record = session.records.add(
        kind === 'printer' ? PRINTER_TYPE : FOLDER_TYPE,
        o.computer,
        { attributes: shareAttributes(name, location), lifetimeMs: 7 * 86_400_000 },
      );
      return shareOf(record, session.peerId)!;
    },
    unshare: (id) => session.records.delete(id),
    shares,
    onSharesChanged(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    async invite() {
      const invitee = createIdentity(undefined, nodeCrypto);
      const invitation = await session.invite({ publicKey: invitee.publicKey });
      return encodeInvitationFile({ invitation, identity: invitee, group: session.graphId });
    },
    async close() {
      listeners.clear();
      await session.close(); // DISCONNECT to the neighbours, unregisters, shuts TCP down
      await t.peer.close();
      await t.udp.close();
    },
  };
}

/** Runs `fn`; when it fails, releases the peer and both sockets before rethrowing. */
async function guarded<T>(
  t: { readonly udp: UdpTransport; readonly tcp: TcpTransport; readonly peer: Peer },
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    await t.peer.close();
    await t.udp.close();
    await t.tcp.shutdown();
    throw e;
  }
}

/** Creates a new homegroup with this computer as its admin. */
export async function createHomeGroup(o: HomeGroupOptions): Promise<HomeGroupMember> {
  const t = await transports(o);
  const session = await guarded(t, () =>
    startGroup({
      connections: t.tcp,
      peer: t.peer,
      cloud: t.cloud,
      crypto: nodeCrypto,
      classifier: 'homegroup',
      groupName: 'HomeGroup',
      friendlyName: o.computer,
      ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
    }),
  );
  return member(o, t, session);
}

/** Joins with a bearer invitation file from `invite()`: finds a member through PNRP, syncs. */
export async function joinHomeGroup(
  invitationFile: string,
  o: HomeGroupOptions,
): Promise<HomeGroupMember> {
  const file = decodeInvitationFile(invitationFile, nodeCrypto);
  if (!file.ok) throw new Error(`not an invitation file: ${file.error.detail}`);
  if (!file.value.identity) throw new Error('not a bearer invitation (no key pair in it)');
  const identity = file.value.identity;
  const t = await transports(o);
  const session = await guarded(t, () =>
    joinGroup(file.value.invitation, {
      identity,
      connections: t.tcp,
      peer: t.peer,
      cloud: t.cloud,
      crypto: nodeCrypto,
      friendlyName: o.computer,
      ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
    }),
  );
  return member(o, t, session);
}
