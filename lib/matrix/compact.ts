import { provenPartly } from './check-evidence';
import {
  ATTENTION_STATES,
  type CellState,
  type ChainLinkStatus,
  type CheckStatus,
  type EstimateTotals,
  type MatrixCell,
  type MatrixProgress,
  type MatrixView,
  type UnmappedIssueFact,
} from './types';

/** How many recent results a matrix cell's sparkline shows (the full history stays on the service page). */
export const COMPACT_HISTORY = 12;
/** Past this many services the matrix groups its rows, "needs attention" first. */
export const GROUP_ROWS_PAST = 40;
/**
 * How many services a group shows until someone asks for all of them: a fleet's first page costs
 * about what a few plans' pages cost, not what all its cells do. Twenty services (120 cells) fill
 * about two laptop screens; at forty, the checked 200-service page cost 6× the plan's page.
 */
export const GROUP_PAGE_ROWS = 20;

/** One letter per result or link, so a cell's history and chain cost a few bytes. */
export const STATUS_LETTER: Record<CheckStatus, string> = {
  pass: 'p',
  fail: 'f',
  error: 'e',
  'not-configured': 'n',
  'insufficient-data': 'i',
};
export const LETTER_STATUS: Record<string, CheckStatus> = {
  p: 'pass',
  f: 'fail',
  e: 'error',
  n: 'not-configured',
  i: 'insufficient-data',
};

/**
 * What the matrix shows of a cell, and nothing more: evidence, criteria texts and messages load on
 * demand (/api/matrix/cells/<key>, the service page). A projection of the derived MatrixCell: it
 * decides nothing.
 */
export interface CompactCell {
  key: string;
  title: string;
  /** The derived state; its label is CELL_STATE_LABELS[state], its page cellHref(cell). */
  state: CellState;
  estimateText: string;
  /** How many acceptance criteria the cell has, and how many hold (their texts load on demand). */
  criteria: number;
  criteriaHeld: number;
  /** The worst of the newest result of each check: error, fail, pass, not configured; null before any. */
  liveStatus: CheckStatus | null;
  /** The newest result of each check, newest first, without its message or evidence (those load on demand). */
  latestChecks: Array<{ check: string; status: CheckStatus; checkedAt: string; partial?: true }>;
  /** The newest COMPACT_HISTORY results, oldest first, one STATUS_LETTER each. */
  history: string;
  /**
   * One letter per evidence link (issue closed, merged, deployed, data flowing): p passed, h partly,
   * f failed, n not checked, r regressed.
   */
  chain: string;
  chainSummary: string;
  issue: {
    number: number;
    state: 'open' | 'closed';
    url: string;
    assignees: string[];
    pullRequests: number;
  } | null;
  /** The issue's own estimate, when it disagrees with the plan's. */
  issueEstimate: string | null;
}

/**
 * A cell as the board's row island receives it: the compact cell, or on a grouped fleet board the
 * compact cell without its issue and title (the on-demand detail shows them), so rows stay small.
 */
export type MatrixRowCell = Omit<CompactCell, 'issue' | 'title' | 'issueEstimate' | 'latestChecks'> &
  Partial<Pick<CompactCell, 'issue' | 'title' | 'issueEstimate' | 'latestChecks'>>;

/** What a grouped fleet board sends of a cell. */
export const fleetRowCell = ({
  issue: _issue,
  title: _title,
  issueEstimate: _estimate,
  latestChecks: _checks,
  ...rest
}: CompactCell): MatrixRowCell => rest;

export interface CompactRow {
  slug: string;
  name: string;
  runtimes: string[];
  /** Aligned with the columns; null where the capability does not apply. */
  cells: Array<CompactCell | null>;
  estimateMinutes: number;
  verifiedMinutes: number;
}

export const ROW_GROUPS = [
  { id: 'attention', label: 'Needs attention', hint: 'a cell ready to close, closed but unverified, or regressed' },
  { id: 'in-progress', label: 'In progress', hint: 'work started, nothing needs attention' },
  { id: 'planned', label: 'Not started', hint: 'every cell planned' },
  { id: 'verified', label: 'Verified', hint: 'every cell verified by live data' },
] as const;
export type RowGroupId = (typeof ROW_GROUPS)[number]['id'];

