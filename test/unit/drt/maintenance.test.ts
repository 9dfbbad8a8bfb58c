/**
 * The adaptive maintenance period (drt/maintenance.ts, issue 13): quiet periods double it up to
 * the maximum, a dead entry brings it back to the base; a maximum equal to the base keeps the
 * fixed MS-PNRP period.
 */
import { describe, expect, it } from 'vitest';
import { MaintenanceSchedule } from '../../../src/drt/maintenance.js';

describe('MaintenanceSchedule', () => {
  it('doubles the period after each quiet tick, up to the maximum', () => {
    const s = new MaintenanceSchedule(15_000, 120_000);
    expect(s.periodMs).toBe(15_000);
    expect([s.afterTick(), s.afterTick(), s.afterTick(), s.afterTick()]).toEqual([
      30_000, 60_000, 120_000, 120_000,
    ]);
  });

  it('goes back to the base period when a dead entry is found, and stays there for one tick', () => {
    const s = new MaintenanceSchedule(15_000, 120_000);
    s.afterTick();
    s.afterTick();
    expect(s.onDeadEntry()).toBe(15_000);
    expect(s.periodMs).toBe(15_000);
    expect(s.afterTick()).toBe(15_000); // that period was not quiet
    expect(s.afterTick()).toBe(30_000);
  });

  it('goes back to the base period while the cache grows', () => {
    const s = new MaintenanceSchedule(15_000, 120_000);
    expect(s.afterTick(10)).toBe(15_000); // from 0 to 10 entries
    expect(s.afterTick(10)).toBe(30_000);
    expect(s.afterTick(11)).toBe(60_000); // one more entry (a gap fill) is no growth
    expect(s.afterTick(13)).toBe(15_000); // two more, a tenth: still learning
    expect(s.afterTick(12)).toBe(30_000);
  });

  it('keeps a fixed period when the maximum is the base (or below it)', () => {
    const s = new MaintenanceSchedule(15_000, 15_000);
    expect([s.afterTick(), s.afterTick()]).toEqual([15_000, 15_000]);
    expect(new MaintenanceSchedule(15_000, 1_000).afterTick()).toBe(15_000);
  });
});
