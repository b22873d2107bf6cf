import { describe, expect, it } from 'vitest';
import { buildBurnUp } from './burn-up';
import type { CheckFact, IssueFact, SignOffFact } from './types';
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
    // The weeks sorted are 60 60 60 120 120 120 180 180: the 75th percentile lies a quarter of the way from
    // 120 to 180, the 25th between two 60s. At 135, 60 and 112.5 min/week: 28, 63 and 34 days.
    expect(optimistic).toEqual({ minutesPerWeek: 135, finishDate: '2026-12-28' });
    expect(pessimistic).toEqual({ minutesPerWeek: 60, finishDate: '2027-02-01' });
    expect(likely.finishDate).toBe('2027-01-03');
    expect(forecast.closedPerWeekMinutes).toBe(112.5);
    expect(forecast.lastProgressDate).toBe('2026-11-28');
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
    expect(burnUp.forecast.stalledSince).toBeNull();
    expect(burnUp.forecast.remainingMinutes).toBe(240);
  });
});

describe('buildBurnUp, day by day', () => {
  it('starts on the day of the first fact, a check before any issue included, and counts the first issue of a cell', () => {
    const burnUp = buildBurnUp(
      {
        cells,
        issues: [
          issue('a/profiling-code', '2026-11-01T10:00:00Z', '2026-11-02T10:00:00Z'),
          // A second issue of the same cell: the board shows the first, and so does the chart.
          issue('a/profiling-code', '2026-11-03T01:00:00Z', null),
          issue('b/profiling-code', '2026-11-01T10:00:00Z', null),
        ],
        checks: [pass('c/profiling-code', '2026-10-30T09:00:00Z', 'fail')],
      },
      new Date('2026-11-03T08:00:00Z'),
    );
    expect(burnUp.points.map((p) => [p.date, p.closedMinutes, p.verifiedMinutes])).toEqual([
      ['2026-10-30', 0, 0],
      ['2026-10-31', 0, 0],
      ['2026-11-01', 0, 0],
      ['2026-11-02', 60, 0],
      ['2026-11-03', 60, 0],
    ]);
  });

  it('counts an issue closed and a check passed at this very moment today, and ends on today once', () => {
    // Now is the last millisecond of the 4th: the chart ends there, with no second point for the same day.
    const now = '2026-11-04T23:59:59.999Z';
    const burnUp = buildBurnUp(
      {
        cells,
        issues: [
          issue('a/profiling-code', '2026-11-01T00:00:00Z', now),
          issue('b/profiling-code', '2026-11-01T00:00:00Z', '2026-11-02T00:00:00Z'),
        ],
        checks: [pass('a/profiling-code', now)],
      },
      new Date(now),
    );
    expect(burnUp.points.map((p) => [p.date, p.closedMinutes, p.verifiedMinutes])).toEqual([
      ['2026-11-01', 0, 0],
      ['2026-11-02', 120, 0],
      ['2026-11-03', 120, 0],
      ['2026-11-04', 180, 60],
    ]);
    const { forecast } = burnUp;
    // Not four days old: one week of history, holding both closures and the verification.
    expect(forecast.windowWeeks).toBe(1);
    expect(forecast.weeklyVerifiedMinutes).toEqual([60]);
    expect(forecast.closedPerWeekMinutes).toBe(180);
    expect(forecast.lastProgressDate).toBe('2026-11-04');
    expect(forecast.remainingMinutes).toBe(180);
    // 180 min left at 60 min/week: three weeks.
    expect(forecast.range!.likely).toEqual({ minutesPerWeek: 60, finishDate: '2026-11-25' });
  });

  it('verifies by sign-offs as they stood each day: a later revocation had not happened yet', () => {
    const confirmed = [{ text: 'The team confirms the dashboards', proof: { kind: 'sign-off' as const } }];
    const signed = [cell('a/profiling-code', 60), cell('b/profiling-code', 60), cell('c/profiling-code', 60)].map(
      (c) => ({ ...c, criteria: confirmed }),
    );
    const signOff = (cellKey: string, signedAt: string, revokedAt: string | null = null): SignOffFact => ({
      id: `${cellKey}@${signedAt}`,
      cellKey,
      criterion: 0,
      criterionText: confirmed[0].text,
      by: 'ana',
      note: '',
      signedAt,
      expiresAt: null,
      revokedAt,
      revokedBy: revokedAt ? 'bo' : null,
    });
    const burnUp = buildBurnUp(
      {
        cells: signed,
        issues: signed.map((c) => issue(c.key, '2026-10-01T00:00:00Z', '2026-10-02T10:00:00Z')),
        checks: [],
        signOffs: [
          // a: signed, revoked, signed again.
          signOff('a/profiling-code', '2026-10-03T10:00:00Z', '2026-10-20T10:00:00Z'),
          signOff('a/profiling-code', '2026-11-05T10:00:00Z'),
          // b: signed in the last millisecond of the 10th.
          signOff('b/profiling-code', '2026-10-10T23:59:59.999Z'),
          // c: signed, then revoked for good, in the last millisecond of the 25th.
          signOff('c/profiling-code', '2026-10-04T10:00:00Z', '2026-10-25T23:59:59.999Z'),
        ],
      },
      new Date('2026-11-06T12:00:00Z'),
    );
    const verifiedOn = Object.fromEntries(burnUp.points.map((p) => [p.date, p.verifiedMinutes]));
    expect(burnUp.points.every((p) => p.closedMinutes === (p.date === '2026-10-01' ? 0 : 180))).toBe(true);
    expect(verifiedOn).toMatchObject({
      '2026-10-02': 0,
      '2026-10-03': 60,
      '2026-10-04': 120,
      '2026-10-09': 120,
      '2026-10-10': 180,
      '2026-10-19': 180,
      '2026-10-20': 120,
      '2026-10-24': 120,
      '2026-10-25': 60,
      '2026-11-04': 60,
      '2026-11-05': 120,
      '2026-11-06': 120,
    });
    const { forecast } = burnUp;
    // Six weeks of history (from 2026-09-25 12:00). a counts when first verified (2nd week), b in the 3rd; c is not
    // verified now, so it does not count at all. Without checks, nothing is a catch-up: each counts when signed.
    expect(forecast.windowWeeks).toBe(6);
    expect(forecast.weeklyVerifiedMinutes).toEqual([0, 60, 60, 0, 0, 0]);
    expect(forecast.closedPerWeekMinutes).toBe(30);
    expect(forecast.remainingMinutes).toBe(60);
    expect(forecast.lastProgressDate).toBe('2026-10-10');
    expect(forecast.stalledSince).toBe('2026-10-10');
    // Stalled: however fast the work went before, no finish date.
    expect(forecast.range).toBeNull();
  });

  it('counts the first checks of work closed before checking began at the closure, later ones when they pass', () => {
    const burnUp = buildBurnUp(
      {
        cells,
        issues: [
          issue('a/profiling-code', '2026-10-01T00:00:00Z', '2026-10-20T10:00:00Z'),
          issue('b/profiling-code', '2026-10-01T00:00:00Z', '2026-10-25T10:00:00Z'),
          issue('c/profiling-code', '2026-10-01T00:00:00Z', null),
        ],
        checks: [
          // Checking begins on the 10th: a fails then, and passes ten days later; b passes on that first day.
          pass('a/profiling-code', '2026-11-10T08:00:00Z', 'fail'),
          pass('b/profiling-code', '2026-11-10T09:00:00Z'),
          pass('a/profiling-code', '2026-11-20T08:00:00Z'),
        ],
      },
      new Date('2026-11-30T12:00:00Z'),
    );
    const { forecast } = burnUp;
    // Weeks from 2026-10-05 12:00: b counts at its closure (3rd week), a when it passed (7th week).
    expect(forecast.windowWeeks).toBe(8);
    expect(forecast.weeklyVerifiedMinutes).toEqual([0, 0, 120, 0, 0, 0, 60, 0]);
    expect(forecast.closedPerWeekMinutes).toBe(22.5);
    expect(forecast.lastProgressDate).toBe('2026-11-20');
  });
});