export interface RowGroup {
  id: RowGroupId;
  label: string;
  hint: string;
  rows: CompactRow[];
}

export interface CompactMatrixView {
  /** The store revision this view was derived at. */
  revision: number;
  plan: MatrixView['plan'];
  columns: Array<{ slug: string; name: string; estimateMinutes: number; cellCount: number }>;
  rows: CompactRow[];
  gate: CompactCell | null;
  totals: EstimateTotals;
  progress: MatrixProgress;
  unmapped: { total: number; issues: UnmappedIssueFact[] };
}

const CHAIN_LETTER: Record<ChainLinkStatus, string> = { passed: 'p', partial: 'h', failed: 'f', 'not-checked': 'n' };
const WORST: CheckStatus[] = ['error', 'fail', 'insufficient-data', 'pass', 'not-configured'];

function compactCell(cell: MatrixCell): CompactCell {
  const statuses = new Set(cell.latestChecks.map((c) => c.status));
  return {
    key: cell.key,
    title: cell.title,
    state: cell.state,
    estimateText: cell.estimateText,
    criteria: cell.criteria.length,
    criteriaHeld: cell.criteriaHeld,
    liveStatus: WORST.find((s) => statuses.has(s)) ?? null,
    latestChecks: cell.latestChecks.map((c) => ({
      check: c.check,
      status: c.status,
      checkedAt: c.checkedAt,
      ...(provenPartly(c) ? { partial: true as const } : {}),
    })),
    history: cell.history
      .slice(-COMPACT_HISTORY)
      .map((h) => STATUS_LETTER[h.status])
      .join(''),
    // buildEvidenceChain gives every link, in CHAIN_LINKS order.
    chain: cell.chain.links.map((l) => (l.regressed ? 'r' : CHAIN_LETTER[l.status])).join(''),
    chainSummary: cell.chain.summary,
    issue: cell.issue
      ? {
          number: cell.issue.number,
          state: cell.issue.state,
          url: cell.issue.htmlUrl,
          assignees: cell.issue.assignees,
          pullRequests: cell.issue.linkedPullRequests.length,
        }
      : null,
    issueEstimate: cell.issueEstimate?.text ?? null,
  };
}

/** The matrix as the UI shows it, projected from the derived view (states are decided in build.ts only). */
export function compactMatrix(view: MatrixView, revision: number): CompactMatrixView {
  const compact = compactCell;
  return {
    revision,
    plan: view.plan,
    columns: view.columns.map((c) => ({
      slug: c.slug,
      name: c.name,
      estimateMinutes: c.estimateMinutes,
      cellCount: c.cellCount,
    })),
    rows: view.rows.map((row) => ({
      slug: row.service.slug,
      name: row.service.name,
      runtimes: row.service.runtimes,
      cells: row.cells.map((c) => (c ? compact(c) : null)),
      estimateMinutes: row.estimateMinutes,
      verifiedMinutes: row.verifiedMinutes,
    })),
    gate: view.gate ? compact(view.gate) : null,
    totals: view.totals,
    progress: view.progress,
    unmapped: view.unmapped,
  };
}

/** Where a compact cell links to: its service page's capability section, or the gate on the board (cellHref's rule). */
export const compactCellHref = (key: string) => {
  const [service, capability] = key.split('/');
  return service === 'gate' ? '/#gate' : `/services/${service}#${capability}`;
};

const ATTENTION: ReadonlySet<CellState> = new Set(ATTENTION_STATES);

/** Which group a service's row belongs to, from its cells' derived states. */
export function rowGroupOf(row: CompactRow): RowGroupId {
  const states = row.cells.filter((c): c is CompactCell => c !== null).map((c) => c.state);
  if (states.some((s) => ATTENTION.has(s))) return 'attention';
  if (states.length > 0 && states.every((s) => s === 'verified')) return 'verified';
  if (states.every((s) => s === 'planned')) return 'planned';
  return 'in-progress';
}

// A cached derivation's rows and view are the same objects for every request until the store
// moves on: what is computed from them alone is computed once per revision, not per page.
const groupsOfRows = new WeakMap<readonly CompactRow[], RowGroup[]>();
const newestCheckOfView = new WeakMap<object, string>();

