import type { PlanCapability, PlanCell, PlanService } from '../plan/load';
import type { Proof } from '../plan/schema';
import type { CheckEvidence } from './check-evidence';

export const CELL_STATES = [
  'planned',
  'in-progress',
  'ready-to-close',
  'closed-unverified',
  'verified',
  'regressed',
] as const;
export type CellState = (typeof CELL_STATES)[number];

/**
 * States a PM should act on: close the issue, find out why the data is missing, or fix what broke. Least
 * urgent first: the matrix lists the services needing attention the other way round (compact.ts).
 */
export const ATTENTION_STATES: readonly CellState[] = ['ready-to-close', 'closed-unverified', 'regressed'];

export const CELL_STATE_LABELS: Record<CellState, string> = {
  planned: 'Planned',
  'in-progress': 'In progress',
  'ready-to-close': 'Ready to close',
  'closed-unverified': 'Closed · unverified',
  verified: 'Verified',
  regressed: 'Regressed',
};

/**
 * A proof's result. insufficient-data: the upstream answered, but too little data to decide (e.g.
 * too few spans to compare latency); like not-configured it keeps a closed cell unverified.
 */
export const CHECK_STATUSES = ['pass', 'fail', 'error', 'not-configured', 'insufficient-data'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

/** A person's confirmation of a criterion no data can prove. */
export interface SignOffFact {
  id: string;
  cellKey: string;
  /** The criterion's index in its cell. */
  criterion: number;
  /** The criterion's words when signed, so a reworded criterion does not inherit it. */
  criterionText: string;
  by: string;
  note: string;
  signedAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
}

/** Where a criterion stands: a check result's status, or the sign-off states, or not proven yet. */
export type CriterionStatus = CheckStatus | 'signed-off' | 'needs-sign-off' | 'not-proven';

export interface CriterionState {
  index: number;
  /** The plan document's exact words. */
  text: string;
  proof: Proof;
  /** How it is proven, in words ("Loki: browser telemetry", "Sign-off"). */
  proofLabel: string;
  /** The check its results are stored as; null for a sign-off. */
  check: string | null;
  status: CriterionStatus;
  /** It counts towards done: its newest proof passes, or it has a current sign-off. */
  holds: boolean;
  /** It held before and fails now. */
  regressed: boolean;
  /** One line: why it holds or not. */
  reason: string;
  checkedAt: string | null;
  evidence: CheckFact['evidence'] | null;
  /** The current sign-off (or the newest one, revoked or expired, so the page can say so). */
  signOff: SignOffFact | null;
}

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
  linkedPullRequests: Array<{ number: number; url: string; repo?: string; merged?: boolean; state?: string }>;
  cellKey: string | null;
  openedAt: string;
  closedAt: string | null;
}

interface CheckFactBase {
  cellKey: string;
  target: string;
  status: CheckStatus;
  message: string | null;
  durationMs: number;
  checkedAt: string;
}

/**
 * One stored check result (a fact with a time), its evidence typed by its check: what the check saw
 * (profile types, counts per kind, traces, files, pods…). A check this board has no schema for, or a
 * row whose evidence does not read, carries none (evidenceProblem says why).
 */
export type CheckFact = CheckFactBase &
  (CheckEvidence | { check: string; evidence?: undefined; evidenceProblem?: string });

/** The evidence chain of a cell, in order: issue closed → merged → deployed → data flowing. */
export const CHAIN_LINKS = ['issue-closed', 'merged', 'deployed', 'data-flowing'] as const;
export type ChainLinkName = (typeof CHAIN_LINKS)[number];
/** partial: the checks pass but say they could not confirm everything (e.g. a key inside an unreadable ConfigMap). */
export type ChainLinkStatus = 'passed' | 'partial' | 'failed' | 'not-checked';

export interface ChainLink {
  link: ChainLinkName;
  label: string;
  status: ChainLinkStatus;
  /** Passed before, failing now. */
  regressed: boolean;
  message: string;
  /** The newest check's evidence (or the issue), for the detail view. */
  evidence: unknown;
  /** When this link was last checked (or the issue closed). */
  checkedAt: string | null;
  /** The checks behind this link (e.g. ["pyroscope", "tempo"]). */
  checks: string[];
}

export interface EvidenceChain {
  links: ChainLink[];
  /** The furthest link that passed, or null when none has. */
  furthest: ChainLinkName | null;
  /** In a PM's words, e.g. "merged, not flowing" or "deployed". */
  summary: string;
  regressed: boolean;
}

/** A synced issue that belongs to no cell (no matching labels) or to a cell that already has one. */
export interface UnmappedIssueFact {
  id: string;
  repo: string;
  number: number;
  title: string;
  state: 'open' | 'closed';
  labels: string[];
  htmlUrl: string;
  mapping: 'unmapped' | 'conflict';
  /** Why, in words: which label is missing, or which issue holds the cell. */
  note: string | null;
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
  /** Synced issues without a cell (newest first), and how many there are in all. */
  unmappedIssues?: UnmappedIssueFact[];
  unmappedTotal?: number;
  /** Recent results per cell, oldest first, for the history sparkline. */
  history?: Record<string, CheckPoint[]>;
  /** Sign-offs, any order (revoked ones included: the newest per criterion decides). */
  signOffs?: SignOffFact[];
  /** The time sign-off expiry is judged at (ISO); the derivation stays pure. */
  now?: string;
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
  /** The estimate written in the issue, when it disagrees with the plan's; null when they agree or the issue has none. */
  issueEstimate: { text: string; minutes: number } | null;
  /** The newest result per check, newest first. */
  latestChecks: CheckFact[];
  lastVerifiedAt: string | null;
  /** issue closed → merged → deployed → data flowing, each passed / failed / not checked. */
  chain: EvidenceChain;
  /** Recent results, oldest first (bounded). */
  history: CheckPoint[];
  /** Every acceptance criterion with its proof and status: the cell is verified when all hold. */
  criteria: CriterionState[];
  /** How many criteria hold ("3 of 4 criteria"). */
  criteriaHeld: number;
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
  /** The "Unmapped / conflicts" panel: issues synced but not on the matrix (at most UNMAPPED_SHOWN listed). */
  unmapped: { total: number; issues: UnmappedIssueFact[] };
}

export interface ServiceDetail {
  service: PlanService;
  cells: Array<MatrixCell & { requirements: string[]; entryPoint: string | null; capabilityName: string }>;
  notApplicable: Array<{ slug: string; name: string }>;
  estimateMinutes: number;
}
