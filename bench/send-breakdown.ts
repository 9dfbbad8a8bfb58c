/**
 * Attributes every datagram a simulated DRT cloud sends to its cause (issue 13: datagrams per
 * join), for `SCALE_BREAKDOWN=1 bench/scale.bench.ts`. Each node's `sendObserver` tells the
 * cause of every request it sends (send-cause.ts); an answer (AUTHORITY, ACK, ADVERTISE) is
 * attributed to the cause of the request whose message ID it acknowledges. Measures only.
 */

import type { SendCause, SendObserver } from '../src/drt/send-cause.js';
import { type Endpoint, endpointKey } from '../src/keys/endpoint.js';
import type { Message } from '../src/wire/types.js';

/**
 * Columns of the table: the request types (an INQUIRE asking for the proof, A flag, apart), then
 * the answer types.
 */
const REQUEST_TYPES = ['lookup', 'inquire', 'inquire (A)', 'flood', 'solicit', 'request'] as const;
const ANSWER_TYPES = ['authority', 'ack', 'advertise'] as const;

/** The group each cause is reported under (the lead's purposes). */
const GROUPS: Record<string, string> = {
  walk: 'join walk',
  'split-detection': 'maintenance',
  probe: 'maintenance',
  'gap-fill': 'gap fill',
  'app-search': 'app search',
  join: 'join sync',
  'flood-back': 'flood',
  announce: 'flood',
  revoke: 'flood',
  heal: 'flood',
};

function groupOf(cause: string): string {
  if (cause.startsWith('admit-')) return 'admission check';
  if (cause.startsWith('flood-')) return 'flood';
  return GROUPS[cause] ?? 'other';
}

/** A request's key: its sender's endpoint and its message ID (the answer goes back there). */
function requestKey(sender: Endpoint | undefined, messageId: number): string {
  return sender === undefined ? `?#${messageId}` : `${endpointKey(sender)}#${messageId}`;
}

/** Datagrams by cause and message type, and how many were retransmits. */
export class SendTally {
  /** (Sender, request message ID) -> its cause. */
  private readonly causes = new Map<string, SendCause>();
  private counts = new Map<string, Map<string, number>>();
  private retransmits = new Map<string, number>();
  /** (Receiver, message ID) of B-flag AUTHORITYs (cookie challenges): the requests echoing them. */
  private readonly cookies = new Set<string>();
  private challenges = new Map<string, number>();
  private total = 0;

  /** The observer to hand every node (`DrtNodeOptions.sendObserver`). */
  readonly observe: SendObserver = (
    to: Endpoint,
    message: Message,
    cause: SendCause,
    datagrams: number,
    from: Endpoint | undefined,
  ) => {
    let attributed: string = cause;
    let column: string = message.type;
    let challenge = false;
    if (cause === 'answer' && 'ackedMessageId' in message) {
      attributed = this.causes.get(requestKey(to, message.ackedMessageId)) ?? 'unmatched answer';
      if (message.type === 'authority' && message.buffer.flags.busy) {
        this.cookies.add(requestKey(to, message.messageId));
        challenge = true;
      }
    } else if (cause !== 'answer') {
      const key = requestKey(from, message.messageId);
      challenge = this.cookies.has(key);
      if (this.causes.has(key))
        this.retransmits.set(cause, (this.retransmits.get(cause) ?? 0) + datagrams);
      this.causes.set(key, cause);
    }
    if (message.type === 'flood' && message.dontAck) column = 'flood (D)';
    if (message.type === 'inquire' && message.flags.wantCpa) column = 'inquire (A)';
    let row = this.counts.get(attributed);
    if (row === undefined) {
      row = new Map();
      this.counts.set(attributed, row);
    }
    row.set(column, (row.get(column) ?? 0) + datagrams);
    if (challenge)
      this.challenges.set(attributed, (this.challenges.get(attributed) ?? 0) + datagrams);
    this.total += datagrams;
  };

  /** Datagrams counted since the last reset. */
  get datagrams(): number {
    return this.total;
  }

  /** Forgets the counts (not the request causes, so late answers are still attributed). */
  reset(): void {
    this.counts = new Map();
    this.retransmits = new Map();
    this.challenges = new Map();
    this.total = 0;
  }

  /**
   * Table rows: group, cause, datagrams per `per` (a join, or a node-second) for each request
   * and answer type, the row's total per `per` and share, its retransmits per `per`, and its
   * cookie challenges per `per` (B-flag AUTHORITYs and the requests repeated with their cookie,
   * address-proof.ts); `digits` after the decimal point.
   */
  rows(per: number, digits = 1): { header: string[]; rows: (string | number)[][] } {
    const columns = [...REQUEST_TYPES, 'flood (D)', ...ANSWER_TYPES];
    const fmt = (v: number): string => (v === 0 ? '-' : (v / per).toFixed(digits));
    const entries = [...this.counts].map(([cause, row]) => {
      let sum = 0;
      for (const v of row.values()) sum += v;
      return { cause, row, sum };
    });
    entries.sort((a, b) => groupOf(a.cause).localeCompare(groupOf(b.cause)) || b.sum - a.sum);
    const rows: (string | number)[][] = entries.map(({ cause, row, sum }) => [
      groupOf(cause),
      cause,
      ...columns.map((c) => fmt(row.get(c) ?? 0)),
      fmt(sum),
      `${((100 * sum) / Math.max(1, this.total)).toFixed(1)}%`,
      fmt(this.retransmits.get(cause) ?? 0),
      fmt(this.challenges.get(cause) ?? 0),
    ]);
    const totals = columns.map((c) => {
      let v = 0;
      for (const { row } of entries) v += row.get(c) ?? 0;
      return fmt(v);
    });
    let retransmitted = 0;
    for (const v of this.retransmits.values()) retransmitted += v;
    let challenged = 0;
    for (const v of this.challenges.values()) challenged += v;
    rows.push(['all', '', ...totals, fmt(this.total), '100%', fmt(retransmitted), fmt(challenged)]);
    // Subtotals by group.
    const groups = new Map<string, number>();
    for (const { cause, sum } of entries)
      groups.set(groupOf(cause), (groups.get(groupOf(cause)) ?? 0) + sum);
    for (const [group, sum] of [...groups].sort((a, b) => b[1] - a[1]))
      rows.push([
        `= ${group}`,
        '',
        ...columns.map(() => ''),
        fmt(sum),
        `${((100 * sum) / Math.max(1, this.total)).toFixed(1)}%`,
        '',
        '',
      ]);
    return {
      header: ['group', 'cause', ...columns, 'all', 'share', 'retransmits', 'cookie challenges'],
      rows,
    };
  }
}
