/**
 * @module nat/relay-peer
 * What every node answers on the relay format, relay or not (issue 16 Build 3): a PING gets a
 * PONG of the same size (an application-level echo that `pnrp ping` measures with), a KNOCK gets
 * an OPEN sent to the knocking relay's own address at the slot port it names (so a relay can ask
 * a node behind a NAT to open its filter toward a slot, and the echoed nonce proves the node's
 * address to the relay). {@link RelayPeerResponder} does this for the relay and its clients;
 * {@link RelayResponderNode} is the whole relay half of a node that neither relays nor is relayed.
 *
 * No amplification: a PONG is as long as its PING, an OPEN (12 bytes) shorter than a KNOCK (14),
 * an OPEN goes only to the KNOCK's source address at a port above 1024; both rate-limited.
 */
import { type Endpoint, PORT_RESERVED_MAX } from '../keys/endpoint.js';
import { type Output, OutputQueue, type SansIoNode, type Transmit } from '../sans-io.js';
import { TokenBucket } from '../util/token-bucket.js';
import { decodeRelayMessage, encodeRelayMessage, type RelayMessage } from './relay-codec.js';

/** PONGs and OPENs per second a node sends (burst as many). */
export const RELAY_PEER_ANSWERS_PER_SECOND = 100;

/** A PONG that arrived: the answer to a PING this node sent. */
export interface RelayPong {
  readonly type: 'pong';
  readonly from: Endpoint;
  readonly sequence: number;
  readonly bytes: number;
}

/** Counters of a {@link RelayPeerResponder}. */
export interface RelayPeerStats {
  pongsSent: number;
  opensSent: number;
  /** PINGs and KNOCKs left unanswered (rate limit, or a KNOCK naming a port <= 1024). */
  answersRefused: number;
}

/**
 * Answers PING and KNOCK, reports PONG; the other message types are not its business.
 * @example const r = responder.handle(now, from, message, bytes.length); if (r.answer) out.push(r.answer);
 */
export class RelayPeerResponder {
  /** Counters, never reset by reading. */
  readonly stats: RelayPeerStats = { pongsSent: 0, opensSent: 0, answersRefused: 0 };
  private readonly bucket = new TokenBucket({
    ratePerSecond: RELAY_PEER_ANSWERS_PER_SECOND,
    burst: RELAY_PEER_ANSWERS_PER_SECOND,
  });

  /**
   * What `message` (received from `from`) asks for: `answer` to send, `pong` to report, or
   * `handled: false` for a message type this responder does not own.
   */
  handle(
    nowMs: number,
    from: Endpoint,
    message: RelayMessage,
  ): { handled: boolean; answer?: Transmit; pong?: RelayPong } {
    switch (message.type) {
      case 'ping': {
        if (!this.bucket.take(nowMs)) return this.refuse();
        this.stats.pongsSent++;
        const payload = encodeRelayMessage({ ...message, type: 'pong' });
        return { handled: true, answer: { type: 'transmit', to: from, payload } };
      }
      case 'knock': {
        if (message.slotPort <= PORT_RESERVED_MAX || !this.bucket.take(nowMs)) return this.refuse();
        this.stats.opensSent++;
        const to = { address: from.address, port: message.slotPort };
        const payload = encodeRelayMessage({ type: 'open', nonce: message.nonce });
        return { handled: true, answer: { type: 'transmit', to, payload } };
      }
      case 'pong':
        return {
          handled: true,
          pong: { type: 'pong', from, sequence: message.sequence, bytes: message.padding + 8 },
        };
      default:
        return { handled: false };
    }
  }

  private refuse(): { handled: boolean } {
    this.stats.answersRefused++;
    return { handled: true };
  }
}

/** Counters of a {@link RelayResponderNode}. */
export interface RelayResponderStats extends RelayPeerStats {
  /** Datagrams that did not decode or were not PING, PONG or KNOCK. */
  ignored: number;
}

/**
 * The relay half of a plain node: answers PING and KNOCK, emits PONGs as events.
 * @example runNode(new RelayResponderNode(), split.relay, undefined, { onEvent });
 */
export class RelayResponderNode implements SansIoNode<RelayPong> {
  private readonly responder = new RelayPeerResponder();
  private readonly queue = new OutputQueue<RelayPong>();
  /** Counters, never reset by reading. */
  readonly stats: RelayResponderStats = Object.assign(this.responder.stats, { ignored: 0 });

  handleDatagram(nowMs: number, from: Endpoint, payload: Uint8Array): void {
    const decoded = decodeRelayMessage(payload);
    const r = decoded.ok ? this.responder.handle(nowMs, from, decoded.value) : { handled: false };
    if (!r.handled) this.stats.ignored++;
    if (r.answer) this.queue.push(r.answer);
    if (r.pong) this.queue.push({ type: 'event', event: r.pong });
  }

  /** Sends `payload` (a PING, say) to `to` from this half of the socket. */
  send(_nowMs: number, to: Endpoint, payload: Uint8Array): void {
    this.queue.push({ type: 'transmit', to, payload });
  }

  handleTimeout(_nowMs: number): void {}

  poll(): Output<RelayPong> {
    return this.queue.shift() ?? { type: 'timeout', atMs: Number.POSITIVE_INFINITY };
  }
}
