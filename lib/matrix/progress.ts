import type { MatrixCell, MatrixView } from './types';

export interface ProgressLine {
  slug: string;
  name: string;
  totalMinutes: number;
  closedMinutes: number;
  verifiedMinutes: number;
}

/** How long a closed issue stayed open: calendar time, shown next to the estimate, never divided by it. */
export interface CycleTime {
  cellKey: string;
  title: string;
  issue: string;
  issueUrl: string;
  /** The plan's estimate, the one the matrix uses. */
  estimateMinutes: number;
  estimateText: string;
  /** The issue's own estimate when it differs from the plan's (e.g. plan ~3h, issue ~5h). */
  issueEstimateText: string | null;
  /** Opened → closed. */
  openMinutes: number;
}

export interface ProgressReport {
  overall: ProgressLine & { gapMinutes: number };
  /** The service cells alone, and the infrastructure gate alone: the gate is a large share of early progress. */
  serviceWork: ProgressLine;
  gate: (ProgressLine & { estimateText: string }) | null;
  byService: ProgressLine[];
  byCapability: ProgressLine[];
  estimates: {
    headlineMinutes: number;
    headlineText: string;
    planCellsMinutes: number;
    /** Sum of the estimates written in the synced issues' bodies. */
    issueEstimatesMinutes: number;
    issuesWithEstimate: number;
    cellsWithIssue: number;
    cellCount: number;
  };
  /** Closed issues by how long they stayed open, longest first. */
  cycleTimes: CycleTime[];
}

const isClosed = (c: MatrixCell) =>
  c.state === 'verified' || c.state === 'closed-unverified' || c.state === 'regressed';

function line(slug: string, name: string, cells: MatrixCell[]): ProgressLine {
  const sum = (pick: (c: MatrixCell) => boolean) => cells.filter(pick).reduce((s, c) => s + c.estimateMinutes, 0);
  return {
    slug,
    name,
    totalMinutes: sum(() => true),
    closedMinutes: sum(isClosed),
    verifiedMinutes: sum((c) => c.state === 'verified'),
  };
}

/**
 * Estimate-weighted progress counted two ways (closed, verified), with the gate apart from service
 * work, the estimate totals side by side, and how long closed issues stayed open.
 */
export function buildProgressReport(view: MatrixView): ProgressReport {
  const serviceCells = view.rows.flatMap((r) => r.cells.filter((c): c is MatrixCell => c !== null));
  const all = view.gate ? [view.gate, ...serviceCells] : serviceCells;
  const overall = line('all', 'Whole plan', all);
  const withIssue = all.filter((c) => c.issue);
  const cycleTimes = withIssue
    .filter((c) => c.issue!.closedAt)
    .map(
      (c): CycleTime => ({
        cellKey: c.key,
        title: c.title,
        issue: `${c.issue!.repo}#${c.issue!.number}`,
        issueUrl: c.issue!.htmlUrl,
        estimateMinutes: c.estimateMinutes,
        estimateText: c.estimateText,
        issueEstimateText: c.issueEstimate?.text ?? null,
        openMinutes: Math.round((Date.parse(c.issue!.closedAt!) - Date.parse(c.issue!.openedAt)) / 60_000),
      }),
    )
    .sort((a, b) => b.openMinutes - a.openMinutes);
  return {
    overall: { ...overall, gapMinutes: overall.closedMinutes - overall.verifiedMinutes },
    serviceWork: line('services', 'Service work', serviceCells),
    gate: view.gate
      ? { ...line('gate', `Gate: ${view.gate.title}`, [view.gate]), estimateText: view.gate.estimateText }
      : null,
    byService: view.rows.map((r) =>
      line(
        r.service.slug,
        r.service.name,
        r.cells.filter((c): c is MatrixCell => c !== null),
      ),
    ),
    byCapability: view.columns.map((col, index) =>
      line(
        col.slug,
        col.name,
        view.rows.map((r) => r.cells[index]).filter((c): c is MatrixCell => c !== null),
      ),
    ),
    estimates: {
      headlineMinutes: view.totals.headlineMinutes,
      headlineText: view.totals.headlineText,
      planCellsMinutes: view.totals.planCellsMinutes,
      issueEstimatesMinutes: withIssue.reduce((s, c) => s + (c.issue!.estimateMinutes ?? 0), 0),
      issuesWithEstimate: withIssue.filter((c) => c.issue!.estimateMinutes !== null).length,
      cellsWithIssue: withIssue.length,
      cellCount: all.length,
    },
    cycleTimes,
  };
}
