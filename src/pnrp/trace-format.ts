/**
 * @module pnrp/trace-format
 * Prints a resolve's path in the shape of `netsh p2p pnrp peer traceroute`: one line per hop,
 * `[address]:port, (nearness), (rtt ms), Status`, where nearness is the number of leading bits
 * the hop's ID shares with the target and the status is `Accepted`, `Rejected` or
 * `Rejected (<why>)` from the hop's DRT_ADDRESS_FLAGS. The owner appears twice: once as the hop
 * that was found, once for the INQUIRE that made it prove the name (`Accepted (Inquire)`). When
 * the resolver learned the owner from the previous hop's referral and went straight to the
 * INQUIRE, the "found" line is printed from the INQUIRE hop with the referring hop's RTT.
 */
import { endpointKey, formatEndpoint } from '../keys/endpoint.js';
import { ADDRESS_FLAGS, type PathHop } from '../resolve/path.js';

/**
 * Options of {@link formatTrace}.
 * @example formatTrace(path, { heading: 'Tracing route to 0.test', indent: '    ' })
 */
export interface FormatTraceOptions {
  /** A heading line, e.g. `Tracing route to 0.test in cloud Global_`. @default none */
  readonly heading?: string;
  /** Indentation of hop lines. @default '  ' */
  readonly indent?: string;
}

/**
 * The status word of a hop, as netsh prints it.
 * @example hopStatus({ ...hop, flags: ADDRESS_FLAGS.rejected | ADDRESS_FLAGS.unreachable }) // 'Rejected (Unreachable)'
 */
export function hopStatus(hop: PathHop): string {
  const f = hop.flags;
  const has = (flag: number): boolean => (f & flag) !== 0;
  const inquire = has(ADDRESS_FLAGS.inquire);
  if (has(ADDRESS_FLAGS.unreachable)) return 'Rejected (Unreachable)';
  if (has(ADDRESS_FLAGS.loop)) return 'Rejected (Loop)';
  if (has(ADDRESS_FLAGS.tooBusy)) return 'Rejected (Too busy)';
  if (has(ADDRESS_FLAGS.badValidateId)) return 'Rejected (Bad validate ID)';
  if (has(ADDRESS_FLAGS.suspectUnregisteredId)) return 'Rejected (Suspect unregistered ID)';
  if (hop.deadEnd) return 'Rejected (Dead end)';
  if (has(ADDRESS_FLAGS.rejected)) return inquire ? 'Rejected (Invalid proof)' : 'Rejected';
  if (has(ADDRESS_FLAGS.accepted)) return inquire ? 'Accepted (Inquire)' : 'Accepted';
  return 'Rejected';
}

/**
 * One hop line: `[2001:db8::7]:3540, (34), (12 ms), Accepted` (IPv4: `192.0.2.7:3540, ...`).
 * @example formatHop(path[0]!)
 */
export function formatHop(hop: PathHop): string {
  const rtt = hop.rttMs === undefined ? '(- ms)' : `(${Math.round(hop.rttMs)} ms)`;
  return `${formatEndpoint(hop.endpoint)}, (${hop.nearness}), ${rtt}, ${hopStatus(hop)}`;
}

/**
 * The hops a trace shows, in order: one per path hop, plus the owner's "found" hop before its
 * INQUIRE when no LOOKUP reached the owner (printed with the referring hop's RTT). Text and JSON
 * render this one list, so they always show the same hops.
 * @example traceHops(done.path).map(formatHop)
 */
export function traceHops(path: readonly PathHop[]): PathHop[] {
  const hops: PathHop[] = [];
  const asked = new Set<string>();
  let previous: PathHop | undefined;
  for (const hop of path) {
    const where = endpointKey(hop.endpoint);
    const inquire = (hop.flags & ADDRESS_FLAGS.inquire) !== 0;
    if (inquire && !asked.has(where)) {
      hops.push({ ...hop, flags: ADDRESS_FLAGS.accepted, deadEnd: false, rttMs: previous?.rttMs });
    }
    if (!inquire) asked.add(where);
    hops.push(hop);
    previous = hop;
  }
  return hops;
}

/**
 * The whole trace, one line per hop of {@link traceHops}, in path order.
 * @example console.log(formatTrace(done.path, { heading: 'Tracing route to 0.test' }))
 */
export function formatTrace(path: readonly PathHop[], options: FormatTraceOptions = {}): string {
  const indent = options.indent ?? '  ';
  const lines = traceHops(path).map((hop) => indent + formatHop(hop));
  if (options.heading !== undefined) lines.unshift(options.heading);
  return lines.join('\n');
}
