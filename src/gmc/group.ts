/**
 * @module gmc/group
 * `startGroup`, `joinGroup` and `openGroup`: the async API of peer groups, in the style of
 * `createPeer` (docs/design.md §4: Promises, `AbortSignal`s, `PnrpError` codes).
 *
 * - `startGroup` is the creator: a new group (or one created earlier), the graph created with the
 *   group's peer name as graph ID, listening at once.
 * - `joinGroup` checks an invitation against the joiner's key (expired: `INVITATION_EXPIRED`;
 *   malformed, for another key, badly signed: `INVALID_INVITATION`) and then does what `openGroup`
 *   does with the credential it carries.
 * - `openGroup` finds live members (the `bootstrap` endpoints first, then `<group>.participant`
 *   resolved through the caller's `peer`), connects to the first that admits us (mutual GMC
 *   authentication), and resolves once the first synchronisation finished. Nobody found or
 *   reachable: `GROUP_NOT_FOUND`; refused by the group or refusing it: `NOT_MEMBER` with the
 *   authentication's reason.
 *
 * With a `peer`, every session registers `<group>.participant` (delegated by its GMC chain) so
 * that the next joiner finds it, and finds members again the same way when all its neighbours
 * are gone. Nothing outlives a failed start: the session is closed before the promise rejects.
 */
import { type CryptoBackend, nobleCrypto } from '../keys/crypto-backend.js';
import { type Endpoint, formatEndpoint } from '../keys/endpoint.js';
import { abortError, PnrpError } from '../peer/error.js';
import { systemWallClock } from '../runtime.js';
import { validateChain } from './chain.js';
import type { SessionParams } from './group-session.js';
import { GroupSessionImpl } from './group-session.js';
import type {
  GroupSession,
  GroupSessionOptions,
  JoinGroupOptions,
  StartGroupOptions,
} from './group-types.js';
import { acceptInvitation, type Invitation, parseInvitation } from './invitation.js';
import { createGroup, type GmcCredential, type Group } from './issue.js';
import { participantPeerName } from './participant.js';

const DEFAULT_TIMEOUT_MS = 30_000;
/** Participant instances asked for per resolve. */
const RESOLVE_RESULTS = 5;

/**
 * Creates a group (or runs one created earlier) as its creator and listens.
 * @example
 * const session = await startGroup({ connections: await createTcpTransport(), peer, classifier: 'chat' });
 * const invitation = await session.invite({ publicKey: bob.publicKey });
 */
export async function startGroup(options: StartGroupOptions): Promise<GroupSession> {
  checkOptions(options);
  const crypto = options.crypto ?? nobleCrypto;
  const wallClock = options.wallClock ?? systemWallClock;
  const group: Group =
    options.group ??
    (await createGroup({
      classifier: options.classifier ?? 'group',
      nowWallMs: wallClock.nowMs(),
      crypto,
      ...(options.groupName !== undefined ? { friendlyName: options.groupName } : {}),
    }));
  if (options.signal?.aborted) throw abortError(options.signal);
  const params = paramsOf(group.root, options, crypto);
  const session = new GroupSessionImpl({ ...params, properties: group.properties });
  try {
    session.create(group.properties.presenceLifetimeS);
    attachDiscovery(session, options);
    await withDeadline(options, session, () => registerParticipant(session, options));
    return session;
  } catch (e) {
    await session.close();
    throw e;
  }
}

/**
 * Joins a group with an invitation made for `options.identity` (see the module header).
 * @example
 * const session = await joinGroup(invitationXml, { identity: me, connections, peer, signal: AbortSignal.timeout(30_000) });
 * await session.whenSynced();
 */
export async function joinGroup(
  invitation: string | Invitation,
  options: JoinGroupOptions,
): Promise<GroupSession> {
  checkOptions(options);
  if (options.signal?.aborted) throw abortError(options.signal);
  const parsed =
    typeof invitation === 'string' ? parseInvitation(invitation) : okInvitation(invitation);
  if (!parsed.ok)
    throw new PnrpError('INVALID_INVITATION', `not a usable invitation: ${parsed.error.detail}`, {
      reason: parsed.error.code,
    });
  if (parsed.value.type !== 'gmc')
    throw new PnrpError('INVALID_INVITATION', 'password invitations are not supported here', {
      reason: 'password-invitation',
    });
  const crypto = options.crypto ?? nobleCrypto;
  const verdict = acceptInvitation(parsed.value, {
    publicKey: options.identity.publicKey,
    nowWallMs: (options.wallClock ?? systemWallClock).nowMs(),
    crypto,
  });
  if (!verdict.ok) throw credentialError(verdict.reason, verdict.detail, 'invitation');
  return openGroup({ identity: options.identity, chain: parsed.value.chain }, options);
}

/**
 * Runs a member with a credential it already holds (a joiner after a restart, or an admin):
 * finds, connects and syncs as the module header says.
 * @example const session = await openGroup({ identity: me, chain }, { identity: me, connections, bootstrap: [ep] });
 */
export async function openGroup(
  credential: GmcCredential,
  options: GroupSessionOptions,
): Promise<GroupSession> {
  checkOptions(options);
  if (options.signal?.aborted) throw abortError(options.signal);
  const crypto = options.crypto ?? nobleCrypto;
  const params = paramsOf(credential, options, crypto);
  const session = new GroupSessionImpl(params);
  try {
    session.open();
    await withDeadline(options, session, async (signal) => {
      await connectSomewhere(session, options, signal);
      await session.whenSynced(signal);
      await registerParticipant(session, options, signal);
    });
    // Only now: during the join, a failed dial's need-node must not start a second search.
    attachDiscovery(session, options);
    return session;
  } catch (e) {
    await session.close();
    throw e;
  }
}

