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

  it('stalls, with no finish date, when nothing closed for weeks and the first checks only confirm old closures', () => {
    // The demo's shape: issues closed in June, checking began on 2026-11-30 and verified one at once.
    const burnUp = buildBurnUp(
      {
        cells,
        issues: [
          issue('a/profiling-code', '2026-06-01T00:00:00Z', '2026-06-20T10:00:00Z'),
          issue('b/profiling-code', '2026-06-01T00:00:00Z', '2026-07-05T10:00:00Z'),
        ],
        checks: [pass('a/profiling-code', '2026-11-30T08:00:00Z')],
      },
      new Date('2026-11-30T12:00:00Z'),
      { targetDate: '2026-12-31' },
    );
    const { forecast } = burnUp;
    // Verified work rose today, but it is June's work: no velocity, no date.
    expect(burnUp.points.at(-1)!.verifiedMinutes).toBe(60);
    expect(forecast.weeklyVerifiedMinutes.every((m) => m === 0)).toBe(true);
    expect(forecast.stalledSince).toBe('2026-07-05');
    expect(forecast.range).toBeNull();
    expect(forecast.outlook).toBe('at-risk');
    expect(forecast.remainingMinutes).toBe(180);
  });

  it('gives a range from the spread of weekly throughput when work closes and verifies steadily', () => {
    const many = Array.from({ length: 12 }, (_, i) => cell(`s${i}/profiling-code`, 60 * (1 + (i % 3))));
    const now = Date.parse('2026-11-30T12:00:00Z');
    const daysAgo = (d: number) => new Date(now - d * 86_400_000).toISOString();
    // Eight cells closed one a week (ages 3, 10, …, 52 days), each verified a day after closing.
    const done = many.slice(0, 8);
    const input = {
      cells: many,
      issues: done.map((c, i) => issue(c.key, daysAgo(70), daysAgo(3 + 7 * i))),
      checks: done.map((c, i) => pass(c.key, daysAgo(2 + 7 * i))),
    };
    const burnUp = buildBurnUp(input, new Date(now), { targetDate: '2026-12-20' });
    const { forecast } = burnUp;
    expect(forecast.windowWeeks).toBe(8);
    expect(forecast.weeklyVerifiedMinutes.every((m) => m > 0)).toBe(true);
    expect(forecast.stalledSince).toBeNull();
    const { optimistic, likely, pessimistic } = forecast.range!;
    expect(optimistic.minutesPerWeek).toBeGreaterThan(pessimistic.minutesPerWeek);
    expect(likely.minutesPerWeek).toBe(forecast.weeklyVerifiedMinutes.reduce((s, m) => s + m, 0) / 8);
    expect(optimistic.finishDate! < likely.finishDate!).toBe(true);
    expect(likely.finishDate! < pessimistic.finishDate!).toBe(true);
    // 4 cells left (180+60+120+180 = 540 min) at 112.5 min/week (the mean) is almost 5 weeks: after the target.
    expect(forecast.remainingMinutes).toBe(540);
    expect(likely.minutesPerWeek).toBe(112.5);
    expect(forecast.outlook).toBe('late');
    // Against a target on or after the pessimistic date: on track; on or after the likely one only: at risk.
    const outlookFor = (targetDate: string) => buildBurnUp(input, new Date(now), { targetDate }).forecast.outlook;
    expect(outlookFor(pessimistic.finishDate!)).toBe('on-track');
    expect(outlookFor('2027-12-31')).toBe('on-track');
    expect(outlookFor(likely.finishDate!)).toBe('at-risk');
    expect(buildBurnUp({ cells: many, issues: [], checks: [] }, new Date(now), {}).forecast.outlook).toBeNull();
  });

  it('counts a verification as velocity when the closure came after checking began', () => {
    const burnUp = buildBurnUp(
      {
        cells,
        issues: [
          issue('a/profiling-code', '2026-11-01T00:00:00Z', '2026-11-20T01:00:00Z'),
          issue('b/profiling-code', '2026-11-01T00:00:00Z', '2026-11-25T01:00:00Z'),
        ],
        checks: [
          pass('c/profiling-code', '2026-11-02T02:00:00Z', 'fail'),
          pass('a/profiling-code', '2026-11-21T02:00:00Z'),
          pass('b/profiling-code', '2026-11-26T02:00:00Z'),
        ],
      },
      new Date('2026-11-27T12:00:00Z'),
      { targetDate: '2026-12-31' },
    );
    const { forecast } = burnUp;
    expect(forecast.windowWeeks).toBe(4);
    // Both verified in the last week, when each closed and then proved itself (checking began on 2026-11-02).
    expect(forecast.weeklyVerifiedMinutes).toEqual([0, 0, 0, 180]);
    expect(forecast.range!.likely.minutesPerWeek).toBe(45);
    // 60 min left at 45 min/week: ten days.
    expect(forecast.range!.likely.finishDate).toBe('2026-12-07');
    expect(forecast.range!.pessimistic.finishDate).toBeNull();
    expect(forecast.outlook).toBe('at-risk');
  });

  it('gives no finish date when nothing was verified', () => {
    const burnUp = buildBurnUp({ cells, issues: [], checks: [] }, new Date('2026-11-03T12:00:00Z'));
    expect(burnUp.points).toHaveLength(1);
    expect(burnUp.forecast.range).toBeNull();
    expect(burnUp.forecast.lastProgressDate).toBeNull();
    expect(burnUp.forecast.remainingMinutes).toBe(240);
  });
});
