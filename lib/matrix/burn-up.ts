import { deriveCellState } from './cell-state';
import type { CheckFact, IssueFact, MatrixInput } from './types';

export interface BurnUpPoint {
  /** The end of the day (UTC), ISO date "2026-11-25". */
  date: string;
  scopeMinutes: number;
  closedMinutes: number;
  verifiedMinutes: number;
}

/** How the remaining work compares with TARGET_DATE. */
export type Outlook = 'done' | 'on-track' | 'at-risk' | 'late';

/** A finish date at one weekly rate (null when that rate is zero). */
export interface ForecastPoint {
  minutesPerWeek: number;
  finishDate: string | null;
}

export interface Forecast {
  /** Weeks of history the rates come from (up to WINDOW_WEEKS; fewer when the work is younger). */
  windowWeeks: number;
  /** Verified work per week in the window, oldest first: what the range is drawn from. */
  weeklyVerifiedMinutes: number[];
  /** Estimate of the issues closed per week on average in the window (shown for comparison, not forecast from). */
  closedPerWeekMinutes: number;
  remainingMinutes: number;
  /** Spread of the weekly throughput: 75th percentile, mean, 25th percentile. Null when stalled or without a rate. */
  range: { optimistic: ForecastPoint; likely: ForecastPoint; pessimistic: ForecastPoint } | null;
  /** The last day any cell closed or became verified (credited as below); null when nothing has. */
  lastProgressDate: string | null;
  /** Set when nothing closed or verified for STALL_DAYS: the forecast then gives no finish date. */
  stalledSince: string | null;
  stallDays: number;
  targetDate: string | null;
  /** Null without a target date. */
  outlook: Outlook | null;
}

export interface BurnUp {
  points: BurnUpPoint[];
  forecast: Forecast;
}

const DAY_MS = 86_400_000;
const dayKey = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const endOfDay = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS + DAY_MS - 1;

/**
 * Estimated hours done over time, counted two ways (issue closed; verified by live data), against
 * the plan's scope, from issue history and check history. Each day's figure applies the same
 * derivation as the matrix to the facts known at the end of that day.
 */
export function buildBurnUp(
  input: Pick<MatrixInput, 'cells' | 'issues' | 'checks'> & Partial<Pick<MatrixInput, 'capabilities' | 'signOffs'>>,
  now: Date,
  options: { targetDate?: string | null } = {},
): BurnUp {
  const scopeMinutes = input.cells.reduce((s, c) => s + c.estimateMinutes, 0);
  const issueByCell = new Map<string, IssueFact>();
  for (const issue of input.issues)
    if (issue.cellKey && !issueByCell.has(issue.cellKey)) issueByCell.set(issue.cellKey, issue);
  const partOf = new Map((input.capabilities ?? []).map((c) => [c.slug, c.part]));
  const checksByCell = new Map<string, CheckFact[]>();
  for (const check of input.checks) {
    const list = checksByCell.get(check.cellKey) ?? [];
    list.push(check);
    checksByCell.set(check.cellKey, list);
  }

  const times = [
    ...input.issues.flatMap((i) => [Date.parse(i.openedAt), i.closedAt ? Date.parse(i.closedAt) : NaN]),
    ...input.checks.map((c) => Date.parse(c.checkedAt)),
  ].filter((t) => Number.isFinite(t));
  const nowMs = now.getTime();
  const startMs = Math.min(nowMs, ...times);

  const points: BurnUpPoint[] = [];
  /** The end of the first day each cell (verified now) was verified. */
  const firstVerified = new Map<string, number>();
  for (let day = endOfDay(startMs); ; day += DAY_MS) {
    const at = Math.min(day, nowMs);
    const atIso = new Date(at).toISOString();
    let closedMinutes = 0;
    let verifiedMinutes = 0;
    for (const cell of input.cells) {
      const issue = issueByCell.get(cell.key);
      // Counted once its issue has closed (it was open, so opened, before that).
      if (!issue?.closedAt || Date.parse(issue.closedAt) > at) continue;
      closedMinutes += cell.estimateMinutes;
      const known = (checksByCell.get(cell.key) ?? []).filter((c) => c.checkedAt <= atIso);
      const part = partOf.get(cell.capabilitySlug) ?? 'code';
      // Sign-offs as they stood that day: a later revocation had not happened yet.
      const signedThen = (input.signOffs ?? [])
        .filter((s) => s.cellKey === cell.key && s.signedAt <= atIso)
        .map((s) => (s.revokedAt && s.revokedAt > atIso ? { ...s, revokedAt: null } : s));
      const verified =
        deriveCellState(issue, known, { part, criteria: cell.criteria }, signedThen, atIso).state === 'verified';
      if (verified) verifiedMinutes += cell.estimateMinutes;
      if (verified && !firstVerified.has(cell.key)) firstVerified.set(cell.key, at);
      if (!verified && at === nowMs) firstVerified.delete(cell.key);
    }
    points.push({ date: dayKey(at), scopeMinutes, closedMinutes, verifiedMinutes });
    if (day >= nowMs) break;
  }

  const forecast = buildForecast({
    cells: input.cells,
    issueByCell,
    firstVerified,
    checksBeganMs: input.checks.length > 0 ? Math.min(...input.checks.map((c) => Date.parse(c.checkedAt))) : null,
    remainingMinutes: scopeMinutes - points[points.length - 1].verifiedMinutes,
    nowMs,
    targetDate: options.targetDate ?? null,
  });
  return { points, forecast };
}

