import type { MatrixCell, MatrixView } from './types';

export interface ProgressLine {
  slug: string;
  name: string;
  totalMinutes: number;
  closedMinutes: number;
  verifiedMinutes: number;
}

export interface Overrun {
  cellKey: string;
  title: string;
  issue: string;
  issueUrl: string;
  estimateMinutes: number;
  elapsedMinutes: number;
  /** elapsed / estimate */
  ratio: number;
}

export interface ProgressReport {
  overall: ProgressLine & { gapMinutes: number };
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
  /** Closed issues whose opened → closed time exceeded their estimate, worst first. */
  overruns: Overrun[];
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

/** Estimate-weighted progress counted two ways (closed, verified), the estimate totals side by side, and overruns. */
export function buildProgressReport(view: MatrixView): ProgressReport {
  const serviceCells = view.rows.flatMap((r) => r.cells.filter((c): c is MatrixCell => c !== null));
  const all = view.gate ? [view.gate, ...serviceCells] : serviceCells;
  const overall = line('all', 'Whole plan', all);
  const withIssue = all.filter((c) => c.issue);
  const overruns = withIssue
    .filter((c) => c.issue!.closedAt)
    .map((c) => {
      const elapsedMinutes = Math.round((Date.parse(c.issue!.closedAt!) - Date.parse(c.issue!.openedAt)) / 60_000);
      const estimateMinutes = c.issue!.estimateMinutes ?? c.estimateMinutes;
      return {
        cellKey: c.key,
        title: c.title,
        issue: `${c.issue!.repo}#${c.issue!.number}`,
        issueUrl: c.issue!.htmlUrl,
        estimateMinutes,
        elapsedMinutes,
        ratio: estimateMinutes > 0 ? elapsedMinutes / estimateMinutes : 0,
      };
    })
    .filter((o) => o.elapsedMinutes > o.estimateMinutes)
    .sort((a, b) => b.ratio - a.ratio);
  return {
    overall: { ...overall, gapMinutes: overall.closedMinutes - overall.verifiedMinutes },
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
    overruns,
  };
}
