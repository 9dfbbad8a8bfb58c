/**
 * @module cli/lookup-output
 * How `pnrp resolve` and `pnrp trace` print what a resolve produced: readable lines, or one JSON
 * object. Both read the same {@link LookupOutcome}, whether it came from UDP or the simulator,
 * and print nothing that depends on wall time, so a simulated run prints the same bytes every time.
 */
import { endpointKey, formatEndpoint } from '../keys/endpoint.js';
import { formatHop, hopStatus, traceHops } from '../pnrp/trace-format.js';
import type { PnrpResolveResult, ResolveFailure } from '../pnrp/types.js';
import { ADDRESS_FLAGS, describeAddressFlags, type PathHop } from '../resolve/path.js';
import type { ResolutionStats } from '../resolve/resolution.js';
import { toHex, utf8Encode } from '../util/bytes.js';

/** What one resolve produced, wherever it ran. */
export interface LookupOutcome {
  readonly peerName: string;
  readonly cloud: string;
  readonly results: readonly PnrpResolveResult[];
  readonly failure: ResolveFailure | undefined;
  readonly path: readonly PathHop[];
  readonly stats: ResolutionStats;
  /** Why the path is empty, when no resolve ran (e.g. no node answered the bootstrap). */
  readonly note?: string;
}

/**
 * The netsh-style traceroute: a heading, then one line per hop of `traceHops(outcome.path)`,
 * the same list `trace --json` prints as `path`.
 * @example traceText(outcome).split('\n').length - 1 === outcomeJson(outcome, 'trace', {}).path.length
 */
export function traceText(outcome: LookupOutcome): string {
  const lines = [`Tracing route to ${outcome.peerName}`];
  lines.push(...traceHops(outcome.path).map((hop) => `  ${formatHop(hop)}`));
  if (outcome.note !== undefined) lines.push(`  (${outcome.note})`);
  return lines.join('\n');
}

/** The PnrpError code of each failure, as `resolve()` rejects with it. */
const FAILURE_WORDS: Record<ResolveFailure, { readonly code: string; readonly text: string }> = {
  'not-found': { code: 'NOT_FOUND', text: 'not found' },
  timeout: { code: 'TIMEOUT', text: 'timed out' },
  alone: { code: 'ALONE', text: 'no other node of the cloud is known' },
  cancelled: { code: 'CANCELLED', text: 'cancelled' },
  busy: { code: 'BUSY', text: 'too many resolves at once' },
};

/**
 * `not found (NOT_FOUND)`, `timed out (TIMEOUT)`, ...
 * @example failureText('not-found') // 'not found (NOT_FOUND)'
 */
export function failureText(failure: ResolveFailure): string {
  const w = FAILURE_WORDS[failure];
  return `${w.text} (${w.code})`;
}

/**
 * The PnrpError code of a failure.
 * @example failureCode('timeout') // 'TIMEOUT'
 */
export function failureCode(failure: ResolveFailure): string {
  return FAILURE_WORDS[failure].code;
}

/**
 * Distinct nodes asked to route the resolve (the owner's INQUIRE apart), as `pnrp sim` counts.
 * @example hopsOf(trace.path)
 */
export function hopsOf(path: readonly PathHop[]): number {
  return new Set(
    path.filter((h) => (h.flags & ADDRESS_FLAGS.inquire) === 0).map((h) => endpointKey(h.endpoint)),
  ).size;
}

const PROTOCOLS: Record<number, string> = { 6: 'tcp', 17: 'udp' };

function appEndpointText(ep: PnrpResolveResult['endpoints'][number]): string {
  const protocol = ep.protocol ?? 17;
  return `${formatEndpoint(ep)}/${PROTOCOLS[protocol] ?? `proto-${protocol}`}`;
}

