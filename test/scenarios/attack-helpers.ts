/**
 * Test helpers for issue 10's attack scenarios: sim nodes that send crafted datagrams (an
 * attacker at its own address) and the spoofed route entries they carry.
 */
import type { NodeEvent } from '../../src/drt/events.js';
import { nullSecurityProvider } from '../../src/drt/security-provider.js';
import { type Endpoint, parseEndpoint } from '../../src/keys/endpoint.js';
import type { Output, SansIoNode } from '../../src/sans-io.js';
import { decodeMessage, encodeDatagrams } from '../../src/wire/index.js';
import type { Message, RouteEntry } from '../../src/wire/types.js';

export const VERSION = { major: 6, minor: 101 };
export const ATTACKER: Endpoint = parseEndpoint('[2001:db8:bad::1]:4444');

/**
 * A sim node that only sends what the test tells it to (an attacker with its own address). Like
 * any node at a real address it proves that address when challenged (address-proof.ts): an ACK or
 * a B-flag AUTHORITY answering one of its messages under a new message ID (the cookie) makes it
 * send that message again with the cookie as its message ID, once.
 */
export class Injector<E = NodeEvent> implements SansIoNode<E> {
  private readonly out: Output<E>[] = [];
  private readonly sent = new Map<number, { to: Endpoint; message: Message }>();
  private nextId = 1;
  handleDatagram(_nowMs: number, from: Endpoint, payload: Uint8Array): void {
    const decoded = decodeMessage(payload);
    if (!decoded.ok) return;
    const m = decoded.value;
    if (m.type !== 'ack' && m.type !== 'authority') return;
    const original = this.sent.get(m.ackedMessageId);
    if (original === undefined || original.to.port !== from.port) return;
    // An ACK challenges only a SOLICIT (a FLOOD's ACK is its answer); an AUTHORITY challenges
    // with the B flag under a new message ID.
    const challenge =
      m.type === 'ack'
        ? original.message.type === 'solicit'
        : m.buffer.flags.busy && m.messageId !== m.ackedMessageId;
    if (!challenge) return;
    this.sent.delete(m.ackedMessageId);
    this.emit(original.to, { ...original.message, messageId: m.messageId } as Message);
  }
  handleTimeout(): void {}
  poll(): Output<E> {
    return this.out.shift() ?? { type: 'timeout', atMs: Number.POSITIVE_INFINITY };
  }
  /** Queues `message` (its message ID filled in) for `to`. */
  send(to: Endpoint, message: Message): void {
    const id = this.nextId++;
    this.sent.set(id, { to, message });
    this.emit(to, { ...message, messageId: id } as Message);
  }
  private emit(to: Endpoint, message: Message): void {
    for (const payload of encodeDatagrams(message))
      this.out.push({ type: 'transmit', to, payload });
  }
}

/**
 * An attacker that also answers every INQUIRE as the owner of whatever ID it is asked about,
 * with a null-provider proof for the INQUIRE's nonce at its own endpoint (the null provider lets
 * anyone sign): a live address claiming the IDs of cached entries.
 */
export class Claimer extends Injector {
  constructor(private readonly self: Endpoint) {
    super();
  }
  override handleDatagram(now: number, from: Endpoint, payload: Uint8Array): void {
    super.handleDatagram(now, from, payload);
    const decoded = decodeMessage(payload);
    if (!decoded.ok || decoded.value.type !== 'inquire') return;
    const q = decoded.value;
    const proof = nullSecurityProvider().secureRecord(
      {
        key: q.validateId,
        appData: new Uint8Array(0),
        endpoints: [this.self],
        nonce: q.nonce ?? new Uint8Array(16),
        revoke: false,
      },
      0,
    );
    this.send(from, {
      type: 'authority',
      messageId: 0,
      version: VERSION,
      ackedMessageId: q.messageId,
      buffer: {
        flags: { suspicious: false, busy: false, notRegistered: false },
        ...(q.flags.wantCpa ? { validateCpa: proof } : {}),
      },
    });
  }
}

/** A route entry with `id` at a dead address (nobody listens there). */
export function forgedAt(id: Uint8Array, i: number): RouteEntry {
  const dead = parseEndpoint(
    `[2001:db8:dead::${(i + 1).toString(16)}]:4${String(i).padStart(3, '0')}`,
  );
  return { id, port: dead.port, addresses: [dead.address] };
}

/** One spoofed datagram carrying `entry` by `path`. */
export function carrying(
  path: 'solicit' | 'lookup' | 'flood',
  entry: RouteEntry,
  victimKey: Uint8Array,
): Message {
  const header = { messageId: 0, version: VERSION };
  switch (path) {
    case 'solicit':
      return {
        type: 'solicit',
        ...header,
        routeEntry: entry,
        hashedNonce: new Uint8Array(20).fill(7),
      };
    case 'lookup':
      return {
        type: 'lookup',
        ...header,
        controls: {
          acceptAny: true,
          precision: 0,
          resolveCriteria: 'none',
          reasonCode: 'app-request',
        },
        target: entry.id,
        validateId: victimKey,
        bestMatch: entry,
        flaggedPath: [ATTACKER],
      };
    case 'flood':
      return {
        type: 'flood',
        ...header,
        dontAck: false,
        validateId: victimKey,
        routeEntry: entry,
        alreadyFlooded: [],
      };
  }
}
