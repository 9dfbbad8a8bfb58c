/**
 * @module drt/events
 * What a `DrtNode` reports through `poll()` as `{ type: 'event' }` outputs ([MC-DRT] API:
 * DRT_EVENT_STATUS_CHANGED, DRT_EVENT_LEAFSET_KEY_CHANGED, DRT_EVENT_REGISTRATION_STATE_CHANGED,
 * plus search results and completions, which the Windows API reports per search handle).
 */
import type { Endpoint } from '../keys/endpoint.js';
import type { Key } from '../keys/key256.js';
import type { PathHop } from '../resolve/path.js';
import type { ResolutionStats } from '../resolve/resolution.js';

/** DRT_STATUS: `active` (in a cloud), `alone` (bootstrap found nobody; retrying), `no-network`, `faulted`. */
export type DrtStatus = 'active' | 'alone' | 'no-network' | 'faulted';

/** How a search result matched (DRT_MATCH_TYPE). */
export type MatchType = 'exact' | 'near' | 'intermediate';

/** One search result; `P` is the security provider's evidence type. */
export interface SearchResult<P = unknown> {
  readonly searchId: number;
  readonly type: MatchType;
  readonly key: Key;
  /** Application data the publisher registered with the key (empty for intermediate results). */
  readonly appData: Uint8Array;
  /** Where the key's owner answers. */
  readonly endpoint: Endpoint;
  /**
   * What the security provider extracted from the proof (a verified CPA, for PNRP); undefined
   * for intermediate results and for a local match, which no INQUIRE proved.
   */
  readonly proof: P | undefined;
}

/** Why a search ended without (enough) results. */
export type SearchFailure = 'not-found' | 'timeout' | 'cancelled' | 'busy' | 'alone';

/** Every event a node emits; `P` is its security provider's evidence type. */
export type NodeEvent<P = unknown> =
  | {
      readonly type: 'status-changed';
      readonly status: DrtStatus;
      /** With `alone`: the bootstrap endpoints that were tried. */
      readonly bootstrapEndpoints: readonly Endpoint[];
    }
  | {
      readonly type: 'leafset-key-changed';
      readonly change: 'added' | 'deleted';
      readonly localKey: Key;
      readonly remoteKey: Key;
    }
  | {
      readonly type: 'registration-state-changed';
      readonly key: Key;
      /** `resolvable`: the registration walk reached other nodes; `unresolvable`: it reached nobody. */
      readonly state: 'resolvable' | 'unresolvable';
    }
  | {
      /**
       * A join attempt (one round of SOLICITs to the bootstrap endpoints) ended and the node is
       * still alone; maintenance tries again. `answered` empty: no bootstrap node answered.
       */
      readonly type: 'join-failed';
      readonly tried: readonly Endpoint[];
      readonly answered: readonly Endpoint[];
    }
  | { readonly type: 'search-result'; readonly result: SearchResult<P> }
  | {
      readonly type: 'search-done';
      readonly searchId: number;
      readonly results: number;
      /** Undefined when the search got every result it asked for. */
      readonly failure: SearchFailure | undefined;
      readonly path: readonly PathHop[];
      readonly stats: ResolutionStats;
    };
