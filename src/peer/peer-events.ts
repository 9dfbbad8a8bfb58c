/**
 * @module peer/peer-events
 * The listeners of a peer: public events (`status`, `leafset-changed`, `registration-state`),
 * the searches and registrations waiting for their DRT events, and what must hear of `close()`.
 * Every map here holds only what a pending operation registered and removes it when it ends.
 */
import type { DrtStatus, NodeEvent } from '../drt/events.js';
import { type Endpoint, formatEndpoint } from '../keys/endpoint.js';
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
  /**
   * A join attempt of a cloud ended with the peer still alone (retried every maintenance round);
   * `error` is what operations waiting for the join reject with.
   */
  'join-failed': {
    readonly cloud: string;
    readonly tried: readonly Endpoint[];
    readonly answered: readonly Endpoint[];
    readonly error: PnrpError;
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

  /** Reports a join that failed before any SOLICIT (no bootstrap host name resolved). */
  joinFailed(cloud: string, error: PnrpError): void {
    this.emit('join-failed', { cloud, tried: [], answered: [], error });
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
      case 'join-failed':
        return this.emit('join-failed', {
          cloud,
          tried: event.tried,
          answered: event.answered,
          error: joinError(cloud, event.tried, event.answered),
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

/**
 * The error of a failed join attempt: `NO_BOOTSTRAP_ANSWER` when nobody answered, else `ALONE`
 * (bootstrap nodes answered but advertised no other node). Both name the endpoints.
 * @example joinError('Global_', [seed], []).code // 'NO_BOOTSTRAP_ANSWER'
 */
export function joinError(
  cloud: string,
  tried: readonly Endpoint[],
  answered: readonly Endpoint[],
): PnrpError {
  if (answered.length === 0) {
    const endpoints = tried.map(formatEndpoint);
    return new PnrpError(
      'NO_BOOTSTRAP_ANSWER',
      `cannot join cloud ${cloud}: no bootstrap node answered (tried ${endpoints.join(', ')})`,
      { endpoints },
    );
  }
  const endpoints = answered.map(formatEndpoint);
  return new PnrpError(
    'ALONE',
    `cannot join cloud ${cloud}: bootstrap node ${endpoints.join(', ')} answered but knows no ` +
      'other node (start it as a seed, or with a registration)',
    { endpoints },
  );
}
