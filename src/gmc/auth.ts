/**
 * @module gmc/auth
 * Mutual authentication of a joiner and a group member, sans-I/O over any message channel (the
 * GMC exchange of [MS-PPSEC] Group Connect, without TLS: possession of the key is proven by
 * signatures over both sides' nonces instead of the TLS handshake).
 *
 * Theory of operation. Four messages: the joiner sends HELLO (its nonce); the member answers
 * CHALLENGE (its nonce); the joiner sends PRESENT (its GMC chain and an Ed25519 signature over a
 * joiner label and both nonces); the member validates the chain against the group root and the
 * signature against the chain's last key, then answers PRESENT (its own chain and a signature over
 * a member label and both nonces) and is `authenticated`, or answers REFUSE and has `failed`. The
 * joiner validates the member likewise, and answers REFUSE if it fails, which turns the member's
 * `authenticated` into `failed`. Distinct labels keep one side's signature from being
 * replayed as the other's. Each side calls `handleMessage` per received payload and drains `poll()`
 * until `{ type: 'idle' }`; nonces come from the injected `Rng`, time from the caller. Hostile
 * bytes end the session with a reason; local misuse throws.
 *
 * Wire: type (u8) | version (u8) = 1 | body. HELLO 1 / CHALLENGE 2: nonce (16). PRESENT 3:
 * certificate count (u8) + count x (u16 BE length + DER) | signature (64). REFUSE 4: reason length
 * (u8) + UTF-8 reason.
 */
import { type CryptoBackend, nobleCrypto } from '../keys/crypto-backend.js';
import { ByteReader, decodeWith, fail } from '../util/byte-reader.js';
import { ByteWriter } from '../util/byte-writer.js';
import { concatBytes, utf8Decode, utf8Encode } from '../util/bytes.js';
import type { Rng } from '../util/rng.js';
import { type CertificateCache, type ChainVerdict, validateChain } from './chain.js';
import { GMC_LIMITS } from './constants.js';
import type { GmcCredential } from './issue.js';

const VERSION = 1;
const MSG = { hello: 1, challenge: 2, present: 3, refuse: 4 } as const;
const LABEL_JOINER = utf8Encode('pnrp-gmc-auth/joiner/v1');
const LABEL_MEMBER = utf8Encode('pnrp-gmc-auth/member/v1');

/** Where a session stands. */
export type AuthState =
  | 'idle'
  | 'awaiting-challenge'
  | 'awaiting-hello'
  | 'awaiting-proof'
  | 'awaiting-member'
  | 'authenticated'
  | 'failed';

/** What a session asks its caller to do. */
export type AuthOutput =
  | { readonly type: 'send'; readonly payload: Uint8Array }
  | { readonly type: 'authenticated'; readonly peer: Extract<ChainVerdict, { ok: true }> }
  | { readonly type: 'failed'; readonly reason: string; readonly detail: string }
  | { readonly type: 'idle' };

/** Options of {@link GroupAuthSession}. */
export interface GroupAuthOptions {
  readonly side: 'joiner' | 'member';
  /** This side's key pair and GMC chain. */
  readonly credential: GmcCredential;
  /** The group's DER GRC (or its raw 32-byte key): the other side must chain to it. */
  readonly root: Uint8Array;
  readonly rng: Rng;
  readonly crypto?: CryptoBackend;
  readonly cache?: CertificateCache;
}

function frame(type: number, body: Uint8Array): Uint8Array {
  return concatBytes(new Uint8Array([type, VERSION]), body);
}

/**
 * One side of a mutual authentication.
 * @example
 * const joiner = new GroupAuthSession({ side: 'joiner', credential, root, rng });
 * joiner.start(nowWallMs);
 * for (let out = joiner.poll(); out.type !== 'idle'; out = joiner.poll()) if (out.type === 'send') channel.send(out.payload);
 */
export class GroupAuthSession {
  private stateValue: AuthState = 'idle';
  private readonly options: GroupAuthOptions;
  private readonly crypto: CryptoBackend;
  private readonly outbox: AuthOutput[] = [];
  private nonceJoiner: Uint8Array | undefined;
  private nonceMember: Uint8Array | undefined;
  private peerVerdict: Extract<ChainVerdict, { ok: true }> | undefined;

