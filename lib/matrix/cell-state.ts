import { buildEvidenceChain, MERGED_CHECK_NAME } from './evidence-chain';
import { CELL_STATE_LABELS, type CellState, type CheckFact, type EvidenceChain, type IssueFact } from './types';

/** The newest result of each check (not-configured ones do not count as evidence), newest first. */
export function latestPerCheck(checks: CheckFact[]): CheckFact[] {
  const latest = new Map<string, CheckFact>();
  for (const check of checks) {
    const seen = latest.get(check.check);
    if (!seen || check.checkedAt > seen.checkedAt) latest.set(check.check, check);
  }
  return [...latest.values()].sort((a, b) => b.checkedAt.localeCompare(a.checkedAt));
}

/** A check's message inside a sentence of ours: without its own closing period (no "to it.."). */
const sentence = (text: string) => text.replace(/[.\s]+$/, '');

export interface DerivedCellState {
  state: CellState;
  reason: string;
  lastVerifiedAt: string | null;
  chain: EvidenceChain;
}

/**
 * The one derivation of a cell's state from its issue and its check history. Done means the issue
 * is closed, the newest evidence passes (with the issue still open that is "ready to close"), and it reaches past "merged": code counts once its data
 * flows, Helm work once its pods run with the change. A closed cell whose evidence chain breaks
 * at a link that passed before has regressed.
 */
export function deriveCellState(
  issue: IssueFact | null,
  checks: CheckFact[],
  part: 'code' | 'helm' = 'code',
): DerivedCellState {
  const chain = buildEvidenceChain(issue, checks, part);
  const evidence = checks.filter((c) => c.status !== 'not-configured');
  const latest = latestPerCheck(evidence);
  const allLatestPass = latest.length > 0 && latest.every((c) => c.status === 'pass');
  const failing = latest.filter((c) => c.status !== 'pass');
  const runsProven = chain.links.some(
    (l) => (l.link === 'deployed' || l.link === 'data-flowing') && l.status === 'passed',
  );
  // Merged proves the code is in the repository, not that it runs: it never verifies a cell alone.
  const proving = latest.filter((c) => c.check !== MERGED_CHECK_NAME);
  const lastPass = new Map<string, string>();
  for (const c of evidence)
    if (c.status === 'pass' && c.check !== MERGED_CHECK_NAME && c.checkedAt > (lastPass.get(c.check) ?? ''))
      lastPass.set(c.check, c.checkedAt);
  // Verified at some point = every check has passed; a cell whose Tempo check never passed was
  // never verified, however often its Loki check did. Conservatively, the earliest of those passes.
  const everyCheckPassed = proving.length > 0 && proving.every((c) => lastPass.has(c.check));
  const lastVerifiedAt =
    allLatestPass && runsProven ? proving[0].checkedAt : everyCheckPassed ? [...lastPass.values()].sort()[0] : null;
  // A repository or cluster link that breaks after passing is a regression by itself; broken data
  // is one only when the cell was fully verified before.
  const brokenLinks = chain.links.filter((l) => l.regressed);
  const regressed = brokenLinks.some((l) => l.link !== 'data-flowing') || (brokenLinks.length > 0 && everyCheckPassed);

  if (!issue) {
    return { state: 'planned', reason: 'No GitHub issue synced for this cell yet.', lastVerifiedAt, chain };
  }
  if (issue.state === 'open') {
    // Every check passes and the work runs: only the issue is left to close.
    if (allLatestPass && runsProven)
      return {
        state: 'ready-to-close',
        reason: `Issue #${issue.number} is still open, but live evidence already confirms it (${chain.summary}): ready to close.`,
        lastVerifiedAt,
        chain,
      };
    const started = issue.assignees.length > 0 || issue.linkedPullRequests.length > 0 || lastVerifiedAt !== null;
    return started
      ? { state: 'in-progress', reason: `Issue #${issue.number} is open and being worked on.`, lastVerifiedAt, chain }
      : { state: 'planned', reason: `Issue #${issue.number} is open, nobody assigned yet.`, lastVerifiedAt, chain };
  }
  if (allLatestPass && runsProven) {
    return {
      state: 'verified',
      reason: `Issue #${issue.number} is closed and live evidence confirms it (${chain.summary}).`,
      lastVerifiedAt,
      chain,
    };
  }
  if (regressed) {
    const what = failing.map((c) => `${c.check}: ${sentence(c.message ?? c.status)}`).join('; ');
    return { state: 'regressed', reason: `Passed before, failing now (${what}).`, lastVerifiedAt, chain };
  }
  const why =
    failing.length > 0
      ? failing.map((c) => `${c.check}: ${sentence(c.message ?? c.status)}`).join('; ')
      : chain.furthest
        ? chain.summary
        : 'not verified yet';
  return { state: 'closed-unverified', reason: `Issue #${issue.number} is closed, but ${why}.`, lastVerifiedAt, chain };
}

export const stateLabel = (state: CellState) => CELL_STATE_LABELS[state];
