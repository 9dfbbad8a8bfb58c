/**
 * @module kad/constants
 * The numbers of the Kademlia baseline (Maymounkov and Mazières, "Kademlia: A Peer-to-peer
 * Information System Based on the XOR Metric", IPTPS 2002, §2-§4), with the values libp2p
 * kad-dht and BitTorrent's DHT (BEP 5) use. Request timing matches the PNRP side of the
 * simulator (docs/design.md §7: retransmit after 1 s, a hop fails at 2 s) so that the side-by-side
 * runs compare protocols, not timeouts.
 */

/** Bytes of a node ID: the same 256-bit keys as the DRT, so both run on the same node set. */
export const KAD_ID_BYTES = 32;

/** Bits of a node ID, and so the number of k-buckets. */
export const KAD_ID_BITS = 256;

/** Bucket size and the number of closest nodes a lookup returns (paper §2.2: k = 20). */
export const KAD_K_DEFAULT = 20;

/** Parallel requests of a lookup (paper §2.3: alpha = 3). */
export const KAD_ALPHA_DEFAULT = 3;

/** Milliseconds before an unanswered request is sent again. */
export const KAD_REQUEST_TIMEOUT_MS_DEFAULT = 1_000;

/** Retransmissions of a request before its peer counts as failed (1: fails at 2 s). */
export const KAD_RETRIES_DEFAULT = 1;

/** A bucket without a lookup in its range for this long is refreshed (paper §2.3: one hour). */
export const KAD_REFRESH_INTERVAL_MS_DEFAULT = 3_600_000;

/** Lookups running at once (the node's own and refreshes); more are refused with a reason. */
export const KAD_LOOKUPS_MAX_DEFAULT = 64;

/** Requests in flight at once, all lookups and pings together. */
export const KAD_REQUESTS_MAX_DEFAULT = 1_024;

/** Candidates a lookup remembers, closest first; farther ones are forgotten. */
export const KAD_LOOKUP_CANDIDATES_MAX: number = 4 * KAD_K_DEFAULT;

/** Newcomers remembered per full bucket, to replace entries that stop answering. */
export const KAD_REPLACEMENTS_MAX_DEFAULT: number = KAD_K_DEFAULT;

/** Answers (NODES or PONG) one source endpoint may get per second, and the burst. */
export const KAD_ANSWERS_PER_SOURCE_PER_SECOND_DEFAULT = 50;

/** Sources whose answer budgets are tracked at once; the least recently seen is forgotten. */
export const KAD_SOURCES_TRACKED_MAX_DEFAULT = 4_096;

/** Routing-table entries that may share one IP address (sybil bound per source). */
export const KAD_CONTACTS_PER_ADDRESS_MAX_DEFAULT = 2;

/** A bucket head heard from this recently is kept without a PING (BEP 5: 15 minutes). */
export const KAD_HEAD_FRESH_MS_DEFAULT = 900_000;
