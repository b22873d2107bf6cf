import type { ChainLink, ChainLinkName, CheckFact, EvidenceChain, IssueFact } from './types';
import { provenPartly } from './check-evidence';

/** Check names of the repository and cluster links; every other check is data flowing (pyroscope, loki, tempo, gate…). */
export const MERGED_CHECK_NAME = 'merged';
export const DEPLOYED_CHECK_NAME = 'deployed';

const LABELS: Record<ChainLinkName, string> = {
  'issue-closed': 'Issue closed',
  merged: 'Merged',
  deployed: 'Deployed',
  'data-flowing': 'Data flowing',
};
const SHORT: Record<ChainLinkName, string> = {
  'issue-closed': 'closed',
  merged: 'merged',
  deployed: 'deployed',
  'data-flowing': 'flowing',
};

/**
 * Links a cell needs before it is done: code is proven by its data (deployment is implied), Helm
 * work by the running pods. The others still show when checked.
 */
const REQUIRED: Record<'code' | 'helm', ChainLinkName[]> = {
  code: ['issue-closed', 'merged', 'data-flowing'],
  helm: ['issue-closed', 'merged', 'deployed'],
};

const byTime = (a: CheckFact, b: CheckFact) => a.checkedAt.localeCompare(b.checkedAt);

/** A link from the history of one or more checks: the newest real result of each decides. */
function linkFromChecks(link: ChainLinkName, checks: CheckFact[], notCheckedMessage: string): ChainLink {
  const names = [...new Set(checks.map((c) => c.check))].sort();
  const real = checks.filter((c) => c.status !== 'not-configured').sort(byTime);
  const base = { link, label: LABELS[link], checks: names };
  if (real.length === 0) {
    const configHint = checks.sort(byTime).at(-1);
    return {
      ...base,
      status: 'not-checked',
      regressed: false,
      message: configHint?.message ?? notCheckedMessage,
      evidence: null,
      checkedAt: configHint?.checkedAt ?? null,
    };
  }
  const latest = new Map<string, CheckFact>();
  for (const c of real) latest.set(c.check, c); // sorted oldest first: the last write is the newest
  const newest = [...latest.values()].sort(byTime);
  const failing = newest.filter((c) => c.status !== 'pass');
  const regressed = failing.some((f) =>
    real.some((c) => c.check === f.check && c.status === 'pass' && c.checkedAt < f.checkedAt),
  );
  const evidence =
    newest.length === 1
      ? (newest[0].evidence ?? null)
      : newest.map((c) => ({ check: c.check, status: c.status, message: c.message, evidence: c.evidence ?? null }));
  const checkedAt = newest.at(-1)!.checkedAt;
  if (failing.length > 0) {
    const message = failing.map((c) => (newest.length > 1 ? `${c.check}: ` : '') + (c.message ?? c.status)).join('; ');
    return { ...base, status: 'failed', regressed, message, evidence, checkedAt };
  }
  const message = newest.map((c) => (newest.length > 1 ? `${c.check}: ` : '') + (c.message ?? 'passed')).join('; ');
  const partial = newest.some(provenPartly);
  return { ...base, status: partial ? 'partial' : 'passed', regressed: false, message, evidence, checkedAt };
}

function issueLink(issue: IssueFact | null): ChainLink {
  const base = { link: 'issue-closed' as const, label: LABELS['issue-closed'], regressed: false, checks: [] };
  if (!issue)
    return {
      ...base,
      status: 'not-checked',
      message: 'No GitHub issue synced for this cell yet.',
      evidence: null,
      checkedAt: null,
    };
  const evidence = { repo: issue.repo, number: issue.number, htmlUrl: issue.htmlUrl, state: issue.state };
  return issue.state === 'closed'
    ? { ...base, status: 'passed', message: `Issue #${issue.number} closed.`, evidence, checkedAt: issue.closedAt }
    : { ...base, status: 'failed', message: `Issue #${issue.number} is open.`, evidence, checkedAt: issue.openedAt };
}

/** The repository check decides; without one, a merged pull request linked to the issue is the evidence. */
function mergedLink(issue: IssueFact | null, checks: CheckFact[]): ChainLink {
  const link = linkFromChecks(
    'merged',
    checks,
    'Not checked yet: the plan names no file for this cell, or no check has run.',
  );
  const mergedPulls = issue?.linkedPullRequests.filter((p) => p.merged) ?? [];
  if (link.status !== 'not-checked' || mergedPulls.length === 0) return link;
  return {
    ...link,
    status: 'passed',
    message:
      `Linked pull request${mergedPulls.length > 1 ? 's' : ''} ` +
      `${mergedPulls.map((p) => `#${p.number}`).join(', ')} merged (no repository file check for this cell).`,
    evidence: { pullRequests: mergedPulls },
    checkedAt: issue?.closedAt ?? null,
  };
}

/**
 * The one derivation of a cell's evidence chain (pure): issue closed → merged in the service's
 * repository → deployed in the cluster → data flowing. Each link is passed / failed / not checked
 * with its evidence and time; the furthest passed link is what the cell has proven so far, and a
 * link that passed before and fails now is a regression.
 */
export function buildEvidenceChain(
  issue: IssueFact | null,
  checks: CheckFact[],
  part: 'code' | 'helm' = 'code',
): EvidenceChain {
  const links: ChainLink[] = [
    issueLink(issue),
    mergedLink(
      issue,
      checks.filter((c) => c.check === MERGED_CHECK_NAME),
    ),
    linkFromChecks(
      'deployed',
      checks.filter((c) => c.check === DEPLOYED_CHECK_NAME),
      part === 'code' ? 'Not checked: code is proven running by its data.' : 'Not checked yet.',
    ),
    linkFromChecks(
      'data-flowing',
      checks.filter((c) => c.check !== MERGED_CHECK_NAME && c.check !== DEPLOYED_CHECK_NAME),
      'No live data checked yet.',
    ),
  ];
  const furthestIndex = links.map((l) => l.status).lastIndexOf('passed');
  const furthest = furthestIndex >= 0 ? links[furthestIndex].link : null;
  const required = REQUIRED[part];
  const missing = required.find((name) => links.findIndex((l) => l.link === name) > furthestIndex);
  const regressed = links.some((l) => l.regressed);
  let summary: string;
  if (furthest === null) summary = 'nothing proven yet';
  else if (furthest === 'data-flowing') summary = 'data flowing';
  else summary = missing ? `${SHORT[furthest]}, not ${SHORT[missing]}` : SHORT[furthest];
  // A link proven only partly does not count as proven, and says so.
  const partly = links.find((l, index) => index > furthestIndex && l.status === 'partial');
  if (partly) summary = `${furthest ? `${SHORT[furthest]}, ` : ''}${SHORT[partly.link]} partly`;
  return { links, furthest, summary, regressed };
}
