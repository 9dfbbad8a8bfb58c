/**
 * A toy ConnectionNode for the connection-seam tests: it dials, writes, echoes every byte it
 * receives on an accepted connection back on the same connection, and reports what happened on
 * the connections it opened as events. A timer closes a connection at a chosen time, so the
 * drivers' single re-armed timer is exercised too.
 */
import type { Endpoint } from '../../../src/keys/endpoint.js';
import type {
  ConnectionEnd,
  ConnectionId,
  ConnectionNode,
  ConnectionOutput,
  Output,
} from '../../../src/sans-io.js';

/** What an EchoNode reports. */
export type EchoEvent =
  | { readonly type: 'connected'; readonly conn: ConnectionId; readonly atMs: number }
  | { readonly type: 'accepted'; readonly conn: ConnectionId; readonly from: Endpoint }
  | { readonly type: 'received'; readonly conn: ConnectionId; readonly bytes: Uint8Array }
  | { readonly type: 'closed'; readonly conn: ConnectionId; readonly end: ConnectionEnd };

/** Echoes on accepted connections; reports on the ones it opened. */
export class EchoNode implements ConnectionNode<EchoEvent> {
  private readonly queue: (Output<EchoEvent> | ConnectionOutput)[] = [];
  private nextConn = 1;
  private closeAt: { conn: ConnectionId; atMs: number; abort: boolean } | undefined;
  /** Bytes echoed so far. */
  echoed = 0;
  /** Times handleTimeout ran with something due. */
  timeouts = 0;
  lastNowMs = 0;

  dial(nowMs: number, to: Endpoint): ConnectionId {
    this.lastNowMs = nowMs;
    const conn = this.nextConn++;
    this.queue.push({ type: 'connect', conn, to });
    return conn;
  }

  write(conn: ConnectionId, bytes: Uint8Array): void {
    this.queue.push({ type: 'send', conn, bytes });
  }

  close(conn: ConnectionId, abort = false): void {
    this.queue.push({ type: 'close', conn, abort });
  }

  closeAtTime(conn: ConnectionId, atMs: number, abort = false): void {
    this.closeAt = { conn, atMs, abort };
  }

  handleConnected(nowMs: number, conn: ConnectionId): void {
    this.lastNowMs = nowMs;
    this.queue.push({ type: 'event', event: { type: 'connected', conn, atMs: nowMs } });
  }

  handleAccepted(nowMs: number, conn: ConnectionId, from: Endpoint): void {
    this.lastNowMs = nowMs;
    this.queue.push({ type: 'event', event: { type: 'accepted', conn, from } });
  }

  handleReceived(nowMs: number, conn: ConnectionId, bytes: Uint8Array): void {
    this.lastNowMs = nowMs;
    if (conn < 0) {
      this.echoed += bytes.length;
      this.queue.push({ type: 'send', conn, bytes: bytes.slice() });
    } else this.queue.push({ type: 'event', event: { type: 'received', conn, bytes } });
  }

  handleConnectionClosed(nowMs: number, conn: ConnectionId, end: ConnectionEnd): void {
    this.lastNowMs = nowMs;
    this.queue.push({ type: 'event', event: { type: 'closed', conn, end } });
  }

  handleTimeout(nowMs: number): void {
    this.lastNowMs = nowMs;
    const due = this.closeAt;
    if (due === undefined || nowMs < due.atMs) return;
    this.timeouts++;
    this.closeAt = undefined;
    this.queue.push({ type: 'close', conn: due.conn, abort: due.abort });
  }

  poll(): Output<EchoEvent> | ConnectionOutput {
    return this.queue.shift() ?? { type: 'timeout', atMs: this.closeAt?.atMs ?? Infinity };
  }
}

/** Concatenates chunks. */
export function joinChunks(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