/** Weeks of history a forecast reads: long enough to hold real work, short enough to be about this team now. */
export const WINDOW_WEEKS = 8;
/** No closure and no verification for this long: the work has stalled and no finish date is honest. */
export const STALL_DAYS = 14;
const WEEK_MS = 7 * DAY_MS;

/** The q-quantile (0..1) of numbers (at least one), interpolated between neighbours. */
function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = q * (sorted.length - 1);
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low] + (sorted[high] - sorted[low]) * (at - low);
}

/**
 * The finish forecast. Done work is verified work, counted when it happened: a cell counts when it
 * was first verified, except that the first check of an issue closed before checking began counts
 * at the closure (that check measured old work, not this week's). The range comes from the spread
 * of weekly throughput; a stall (nothing closed or verified for STALL_DAYS) gives no date at all.
 */
function buildForecast(facts: {
  cells: Array<{ key: string; estimateMinutes: number }>;
  issueByCell: Map<string, IssueFact>;
  firstVerified: Map<string, number>;
  checksBeganMs: number | null;
  remainingMinutes: number;
  nowMs: number;
  targetDate: string | null;
}): Forecast {
  const { nowMs, remainingMinutes, targetDate } = facts;
  const verifiedEvents: Array<{ at: number; minutes: number }> = [];
  const closedEvents: Array<{ at: number; minutes: number }> = [];
  let firstOpenedMs = nowMs;
  for (const cell of facts.cells) {
    const issue = facts.issueByCell.get(cell.key);
    if (!issue) continue;
    firstOpenedMs = Math.min(firstOpenedMs, Date.parse(issue.openedAt));
    if (!issue.closedAt) continue;
    const closedMs = Date.parse(issue.closedAt);
    closedEvents.push({ at: closedMs, minutes: cell.estimateMinutes });
    // Only a closed cell is ever verified: buildBurnUp derives closed cells only.
    const verifiedMs = facts.firstVerified.get(cell.key);
    if (verifiedMs === undefined) continue;
    const catchUp =
      facts.checksBeganMs !== null && closedMs < facts.checksBeganMs && verifiedMs <= endOfDay(facts.checksBeganMs);
    verifiedEvents.push({ at: catchUp ? closedMs : Math.max(closedMs, verifiedMs), minutes: cell.estimateMinutes });
  }

  const windowWeeks = Math.max(1, Math.min(WINDOW_WEEKS, Math.ceil((nowMs - firstOpenedMs) / WEEK_MS)));
  const windowStart = nowMs - windowWeeks * WEEK_MS;
  const weekly = (events: typeof verifiedEvents) => {
    const weeks = new Array<number>(windowWeeks).fill(0);
    for (const e of events) {
      if (e.at <= windowStart || e.at > nowMs) continue;
      weeks[Math.min(windowWeeks - 1, Math.floor((e.at - windowStart) / WEEK_MS))] += e.minutes;
    }
    return weeks;
  };
  const weeklyVerifiedMinutes = weekly(verifiedEvents);
  const closedWeeks = weekly(closedEvents);
  const closedPerWeekMinutes = closedWeeks.reduce((s, m) => s + m, 0) / windowWeeks;

  const progressTimes = [...verifiedEvents, ...closedEvents].map((e) => e.at).filter((t) => t <= nowMs);
  const lastProgressMs = progressTimes.length > 0 ? Math.max(...progressTimes) : null;
  const stalledSince =
    remainingMinutes > 0 && lastProgressMs !== null && nowMs - lastProgressMs > STALL_DAYS * DAY_MS
      ? dayKey(lastProgressMs)
      : null;

  const at = (minutesPerWeek: number): ForecastPoint => ({
    minutesPerWeek,
    finishDate: minutesPerWeek > 0 ? dayKey(nowMs + Math.ceil((remainingMinutes / minutesPerWeek) * 7) * DAY_MS) : null,
  });
  const mean = weeklyVerifiedMinutes.reduce((s, m) => s + m, 0) / windowWeeks;
  const range =
    stalledSince !== null || remainingMinutes <= 0 || mean === 0
      ? null
      : {
          optimistic: at(Math.max(mean, quantile(weeklyVerifiedMinutes, 0.75))),
          likely: at(mean),
          pessimistic: at(Math.min(mean, quantile(weeklyVerifiedMinutes, 0.25))),
        };

  let outlook: Outlook | null = null;
  if (targetDate) {
    const targetPassed = dayKey(nowMs) > targetDate;
    if (remainingMinutes <= 0) outlook = 'done';
    else if (!range?.likely.finishDate) outlook = targetPassed ? 'late' : 'at-risk';
    else if (range.likely.finishDate > targetDate) outlook = 'late';
    else if (!range.pessimistic.finishDate || range.pessimistic.finishDate > targetDate) outlook = 'at-risk';
    else outlook = 'on-track';
  }
  return {
    windowWeeks,
    weeklyVerifiedMinutes,
    closedPerWeekMinutes,
    remainingMinutes,
    range,
    lastProgressDate: lastProgressMs === null ? null : dayKey(lastProgressMs),
    stalledSince,
    stallDays: STALL_DAYS,
    targetDate,
    outlook,
  };
}
