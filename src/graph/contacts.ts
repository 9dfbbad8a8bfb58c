/**
 * @module graph/contacts
 * Contacts and partition repair ([MS-PPGRH] §1.3.2.2-5): the Contact List built from contact
 * records (§3.1.7.10.4, §3.1.7.21), contact maintenance with the Contact Timer (§3.1.7.12,
 * §3.1.6.3: a listening node publishes its contact record, lifetime 900 s and autorefreshed, when
 * contacts are below ContactMin, and withdraws it above ContactMax), republishing it when the
 * signature changes (§1.3.2.2), partition detection (§3.1.7.13: a contact whose signature differs
 * from ours arms the Partition Detection Timer) and short-term repair (§3.1.6.5: dial those
 * contacts), and the contact's part of long-term repair (§3.1.7.15, see node.ts).
 *
 * Decisions: the ContactMin formula of §3.1.7.12 is an image missing from our copy; what survives
 * says it follows the graph's estimated size from the signature S. The lowest of N uniform u64 node
 * IDs is about 2^64 / (N + 1), so we estimate N as 2^64 / (S + 1) and take
 * `ContactMin = clamp(ceil(log2(N + 1)), 1, 32)`, `ContactMax = ContactMin + 5` (the spec's +5).
 * Short-term repair dials at most `outgoingAttemptsMax` mismatched contacts per firing. The Contact
 * List holds at most `presenceListMax` entries (counted in `boundHits.contact-list`).
 */
import type { Endpoint } from '../keys/endpoint.js';
import type { GraphCore } from './core.js';
import { guidKey, sameBytes } from './core.js';
import type { Link } from './link.js';
import {
  type GraphAddress,
  type GraphRecord,
  type Guid,
  type NodeId,
  RECORD_TYPE,
} from './model.js';
import { addressKey, type KnownNode } from './neighbours.js';
import { randomDelayMs } from './options.js';
import { ticksToMs } from './peer-time.js';
import type { Records } from './records.js';
import { count } from './stats.js';
import { decodeContact, encodeContact } from './wire/index.js';

/** Contact record lifetime (§3.1.7.5). */
export const CONTACT_LIFETIME_MS = 900_000;

/** One entry of the Contact List (§3.1.1). */
interface ContactEntry {
  readonly nodeId: NodeId;
  readonly peerId: string;
  readonly signature: NodeId;
  readonly addresses: readonly GraphAddress[];
}

/**
 * ContactMin and ContactMax for a graph signature (module header).
 * @example contactBounds(2n ** 64n / 101n) // { min: 7, max: 12 }
 */
export function contactBounds(signature: NodeId): { min: number; max: number } {
  const estimate = (1n << 64n) / (signature + 1n);
  const bits = estimate <= 0n ? 0 : estimate.toString(2).length; // ceil(log2(N + 1)) for N >= 1
  const min = Math.min(32, Math.max(1, bits));
  return { min, max: min + 5 };
}

/** What contacts need from the rest of the node. */
export interface ContactHooks {
  /** The graph signature in the database, if any. */
  signature(): NodeId | undefined;
  /** Opens a neighbour connection (short-term repair). */
  dial(to: Endpoint): Link | undefined;
  /** Every open link. */
  allLinks(): Iterable<Link>;
}

/** The Contact List, our contact record, and partition detection. */
export class Contacts {
  private readonly list = new Map<string, ContactEntry>();
  private ownId: Guid | undefined;
  private contactTimerAtMs = Number.POSITIVE_INFINITY;
  private partitionTimerAtMs = Number.POSITIVE_INFINITY;

  constructor(
    private readonly core: GraphCore,
    private readonly records: Records,
    private readonly hooks: ContactHooks,
  ) {}

  /** Entries in the Contact List. */
  get size(): number {
    return this.list.size;
  }

  /** Contacts, for connection maintenance. */
  known(): Iterable<KnownNode> {
    return this.list.values();
  }

  private own(): GraphRecord | undefined {
    const r = this.ownId && this.core.db.get(this.ownId);
    return r && !r.deleted ? r : undefined;
  }

  /** True while this node is a contact (§3.1.7.15). */
  isContact(): boolean {
    return this.own() !== undefined;
  }

  /** §3.1.7.10.4. */
  onRecord(record: GraphRecord): void {
    const key = guidKey(record.id);
    if (record.deleted) {
      this.list.delete(key);
    } else {
      const decoded = decodeContact(record.payload);
      if (!decoded.ok) {
        count(this.core.stats.dropped, `contact:${decoded.error.code}`);
        return;
      }
      if (!this.list.has(key) && this.list.size >= this.core.limits.presenceListMax) {
        count(this.core.stats.boundHits, 'contact-list');
        return;
      }
      const c = decoded.value;
      this.list.set(key, { ...c, peerId: record.creatorId });
    }
    this.maintain();
    this.detectPartition();
  }

  /** §3.1.7.21. */
  onExpired(record: GraphRecord): void {
    if (!sameBytes(record.type, RECORD_TYPE.contact)) return;
    this.list.delete(guidKey(record.id));
    this.maintain();
  }

