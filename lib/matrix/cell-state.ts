import type { Criterion } from '../plan/schema';
import { deriveCriteria, lastHeldAt } from './criteria';
import { buildEvidenceChain } from './evidence-chain';
import {
  CELL_STATE_LABELS,
  type CellState,
  type CheckFact,
  type CriterionState,
  type EvidenceChain,
  type IssueFact,
  type SignOffFact,
} from './types';

/** The newest result of each check (not-configured ones do not count as evidence), newest first. */
export function latestPerCheck(checks: CheckFact[]): CheckFact[] {
  const latest = new Map<string, CheckFact>();
  for (const check of checks) {
    const seen = latest.get(check.check);
    if (!seen || check.checkedAt > seen.checkedAt) latest.set(check.check, check);
  }
  return [...latest.values()].sort((a, b) => b.checkedAt.localeCompare(a.checkedAt));
}

export interface DerivedCellState {
  state: CellState;
  reason: string;
  lastVerifiedAt: string | null;
  chain: EvidenceChain;
  criteria: CriterionState[];
}

/** What the derivation needs to know about the cell itself. */
export interface CellProofSpec {
  part: 'code' | 'helm';
  criteria: Criterion[];
}

/** "3 criteria" / the criterion's words, shortened for a one-line reason. */
const short = (text: string) => (text.length > 60 ? `${text.slice(0, 57).trimEnd()}…` : text);
const whyNot = (criteria: CriterionState[]) =>
  criteria
    .filter((c) => !c.holds)
    .map((c) => `“${short(c.text)}”: ${c.reason.replace(/\.$/, '')}`)
    .join('; ');

/**
 * The one derivation of a cell's state from its issue, its acceptance criteria and their proofs.
 * Done (verified) means the issue is closed and every criterion holds: its newest proof passes or
 * it has a current sign-off. Every criterion holding while the issue is still open is "ready to close".
 * A closed cell with a criterion that held and now fails has regressed;
 * not configured, insufficient data or not yet proven keep it closed · unverified, with the reason.
 */
export function deriveCellState(
  issue: IssueFact | null,
  checks: CheckFact[],
  cell: CellProofSpec,
  signOffs: SignOffFact[] = [],
  now: string = new Date().toISOString(),
): DerivedCellState {
  const chain = buildEvidenceChain(issue, checks, cell.part);
  const criteria = deriveCriteria(cell.criteria, checks, signOffs, now);
  const allHold = criteria.length > 0 && criteria.every((c) => c.holds);
  const heldAt = criteria.map((c) => lastHeldAt(c, checks));
  // Verified at some point = every criterion has held; conservatively, the earliest of those times.
  const everyHeld = criteria.length > 0 && heldAt.every((t) => t !== null);
  const lastVerifiedAt = allHold
    ? (criteria
        .map((c) => c.checkedAt ?? '')
        .sort()
        .at(-1) ?? null)
    : everyHeld
      ? ((heldAt as string[]).sort()[0] ?? null)
      : null;
  const base = { lastVerifiedAt, chain, criteria };

  if (!issue) return { ...base, state: 'planned', reason: 'No GitHub issue synced for this cell yet.' };
  if (issue.state === 'open') {
    // Every criterion holds: only the issue is left to close.
    if (allHold)
      return {
        ...base,
        state: 'ready-to-close',
        reason: `Issue #${issue.number} is still open, but all ${criteria.length} acceptance criteria hold: ready to close.`,
      };
    const started = issue.assignees.length > 0 || issue.linkedPullRequests.length > 0 || lastVerifiedAt !== null;
    return started
      ? { ...base, state: 'in-progress', reason: `Issue #${issue.number} is open and being worked on.` }
      : { ...base, state: 'planned', reason: `Issue #${issue.number} is open, nobody assigned yet.` };
  }
  if (allHold) {
    return {
      ...base,
      state: 'verified',
      reason: `Issue #${issue.number} is closed and all ${criteria.length} acceptance criteria hold.`,
    };
  }
  const regressed = criteria.filter((c) => c.regressed);
  if (regressed.length > 0) {
    return { ...base, state: 'regressed', reason: `Held before, failing now (${whyNot(regressed)}).` };
  }
  const held = criteria.filter((c) => c.holds).length;
  return {
    ...base,
    state: 'closed-unverified',
    reason: `Issue #${issue.number} is closed, but ${held} of ${criteria.length} criteria hold (${whyNot(criteria)}).`,
  };
}

export const stateLabel = (state: CellState) => CELL_STATE_LABELS[state];
