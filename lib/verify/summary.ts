import { CHECK_STATUSES, type CheckStatus, type MatrixCell, type MatrixView } from '../matrix/types';
import type { VerifyScope } from './run';

/** The cells of the view a verification scope covers (the gate belongs to "all" only). */
export function scopedCells(view: Pick<MatrixView, 'rows' | 'gate'>, scope: VerifyScope): MatrixCell[] {
  const cells = [
    ...(view.gate ? [view.gate] : []),
    ...view.rows.flatMap((r) => r.cells.filter((c): c is MatrixCell => c !== null)),
  ];
  if (scope.kind === 'all') return cells;
  if (scope.kind === 'service') return cells.filter((c) => c.serviceSlug === scope.slug);
  return cells.filter((c) => c.key === scope.key);
}

export interface VerifyRunSummary {
  /** Cells with at least one result of this run. */
  checked: number;
  /** Per cell, its worst new result: error, then fail, too little data, not configured, then pass. */
  byStatus: Record<CheckStatus, number>;
  /** Cells in scope that got no new result (e.g. a probe was still queued elsewhere). */
  unchecked: number;
}

const WORST_FIRST: CheckStatus[] = ['error', 'fail', 'insufficient-data', 'not-configured', 'pass'];

/**
 * What a finished verification found, per cell: its results are those stamped at or after the run began
 * (`startedAt`, the server's clock, from POST /api/verify). Not "newer than what the page knew": the page
 * may be 30 s behind, and another run's results from those seconds are not this run's.
 */
export function summarizeRun(
  cells: Array<
    Pick<MatrixCell, 'key'> & { latestChecks: Array<Pick<MatrixCell['latestChecks'][number], 'status' | 'checkedAt'>> }
  >,
  startedAt: string,
): VerifyRunSummary {
  const byStatus = Object.fromEntries(CHECK_STATUSES.map((s) => [s, 0])) as Record<CheckStatus, number>;
  const since = Date.parse(startedAt);
  let checked = 0;
  for (const cell of cells) {
    // Compared as instants: the page's times and the server's start need not be formatted alike.
    const fresh = cell.latestChecks.filter((c) => Date.parse(c.checkedAt) >= since);
    if (fresh.length === 0) continue;
    checked += 1;
    const worst = WORST_FIRST.find((s) => fresh.some((c) => c.status === s)) ?? 'pass';
    byStatus[worst] += 1;
  }
  return { checked, byStatus, unchecked: cells.length - checked };
}

/** "27 checked: 18 pass, 6 fail, 3 error" (not-configured and unchecked only when there are any). */
export function describeRun(summary: VerifyRunSummary): string {
  const { byStatus } = summary;
  const parts = [`${byStatus.pass} pass`, `${byStatus.fail} fail`, `${byStatus.error} error`];
  if (byStatus['insufficient-data'] > 0) parts.push(`${byStatus['insufficient-data']} too little data`);
  if (byStatus['not-configured'] > 0) parts.push(`${byStatus['not-configured']} not configured`);
  const tail = summary.unchecked > 0 ? ` (${summary.unchecked} without a new result)` : '';
  return `${summary.checked} checked: ${parts.join(', ')}${tail}`;
}
