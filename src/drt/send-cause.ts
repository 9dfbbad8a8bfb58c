/**
 * @module drt/send-cause
 * Why a node sent a message, for instruments that attribute a cloud's traffic to its causes
 * (issue 13: datagrams per join). The node passes it to `DrtNodeOptions.sendObserver` with every
 * message it sends; it never changes what is sent. Answers (AUTHORITY, ACK, ADVERTISE) are sent
 * with the cause `answer`: an instrument attributes them to the request they acknowledge
 * (`ackedMessageId`), whose cause it saw when that request was sent.
 */
import type { Endpoint } from '../keys/endpoint.js';
import type { Message } from '../wire/types.js';
import type { AdmitOrigin } from './core.js';

/**
 * The cause of a sent message:
 * - `walk`, `split-detection`, `gap-fill`, `app-search`: a resolution's LOOKUP or INQUIRE
 *   (registration walk, split-detection walk, maintenance gap fill, application search);
 * - `admit-<origin>`: the INQUIRE of a return-routability check of a learned entry, by how the
 *   entry reached us (`AdmitOrigin`: flood, owner, announce, referral, other);
 * - `probe`: a maintenance probe of a cached entry, or the probe of a cached entry whose ID a
 *   newcomer contests;
 * - `flood-<origin>`: a FLOOD of an entry newly admitted to a leaf set, by its origin;
 * - `flood-back`: our own entry FLOODed back (D) to a third-party flooder;
 * - `announce`: the FLOODs of our entry to our leaf set after a registration walk;
 * - `revoke`, `heal`: an unregistering node's revoke FLOODs (and their onward copies) and its
 *   edge-healing FLOODs;
 * - `join`: SOLICIT and REQUEST of a joiner, and the FLOODs (D) answering a REQUEST;
 * - `answer`: an answer to another node's request (AUTHORITY, ACK, ADVERTISE).
 */
export type SendCause =
  | 'walk'
  | 'split-detection'
  | 'gap-fill'
  | 'app-search'
  | `admit-${AdmitOrigin['via']}`
  | 'probe'
  | `flood-${AdmitOrigin['via']}`
  | 'flood-back'
  | 'announce'
  | 'revoke'
  | 'heal'
  | 'join'
  | 'answer';

/**
 * Told of every message a node sends (retransmits included), with its cause, the number of
 * datagrams it took (an AUTHORITY may be fragmented) and the sending node's first endpoint (a
 * message ID names a request only together with its sender: a cookie may be the ID of requests
 * of two nodes). Observability only: must not throw.
 */
export type SendObserver = (
  to: Endpoint,
  message: Message,
  cause: SendCause,
  datagrams: number,
  from: Endpoint | undefined,
) => void;
