/**
 * @module sim/adversaries
 * Attackers for the simulator (issue 10, Build 6): an {@link Interceptor} around a real DrtNode
 * or PnrpNode that rewrites or swallows its MS-PNRP traffic ([MS-PNRP] §2.2, real encode and
 * decode), colluding through a shared {@link Colluders} set. Until `colluders.armed` the wrapped
 * node is honest, so attackers join, register and are cached like anyone. Armed:
 * - `forged-referral`: every LOOKUP gets an AUTHORITY whose route entry carries the target's own
 *   ID at an attacker's address (a live colluder not in the flagged path, or itself); an
 *   INQUIRE about an ID it does not own gets an AUTHORITY without a proof.
 * - `hijack`: the same referrals, and an INQUIRE about an ID it does not own gets a forged proof
 *   (`forgeProof`: its own provider's record for the target, or its own CPA): accepted only
 *   where proofs authenticate nothing (the null provider, by design).
 * - `drop`: every LOOKUP and INQUIRE it receives is swallowed (a black hole that stays cached).
 * - `eclipse`: every LOOKUP is referred to the live colluder whose real ID is nearest the target;
 *   a SOLICIT gets an ADVERTISE of the colluders nearest the solicitor, and the REQUEST that
 *   follows gets FLOODs of their route entries; every route-entry FLOOD the node sends names a
 *   colluder instead. The victims' checks pass (each colluder proves its own ID), so their caches
 *   and leaf sets fill with attackers.
 * INQUIREs about the attacker's own IDs always reach the real node, which answers honestly.
 * Replies echo the request's protocol version; message IDs come from the attacker's seeded Rng.
 */
import { type Endpoint, endpointKey } from '../keys/endpoint.js';
import type { Key } from '../keys/key256.js';
import { equalBytes } from '../util/bytes.js';
import type { Rng } from '../util/rng.js';
import { decodeMessage, encodeDatagrams } from '../wire/index.js';
import type {
  AuthorityBuffer,
  InquireMessage,
  LookupMessage,
  Message,
  RequestMessage,
  RouteEntry,
  SolicitMessage,
} from '../wire/types.js';
import type { Colluders } from './colluders.js';
import { type InterceptOutbox, type Interceptor, interceptNode } from './intercept.js';

/**
 * The attacks `pnrp sim --attack` knows.
 * @example ATTACK_KINDS.includes('eclipse') // true
 */
export const ATTACK_KINDS = ['forged-referral', 'hijack', 'drop', 'eclipse'] as const;
/** One of {@link ATTACK_KINDS}. */
export type AttackKind = (typeof ATTACK_KINDS)[number];

/** IDs an eclipse attacker advertises per SOLICIT ([MS-PNRP] §3.2.5.3 allows five). */
const ECLIPSE_ADVERTISE_IDS = 5;
/** Open SOLICIT conversations an eclipse attacker remembers (oldest forgotten first). */
const CONVERSATIONS_MAX = 256;

/**
 * How one attacker behaves.
 * @example plantAdversary(node, { kind: 'drop', colluders, endpoint: ctx.endpoint, rng, ownKeys: () => node.localKeys() })
 */
export interface AdversaryOptions {
  readonly kind: AttackKind;
  readonly colluders: Colluders;
  /** The attacker's own endpoint. */
  readonly endpoint: Endpoint;
  /** The attacker's stream (message IDs, choice of colluder). */
  readonly rng: Rng;
  /** The IDs the attacker really owns (answered honestly by the real node). */
  readonly ownKeys: () => readonly Key[];
  /**
   * `hijack`: the forged VALIDATE_CPA for an INQUIRE about `target` with `nonce`.
   * @default no proof (like `forged-referral`)
   */
  readonly forgeProof?: (target: Key, nonce: Uint8Array) => Uint8Array | undefined;
}

/**
 * Wraps `node` as a colluding attacker and enrolls it in `options.colluders`.
 * @example const evil = plantAdversary(new DrtNode(o), { kind: 'eclipse', colluders, ... });
 */
export function plantAdversary<N extends Parameters<typeof interceptNode>[0]>(
  node: N,
  options: AdversaryOptions,
): N {
  options.colluders.enroll(options.endpoint, options.ownKeys);
  return interceptNode(node, adversaryInterceptor(options));
}

/**
 * The interceptor of one attacker (see the module header).
 * @example interceptNode(node, adversaryInterceptor(options))
 */
