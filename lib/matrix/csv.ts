import type { MatrixCell, MatrixView } from './types';

export interface ExportRow {
  service: string;
  capability: string;
  cell: string;
  title: string;
  state: string;
  planEstimate: string;
  planEstimateMinutes: number;
  issue: string;
  issueUrl: string;
  issueState: string;
  issueEstimateMinutes: number | '';
  assignees: string;
  lastVerifiedAt: string;
  latestChecks: string;
  /** The furthest evidence link proven (issue-closed, merged, deployed, data-flowing) or "none". */
  evidenceFurthest: string;
  /** The chain in words, e.g. "merged, not flowing". */
  evidenceSummary: string;
  /** Each link's status, e.g. "issue-closed:passed merged:passed deployed:not-checked data-flowing:failed". */
  evidenceLinks: string;
}

/** One flat row per cell (gate included), the shape both the CSV and JSON exports use. */
export function exportRows(view: MatrixView): ExportRow[] {
  const row = (cell: MatrixCell, service: string, capability: string): ExportRow => ({
    service,
    capability,
    cell: cell.key,
    title: cell.title,
    state: cell.state,
    planEstimate: cell.estimateText,
    planEstimateMinutes: cell.estimateMinutes,
    issue: cell.issue ? `${cell.issue.repo}#${cell.issue.number}` : '',
    issueUrl: cell.issue?.htmlUrl ?? '',
    issueState: cell.issue?.state ?? '',
    issueEstimateMinutes: cell.issue?.estimateMinutes ?? '',
    assignees: cell.issue?.assignees.join(' ') ?? '',
    lastVerifiedAt: cell.lastVerifiedAt ?? '',
    latestChecks: cell.latestChecks.map((c) => `${c.check}:${c.status}`).join(' '),
    evidenceFurthest: cell.chain.furthest ?? 'none',
    evidenceSummary: cell.chain.summary,
    evidenceLinks: cell.chain.links.map((l) => `${l.link}:${l.status}${l.regressed ? '(regressed)' : ''}`).join(' '),
  });
  const rows: ExportRow[] = [];
  if (view.gate) rows.push(row(view.gate, '(gate)', view.gate.capabilitySlug));
  for (const matrixRow of view.rows) {
    matrixRow.cells.forEach((cell, index) => {
      if (cell) rows.push(row(cell, matrixRow.service.slug, view.columns[index].slug));
    });
  }
  return rows;
}

// RFC 4180: quote fields with commas, quotes or line breaks; double embedded quotes. Text starting with
// =, +, -, @, TAB or CR is prefixed with ' so spreadsheets do not run it as a formula (OWASP CSV injection:
// a spreadsheet skips a leading TAB or CR and then reads the formula). Numbers are written as numbers.
function csvField(value: string | number): string {
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(rows: ExportRow[]): string {
  if (rows.length === 0) return '';
  const columns = Object.keys(rows[0]) as Array<keyof ExportRow>;
  return `${[columns.join(','), ...rows.map((r) => columns.map((c) => csvField(r[c])).join(','))].join('\r\n')}\r\n`;
}
