/**
 * @module graph/security/null-provider
 * The null graph security provider, for trusted LANs and tests: [MS-PPGRH] with no provider
 * configured (§3.1.5.1.1: the responder goes straight to IN_CONN_STATE_AUTHENTICATED on AUTH_INFO;
 * §3.1.5.2, §3.1.7.1: messages travel unencrypted; §3.1.7.27-28: records carry no security data
 * and are all valid). It authenticates no one: the peer ID it reports is the one the caller
 * passed (AUTH_INFO's Source Peer ID, or the dialled ID), unverified.
 *
 * How each side reaches `authenticated`: at once, with nothing to send. The initiator calls
 * `start` right after sending AUTH_INFO and the responder right after accepting it; both return
 * `{ send: [], state: 'authenticated' }`. No handshake unit exists, so a node never needs
 * `receive`; if it calls it anyway (a node that waits for the peer's first unit) it also returns
 * `authenticated` and the unit is ignored and counted as `unexpected-handshake-unit`, never
 * handed back as a message. `seal` is the identity (a message already begins with its u32 BE
 * Message Size, which is the unit framing); `open` is the identity after checking that the
 * leading size equals the unit's length (`bad-unit-size` otherwise).
 *
 * This file must not import src/gmc/ (the browser core uses it without @peculiar/x509).
 */
import type { ConnectionSecurity, GraphRecord, RecordVerdict, SecurityStep } from '../model.js';
import {
  type CountingSecurityProvider,
  countReason,
  createSecurityStats,
  type SecurityStats,
} from './stats.js';
import { readUnitSize, unwrapUnit } from './units.js';

const NO_BYTES = new Uint8Array(0);
const AUTHENTICATED: SecurityStep = Object.freeze({
  send: Object.freeze([]) as readonly Uint8Array[],
  state: 'authenticated',
});

class NullConnection implements ConnectionSecurity {
  private counted = false;

  constructor(
    private readonly stats: SecurityStats,
    readonly peerId: string | undefined,
  ) {}

  start(_nowMs: number): SecurityStep {
    return this.authenticate();
  }

  receive(_nowMs: number, _unit: Uint8Array): SecurityStep {
    countReason(this.stats.units.refused, 'unexpected-handshake-unit');
    return this.authenticate();
  }

  seal(message: Uint8Array): Uint8Array {
    if (!(message instanceof Uint8Array)) throw new TypeError('message must be a Uint8Array');
    if (readUnitSize(message) !== message.length)
      throw new RangeError('a message must begin with its u32 BE size, equal to its length');
    this.stats.units.sealed++;
    return message;
  }

  open(unit: Uint8Array): { ok: true; message: Uint8Array } | { ok: false; reason: string } {
    const r = unwrapUnit(unit);
    if (!r.ok) {
      countReason(this.stats.units.refused, r.reason);
      return r;
    }
    this.stats.units.opened++;
    return { ok: true, message: unit };
  }

  private authenticate(): SecurityStep {
    if (!this.counted) {
      this.counted = true;
      this.stats.handshakes.ok++;
    }
    return AUTHENTICATED;
  }
}

/**
 * The null provider: every connection authenticated at once, messages in the clear, records
 * unsigned and all valid. Use it only where everyone on the network is trusted.
 * @example
 * const security = nullGraphSecurityProvider();
 * const conn = security.connection('initiator', 'bob');
 * conn.start(nowMs).state; // 'authenticated'
 */
export function nullGraphSecurityProvider(): CountingSecurityProvider {
  const stats = createSecurityStats();
  return {
    name: 'null',
    stats,
    connection(role, remotePeerId): ConnectionSecurity {
      if (role !== 'initiator' && role !== 'responder')
        throw new TypeError('role must be initiator or responder');
      return new NullConnection(stats, remotePeerId);
    },
    secureRecord(_record: GraphRecord): { ok: true; securityData: Uint8Array } {
      stats.secured.ok++;
      return { ok: true, securityData: NO_BYTES };
    },
    validateRecord(_record: GraphRecord): RecordVerdict {
      stats.records.valid++;
      return { kind: 'valid' };
    },
  };
}
