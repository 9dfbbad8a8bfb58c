/**
 * @module pnrp/peer-name-input
 * Where a peer name is taken (`PnrpNode.resolve` and `register`, so `createPeer`'s and the CLI's
 * `resolve`, `trace`, `node --register`, `id`), its `pnrp.net` host name is accepted too (issue
 * 16 Build 5; the seeds' "PNRP and pnrp.net"): `test.pnrp.net` is `0.test`,
 * `chat.p<40 hex>.pnrp.net` is `<40 hex>.chat`.
 *
 * Decision: text that is a valid peer name is a peer name, even when it ends in `.pnrp.net`
 * (`0.test.pnrp.net` is the unsecured name with classifier `test.pnrp.net`); only text that is
 * not a peer name is read as a host name. A host name cannot start with `0.` or 40 hex digits and
 * a dot without being a valid peer name already, so nothing a user would type as a host name is
 * taken the other way, except a classifier whose first label is `0` or 40 hex digits.
 */
import { parsePeerName } from '../keys/peer-name.js';
import { hostNameToPeerName } from './host-name.js';

/**
 * The peer name `text` names: itself when it is a peer name, else the peer name of its
 * `pnrp.net` host name. Throws what `parsePeerName` throws when it is neither.
 * @example peerNameOfInput('test.pnrp.net') // '0.test'
 * @example peerNameOfInput('0.test') // '0.test'
 */
export function peerNameOfInput(text: string): string {
  try {
    return parsePeerName(text).text;
  } catch (e) {
    const fromHost = typeof text === 'string' ? hostNameToPeerName(text) : undefined;
    if (fromHost !== undefined) return fromHost;
    throw e;
  }
}
