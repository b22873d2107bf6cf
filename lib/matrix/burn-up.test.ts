import { describe, expect, it } from 'vitest';
import { buildBurnUp } from './burn-up';
import type { CheckFact, IssueFact } from './types';
import type { PlanCell } from '../plan/load';

const cell = (key: string, minutes: number): PlanCell => ({
  key,
  serviceSlug: key.split('/')[0],
  capabilitySlug: key.split('/')[1],
  title: key,
  labels: [],
  estimateText: `${minutes}min`,
  estimateMinutes: minutes,
  entryPoint: null,
  requirements: [],
  criteria: [{ text: 'x', proof: { kind: 'profiles' } }],
});
const issue = (cellKey: string, openedAt: string, closedAt: string | null): IssueFact => ({
  id: `o/r#${cellKey}`,
  repo: 'o/r',
  number: 1,
  title: cellKey,
  state: closedAt ? 'closed' : 'open',
  assignees: [],
  htmlUrl: 'u',
  estimateText: null,
  estimateMinutes: null,
  linkedPullRequests: [],
  cellKey,
  openedAt,
  closedAt,
});
const pass = (cellKey: string, checkedAt: string, status: CheckFact['status'] = 'pass'): CheckFact => ({
  cellKey,
  check: 'pyroscope',
  target: 't',
  status,
  message: null,
  durationMs: 1,
  checkedAt,
});

const cells = [cell('a/profiling-code', 60), cell('b/profiling-code', 120), cell('c/profiling-code', 60)];

describe('buildBurnUp', () => {
  it('counts closed and verified estimate per day, with the scope line', () => {
    const burnUp = buildBurnUp(
      {
        cells,
        issues: [
          issue('a/profiling-code', '2026-11-01T10:00:00Z', '2026-11-02T10:00:00Z'),
          issue('b/profiling-code', '2026-11-01T10:00:00Z', '2026-11-03T10:00:00Z'),
        ],
        checks: [
          pass('a/profiling-code', '2026-11-03T12:00:00Z'),
          pass('b/profiling-code', '2026-11-03T12:00:00Z', 'fail'),
        ],
      },
      new Date('2026-11-04T08:00:00Z'),
    );
    expect(burnUp.points.map((p) => [p.date, p.closedMinutes, p.verifiedMinutes])).toEqual([
      ['2026-11-01', 0, 0],
      ['2026-11-02', 60, 0],
      ['2026-11-03', 180, 60],
      ['2026-11-04', 180, 60],
    ]);
    expect(burnUp.points.every((p) => p.scopeMinutes === 240)).toBe(true);
  });

  it('forecasts the finish from the recent verified rate and compares it with the target', () => {
    const burnUp = buildBurnUp(
      {
        cells,
        issues: [
          issue('a/profiling-code', '2026-11-01T00:00:00Z', '2026-11-01T01:00:00Z'),
          issue('b/profiling-code', '2026-11-01T00:00:00Z', '2026-11-02T01:00:00Z'),
        ],
        checks: [pass('a/profiling-code', '2026-11-01T02:00:00Z'), pass('b/profiling-code', '2026-11-03T02:00:00Z')],
      },
      new Date('2026-11-03T12:00:00Z'),
      { targetDate: '2026-11-04' },
    );
    // 180 min verified over 2 days → 60 min/day over the window (day 1 → day 3); 60 min left → 1 day.
    expect(burnUp.forecast.ratePerDay).toBe(60);
    expect(burnUp.forecast.remainingMinutes).toBe(60);
    expect(burnUp.forecast.finishDate).toBe('2026-11-04');
    expect(burnUp.forecast.daysLate).toBe(0);
  });

  it('gives no finish date when nothing was verified recently', () => {
    const burnUp = buildBurnUp({ cells, issues: [], checks: [] }, new Date('2026-11-03T12:00:00Z'));
    expect(burnUp.points).toHaveLength(1);
    expect(burnUp.forecast.finishDate).toBeNull();
    expect(burnUp.forecast.remainingMinutes).toBe(240);
  });
});