  constructor(options: GroupAuthOptions) {
    if (options.side !== 'joiner' && options.side !== 'member')
      throw new TypeError('side must be joiner or member');
    const { chain } = options.credential;
    if (chain.length === 0 || chain.length > GMC_LIMITS.chainCertificatesMax) {
      throw new RangeError(
        `a credential chain holds 1..${GMC_LIMITS.chainCertificatesMax} certificates`,
      );
    }
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

  /** Joiner only: sends HELLO. */
  start(_nowWallMs: number): void {
    if (this.options.side !== 'joiner' || this.stateValue !== 'idle') {
      throw new RangeError('start() is for a joiner that has not started');
    }
    this.nonceJoiner = this.options.rng.bytes(16);
    this.outbox.push({ type: 'send', payload: frame(MSG.hello, this.nonceJoiner) });
    this.stateValue = 'awaiting-challenge';
  }

  /** The next output; `{ type: 'idle' }` when there is nothing more to do. */
  poll(): AuthOutput {
    return this.outbox.shift() ?? { type: 'idle' };
  }

  /**
   * Feeds one payload received from the other side. Ignored once failed; once authenticated only
   * a REFUSE still counts (the joiner checks the member after the member has accepted it).
   */
  handleMessage(nowWallMs: number, payload: Uint8Array): void {
    if (this.stateValue === 'failed') return;
    const decoded = decodeWith(() => this.decode(payload));
    if (this.stateValue === 'authenticated') {
      // The member authenticates before the joiner has checked it; a refusal after that still counts.
      if (decoded.ok && decoded.value.type === MSG.refuse) {
        this.peerVerdict = undefined;
        this.fail('refused-by-peer', decoded.value.reason, false);
      }
      return;
    }
    if (!decoded.ok) return this.fail('malformed', decoded.error.detail, true);
    const m = decoded.value;
    if (m.type === MSG.refuse) return this.fail('refused-by-peer', m.reason, false);
    const side = this.options.side;
    if (side === 'member' && this.stateValue === 'awaiting-hello' && m.type === MSG.hello) {
      this.nonceJoiner = m.nonce;
      this.nonceMember = this.options.rng.bytes(16);
      this.outbox.push({ type: 'send', payload: frame(MSG.challenge, this.nonceMember) });
      this.stateValue = 'awaiting-proof';
    } else if (
      side === 'joiner' &&
      this.stateValue === 'awaiting-challenge' &&
      m.type === MSG.challenge
    ) {
      this.nonceMember = m.nonce;
      this.outbox.push({ type: 'send', payload: this.present(LABEL_JOINER) });
      this.stateValue = 'awaiting-member';
    } else if (
      m.type === MSG.present &&
      (this.stateValue === 'awaiting-proof' || this.stateValue === 'awaiting-member')
    ) {
      const label = side === 'member' ? LABEL_JOINER : LABEL_MEMBER;
      const verdict = validateChain(m.chain, {
        nowWallMs,
        root: this.options.root,
        crypto: this.crypto,
        ...(this.options.cache ? { cache: this.options.cache } : {}),
      });
      if (!verdict.ok) return this.fail(`chain-${verdict.reason}`, verdict.detail, true);
      const signed = concatBytes(label, this.nonceJoiner!, this.nonceMember!);
      if (!this.crypto.ed25519Verify(m.signature, signed, verdict.leaf.publicKey)) {
        return this.fail('bad-signature', 'the proof of possession does not verify', true);
      }
      if (side === 'member')
        this.outbox.push({ type: 'send', payload: this.present(LABEL_MEMBER) });
      this.peerVerdict = verdict;
      this.stateValue = 'authenticated';
      this.outbox.push({ type: 'authenticated', peer: verdict });
    } else {
      this.fail('unexpected-message', `message type ${m.type} in state ${this.stateValue}`, true);
    }
  }

  private present(label: Uint8Array): Uint8Array {
    const { chain, identity } = this.options.credential;
    const signature = this.crypto.ed25519Sign(
      concatBytes(label, this.nonceJoiner!, this.nonceMember!),
      identity.secretKey,
    );
    const w = new ByteWriter(128 + chain.reduce((n, c) => n + c.length + 2, 0));
    w.u8(MSG.present).u8(VERSION).u8(chain.length);
    for (const cert of chain) w.u16be(cert.length).bytes(cert);
    return w.bytes(signature).finish();
  }

  private fail(reason: string, detail: string, tellPeer: boolean): void {
    if (tellPeer) {
      const text = utf8Encode(reason).subarray(0, 255);
      this.outbox.push({
        type: 'send',
        payload: frame(MSG.refuse, concatBytes(new Uint8Array([text.length]), text)),
      });
    }
    this.stateValue = 'failed';
    this.outbox.push({ type: 'failed', reason, detail });
  }

  private decode(payload: Uint8Array) {
    const r = new ByteReader(payload);
    const type = r.u8();
    if (r.u8() !== VERSION) fail('version', 'unsupported version');
    let out:
      | { type: 1 | 2; nonce: Uint8Array }
      | { type: 3; chain: Uint8Array[]; signature: Uint8Array }
      | { type: 4; reason: string };
    if (type === MSG.hello || type === MSG.challenge) {
      out = { type, nonce: r.bytes(16) };
    } else if (type === MSG.present) {
      const count = r.u8();
      if (count === 0 || count > GMC_LIMITS.chainCertificatesMax)
        fail('limit', `${count} certificates`);
      const chain: Uint8Array[] = [];
      for (let i = 0; i < count; i++) chain.push(r.bytes(r.u16be()));
      out = { type, chain, signature: r.bytes(64) };
    } else if (type === MSG.refuse) {
      out = { type, reason: utf8Decode(r.bytes(r.u8())) ?? 'unreadable reason' };
    } else {
      return fail('unknown-type', `message type ${type}`);
    }
    if (r.remaining !== 0) fail('trailing-bytes', `${r.remaining} bytes after the message`);
    return out;
  }
}
