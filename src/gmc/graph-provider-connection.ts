/**
 * @module gmc/graph-provider-connection
 * One graph connection under the grouping provider ([MS-PPGRH] §1.3.4.1, §3.1.5.1, §3.1.5.2,
 * §3.1.7.1; [MS-PPSEC] §1.3.3): the mutual GMC authentication of gmc/auth.ts, then every message
 * sealed with ChaCha20-Poly1305 (@noble/ciphers) under the session's per-direction keys.
 *
 * Theory of operation. The connection's initiator (it sent AUTH_INFO) is the joiner of
 * `GroupAuthSession`, the responder is the member. The initiator's `start` yields HELLO; each
 * side's `receive` feeds one peer unit to the session and returns the units it answers. Every
 * unit is u32 BE total size || auth message (graph/security/units.ts). When the session is
 * authenticated the peer is bound to a peer ID: the authority of its leaf key (hex SHA-1, what
 * records name as creator); if the caller named the remote peer (the dialled ID, or AUTH_INFO's
 * unauthenticated Source Peer ID) that name must denote the same key, else `peer-id-mismatch`
 * (and the joiner's FINISHED is withheld). The reported `peerId` is then the caller's name.
 * A failure's reason is the session's (`chain-foreign-root`, `chain-expired`, `chain-revoked`,
 * `bad-signature`, `bad-finished`, `malformed`, ...) or `bad-unit-size`.
 *
 * Sealing. A sealed unit is u32 BE total size || ciphertext || 16-byte tag, the size prefix as
 * associated data. The nonce is 4 zero bytes || the u64 BE count of units sealed before in that
 * direction (each direction has its own key, so a nonce never repeats under a key; the count
 * stops at 2^53, far past any connection's life). The receiver expects the next count, so a
 * replayed, reordered, dropped-before or altered unit fails authentication (`bad-seal`); a
 * replay of one of the last 16 units opened is recognised by its tag and reported `replayed`.
 * A refused unit does not advance the count. A unit whose size prefix disagrees with its length
 * (truncated in transit) is `bad-unit-size`. After authentication, `receive` still hands a unit to
 * the session, which only honours a REFUSE carrying the peer's HMAC (`refused-by-peer`).
 */
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import type { ConnectionSecurity, SecurityStep } from '../graph/model.js';
import { countReason, type SecurityStats } from '../graph/security/stats.js';
import { UNIT_BYTES_MAX, UNIT_SIZE_BYTES, unwrapUnit, wrapUnit } from '../graph/security/units.js';
import type { CryptoBackend } from '../keys/crypto-backend.js';
import type { WallClock } from '../sans-io.js';
import { equalBytes } from '../util/bytes.js';
import type { Rng } from '../util/rng.js';
import { type AuthenticatedPeer, GroupAuthSession } from './auth.js';
import type { CertificateCache, RevokedCertificates } from './chain.js';
import { namesAuthority } from './graph-provider-record.js';
import type { GmcCredential } from './issue.js';

const TAG_BYTES = 16;
const RECENT_TAGS = 16;
const NO_UNITS: readonly Uint8Array[] = Object.freeze([]) as readonly Uint8Array[];

/** What every connection of one provider shares. */
export interface GroupConnectionContext {
  readonly credential: GmcCredential;
  readonly root: Uint8Array;
  readonly rng: Rng;
  readonly wallClock: WallClock;
  readonly crypto: CryptoBackend;
  readonly cache: CertificateCache;
  readonly revoked: RevokedCertificates | undefined;
  readonly stats: SecurityStats;
}

/** A grouping connection: the graph contract, plus who the peer proved to be. */
export interface GroupConnectionSecurity extends ConnectionSecurity {
  /** The peer's verified key, authority, roles and chain, once authenticated. */
  readonly peer: AuthenticatedPeer | undefined;
  /** Where the handshake stands. */
  readonly state: SecurityStep['state'];
}

function nonceOf(sequence: number): Uint8Array {
  const nonce = new Uint8Array(12);
  const view = new DataView(nonce.buffer);
  view.setUint32(4, Math.floor(sequence / 0x1_0000_0000));
  view.setUint32(8, sequence >>> 0);
  return nonce;
}

/**
 * Creates one connection's security (see the module header); the provider calls it.
 * @example const conn = groupConnection(context, 'initiator', bobPeerId); conn.start(nowMs);
 */
export function groupConnection(
  context: GroupConnectionContext,
  role: 'initiator' | 'responder',
  remotePeerId: string | undefined,
): GroupConnectionSecurity {
  return new GroupConnection(context, role, remotePeerId);
}

class GroupConnection implements GroupConnectionSecurity {
  private stateValue: SecurityStep['state'] = 'pending';
  private reason: string | undefined;
  private started = false;
  private peerValue: AuthenticatedPeer | undefined;
  private peerIdValue: string | undefined;
  private sendKey: Uint8Array | undefined;
  private receiveKey: Uint8Array | undefined;
  private sendSequence = 0;
  private receiveSequence = 0;
  private readonly recentTags: Uint8Array[] = [];
  private readonly session: GroupAuthSession;

