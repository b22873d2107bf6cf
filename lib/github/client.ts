import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';

const ThrottledOctokit = Octokit.plugin(throttling, retry);
export type ThrottledOctokit = InstanceType<typeof ThrottledOctokit>;

/** What actually went over the wire (retries included), for sync runs and the bench. */
export interface GitHubTraffic {
  requests: number;
  notModified: number;
  /** The newest rate-limit headers seen, from any answer (304s and errors too). */
  quota: RateLimitQuota | null;
}

export interface GitHubClient {
  octokit: ThrottledOctokit;
  traffic: GitHubTraffic;
}

export interface GitHubClientOptions {
  /** GITHUB_API_URL: https://api.github.com, GitHub Enterprise's /api/v3, or a simulator. */
  apiUrl: string;
  /** Optional; without it public repositories still work, at GitHub's lower rate limit. */
  token?: string;
  /** The longest rate-limit wait (retry-after / x-ratelimit-reset) worth sitting out within a sync. */
  maxRateLimitWaitMs?: number;
  /** One unit of back-off: 5xx retries wait 1, 4, 9 units; rate-limit waits are in seconds × unit / 1000. Tests shrink it. */
  backoffUnitMs?: number;
  /** Retries of a 5xx or network failure before the sync gives up on a repository. */
  retries?: number;
}

/**
 * An Octokit that honours GitHub's rate limits (retry-after, x-ratelimit-reset) and retries
 * transient failures. The token goes only into the Authorization header: Octokit redacts it in
 * errors, and this client's log never prints request options.
 */
export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const maxWaitSeconds = (options.maxRateLimitWaitMs ?? 60_000) / 1000;
  const unit = options.backoffUnitMs ?? 1000;
  const waitIfShort = (retryAfterSeconds: number, retryCount: number) =>
    retryCount < 2 && retryAfterSeconds <= maxWaitSeconds;
  const quiet = () => undefined;
  const traffic: GitHubTraffic = { requests: 0, notModified: 0, quota: null };
  const countingFetch: typeof fetch = async (input, init) => {
    traffic.requests += 1;
    const response = await fetch(input, init);
    if (response.status === 304) traffic.notModified += 1;
    traffic.quota = quotaFromHeaders(Object.fromEntries(response.headers)) ?? traffic.quota;
    return response;
  };
  const octokit = new ThrottledOctokit({
    baseUrl: options.apiUrl,
    auth: options.token,
    userAgent: 'rollout-board',
    log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
    request: { fetch: countingFetch },
    throttle: {
      retryAfterBaseValue: unit,
      onRateLimit: (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) =>
        waitIfShort(retryAfter, retryCount),
      onSecondaryRateLimit: (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) =>
        waitIfShort(retryAfter, retryCount),
    },
    // 403/429 belong to the throttling plugin (it reads the rate-limit headers); retry the rest.
    retry: {
      retries: options.retries ?? 3,
      retryAfterBaseValue: unit,
      doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
    },
  });
  return { octokit, traffic };
}

/** GitHub's rate-limit headers, as last seen. */
export interface RateLimitQuota {
  limit: number;
  remaining: number;
  resetAt: string;
  resource: string | null;
}

export function quotaFromHeaders(
  headers: Record<string, string | number | undefined> | undefined,
): RateLimitQuota | null {
  if (!headers) return null;
  const limit = Number(headers['x-ratelimit-limit']);
  const remaining = Number(headers['x-ratelimit-remaining']);
  const reset = Number(headers['x-ratelimit-reset']);
  if (!Number.isFinite(limit) || !Number.isFinite(remaining) || headers['x-ratelimit-limit'] === undefined) return null;
  return {
    limit,
    remaining,
    resetAt: new Date((Number.isFinite(reset) ? reset : 0) * 1000).toISOString(),
    resource: headers['x-ratelimit-resource'] === undefined ? null : String(headers['x-ratelimit-resource']),
  };
}
