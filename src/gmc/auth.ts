/**
 * @module gmc/auth
 * Mutual authentication of a joiner and a group member, sans-I/O over any message channel: the
 * GMC exchange of [MS-PPSEC] §3.1.5 Group Connect, without TLS. It ends in a session key both
 * sides derived from an ephemeral X25519 agreement bound to the whole transcript (gmc/auth-keys).
 *
 * Theory of operation. Five messages. The joiner sends HELLO (its nonce and X25519 key share);
 * the member answers CHALLENGE (its nonce and key share); the joiner sends PRESENT (its GMC chain
 * and an Ed25519 signature over the label "joiner" and the transcript hash of HELLO, CHALLENGE and
 * this PRESENT up to the signature); the member validates the chain against the group root and
 * the signature against the chain's last key, then answers PRESENT (its chain, signed likewise
 * under the label "member" over a transcript that includes the joiner's PRESENT). The joiner
 * validates it, derives the keys from the shared secret salted with the hash of all four messages,
 * sends FINISHED (an HMAC over that hash under a joiner key) and is `authenticated`; the member
 * checks FINISHED and is `authenticated`. So:
 * - a relay that forwards everything unchanged learns no key (it holds no ephemeral secret), and
 *   one that replaces a key share, a nonce or a chain breaks a signature or FINISHED;
 * - the chain is inside what its holder signs, so a valid chain of the same key cannot be swapped
 *   in (it would change the roles the peer reports);
 * - role labels keep a joiner's signature from verifying as a member's, and a peer whose leaf key
 *   or key share is our own is refused (`reflected`): a node cannot authenticate itself;
 * - FINISHED confirms to the member that the joiner derived the same key from the same transcript
 *   (no unknown-key share), and once `authenticated` a REFUSE counts only with an HMAC under the
 *   sender's refuse key; unauthenticated ones are dropped and counted.
 * Before authentication, malformed or unexpected bytes end the session with a reason (an
 * attacker on the path can always stop a handshake by dropping it). Nonces and ephemeral secrets
 * come from the injected `Rng`, time from the caller. Local misuse throws.
 *
 * Wire: gmc/auth-codec.ts. Departure from version 1 (issue 6): nonces grow from 16 to 32 bytes,
 * HELLO and CHALLENGE carry key shares, signatures cover the transcript instead of the bare
 * nonces, REFUSE may carry an HMAC, FINISHED is new, and the member is authenticated only after
 * FINISHED. [MS-PPSEC] fixes no format here (its Group Connect messages travel inside TLS, which
 * binds them to a channel the way this handshake now does), so nothing interoperable changes.
 */
import { type CryptoBackend, nobleCrypto } from '../keys/crypto-backend.js';
import { authorityOf } from '../keys/identity.js';
import { decodeWith } from '../util/byte-reader.js';
import { ByteWriter } from '../util/byte-writer.js';
import { concatBytes, equalBytes, utf8Encode } from '../util/bytes.js';
import { err, type Result } from '../util/result.js';
import type { Rng } from '../util/rng.js';
import {
  AUTH_LIMITS,
  AUTH_MSG,
  AUTH_VERSION,
  type DecodedAuthMessage as Decoded,
  decodeAuthMessage,
  frame,
} from './auth-codec.js';
import {
  AUTH_SIZES,
  type AuthRole,
  handshakeMac,
  type KeySchedule,
  keySchedule,
  keyShareOf,
  macEqual,
  type SessionKeys,
  sessionKeys,
  sharedSecret,
  signedInput,
  transcriptHash,
} from './auth-keys.js';
import {
  type CertificateCache,
  type ChainVerdict,
  type RevokedCertificates,
  validateChain,
} from './chain.js';
import { GMC_LIMITS, type GmcRole } from './constants.js';
import type { GmcCredential } from './issue.js';

export { AUTH_LIMITS, AUTH_MSG, AUTH_VERSION } from './auth-codec.js';
export { AUTH_SIZES, type AuthRole, type SessionKeys } from './auth-keys.js';

const NO_BYTES = new Uint8Array(0);

/** Where a session stands. */
export type AuthState =
  | 'idle'
  | 'awaiting-challenge'
  | 'awaiting-hello'
  | 'awaiting-proof'
  | 'awaiting-member'
  | 'awaiting-finished'
  | 'authenticated'
  | 'failed';

