import { deriveCellState } from './cell-state';
import type { CheckFact, IssueFact, MatrixInput } from './types';

export interface BurnUpPoint {
  /** The end of the day (UTC), ISO date "2026-11-25". */
  date: string;
  scopeMinutes: number;
  closedMinutes: number;
  verifiedMinutes: number;
}

export interface Forecast {
  /** Verified minutes gained per day over the recent window. */
  ratePerDay: number;
  windowDays: number;
  remainingMinutes: number;
  /** ISO date the remaining work is verified at the recent rate; null when the rate is zero. */
  finishDate: string | null;
  targetDate: string | null;
  /** finishDate − targetDate in days (positive: late). Null without both dates. */
  daysLate: number | null;
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
  options: { windowDays?: number; targetDate?: string | null } = {},
): BurnUp {
  const windowDays = options.windowDays ?? 14;
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
  const startMs = times.length > 0 ? Math.min(...times) : nowMs;

  const points: BurnUpPoint[] = [];
  for (let day = endOfDay(startMs); ; day += DAY_MS) {
    const at = Math.min(day, nowMs);
    const atIso = new Date(at).toISOString();
    let closedMinutes = 0;
    let verifiedMinutes = 0;
    for (const cell of input.cells) {
      const issue = issueByCell.get(cell.key);
      if (!issue || Date.parse(issue.openedAt) > at) continue;
      const closedThen = issue.closedAt !== null && Date.parse(issue.closedAt) <= at;
      if (!closedThen) continue;
      closedMinutes += cell.estimateMinutes;
      const known = (checksByCell.get(cell.key) ?? []).filter((c) => c.checkedAt <= atIso);
      const part = partOf.get(cell.capabilitySlug) ?? 'code';
      // Sign-offs as they stood that day: a later revocation had not happened yet.
      const signedThen = (input.signOffs ?? [])
        .filter((s) => s.cellKey === cell.key && s.signedAt <= atIso)
        .map((s) => (s.revokedAt && s.revokedAt > atIso ? { ...s, revokedAt: null } : s));
      if (deriveCellState(issue, known, { part, criteria: cell.criteria }, signedThen, atIso).state === 'verified')
        verifiedMinutes += cell.estimateMinutes;
    }
    points.push({ date: dayKey(at), scopeMinutes, closedMinutes, verifiedMinutes });
    if (day >= nowMs) break;
  }

  const last = points[points.length - 1];
  const windowStart = points[Math.max(0, points.length - 1 - windowDays)];
  const days = Math.max(1, Math.min(windowDays, points.length - 1));
  const ratePerDay = points.length > 1 ? (last.verifiedMinutes - windowStart.verifiedMinutes) / days : 0;
  const remainingMinutes = scopeMinutes - last.verifiedMinutes;
  const finishMs =
    remainingMinutes <= 0 ? nowMs : ratePerDay > 0 ? nowMs + Math.ceil(remainingMinutes / ratePerDay) * DAY_MS : null;
  const finishDate = finishMs === null ? null : dayKey(finishMs);
  const targetDate = options.targetDate ?? null;
  const daysLate =
    finishDate && targetDate ? Math.round((Date.parse(finishDate) - Date.parse(targetDate)) / DAY_MS) : null;
  return { points, forecast: { ratePerDay, windowDays, remainingMinutes, finishDate, targetDate, daysLate } };
}
