import type { GitHubClient } from './client';

/** Octokit's RequestError (also thrown for a 304), recognised by shape to avoid a transitive import. */
interface RequestError extends Error {
  status: number;
  response?: { headers?: Record<string, unknown>; data?: unknown };
}
const isRequestError = (error: unknown): error is RequestError =>
  error instanceof Error && error.name === 'HttpError' && typeof (error as { status?: unknown }).status === 'number';

/** An item of GET /repos/{owner}/{repo}/issues: an issue, or a pull request (it has `pull_request`). */
export interface IssueListItem {
  number: number;
  title: string;
  body?: string | null;
  state: string;
  state_reason?: string | null;
  labels: Array<string | { name?: string }>;
  assignees?: Array<{ login: string }> | null;
  html_url: string;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  pull_request?: { html_url?: string | null; merged_at?: string | null };
}

export interface ListRequest {
  repo: string;
  label: string;
  /** Only issues updated at or after this time (GitHub's `since`). */
  since: Date | null;
  /** The ETag of the previous answer to this same request: a 304 means nothing changed. */
  etag: string | null;
}

export type ListResult =
  | { notModified: true; pages: 0 }
  | { notModified: false; items: IssueListItem[]; etag: string | null; pages: number };

/** A repository's listing failed; the message says what happened and what to do. */
export class GitHubSyncError extends Error {
  override name = 'GitHubSyncError';
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

function nextLink(link: string | undefined): string | null {
  if (!link) return null;
  for (const part of link.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="next"/.exec(part);
    if (match) return match[1];
  }
  return null;
}

const resetTime = (headers: Record<string, unknown> | undefined) => {
  const reset = Number(headers?.['x-ratelimit-reset']);
  return Number.isFinite(reset) && reset > 0
    ? ` (quota resets at ${new Date(reset * 1000).toISOString().slice(11, 16)} UTC)`
    : '';
};

/** Turns an Octokit failure into a sentence naming the repository, the status and the fix. */
export function describeFailure(error: unknown, repo: string, page: number): GitHubSyncError {
  if (!isRequestError(error)) {
    return new GitHubSyncError(
      `${repo}: ${error instanceof Error ? error.message : String(error)} (page ${page}).`,
      null,
    );
  }
  const headers = error.response?.headers;
  const data = error.response?.data as
    | { message?: string; errors?: Array<{ field?: string; code?: string; message?: string }> }
    | undefined;
  const said = data?.message ?? error.message;
  switch (true) {
    case !error.response:
      return new GitHubSyncError(`${repo}: cannot reach GitHub at GITHUB_API_URL (${error.message}).`, null);
    case error.status === 401:
      return new GitHubSyncError(`${repo}: GitHub refused the token (401 ${said}). Check GITHUB_TOKEN.`, 401);
    case error.status === 404:
      return new GitHubSyncError(
        `${repo}: repository not found (404), or the token cannot read it. Check GITHUB_REPOS and the token's access.`,
        404,
      );
    case error.status === 422: {
      const details = (data?.errors ?? []).map((e) => e.message ?? `${e.field} ${e.code}`).join(', ');
      return new GitHubSyncError(
        `${repo}: GitHub rejected the request (422 ${said}${details ? `: ${details}` : ''}).`,
        422,
      );
    }
    case error.status === 403 || error.status === 429:
      return new GitHubSyncError(
        `${repo}: rate limited by GitHub (${error.status} ${said})${resetTime(headers)}; the next sync continues from here.`,
        error.status,
      );
    case error.status >= 500:
      return new GitHubSyncError(
        `${repo}: GitHub answered ${error.status} on page ${page}, still failing after retries (${said}).`,
        error.status,
      );
    default:
      return new GitHubSyncError(`${repo}: GitHub answered ${error.status} (${said}).`, error.status);
  }
}

/**
 * Lists a repository's issues carrying `label` (state all, 100 per page, every page, newest update
 * first). Page 1 is a conditional request: a 304 means nothing changed since the stored ETag.
 * Sorting by update keeps that true: any change moves an issue onto page 1.
 */
export async function listLabelledIssues(
  client: GitHubClient,
  request: ListRequest,
  onPage?: (page: number) => void,
): Promise<ListResult> {
  const [owner, repo] = request.repo.split('/');
  let page = 1;
  let response: Awaited<ReturnType<typeof client.octokit.request<'GET /repos/{owner}/{repo}/issues'>>>;
  try {
    response = await client.octokit.request('GET /repos/{owner}/{repo}/issues', {
      owner,
      repo,
      labels: request.label,
      state: 'all',
      sort: 'updated',
      direction: 'desc',
      per_page: 100,
      ...(request.since ? { since: request.since.toISOString().replace(/\.\d{3}Z$/, 'Z') } : {}),
      headers: request.etag ? { 'if-none-match': request.etag } : {},
    });
  } catch (error) {
    if (isRequestError(error) && error.status === 304) return { notModified: true, pages: 0 };
    throw describeFailure(error, request.repo, page);
  }
  const etag = response.headers.etag ?? null;
  const items = [...(response.data as IssueListItem[])];
  onPage?.(page);
  let next = nextLink(response.headers.link);
  while (next) {
    page += 1;
    try {
      const more = await client.octokit.request(`GET ${next}`);
      items.push(...(more.data as IssueListItem[]));
      next = nextLink(more.headers.link as string | undefined);
    } catch (error) {
      throw describeFailure(error, request.repo, page);
    }
    onPage?.(page);
  }
  return { notModified: false, items, etag, pages: page };
}

/** One issue as GitHub has it now (labels included, even when it no longer carries the plan's label); null when gone. */
export async function getIssue(client: GitHubClient, repo: string, number: number): Promise<IssueListItem | null> {
  const [owner, name] = repo.split('/');
  try {
    const response = await client.octokit.request('GET /repos/{owner}/{repo}/issues/{issue_number}', {
      owner,
      repo: name,
      issue_number: number,
    });
    return response.data as IssueListItem;
  } catch (error) {
    if (isRequestError(error) && (error.status === 404 || error.status === 410)) return null;
    throw describeFailure(error, `${repo}#${number}`, 1);
  }
}