/** Who the other side proved to be. */
export interface AuthenticatedPeer {
  /** The raw Ed25519 key of the peer's last certificate, which signed the transcript. */
  readonly publicKey: Uint8Array;
  /** Its secured authority (hex SHA-1 of the key). */
  readonly authority: string;
  /** The group peer name its chain carries. */
  readonly groupPeerName: string;
  /** Its verified roles (those of its chain's last certificate). */
  readonly roles: readonly GmcRole[];
  /** The chain it presented (root first), covered by its signature. */
  readonly chain: readonly Uint8Array[];
}

/** What a session asks its caller to do. */
export type AuthOutput =
  | { readonly type: 'send'; readonly payload: Uint8Array }
  | {
      readonly type: 'authenticated';
      readonly peer: Extract<ChainVerdict, { ok: true }>;
      readonly identity: AuthenticatedPeer;
      readonly keys: SessionKeys;
    }
  | { readonly type: 'failed'; readonly reason: string; readonly detail: string }
  | { readonly type: 'idle' };

/** Options of {@link GroupAuthSession}. */
export interface GroupAuthOptions {
  readonly side: AuthRole;
  /** This side's key pair and GMC chain. */
  readonly credential: GmcCredential;
  /** The group's DER GRC (or its raw 32-byte key): the other side must chain to it. */
  readonly root: Uint8Array;
  readonly rng: Rng;
  /** The key the peer must hold (e.g. the one its resolved CPA named). @default any */
  readonly peerPublicKey?: Uint8Array;
  /** The group peer name the peer's chain must carry. @default any (the root pins the group) */
  readonly peerName?: string;
  readonly crypto?: CryptoBackend;
  readonly cache?: CertificateCache;
  /** Revoked certificates (e.g. a `RevocationList`); a peer whose chain holds one is refused. */
  readonly revoked?: RevokedCertificates;
}

/**
 * One side of a mutual authentication.
 * @example
 * const joiner = new GroupAuthSession({ side: 'joiner', credential, root, rng });
 * joiner.start(nowWallMs);
 * for (let out = joiner.poll(); out.type !== 'idle'; out = joiner.poll()) if (out.type === 'send') channel.send(out.payload);
 */
export class GroupAuthSession {
  /** Messages dropped without effect, by reason (e.g. an unauthenticated REFUSE). */
  readonly dropped: Record<string, number> = {};
  private stateValue: AuthState = 'idle';
  private readonly options: GroupAuthOptions;
  private readonly crypto: CryptoBackend;
  private readonly outbox: AuthOutput[] = [];
  /** Handshake messages as sent, in order: HELLO, CHALLENGE, joiner PRESENT, member PRESENT. */
  private readonly transcript: Uint8Array[] = [];
  private ephemeralSecret: Uint8Array | undefined;
  private ephemeralShare: Uint8Array | undefined;
  private dh: Uint8Array | undefined;
  private schedule: KeySchedule | undefined;
  private pendingPeer: Extract<ChainVerdict, { ok: true }> | undefined;
  private pendingChain: readonly Uint8Array[] = [];
  private peerVerdict: Extract<ChainVerdict, { ok: true }> | undefined;
  private keysValue: SessionKeys | undefined;

  constructor(options: GroupAuthOptions) {
    if (options.side !== 'joiner' && options.side !== 'member')
      throw new TypeError('side must be joiner or member');
    const { chain, identity } = options.credential;
    if (chain.length === 0 || chain.length > GMC_LIMITS.chainCertificatesMax) {
      throw new RangeError(
        `a credential chain holds 1..${GMC_LIMITS.chainCertificatesMax} certificates`,
      );
    }
    if (chain.some((c) => c.length > AUTH_LIMITS.certificateBytesMax))
      throw new RangeError(`a certificate is at most ${AUTH_LIMITS.certificateBytesMax} bytes`);
    if (!(identity.secretKey instanceof Uint8Array) || identity.secretKey.length !== 32)
      throw new TypeError('credential.identity needs a 32-byte secretKey');
    if (!(options.root instanceof Uint8Array)) throw new TypeError('root must be a Uint8Array');
    if (options.peerPublicKey !== undefined && options.peerPublicKey.length !== 32)
      throw new RangeError('peerPublicKey must be a 32-byte Ed25519 key');
    this.options = options;
    this.crypto = options.crypto ?? nobleCrypto;
    if (options.side === 'member') this.stateValue = 'awaiting-hello';
  }

  /** Current state. */
  get state(): AuthState {
    return this.stateValue;
  }

  /** The other side's validated chain, once authenticated. */
  get peer(): Extract<ChainVerdict, { ok: true }> | undefined {
    return this.peerVerdict;
  }