  constructor(
    private readonly context: GroupConnectionContext,
    private readonly role: 'initiator' | 'responder',
    private readonly remotePeerId: string | undefined,
  ) {
    if (role !== 'initiator' && role !== 'responder')
      throw new TypeError('role must be initiator or responder');
    this.session = new GroupAuthSession({
      side: role === 'initiator' ? 'joiner' : 'member',
      credential: context.credential,
      root: context.root,
      rng: context.rng,
      crypto: context.crypto,
      cache: context.cache,
      ...(context.revoked ? { revoked: context.revoked } : {}),
    });
  }

  get state(): SecurityStep['state'] {
    return this.stateValue;
  }

  get peer(): AuthenticatedPeer | undefined {
    return this.peerValue;
  }

  get peerId(): string | undefined {
    return this.peerIdValue;
  }

  start(_nowMs: number): SecurityStep {
    if (this.role === 'initiator' && !this.started && this.stateValue === 'pending') {
      this.started = true;
      this.session.start(this.context.wallClock.nowMs());
      return this.drain();
    }
    return this.step(NO_UNITS);
  }

  receive(_nowMs: number, unit: Uint8Array): SecurityStep {
    if (this.stateValue === 'failed') return this.step(NO_UNITS);
    const r = unit instanceof Uint8Array ? unwrapUnit(unit) : undefined;
    if (!r?.ok) {
      if (this.stateValue === 'authenticated') {
        countReason(this.context.stats.units.refused, 'bad-unit-size');
        return this.step(NO_UNITS);
      }
      return this.fail('bad-unit-size', NO_UNITS);
    }
    this.session.handleMessage(this.context.wallClock.nowMs(), r.body);
    return this.drain();
  }

  seal(message: Uint8Array): Uint8Array {
    if (!(message instanceof Uint8Array)) throw new TypeError('message must be a Uint8Array');
    if (this.stateValue !== 'authenticated' || !this.sendKey)
      throw new RangeError('seal() before the connection is authenticated');
    const size = UNIT_SIZE_BYTES + message.length + TAG_BYTES;
    if (size > UNIT_BYTES_MAX) throw new RangeError('message too large for one unit');
    if (!Number.isSafeInteger(this.sendSequence + 1))
      throw new RangeError('sequence numbers exhausted: reconnect');
    const unit = new Uint8Array(size);
    new DataView(unit.buffer).setUint32(0, size);
    const aad = unit.slice(0, UNIT_SIZE_BYTES);
    const sealed = chacha20poly1305(this.sendKey, nonceOf(this.sendSequence++), aad).encrypt(
      message,
    );
    unit.set(sealed, UNIT_SIZE_BYTES);
    this.context.stats.units.sealed++;
    return unit;
  }

  open(unit: Uint8Array): { ok: true; message: Uint8Array } | { ok: false; reason: string } {
    if (this.stateValue !== 'authenticated' || !this.receiveKey)
      return this.refuse('not-authenticated');
    const r = unit instanceof Uint8Array ? unwrapUnit(unit) : undefined;
    if (!r?.ok) return this.refuse('bad-unit-size');
    if (r.body.length < TAG_BYTES) return this.refuse('bad-seal');
    const tag = r.body.subarray(r.body.length - TAG_BYTES);
    if (this.recentTags.some((t) => equalBytes(t, tag))) return this.refuse('replayed');
    let message: Uint8Array;
    try {
      const aad = unit.slice(0, UNIT_SIZE_BYTES);
      message = chacha20poly1305(this.receiveKey, nonceOf(this.receiveSequence), aad).decrypt(
        r.body,
      );
    } catch {
      return this.refuse('bad-seal');
    }
    this.receiveSequence++;
    this.recentTags.push(tag.slice());
    if (this.recentTags.length > RECENT_TAGS) this.recentTags.shift();
    this.context.stats.units.opened++;
    return { ok: true, message };
  }

  private refuse(reason: string): { ok: false; reason: string } {
    countReason(this.context.stats.units.refused, reason);
    return { ok: false, reason };
  }

  /** Turns what the session asked for into a step. */
  private drain(): SecurityStep {
    const send: Uint8Array[] = [];
    for (let out = this.session.poll(); out.type !== 'idle'; out = this.session.poll()) {
      if (out.type === 'send') send.push(wrapUnit(out.payload));
      else if (out.type === 'failed') return this.fail(out.reason, send);
      else if (out.type === 'authenticated') {
        const { identity, keys } = out;
        if (
          this.remotePeerId !== undefined &&
          !namesAuthority(this.remotePeerId, identity.authority)
        )
          return this.fail('peer-id-mismatch', NO_UNITS);
        this.peerValue = identity;
        this.peerIdValue = this.remotePeerId ?? identity.authority;
        this.sendKey = keys.sendKey;
        this.receiveKey = keys.receiveKey;
        this.stateValue = 'authenticated';
        this.context.stats.handshakes.ok++;
      }
    }
    return this.step(send);
  }

  private fail(reason: string, send: readonly Uint8Array[]): SecurityStep {
    if (this.stateValue !== 'failed') {
      this.stateValue = 'failed';
      this.reason = reason;
      this.peerValue = undefined;
      this.peerIdValue = undefined;
      this.sendKey = undefined;
      this.receiveKey = undefined;
      countReason(this.context.stats.handshakes.failed, reason);
    }
    return this.step(send);
  }

  private step(send: readonly Uint8Array[]): SecurityStep {
    return this.stateValue === 'failed'
      ? { send, state: 'failed', reason: this.reason! }
      : { send, state: this.stateValue };
  }
}
