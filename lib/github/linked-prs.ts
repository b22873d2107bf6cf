import { type LinkedPullRequest, linkedPullRequestsColumn, readJsonColumn } from '../db/json-columns';
import type { IssueListItem } from './list-issues';

export type { LinkedPullRequest };

// GitHub's closing keywords: https://docs.github.com/issues/tracking-your-work-with-issues/linking-a-pull-request-to-an-issue
const CLOSING =
  /\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\s*:?\s+(?:([\w.-]+\/[\w.-]+)#|#|https?:\/\/[^\s/]+\/([\w.-]+\/[\w.-]+)\/issues\/)(\d+)\b/gi;

/**
 * The issues a pull request's body closes ("Closes #12", "fixes owner/repo#3", "Resolves
 * https://github.com/owner/repo/issues/7"), as issue ids "owner/name#number". A bare #n refers to
 * the pull request's own repository.
 */
export function closingReferences(body: string | null | undefined, pullRequestRepo: string): string[] {
  if (!body) return [];
  const ids = new Set<string>();
  for (const match of body.matchAll(CLOSING)) {
    const repo = match[1] ?? match[2] ?? pullRequestRepo;
    ids.add(`${repo.toLowerCase()}#${Number(match[3])}`);
  }
  return [...ids];
}

/**
 * Applies one repository's pull requests' closing references to the issues they close (in any configured
 * repository), in place. Linear in issues + pull requests (lib/github/linked-prs.test.ts counts it): each pull
 * request is indexed once, each issue looked at once, and only issues that carry one of these pull requests
 * or are closed by one are rewritten.
 */
export function linkPullRequests<Row extends { linkedPullRequests: string }>(
  rows: Map<string, Row>,
  repo: string,
  pullRequests: IssueListItem[],
) {
  if (pullRequests.length === 0) return;
  const repoKey = repo.toLowerCase();
  const listed = new Set(pullRequests.map((pr) => pr.number));
  const closing = new Map<string, LinkedPullRequest[]>();
  for (const pr of pullRequests) {
    const link: LinkedPullRequest = {
      number: pr.number,
      url: pr.pull_request?.html_url ?? pr.html_url,
      repo,
      state: pr.state === 'closed' ? 'closed' : 'open',
      merged: Boolean(pr.pull_request?.merged_at),
      mergedAt: pr.pull_request?.merged_at ?? null,
    };
    for (const id of closingReferences(pr.body, repo)) {
      const links = closing.get(id);
      if (links) links.push(link);
      else closing.set(id, [link]);
    }
  }
  for (const [id, row] of rows) {
    const adds = closing.get(id);
    if (!adds && row.linkedPullRequests === '[]') continue;
    const links = readJsonColumn(linkedPullRequestsColumn, row.linkedPullRequests, 'Issue.linkedPullRequests');
    // A listed pull request replaces its stored link (its state may have moved) or drops it (no longer closes).
    const others = links.filter((l) => !(l.repo.toLowerCase() === repoKey && listed.has(l.number)));
    if (!adds && others.length === links.length) continue;
    const next = [...others, ...(adds ?? [])].sort((a, b) => a.repo.localeCompare(b.repo) || a.number - b.number);
    rows.set(id, { ...row, linkedPullRequests: JSON.stringify(next) });
  }
}