/**
 * How urgent a service needing attention is, most urgent first: what broke after it was proven (regressed),
 * then work called done that nothing proves (closed, unverified), then issues ready to close; among equals,
 * the service with more cells in that state. A group shows its first GROUP_PAGE_ROWS, so this decides who is seen.
 */
const ATTENTION_RANK: ReadonlyMap<CellState, number> = new Map(
  ATTENTION_STATES.map((state, index) => [state, ATTENTION_STATES.length - 1 - index]),
);
/** A row's most urgent attention state (its rank; past the last when none) and how many cells are in it. */
function attentionOf(row: CompactRow) {
  let worst = ATTENTION_RANK.size;
  let cells = 0;
  for (const cell of row.cells) {
    const rank = cell ? ATTENTION_RANK.get(cell.state) : undefined;
    if (rank === undefined || rank > worst) continue;
    cells = rank < worst ? 1 : cells + 1;
    worst = rank;
  }
  return { worst, cells };
}

/** The attention group's rows, most urgent first (see ATTENTION_RANK), plan order among equals. */
function byUrgency(rows: CompactRow[]): CompactRow[] {
  const ranked = rows.map((row, position) => ({ row, position, ...attentionOf(row) }));
  ranked.sort((a, b) => a.worst - b.worst || b.cells - a.cells || a.position - b.position);
  return ranked.map((r) => r.row);
}

/**
 * Rows in groups, "needs attention" first and most urgent first within it, plan order within the other
 * groups; empty groups are left out. Computed once per rows array (the groups are shared: not to be changed).
 */
export function groupRows(rows: readonly CompactRow[]): RowGroup[] {
  let groups = groupsOfRows.get(rows);
  if (!groups) {
    groups = ROW_GROUPS.map((g) => {
      const members = rows.filter((row) => rowGroupOf(row) === g.id);
      return { ...g, rows: g.id === 'attention' ? byUrgency(members) : members };
    }).filter((g) => g.rows.length > 0);
    groupsOfRows.set(rows, groups);
  }
  return groups;
}

/** A cell of the derived view by key (service cells and the gate), for its on-demand detail. */
export function findMatrixCell(view: MatrixView, key: string): MatrixCell | null {
  if (view.gate?.key === key) return view.gate;
  for (const row of view.rows) for (const cell of row.cells) if (cell?.key === key) return cell;
  return null;
}

/**
 * The newest check result a view holds (an ISO time on the server's clock; '' when none): a result
 * newer than this arrived after the view was read. Verify now compares a finished run with it.
 */
export function newestCheckAt(view: Pick<CompactMatrixView, 'rows' | 'gate'>): string {
  let newest = newestCheckOfView.get(view);
  if (newest === undefined) {
    newest = '';
    for (const cell of [view.gate, ...view.rows.flatMap((r) => r.cells)])
      for (const check of cell?.latestChecks ?? []) if (check.checkedAt > newest) newest = check.checkedAt;
    newestCheckOfView.set(view, newest);
  }
  return newest;
}

/**
 * The groups whose every service the board shows, from the page's ?expand= (repeated or comma
 * separated), in the board's order so one view has one link. A name that is no group is left out:
 * the link still shows the board.
 */
export function expandedGroups(value: string | string[] | undefined): Set<RowGroupId> {
  const names = new Set(
    (Array.isArray(value) ? value : value === undefined ? [] : [value]).flatMap((v) =>
      v.split(',').map((name) => name.trim()),
    ),
  );
  return new Set(ROW_GROUPS.map((g) => g.id).filter((id) => names.has(id)));
}

/** The same groups with one more expanded, or one fewer. */
export function withGroupExpanded(expanded: ReadonlySet<RowGroupId>, id: RowGroupId, on: boolean): Set<RowGroupId> {
  return expandedGroups([...expanded].filter((g) => g !== id).concat(on ? [id] : []));
}

/** The services a group shows: all of them when it is expanded, else its first GROUP_PAGE_ROWS. */
export function shownRows(group: RowGroup, expanded: ReadonlySet<RowGroupId>): CompactRow[] {
  return expanded.has(group.id) ? group.rows : group.rows.slice(0, GROUP_PAGE_ROWS);
}
