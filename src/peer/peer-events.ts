/**
 * @module peer/peer-events
 * The listeners of a peer: public events (`status`, `leafset-changed`, `registration-state`),
 * the searches and registrations waiting for their DRT events, and what must hear of `close()`.
 * Every map here holds only what a pending operation registered and removes it when it ends.
 */
import type { DrtStatus, NodeEvent } from '../drt/events.js';
import type { Endpoint } from '../keys/endpoint.js';
import type { Key } from '../keys/key256.js';
import type { VerifiedRegistration } from '../pnrp/cpa-security-provider.js';
import { toHex } from '../util/bytes.js';
import { PnrpError } from './error.js';
import type { RegistrationState } from './peer-registration.js';
import type { SearchSink } from './search-iterator.js';

/**
 * Events of `Peer.on`.
 * @example peer.on('status', (e) => console.log(e.cloud, e.status));
 */
export interface PeerEventMap {
  /** A cloud's DRT status changed (`alone`: bootstrap found nobody; retried every 15 s). */
  status: {
    readonly cloud: string;
    readonly status: DrtStatus;
    readonly bootstrapEndpoints: readonly Endpoint[];
  };
  /** A neighbour entered or left the leaf set of one of this peer's registrations. */
  'leafset-changed': {
    readonly cloud: string;
    readonly change: 'added' | 'deleted';
    readonly localKey: Key;
    readonly remoteKey: Key;
  };
  /** A registration walk ended. */
  'registration-state': {
    readonly cloud: string;
    readonly key: Key;
    readonly state: RegistrationState;
  };
}

type Listener = (event: never) => void;

/** Listener bookkeeping of one peer. */
export class PeerEvents {
  private readonly listeners = new Map<keyof PeerEventMap, Set<Listener>>();
  private readonly searches = new Map<string, SearchSink<VerifiedRegistration>>();
  private readonly closers = new Set<() => void>();

  on<K extends keyof PeerEventMap>(
    type: K,
    listener: (event: PeerEventMap[K]) => void,
  ): () => void {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    let set = this.listeners.get(type);
    if (!set) {
      set = new Set();
      this.listeners.set(type, set);
    }
    const l = listener as Listener;
    set.add(l);
    return () => {
      set.delete(l);
    };
  }

  /** Calls `fn` with the state of the next walk of `key` in `cloud`; returns the unsubscriber. */
  onRegistration(cloud: string, key: Key, fn: (state: RegistrationState) => void): () => void {
    const hex = toHex(key);
    return this.on('registration-state', (e) => {
      if (e.cloud === cloud && toHex(e.key) === hex) fn(e.state);
    });
  }

  /** Calls `fn` once when the peer closes; returns the unsubscriber. */
  onClose(fn: () => void): () => void {
    this.closers.add(fn);
    return () => {
      this.closers.delete(fn);
    };
  }

  trackSearch(cloud: string, searchId: number, sink: SearchSink<VerifiedRegistration>): void {
    this.searches.set(`${cloud}:${searchId}`, sink);
  }

  untrackSearch(cloud: string, searchId: number): void {
    this.searches.delete(`${cloud}:${searchId}`);
  }

  /** Routes one DRT event of a cloud. */
  dispatch(cloud: string, event: NodeEvent<VerifiedRegistration>): void {
    switch (event.type) {
      case 'search-result':
        return this.searches.get(`${cloud}:${event.result.searchId}`)?.result(event.result);
      case 'search-done':
        return this.searches.get(`${cloud}:${event.searchId}`)?.done(event.failure, event.results);
      case 'status-changed':
        return this.emit('status', {
          cloud,
          status: event.status,
          bootstrapEndpoints: event.bootstrapEndpoints,
        });
      case 'leafset-key-changed':
        return this.emit('leafset-changed', {
          cloud,
          change: event.change,
          localKey: event.localKey,
          remoteKey: event.remoteKey,
        });
      case 'registration-state-changed':
        return this.emit('registration-state', { cloud, key: event.key, state: event.state });
    }
  }

  /** Tells every pending operation and search that the peer closed, then forgets all listeners. */
  closeAll(): void {
    for (const fn of [...this.closers]) fn();
    this.closers.clear();
    const closed = new PnrpError('CLOSED', 'the peer was closed');
    for (const sink of [...this.searches.values()]) sink.abort(closed);
    this.searches.clear();
    this.listeners.clear();
  }

  private emit<K extends keyof PeerEventMap>(type: K, event: PeerEventMap[K]): void {
    const set = this.listeners.get(type);
    if (!set) return;
    for (const l of [...set]) {
      try {
        (l as (e: PeerEventMap[K]) => void)(event);
      } catch (error) {
        // A throwing listener must not starve the others: report it as an uncaught error.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
