/**
 * Test helper: turns a running sans-I/O node (DrtNode or PnrpNode) into a colluding forger of
 * issue 10's second attack. It answers every LOOKUP with a referral carrying the LOOKUP's exact
 * target ID at its own endpoint (the AUTHORITY the honest node built is rewritten on its way out),
 * and answers an INQUIRE about a key it does not own either as the honest node does (N flag:
 * `refuse`) or with a proof of garbage bytes and no N flag (`bad-proof`). Everything else it does
 * honestly, so it stays in every cache like any member. The node's methods are patched on the
 * instance, so clouds need no factory hook; the simulator calls them like any other node.
 */
import type { Output } from '../../src/drt/sans-io.js';
import type { Endpoint } from '../../src/keys/endpoint.js';
import type { Key } from '../../src/keys/key256.js';
import { decodeMessage, encodeDatagrams } from '../../src/wire/codec.js';

/** How a forger answers an INQUIRE about a key it does not own. */
export type ForgerInquireMode = 'refuse' | 'bad-proof';

/** What a forger did, for assertions. */
export interface ForgerStats {
  forgedReferrals: number;
  forgedProofs: number;
}

interface PatchableNode {
  handleDatagram(nowMs: number, from: Endpoint, payload: Uint8Array, local?: Endpoint): void;
  poll(): Output<unknown>;
}

const REMEMBERED_MAX = 4096;

/**
 * Makes `node`, listening at `own`, a forger. Returns its counters.
 * @example const stats = makeForger(member.handle.node, member.handle.endpoint, 'refuse');
 */
export function makeForger(
  node: PatchableNode,
  own: Endpoint,
  inquireMode: ForgerInquireMode,
): ForgerStats {
  const stats: ForgerStats = { forgedReferrals: 0, forgedProofs: 0 };
  const lookups = new Map<number, Key>();
  const inquires = new Set<number>();
  const handle = node.handleDatagram.bind(node);
  const poll = node.poll.bind(node);
  node.handleDatagram = (nowMs, from, payload, local) => {
    const decoded = decodeMessage(payload);
    if (decoded.ok) {
      const m = decoded.value;
      if (lookups.size + inquires.size > REMEMBERED_MAX) {
        lookups.clear();
        inquires.clear();
      }
      if (m.type === 'lookup') lookups.set(m.messageId, m.target);
      else if (m.type === 'inquire') inquires.add(m.messageId);
    }
    handle(nowMs, from, payload, local);
  };
  node.poll = () => {
    const out = poll();
    if (out.type !== 'transmit') return out;
    const decoded = decodeMessage(out.payload);
    if (!decoded.ok || decoded.value.type !== 'authority') return out;
    const m = decoded.value;
    const target = lookups.get(m.ackedMessageId);
    if (target !== undefined) {
      lookups.delete(m.ackedMessageId);
      stats.forgedReferrals++;
      const payload = encodeDatagrams({
        ...m,
        buffer: {
          flags: { suspicious: false, busy: false, notRegistered: false },
          routeEntry: { id: target, port: own.port, addresses: [own.address] },
        },
      })[0]!;
      return { ...out, payload };
    }
    if (inquires.has(m.ackedMessageId)) {
      inquires.delete(m.ackedMessageId);
      if (inquireMode === 'bad-proof' && m.buffer.flags.notRegistered) {
        stats.forgedProofs++;
        const payload = encodeDatagrams({
          ...m,
          buffer: {
            flags: { suspicious: false, busy: false, notRegistered: false },
            validateCpa: new Uint8Array(64).fill(0x5a),
          },
        })[0]!;
        return { ...out, payload };
      }
    }
    return out;
  };
  return stats;
}