  /** The session keys, once authenticated. */
  get keys(): SessionKeys | undefined {
    return this.keysValue;
  }

  /** Joiner only: sends HELLO. */
  start(_nowWallMs: number): void {
    if (this.options.side !== 'joiner' || this.stateValue !== 'idle') {
      throw new RangeError('start() is for a joiner that has not started');
    }
    const hello = frame(AUTH_MSG.hello, this.options.rng.bytes(AUTH_SIZES.nonce), this.newShare());
    this.transcript.push(hello);
    this.send(hello);
    this.stateValue = 'awaiting-challenge';
  }

  /** The next output; `{ type: 'idle' }` when there is nothing more to do. */
  poll(): AuthOutput {
    return this.outbox.shift() ?? { type: 'idle' };
  }

  /**
   * Feeds one payload received from the other side. Ignored once failed; once authenticated only
   * a REFUSE carrying the peer's HMAC still counts, anything else is dropped and counted.
   */
  handleMessage(nowWallMs: number, payload: Uint8Array): void {
    if (typeof nowWallMs !== 'number' || !Number.isFinite(nowWallMs))
      throw new RangeError('nowWallMs must be a finite number');
    if (!(payload instanceof Uint8Array)) throw new TypeError('payload must be a Uint8Array');
    if (this.stateValue === 'failed') return this.drop('after-failure');
    const decoded: Result<Decoded> =
      payload.length > AUTH_LIMITS.messageBytesMax
        ? err('limit', `a message of ${payload.length} bytes`)
        : decodeWith(() => decodeAuthMessage(payload));
    if (this.stateValue === 'authenticated') return this.afterAuthentication(decoded);
    if (!decoded.ok) return this.fail('malformed', decoded.error.detail, true);
    const m = decoded.value;
    if (m.type === AUTH_MSG.refuse) return this.fail('refused-by-peer', m.reason, false);
    const joiner = this.options.side === 'joiner';
    if (!joiner && this.stateValue === 'awaiting-hello' && m.type === AUTH_MSG.hello) {
      this.newShare();
      this.dh = sharedSecret(this.ephemeralSecret!, m.share);
      if (!this.dh) return this.fail('bad-key-share', 'the joiner key share is invalid', true);
      const challenge = frame(
        AUTH_MSG.challenge,
        this.options.rng.bytes(AUTH_SIZES.nonce),
        this.ephemeralShare!,
      );
      this.transcript.push(payload, challenge);
      this.send(challenge);
      this.stateValue = 'awaiting-proof';
    } else if (
      joiner &&
      this.stateValue === 'awaiting-challenge' &&
      m.type === AUTH_MSG.challenge
    ) {
      const hello = this.transcript[0]!;
      if (equalBytes(m.share, this.ephemeralShare!) || equalBytes(m.nonce, hello.subarray(2, 34)))
        return this.fail('reflected', 'the challenge repeats our own hello', true);
      this.dh = sharedSecret(this.ephemeralSecret!, m.share);
      if (!this.dh) return this.fail('bad-key-share', 'the member key share is invalid', true);
      this.transcript.push(payload);
      const present = this.present('joiner');
      this.transcript.push(present);
      this.send(present);
      this.stateValue = 'awaiting-member';
    } else if (
      m.type === AUTH_MSG.present &&
      (this.stateValue === 'awaiting-proof' || this.stateValue === 'awaiting-member')
    ) {
      this.handlePresent(nowWallMs, payload, m);
    } else if (m.type === AUTH_MSG.finished && this.stateValue === 'awaiting-finished') {
      const expected = handshakeMac(this.schedule!, 'joiner', 'finished', NO_BYTES);
      if (!macEqual(m.mac, expected))
        return this.fail('bad-finished', 'the joiner did not derive our key', true);
      this.authenticate(this.pendingPeer!, this.pendingChain);
    } else {
      this.fail('unexpected-message', `message type ${m.type} in state ${this.stateValue}`, true);
    }
  }

