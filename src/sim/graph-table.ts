/**
 * @module sim/graph-table
 * The graph cloud's reports as rows of (figure, value) text, shared by `pnrp sim --scenario
 * group` (printed as indented lines) and bench/graph-cloud.bench.ts (printed as markdown).
 */
import type { GroupReport, SyncReport } from './graph-scenarios.js';

/** One figure of a report and its value as text. */
export type ReportRow = readonly [figure: string, value: string];

/**
 * The figures of a {@link GroupReport}.
 * @example for (const [k, v] of groupRows(report)) console.log(`  ${k}: ${v}`);
 */
export function groupRows(r: GroupReport): ReportRow[] {
  const d = r.delivery;
  const ms = (v: number): string => `${Math.round(v)} ms`;
  return [
    [
      'members in the group at the end',
      `${r.members}${r.dialling ? ` (+${r.dialling} joiners never let in)` : ''}`,
    ],
    ['churn (vanished / left / joined)', `${r.churn.failed} / ${r.churn.left} / ${r.churn.joined}`],
    ['records published', `${d.records}`],
    [
      'records held by every member',
      `${d.complete} (${pct(d.complete, d.records)}), missing pairs ${d.missing}`,
    ],
    [
      'time to 99% of members (mean / p50 / max)',
      `${ms(d.t99Ms.mean)} / ${ms(d.t99Ms.p50)} / ${ms(d.t99Ms.max)}`,
    ],
    [
      'time to 100% of members (mean / p50 / max)',
      `${ms(d.t100Ms.mean)} / ${ms(d.t100Ms.p50)} / ${ms(d.t100Ms.max)}`,
    ],
    ['messages per record (all graph traffic)', fixed(r.perRecord.messages)],
    ['bytes per record (all graph traffic)', fixed(r.perRecord.bytes, 0)],
    ['FLOOD messages per record', fixed(r.perRecord.floodMessages)],
    ['FLOOD bytes per record', fixed(r.perRecord.floodBytes, 0)],
    [
      'FLOOD copies per member per record',
      fixed(r.perRecord.floodMessages / Math.max(1, r.members)),
    ],
    ['duplicates per member per record', fixed(r.duplicatesPerMember, 3)],
    ['distinct database digests', `${r.digests}`],
  ];
}

/**
 * The figures of a {@link SyncReport}: bytes the joiner or rejoiner received, by sync kind.
 * @example syncRows(report)
 */
export function syncRows(r: SyncReport): ReportRow[] {
  const all = r.join.all?.bytes ?? 0;
  const kinds = (s: SyncReport['join']): string =>
    Object.entries(s)
      .map(([k, v]) => `${k} ${v.bytes} B (${v.records} records, ${v.count} syncs)`)
      .join(', ') || 'none';
  const total = (s: SyncReport['join']): number =>
    Object.values(s).reduce((a, v) => a + v.bytes, 0);
  return [
    ['group records', `${r.records}`],
    ['joiner (sync all)', `${kinds(r.join)}`],
    [
      `rejoin after ${r.changed} changed, time-based`,
      `${kinds(r.rejoinTime)}; ${pct(total(r.rejoinTime), all)} of sync all`,
    ],
    [
      `rejoin after ${r.changed} changed, hash-based`,
      `${kinds(r.rejoinHash)}; ${pct(total(r.rejoinHash), all)} of sync all`,
    ],
    ['joiner identical after sync', r.joinerIdentical ? 'yes' : 'no'],
    ['distinct database digests at the end', `${r.digests}`],
  ];
}

function pct(part: number, whole: number): string {
  return whole === 0 ? '0%' : `${((100 * part) / whole).toFixed(2)}%`;
}

function fixed(v: number, digits = 2): string {
  return Number.isFinite(v) ? v.toFixed(digits) : '-';
}