export function adversaryInterceptor(options: AdversaryOptions): Interceptor {
  if (!(ATTACK_KINDS as readonly string[]).includes(options.kind)) {
    throw new RangeError(`attack must be one of ${ATTACK_KINDS.join(', ')}`);
  }
  const { kind, colluders, rng } = options;
  const self = endpointKey(options.endpoint);
  const c = colluders.counters;
  /** Eclipse: SOLICIT conversations by solicitor endpoint, what was advertised to it. */
  const conversations = new Map<string, readonly RouteEntry[]>();

  const reply = (out: InterceptOutbox, to: Endpoint, message: Message): void => {
    for (const payload of encodeDatagrams(message)) out.send(to, payload);
  };
  const owns = (id: Key): boolean => options.ownKeys().some((k) => equalBytes(k, id));
  const authority = (
    out: InterceptOutbox,
    to: Endpoint,
    msg: LookupMessage | InquireMessage,
    buffer: Omit<AuthorityBuffer, 'flags'>,
  ): void =>
    reply(out, to, {
      type: 'authority',
      messageId: rng.nextU32(),
      version: msg.version,
      ackedMessageId: msg.messageId,
      // Attackers never admit that the Validate ID is not theirs.
      buffer: { flags: { suspicious: false, busy: false, notRegistered: false }, ...buffer },
    });

  const onLookup = (out: InterceptOutbox, from: Endpoint, msg: LookupMessage): void => {
    const flagged = new Set(msg.flaggedPath.map(endpointKey));
    flagged.add(endpointKey(from));
    if (kind === 'eclipse') {
      const skip = (e: RouteEntry): boolean =>
        flagged.has(endpointKey({ address: e.addresses[0]!, port: e.port }));
      const next = colluders.nearest(msg.target, 1, skip)[0];
      c.lookupsReferred++;
      authority(out, from, msg, next ? { routeEntry: next } : {});
      return;
    }
    const candidates = colluders.liveEndpoints().filter((ep) => !flagged.has(endpointKey(ep)));
    const at =
      candidates.length > 0 ? candidates[rng.nextInt(candidates.length)]! : options.endpoint;
    c.lookupsForged++;
    authority(out, from, msg, {
      routeEntry: { id: msg.target.slice(), port: at.port, addresses: [at.address] },
    });
  };

  const onInquire = (out: InterceptOutbox, from: Endpoint, msg: InquireMessage): void => {
    const proof =
      kind === 'hijack' && msg.flags.wantCpa
        ? options.forgeProof?.(msg.validateId, msg.nonce ?? new Uint8Array(16))
        : undefined;
    if (proof) c.proofsForged++;
    else c.inquiresRefused++;
    authority(out, from, msg, proof ? { validateCpa: proof } : {});
  };

  const onSolicit = (out: InterceptOutbox, from: Endpoint, msg: SolicitMessage): void => {
    const around = msg.routeEntry?.id ?? rng.bytes(32);
    const fromKey = endpointKey(from);
    const ids = colluders.nearest(around, ECLIPSE_ADVERTISE_IDS, (e) => {
      const k = endpointKey({ address: e.addresses[0]!, port: e.port });
      return k === fromKey;
    });
    if (conversations.size >= CONVERSATIONS_MAX) {
      conversations.delete(conversations.keys().next().value as string);
    }
    conversations.delete(fromKey);
    conversations.set(fromKey, ids);
    c.advertises++;
    reply(out, from, {
      type: 'advertise',
      messageId: rng.nextU32(),
      version: msg.version,
      ackedMessageId: msg.messageId,
      ids: ids.map((e) => e.id),
      hashedNonce: msg.hashedNonce,
    });
  };

  const onRequest = (out: InterceptOutbox, from: Endpoint, msg: RequestMessage): boolean => {
    const advertised = conversations.get(endpointKey(from));
    if (advertised === undefined) return true;
    conversations.delete(endpointKey(from));
    reply(out, from, {
      type: 'ack',
      messageId: rng.nextU32(),
      version: msg.version,
      ackedMessageId: msg.messageId,
      notRegistered: false,
    });
    for (const id of msg.ids) {
      const entry = advertised.find((e) => equalBytes(e.id, id));
      if (!entry) continue;
      c.floodsPoisoned++;
      reply(out, from, {
        type: 'flood',
        messageId: rng.nextU32(),
        version: msg.version,
        dontAck: true,
        validateId: new Uint8Array(32),
        routeEntry: entry,
        alreadyFlooded: [],
      });
    }
    return false;
  };

  return {
    onReceive(_nowMs, from, payload, out) {
      if (!colluders.armed) return true;
      const decoded = decodeMessage(payload);
      if (!decoded.ok) return true;
      const msg = decoded.value;
      if (msg.type === 'lookup') {
        if (kind === 'drop') {
          c.dropped++;
          return false;
        }
        onLookup(out, from, msg);
        return false;
      }
      if (msg.type === 'inquire') {
        if (kind === 'drop') {
          c.dropped++;
          return false;
        }
        if (kind === 'eclipse' || owns(msg.validateId)) return true;
        onInquire(out, from, msg);
        return false;
      }
      if (kind !== 'eclipse') return true;
      if (msg.type === 'solicit') {
        onSolicit(out, from, msg);
        return false;
      }
      if (msg.type === 'request') return onRequest(out, from, msg);
      return true;
    },
    onTransmit(_nowMs, to, payload) {
      if (!colluders.armed || kind !== 'eclipse') return [payload];
      const decoded = decodeMessage(payload);
      if (!decoded.ok) return [payload];
      const msg = decoded.value;
      if (msg.type !== 'flood' || msg.routeEntry === undefined || msg.revokeCpa !== undefined) {
        return [payload];
      }
      const toKey = endpointKey(to);
      const entry = colluders.nearest(msg.routeEntry.id, 1, (e) => {
        const k = endpointKey({ address: e.addresses[0]!, port: e.port });
        return k === toKey;
      })[0];
      if (entry === undefined) return [payload];
      if (endpointKey({ address: entry.addresses[0]!, port: entry.port }) !== self) {
        c.floodsPoisoned++;
      }
      return encodeDatagrams({ ...msg, routeEntry: entry });
    },
  };
}
