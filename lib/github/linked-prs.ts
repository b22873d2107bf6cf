export type { LinkedPullRequest } from '../db/json-columns';

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
