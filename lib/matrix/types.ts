import type { PlanCapability, PlanCell, PlanService } from '../plan/load';

export const CELL_STATES = ['planned', 'in-progress', 'closed-unverified', 'verified', 'regressed'] as const;
export type CellState = (typeof CELL_STATES)[number];

export const CELL_STATE_LABELS: Record<CellState, string> = {
  planned: 'Planned',
  'in-progress': 'In progress',
  'closed-unverified': 'Closed · unverified',
  verified: 'Verified',
  regressed: 'Regressed',
};

export type CheckStatus = 'pass' | 'fail' | 'error' | 'not-configured';

/** What the store knows about the GitHub issue behind a cell. */
export interface IssueFact {
  id: string;
  repo: string;
  number: number;
  title: string;
  state: 'open' | 'closed';
  assignees: string[];
  htmlUrl: string;
  estimateText: string | null;
  estimateMinutes: number | null;
  linkedPullRequests: Array<{ number: number; url: string; merged?: boolean; state?: string }>;
  cellKey: string | null;
  openedAt: string;
  closedAt: string | null;
}

/** One stored check result (a fact with a time). */
export interface CheckFact {
  cellKey: string;
  check: string;
  target: string;
  status: CheckStatus;
  message: string | null;
  durationMs: number;
  checkedAt: string;
  /** What the probe saw (profile types, counts per kind, traces…); shape depends on the check. */
  evidence?: Record<string, unknown>;
}

/** One past result, for a cell's history sparkline. */
export interface CheckPoint {
  check: string;
  status: CheckStatus;
  checkedAt: string;
}

export interface MatrixInput {
  plan: {
    id: string;
    title: string;
    source: string;
    headlineEstimateText: string;
    headlineEstimateMinutes: number;
    prerequisite: string;
  };
  services: PlanService[];
  capabilities: PlanCapability[];
  cells: PlanCell[];
  issues: IssueFact[];
  /**
   * Check results, any order; the derivation sorts them. The store reads a bounded set: the newest
   * result and the newest pass of each (cell, check), which is all the derivation needs.
   */
  checks: CheckFact[];
  /** Recent results per cell, oldest first, for the history sparkline. */
  history?: Record<string, CheckPoint[]>;
}

export interface MatrixCell {
  key: string;
  serviceSlug: string | null;
  capabilitySlug: string;
  title: string;
  estimateText: string;
  estimateMinutes: number;
  state: CellState;
  stateLabel: string;
  /** Why the cell is in its state, in words a PM can read. */
  stateReason: string;
  href: string;
  issue: IssueFact | null;
  /** The newest result per check, newest first. */
  latestChecks: CheckFact[];
  lastVerifiedAt: string | null;
  /** Recent results, oldest first (bounded). */
  history: CheckPoint[];
}

export interface MatrixRow {
  service: PlanService;
  /** Aligned with MatrixView.capabilities; null where the capability does not apply (n/a). */
  cells: Array<MatrixCell | null>;
  estimateMinutes: number;
  verifiedMinutes: number;
}

export interface MatrixColumn extends PlanCapability {
  estimateMinutes: number;
  cellCount: number;
}

export interface EstimateTotals {
  /** Sum of the service cells (the matrix body). */
  serviceCellsMinutes: number;
  gateMinutes: number;
  /** Everything the plan's issues add up to: service cells + gate. */
  planCellsMinutes: number;
  /** The plan's own headline figure ("~27h"). */
  headlineMinutes: number;
  headlineText: string;
  /** planCellsMinutes − headlineMinutes: how far the headline is from its own issues. */
  differenceMinutes: number;
}

export interface MatrixProgress {
  /** Estimate-weighted share of cells verified by live data (0..1). */
  verifiedFraction: number;
  /** Estimate-weighted share of cells whose issue is closed (0..1). */
  closedFraction: number;
  verifiedMinutes: number;
  closedMinutes: number;
  totalMinutes: number;
  countsByState: Record<CellState, number>;
}

export interface MatrixView {
  plan: MatrixInput['plan'];
  columns: MatrixColumn[];
  rows: MatrixRow[];
  gate: MatrixCell | null;
  totals: EstimateTotals;
  progress: MatrixProgress;
}

export interface ServiceDetail {
  service: PlanService;
  cells: Array<MatrixCell & { criteria: string[]; requirements: string[]; entryPoint: string | null; capabilityName: string }>;
  notApplicable: Array<{ slug: string; name: string }>;
  estimateMinutes: number;
}