  private published(): number {
    let n = 0;
    for (const r of this.core.db.records({ mode: 'include', types: [RECORD_TYPE.contact] }))
      if (!r.deleted) n++;
    return n;
  }

  /** Contact maintenance (§3.1.7.12): arm the Contact Timer when outside [min, max]. */
  maintain(): void {
    const sig = this.hooks.signature();
    if (sig === undefined || !this.core.flags.listening) return;
    const { min, max } = contactBounds(sig);
    const n = this.published();
    const own = this.own() !== undefined;
    if ((!own && n < min) || (own && n > max)) this.armContactTimer();
  }

  private armContactTimer(): void {
    if (this.contactTimerAtMs !== Number.POSITIVE_INFINITY) return;
    const t = this.core.timers;
    this.contactTimerAtMs =
      this.core.nowMs() + randomDelayMs(this.core.rng, t.contactDelayMinMs, t.contactDelayMaxMs);
  }

  /** §3.1.7.5: publish (or update) our contact record with the current signature. */
  private publish(): void {
    const signature = this.hooks.signature();
    if (signature === undefined) return;
    const payload = encodeContact({
      signature,
      nodeId: this.core.nodeId,
      addresses: this.core.listenAddresses(),
    });
    const own = this.own();
    if (own) {
      const left = ticksToMs(own.expiresAt - this.core.clock.now());
      this.records.update(
        own.id,
        { payload, lifetimeMs: Math.max(CONTACT_LIFETIME_MS, left + 1) },
        { internal: true, autorefresh: true },
      );
      return;
    }
    const r = this.records.create(
      { type: RECORD_TYPE.contact, payload, lifetimeMs: CONTACT_LIFETIME_MS },
      { internal: true, autorefresh: true },
    );
    if (r.ok) this.ownId = r.record.id;
  }

  /** The signature changed: a contact republishes it (§1.3.2.2); then look for partitions. */
  onSignature(): void {
    const own = this.own();
    const sig = this.hooks.signature();
    if (own && sig !== undefined) {
      const d = decodeContact(own.payload);
      if (d.ok && d.value.signature !== sig) this.publish();
    }
    this.detectPartition();
  }

  /** Partition detection (§3.1.7.13). */
  detectPartition(): void {
    if (this.mismatched().length > 0 && this.partitionTimerAtMs === Number.POSITIVE_INFINITY) {
      const t = this.core.timers;
      this.partitionTimerAtMs =
        this.core.nowMs() +
        randomDelayMs(this.core.rng, t.partitionDelayMinMs, t.partitionDelayMaxMs);
    }
  }

  private mismatched(): ContactEntry[] {
    const sig = this.hooks.signature();
    if (sig === undefined) return [];
    const out: ContactEntry[] = [];
    for (const c of this.list.values())
      if (c.signature !== sig && c.nodeId !== this.core.nodeId) out.push(c);
    return out;
  }

  /** The Contact and Partition Detection Timers. */
  deadline(): number {
    return Math.min(this.contactTimerAtMs, this.partitionTimerAtMs);
  }

  /** §3.1.6.3 and §3.1.6.5. */
  onTimeout(nowMs: number): void {
    if (this.contactTimerAtMs <= nowMs) {
      this.contactTimerAtMs = Number.POSITIVE_INFINITY;
      this.contactTimer();
    }
    if (this.partitionTimerAtMs <= nowMs) {
      this.partitionTimerAtMs = Number.POSITIVE_INFINITY;
      this.repair();
    }
  }

  private contactTimer(): void {
    const sig = this.hooks.signature();
    if (sig === undefined || !this.core.flags.listening) return;
    const { min, max } = contactBounds(sig);
    const n = this.published();
    const own = this.own();
    if (own && n > max) this.records.remove(own.id, { internal: true });
    else if (!own && n < min) this.publish();
  }

  /** Short-term repair: connect to the contacts whose signature is not ours (§3.1.6.5). */
  private repair(): void {
    const linked = new Set<string>();
    const linkedIds = new Set<NodeId>();
    for (const link of this.hooks.allLinks()) {
      if (link.remote) linked.add(addressKey(link.remote));
      for (const a of link.remoteAddresses) linked.add(addressKey(a));
      if (link.remoteNodeId !== undefined) linkedIds.add(link.remoteNodeId);
    }
    let dialled = 0;
    for (const link of this.hooks.allLinks())
      if (!link.direct && link.role === 'initiator') dialled++;
    let budget = Math.min(
      this.core.limits.outgoingAttemptsMax,
      this.core.limits.neighboursMax - this.core.neighbours().length - dialled,
    );
    for (const c of this.mismatched()) {
      const address = c.addresses[0];
      if (budget <= 0 || !address || linkedIds.has(c.nodeId) || linked.has(addressKey(address)))
        continue;
      this.core.stats.partitionRepairs++;
      this.hooks.dial({ address: address.address, port: address.port });
      budget--;
    }
  }

  /** §3.1.4.12: delete our contact record before leaving. */
  withdraw(): void {
    const own = this.own();
    if (own) this.records.remove(own.id, { internal: true });
    this.contactTimerAtMs = Number.POSITIVE_INFINITY;
    this.partitionTimerAtMs = Number.POSITIVE_INFINITY;
  }
}