function okInvitation(value: Invitation) {
  return { ok: true as const, value };
}

function checkOptions(options: GroupSessionOptions): void {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('group options must be an object');
  const c = options.connections;
  if (typeof c?.connect !== 'function' || typeof c.attach !== 'function')
    throw new TypeError('options.connections must be a ConnectionTransport');
  const t = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(t > 0)) throw new RangeError(`timeoutMs must be positive, got ${t}`);
}

/** The session's parameters from a credential: the chain validated now, its root and peer name. */
function paramsOf(
  credential: GmcCredential,
  options: GroupSessionOptions,
  crypto: CryptoBackend,
): SessionParams {
  const verdict = validateChain(credential.chain, {
    nowWallMs: (options.wallClock ?? systemWallClock).nowMs(),
    publicKey: credential.identity.publicKey,
    crypto,
  });
  if (!verdict.ok) throw credentialError(verdict.reason, verdict.detail, 'credential');
  const peerName = verdict.peerName;
  const classifier = peerName.slice(peerName.indexOf('.') + 1);
  return {
    credential,
    root: credential.chain[0]!,
    properties: { peerName, classifier, friendlyName: classifier },
    roles: verdict.roles,
    notAfterMs: verdict.notAfterMs,
    options,
  };
}

function credentialError(reason: string, detail: string, what: string): PnrpError {
  if (reason === 'expired' || reason === 'not-yet-valid')
    return new PnrpError('INVITATION_EXPIRED', `the ${what} is ${reason}: ${detail}`, { reason });
  return new PnrpError('INVALID_INVITATION', `the ${what} is refused (${reason}): ${detail}`, {
    reason,
  });
}

function authorityOfGroup(session: GroupSessionImpl): string {
  return session.graphId.slice(0, session.graphId.indexOf('.'));
}

async function registerParticipant(
  session: GroupSessionImpl,
  options: GroupSessionOptions,
  signal?: AbortSignal,
): Promise<void> {
  if (!options.peer) return;
  await session.register(participantPeerName(authorityOfGroup(session)), options.cloud, signal);
}

/** Graph endpoints of live members: `bootstrap` first, then the participant name's instances. */
async function* candidates(
  session: GroupSessionImpl,
  options: GroupSessionOptions,
  signal: AbortSignal | undefined,
): AsyncGenerator<Endpoint> {
  yield* options.bootstrap ?? [];
  const peer = options.peer;
  if (!peer || peer.closed) return;
  const results = await peer
    .resolve(participantPeerName(authorityOfGroup(session)), {
      maxResults: RESOLVE_RESULTS,
      timeoutMs: Math.min(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, 10_000),
      ...(options.cloud !== undefined ? { cloud: options.cloud } : {}),
      ...(signal ? { signal } : {}),
    })
    .catch((e: unknown) => {
      if (e instanceof PnrpError && e.code === 'CANCELLED') throw e;
      return [];
    });
  for (const r of results)
    for (const ep of r.endpoints) yield { address: ep.address, port: ep.port };
}

/** Connects to the first candidate that admits us; throws GROUP_NOT_FOUND or NOT_MEMBER. */
async function connectSomewhere(
  session: GroupSessionImpl,
  options: GroupSessionOptions,
  signal?: AbortSignal,
): Promise<void> {
  const failures: string[] = [];
  const tried: string[] = [];
  for await (const ep of candidates(session, options, signal)) {
    if (session.closed) break;
    const r = await session.attempt(ep);
    if (r.ok) return;
    if (r.reason === 'self') continue;
    tried.push(formatEndpoint(ep));
    failures.push(r.reason);
  }
  const auth = failures.find((f) => f.startsWith('auth:'));
  if (auth)
    throw new PnrpError('NOT_MEMBER', `the group refused us (${auth})`, {
      reason: auth,
      endpoints: tried,
    });
  throw new PnrpError(
    'GROUP_NOT_FOUND',
    tried.length === 0
      ? `no member of ${session.graphId} found`
      : `no member of ${session.graphId} reachable (${failures.join(', ')})`,
    { endpoints: tried, reason: failures[0] ?? 'none-found' },
  );
}

/** With a peer: when every neighbour is gone, find members again through PNRP. */
function attachDiscovery(session: GroupSessionImpl, options: GroupSessionOptions): void {
  if (!options.peer) return;
  const again = { ...options, bootstrap: [] };
  session.rediscover = async () => {
    if (session.closed || session.node.neighbours().some((n) => !n.direct)) return;
    await connectSomewhere(session, again);
  };
}

/** Runs `fn` under the options' signal and `timeoutMs`: CANCELLED or TIMEOUT otherwise. */
function withDeadline<T>(
  options: GroupSessionOptions,
  session: GroupSessionImpl,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const outer = options.signal;
  const inner = new AbortController();
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (): boolean => {
      if (settled) return false;
      settled = true;
      timer.cancel();
      outer?.removeEventListener('abort', onAbort);
      return true;
    };
    const onAbort = (): void => {
      if (!finish()) return;
      const error = abortError(outer!);
      inner.abort(error);
      reject(error);
    };
    const timer = session.timers.arm(session.timers.nowMs() + timeoutMs, () => {
      if (!finish()) return;
      const error = new PnrpError('TIMEOUT', `the group was not reached within ${timeoutMs} ms`);
      inner.abort(error);
      reject(error);
    });
    if (outer?.aborted) return onAbort();
    outer?.addEventListener('abort', onAbort, { once: true });
    fn(inner.signal).then(
      (v) => {
        if (finish()) resolve(v);
      },
      (e: unknown) => {
        if (finish()) reject(e);
      },
    );
  });
}