describe('buildBurnUp forecast, at its edges', () => {
  it('counts work closed on the day checking began when it is verified, not at its closure', () => {
    // Checking begins at 08:00 on the 10th; a closes at 09:00 and passes at 13:00; a week ends at noon.
    const { forecast } = buildBurnUp(
      {
        cells,
        issues: [issue('a/profiling-code', '2026-11-01T00:00:00Z', '2026-11-10T09:00:00Z')],
        checks: [
          pass('c/profiling-code', '2026-11-10T08:00:00Z', 'fail'),
          pass('a/profiling-code', '2026-11-10T13:00:00Z'),
        ],
      },
      new Date('2026-11-17T12:00:00Z'),
    );
    // Three weeks of history; the closure falls in the second, the verification in the third.
    expect(forecast.weeklyVerifiedMinutes).toEqual([0, 0, 60]);
    expect(forecast.closedPerWeekMinutes).toBe(20);
  });

  const now = Date.parse('2026-11-30T12:00:00Z');
  const at = (ms: number) => new Date(ms).toISOString();
  const WEEK = 7 * 86_400_000;
  const four = [...cells, cell('d/profiling-code', 60)];

  it('reads closures after the start of the window and up to now: not the one at its start, not one ahead of now', () => {
    const { forecast } = buildBurnUp(
      {
        cells: four,
        issues: [
          issue('a/profiling-code', at(now - 12 * WEEK), at(now - 8 * WEEK)),
          issue('c/profiling-code', at(now - 12 * WEEK), at(now - 8 * WEEK + 1)),
          // A clock ahead of ours: closed an hour from now, it has not happened yet.
          issue('d/profiling-code', at(now - 12 * WEEK), at(now + 3_600_000)),
        ],
        checks: [],
      },
      new Date(now),
    );
    expect(forecast.windowWeeks).toBe(8);
    expect(forecast.closedPerWeekMinutes).toBe(60 / 8);
    expect(forecast.lastProgressDate).toBe('2026-10-05');
    expect(forecast.stalledSince).toBe('2026-10-05');
  });

  it('calls work stalled only past fourteen days without progress, and says late once the target has passed', () => {
    const forecastFor = (closedAgoMs: number, targetDate: string) =>
      buildBurnUp(
        { cells, issues: [issue('a/profiling-code', at(now - 20 * 86_400_000), at(now - closedAgoMs))], checks: [] },
        new Date(now),
        { targetDate },
      ).forecast;
    const fortnight = forecastFor(14 * 86_400_000, '2026-12-31');
    expect(fortnight.stalledSince).toBeNull();
    expect(fortnight.lastProgressDate).toBe('2026-11-16');
    // Nothing verified: no finish date, so at risk before the target, late after it.
    expect(fortnight.range).toBeNull();
    expect(fortnight.outlook).toBe('at-risk');
    expect(forecastFor(14 * 86_400_000 + 1, '2026-12-31').stalledSince).toBe('2026-11-16');
    expect(forecastFor(86_400_000, '2026-11-30').outlook).toBe('at-risk');
    expect(forecastFor(86_400_000, '2026-11-29').outlook).toBe('late');
  });

  it('is done, with no range and nothing stalled, when every cell is verified, however long ago', () => {
    const doneFor = (closedAgoDays: number) =>
      buildBurnUp(
        {
          cells: [cell('a/profiling-code', 60)],
          issues: [issue('a/profiling-code', at(now - 70 * 86_400_000), at(now - closedAgoDays * 86_400_000))],
          checks: [pass('a/profiling-code', at(now - (closedAgoDays - 1) * 86_400_000))],
        },
        new Date(now),
        { targetDate: '2026-11-01' },
      ).forecast;
    for (const ago of [10, 60]) {
      const forecast = doneFor(ago);
      expect(forecast.remainingMinutes, `${ago} days`).toBe(0);
      expect(forecast.range, `${ago} days`).toBeNull();
      expect(forecast.stalledSince, `${ago} days`).toBeNull();
      expect(forecast.outlook, `${ago} days`).toBe('done');
    }
    expect(doneFor(10).weeklyVerifiedMinutes.at(-2)).toBe(60);
  });
});
