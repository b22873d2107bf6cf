import { z } from 'zod';
import { describeTransportError } from '../http/bounded';
import type { GitHubClient } from './client';

/** Octokit's RequestError (also thrown for a 304), recognised by shape to avoid a transitive import. */
interface RequestError extends Error {
  status: number;
  response?: { headers?: Record<string, unknown>; data?: unknown };
}
const isRequestError = (error: unknown): error is RequestError =>
  error instanceof Error && error.name === 'HttpError' && typeof (error as { status?: unknown }).status === 'number';

const timestamp = z.string().refine((text) => !Number.isNaN(Date.parse(text)), 'expected an ISO 8601 time');

/**
 * An item of GET /repos/{owner}/{repo}/issues: an issue, or a pull request (it has `pull_request`). Only the
 * fields the board reads are checked; a reply of another shape is an error naming GitHub, never an exception.
 */
export const issueListItemSchema = z.object({
  number: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  title: z.string(),
  body: z.string().nullish(),
  state: z.string(),
  state_reason: z.string().nullish(),
  labels: z.array(z.union([z.string(), z.object({ name: z.string().optional() })])),
  assignees: z.array(z.object({ login: z.string() })).nullish(),
  html_url: z.string(),
  created_at: timestamp,
  updated_at: timestamp,
  closed_at: timestamp.nullable(),
  pull_request: z.object({ html_url: z.string().nullish(), merged_at: z.string().nullish() }).optional(),
});
export type IssueListItem = z.infer<typeof issueListItemSchema>;

export interface ListRequest {
  repo: string;
  label: string;
  /**
   * The newest update the previous sync saw: every issue updated before it was seen then, so the
   * listing stops at the first page that reaches one. Null reads every page.
   */
  seenUpTo: Date | null;
  /** The ETag of page 1 of the previous listing (the request never changes): a 304 means nothing changed. */
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

const resetTime = (headers: Record<string, unknown> | undefined) => {
  const reset = Number(headers?.['x-ratelimit-reset']);
  return Number.isFinite(reset) && reset > 0
    ? ` (quota resets at ${new Date(reset * 1000).toISOString().slice(11, 16)} UTC)`
    : '';
};

/** A reply that is not what GitHub's REST API sends: says which page, what was wrong and what to check. */
function shapeError(repo: string, page: number, what: string): GitHubSyncError {
  return new GitHubSyncError(
    `${repo}: GitHub's reply to page ${page} is not a list of issues (${what}). Check that GITHUB_API_URL points at GitHub's REST API.`,
    null,
  );
}

/** Checks one page of a listing; the first bad item is named by its index and field. */
export function parseIssuePage(data: unknown, repo: string, page: number): IssueListItem[] {
  if (!Array.isArray(data)) {
    const seen = typeof data === 'string' ? (data.trim() ? 'text that is not JSON' : 'an empty body') : typeof data;
    return (() => {
      throw shapeError(repo, page, `got ${seen}`);
    })();
  }
  const parsed = z.array(issueListItemSchema).safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw shapeError(repo, page, `item ${issue.path.join('.')}: ${issue.message}`);
}

/** Turns an Octokit failure into a sentence naming the repository, the status and the fix. */
export function describeFailure(error: unknown, repo: string, page: number, timeoutMs?: number): GitHubSyncError {
  if (error instanceof GitHubSyncError) return error;
  if (!isRequestError(error)) {
    return new GitHubSyncError(`${repo}: ${describeTransportError(error, timeoutMs ?? 0)} (page ${page}).`, null);
  }
  const headers = error.response?.headers;
  const data = error.response?.data as
    | { message?: string; errors?: Array<{ field?: string; code?: string; message?: string }> }
    | undefined;
  const said = typeof data === 'object' && data?.message ? data.message : error.message;
  switch (true) {
    case !error.response:
      return new GitHubSyncError(
        `${repo}: cannot get page ${page} from GitHub at GITHUB_API_URL (${describeTransportError(error.cause ?? error, timeoutMs ?? 0)}).`,
        null,
      );
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
 * Lists a repository's issues carrying `label` (state all, 100 per page, newest update first), following
 * GitHub's Link headers down to the page that reaches `seenUpTo` (every page the first time). The request
 * is the same on every sync, so page 1 is a conditional request on the ETag the previous sync got: a 304
 * means nothing changed, and costs no rate limit. Sorting by update keeps that true: any change moves an
 * issue onto page 1. (GitHub's `since` would change the request, and so its ETag, on every sync: keeping
 * one to repeat took a second request per repository.) Every page is checked for shape, and the client
 * keeps every page on the configured API host.
 */
export async function listLabelledIssues(
  client: GitHubClient,
  request: ListRequest,
  onPage?: (page: number) => void,
): Promise<ListResult> {
  const [owner, repo] = request.repo.split('/');
  // Page 1 by its parameters, then each page's rel="next" link, all through the client's own request, so a
  // child's pages count as its own (Octokit's paginate sends pages 2+ through the Octokit's). Every page
  // carries page 1's If-None-Match, as paginate does: only page 1 can match it.
  const headers = request.etag ? { 'if-none-match': request.etag } : {};
  let next: { route: string; parameters: Record<string, unknown> } | null = {
    route: 'GET /repos/{owner}/{repo}/issues',
    parameters: {
      owner,
      repo,
      labels: request.label,
      state: 'all',
      sort: 'updated',
      direction: 'desc',
      per_page: 100,
      headers,
    },
  };
  let page = 1;
  let etag: string | null = null;
  const items: IssueListItem[] = [];
  try {
    while (next) {
      const response = await client.request(next.route, next.parameters);
      if (page === 1) etag = response.headers.etag ?? null;
      const pageItems = parseIssuePage(response.data, request.repo, page);
      items.push(...pageItems);
      onPage?.(page);
      page += 1;
      const oldest = pageItems.at(-1);
      if (request.seenUpTo && oldest && Date.parse(oldest.updated_at) < request.seenUpTo.getTime()) break;
      const nextUrl = nextPageUrl(response.headers.link);
      next = nextUrl ? { route: `GET ${nextUrl}`, parameters: { headers } } : null;
    }
  } catch (error) {
    if (page === 1 && isRequestError(error) && error.status === 304) return { notModified: true, pages: 0 };
    throw describeFailure(error, request.repo, page, client.requestTimeoutMs);
  }
  return { notModified: false, items, etag, pages: page - 1 };
}

/** The rel="next" address of a Link header, as GitHub paginates. */
const nextPageUrl = (link: string | undefined) => link?.match(/<([^<>]+)>;\s*rel="next"/)?.[1] ?? null;

/** One issue as GitHub has it now (labels included, even when it no longer carries the plan's label); null when gone. */
export async function getIssue(client: GitHubClient, repo: string, number: number): Promise<IssueListItem | null> {
  const [owner, name] = repo.split('/');
  let data: unknown;
  try {
    const response = await client.request('GET /repos/{owner}/{repo}/issues/{issue_number}', {
      owner,
      repo: name,
      issue_number: number,
    });
    data = response.data;
  } catch (error) {
    if (isRequestError(error) && (error.status === 404 || error.status === 410)) return null;
    throw describeFailure(error, `${repo}#${number}`, 1, client.requestTimeoutMs);
  }
  return parseIssuePage([data], `${repo}#${number}`, 1)[0];
}