/** JSON form of one verified instance. */
export function resultJson(r: PnrpResolveResult): Record<string, unknown> {
  const ext = r.extendedPayload;
  return {
    peerName: r.peerName,
    secured: r.secured,
    pnrpId: toHex(r.pnrpId),
    endpoints: r.endpoints.map(appEndpointText),
    pnrpEndpoints: r.pnrpEndpoints.map(formatEndpoint),
    friendlyName: r.friendlyName ?? null,
    hasExtendedPayload: r.hasExtendedPayload,
    extendedPayload:
      ext === undefined
        ? null
        : ext.type === 'string'
          ? { type: 'string', length: utf8Encode(ext.text).length, text: ext.text }
          : { type: 'binary', length: ext.bytes.length, hex: toHex(ext.bytes) },
  };
}

/** Readable lines of one verified instance. */
export function resultLines(r: PnrpResolveResult, indent = '  '): string[] {
  const ext = r.extendedPayload;
  const extText =
    ext === undefined
      ? r.hasExtendedPayload
        ? 'present (ask for it with --extended-payload)'
        : 'none'
      : ext.type === 'string'
        ? `${utf8Encode(ext.text).length} bytes of text: ${JSON.stringify(ext.text)}`
        : `${ext.bytes.length} bytes of binary: ${toHex(ext.bytes.subarray(0, 32))}${ext.bytes.length > 32 ? '...' : ''}`;
  const rows: [string, string][] = [
    ['peer name', r.peerName],
    ['secured', r.secured ? 'yes' : 'no'],
    ['PNRP ID', toHex(r.pnrpId)],
    ['endpoints', r.endpoints.map(appEndpointText).join(', ') || '(none)'],
    ['PNRP endpoints', r.pnrpEndpoints.map(formatEndpoint).join(', ') || '(none)'],
    ['friendly name', r.friendlyName === undefined ? '(none)' : JSON.stringify(r.friendlyName)],
    ['extended payload', extText],
  ];
  return rows.map(([k, v]) => `${indent}${`${k}:`.padEnd(18)}${v}`);
}

/** The readable summary: one heading line, then each instance. */
export function outcomeLines(outcome: LookupOutcome): string[] {
  const hops = hopsOf(outcome.path);
  if (outcome.failure !== undefined)
    return [`${outcome.peerName}: ${failureText(outcome.failure)} after ${hops} hop(s)`];
  const n = outcome.results.length;
  const lines = [
    `found ${outcome.peerName} in cloud ${outcome.cloud}: ${n} result${n === 1 ? '' : 's'}, ${hops} routing hop(s)`,
  ];
  outcome.results.forEach((r, i) => {
    if (n > 1) lines.push(`result ${i + 1} of ${n}:`);
    lines.push(...resultLines(r));
  });
  return lines;
}

/** JSON form of a path hop. */
export function hopJson(hop: PathHop): Record<string, unknown> {
  return {
    endpoint: formatEndpoint(hop.endpoint),
    nearness: hop.nearness,
    rttMs: hop.rttMs === undefined ? null : Math.round(hop.rttMs),
    status: hopStatus(hop),
    flags: describeAddressFlags(hop.flags),
  };
}

/**
 * The JSON document of a lookup; `trace` adds the path (one entry per line of the traceroute,
 * both from `traceHops`) and the traceroute text.
 */
export function outcomeJson(
  outcome: LookupOutcome,
  command: 'resolve' | 'trace',
  extra: Record<string, unknown>,
): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    command,
    peerName: outcome.peerName,
    cloud: outcome.cloud,
    found: outcome.failure === undefined,
    failure: outcome.failure ?? null,
    code: outcome.failure === undefined ? null : failureCode(outcome.failure),
    hops: hopsOf(outcome.path),
    results: outcome.results.map(resultJson),
    ...extra,
  };
  if (command === 'trace') {
    doc.path = traceHops(outcome.path).map(hopJson);
    doc.text = traceText(outcome);
    if (outcome.note !== undefined) doc.note = outcome.note;
  }
  return doc;
}
