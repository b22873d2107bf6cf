import { CELL_STATE_LABELS, type CellState, type CheckFact, type IssueFact } from './types';

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
}

/**
 * The one derivation of a cell's state from its issue and its check history. Done means the issue
 * is closed AND the newest evidence passes; a closed cell whose evidence passed before and fails
 * now has regressed.
 */
export function deriveCellState(issue: IssueFact | null, checks: CheckFact[]): DerivedCellState {
  const evidence = checks.filter((c) => c.status !== 'not-configured');
  const latest = latestPerCheck(evidence);
  const allLatestPass = latest.length > 0 && latest.every((c) => c.status === 'pass');
  const failing = latest.filter((c) => c.status !== 'pass');
  // Verified at some point = every check has passed; a cell whose Tempo check never passed was
  // never verified, however often its Loki check did. Conservatively, the earliest of those passes.
  const lastPass = new Map<string, string>();
  for (const c of evidence) if (c.status === 'pass' && c.checkedAt > (lastPass.get(c.check) ?? '')) lastPass.set(c.check, c.checkedAt);
  const everyCheckPassed = latest.length > 0 && latest.every((c) => lastPass.has(c.check));
  const lastVerifiedAt = allLatestPass ? latest[0].checkedAt : everyCheckPassed ? [...lastPass.values()].sort()[0] : null;

  if (!issue) {
    return { state: 'planned', reason: 'No GitHub issue synced for this cell yet.', lastVerifiedAt };
  }
  if (issue.state === 'open') {
    const started = issue.assignees.length > 0 || issue.linkedPullRequests.length > 0 || lastVerifiedAt !== null;
    return started
      ? { state: 'in-progress', reason: `Issue #${issue.number} is open and being worked on.`, lastVerifiedAt }
      : { state: 'planned', reason: `Issue #${issue.number} is open, nobody assigned yet.`, lastVerifiedAt };
  }
  if (allLatestPass) {
    return { state: 'verified', reason: `Issue #${issue.number} is closed and live data confirms it.`, lastVerifiedAt };
  }
  if (failing.length > 0 && lastVerifiedAt !== null) {
    const what = failing.map((c) => `${c.check}: ${c.message ?? c.status}`).join('; ');
    return { state: 'regressed', reason: `Verified before, failing now (${what}).`, lastVerifiedAt };
  }
  const why = failing.length > 0 ? failing.map((c) => `${c.check}: ${c.message ?? c.status}`).join('; ') : 'not verified yet';
  return { state: 'closed-unverified', reason: `Issue #${issue.number} is closed, but ${why}.`, lastVerifiedAt };
}

export const stateLabel = (state: CellState) => CELL_STATE_LABELS[state];