  private handlePresent(
    nowWallMs: number,
    payload: Uint8Array,
    m: Extract<Decoded, { type: 3 }>,
  ): void {
    const peerRole: AuthRole = this.options.side === 'member' ? 'joiner' : 'member';
    const verdict = validateChain(m.chain, {
      nowWallMs,
      root: this.options.root,
      crypto: this.crypto,
      ...(this.options.cache ? { cache: this.options.cache } : {}),
      ...(this.options.peerPublicKey ? { publicKey: this.options.peerPublicKey } : {}),
      ...(this.options.peerName !== undefined ? { peerName: this.options.peerName } : {}),
      ...(this.options.revoked ? { revoked: this.options.revoked } : {}),
    });
    if (!verdict.ok) return this.fail(`chain-${verdict.reason}`, verdict.detail, true);
    if (equalBytes(verdict.leaf.publicKey, this.options.credential.identity.publicKey))
      return this.fail('reflected', 'the peer holds our own key', true);
    const signed = signedInput(peerRole, transcriptHash([...this.transcript, m.unsigned]));
    if (!this.crypto.ed25519Verify(m.signature, signed, verdict.leaf.publicKey)) {
      return this.fail('bad-signature', 'the proof of possession does not verify', true);
    }
    this.transcript.push(payload);
    if (this.options.side === 'member') {
      const present = this.present('member');
      this.transcript.push(present);
      this.send(present);
      this.schedule = keySchedule(this.dh!, transcriptHash(this.transcript));
      this.pendingPeer = verdict;
      this.pendingChain = m.chain;
      this.stateValue = 'awaiting-finished';
      return;
    }
    this.schedule = keySchedule(this.dh!, transcriptHash(this.transcript));
    this.send(
      frame(AUTH_MSG.finished, handshakeMac(this.schedule, 'joiner', 'finished', NO_BYTES)),
    );
    this.authenticate(verdict, m.chain);
  }

  private afterAuthentication(decoded: Result<Decoded>): void {
    if (!decoded.ok) return this.drop('malformed-after-authentication');
    const m = decoded.value;
    if (m.type !== AUTH_MSG.refuse) return this.drop('after-authentication');
    const peerRole: AuthRole = this.options.side === 'member' ? 'joiner' : 'member';
    const expected = handshakeMac(this.schedule!, peerRole, 'refuse', m.reasonBytes);
    if (m.mac === undefined || !macEqual(m.mac, expected))
      return this.drop('unauthenticated-refuse');
    this.peerVerdict = undefined;
    this.keysValue = undefined;
    this.fail('refused-by-peer', m.reason, false);
  }

  private authenticate(verdict: Extract<ChainVerdict, { ok: true }>, chain: readonly Uint8Array[]) {
    this.peerVerdict = verdict;
    this.keysValue = sessionKeys(this.schedule!, this.options.side);
    this.stateValue = 'authenticated';
    this.ephemeralSecret = undefined;
    this.outbox.push({
      type: 'authenticated',
      peer: verdict,
      identity: {
        publicKey: verdict.leaf.publicKey,
        authority: authorityOf(verdict.leaf.publicKey, this.crypto),
        groupPeerName: verdict.peerName,
        roles: verdict.roles,
        chain,
      },
      keys: this.keysValue,
    });
  }

  private newShare(): Uint8Array {
    this.ephemeralSecret = this.options.rng.bytes(AUTH_SIZES.keyShare);
    this.ephemeralShare = keyShareOf(this.ephemeralSecret);
    return this.ephemeralShare;
  }

  private send(payload: Uint8Array): void {
    this.outbox.push({ type: 'send', payload });
  }

  private drop(reason: string): void {
    this.dropped[reason] = (this.dropped[reason] ?? 0) + 1;
  }

  /** This side's PRESENT: its chain, signed with its role label over the transcript so far. */
  private present(role: AuthRole): Uint8Array {
    const { chain, identity } = this.options.credential;
    const w = new ByteWriter(8 + chain.reduce((n, c) => n + c.length + 2, 0));
    w.u8(AUTH_MSG.present).u8(AUTH_VERSION).u8(chain.length);
    for (const cert of chain) w.u16be(cert.length).bytes(cert);
    const unsigned = w.finish();
    const th = transcriptHash([...this.transcript, unsigned]);
    return concatBytes(
      unsigned,
      this.crypto.ed25519Sign(signedInput(role, th), identity.secretKey),
    );
  }

  private fail(reason: string, detail: string, tellPeer: boolean): void {
    if (tellPeer) {
      const text = utf8Encode(reason).subarray(0, 255);
      const mac = this.schedule
        ? handshakeMac(this.schedule, this.options.side, 'refuse', text)
        : NO_BYTES;
      this.send(frame(AUTH_MSG.refuse, new Uint8Array([text.length]), text, mac));
    }
    this.stateValue = 'failed';
    this.ephemeralSecret = undefined;
    this.outbox.push({ type: 'failed', reason, detail });
  }
}
