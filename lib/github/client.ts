import { Octokit } from '@octokit/rest';
import { redactSecrets, redactUrl } from '../config/redact';
import { fetchBounded, formatBytes, isReplyTooLarge } from '../http/bounded';
import { RequestSlots } from './request-slots';
import { withRetries } from './retry-policy';

/** What actually went over the wire (retries included), for sync runs and the bench. */
export interface GitHubTraffic {
  requests: number;
  notModified: number;
  /** The newest rate-limit headers seen, from any answer (304s and errors too). */
  quota: RateLimitQuota | null;
}

const noTraffic = (): GitHubTraffic => ({ requests: 0, notModified: 0, quota: null });

export interface GitHubClient {
  /** The Octokit every child shares: what it sends counts into the first client's traffic only. */
  octokit: Octokit;
  /** `octokit.request`, counting into this client's `traffic` (and its parents'): what a child sends through. */
  request: Octokit['request'];
  traffic: GitHubTraffic;
  /** The per-request time limit, for messages. */
  requestTimeoutMs: number;
  /**
   * A client like this one whose `traffic` counts its own requests, which count into this one's too:
   * one repository's, while several are fetched at once.
   */
  child: () => GitHubClient;
}

export const GITHUB_REQUEST_TIMEOUT_MS = 30_000;
export const GITHUB_MAX_REPLY_BYTES = 10 * 1024 * 1024;

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
  /** Longest wait for one request, its whole reply included (GITHUB_TIMEOUT). */
  requestTimeoutMs?: number;
  /** Largest reply read; reading stops there (GITHUB_MAX_REPLY_BYTES). */
  maxReplyBytes?: number;
  /** Cancels every request at once, e.g. at the sync's deadline. Not retried. */
  signal?: AbortSignal;
}

/** A request that would leave the configured API host (a Link header or URL pointing elsewhere). */
export class GitHubOffHostError extends Error {
  override name = 'GitHubOffHostError';
}

/** A 2xx reply that is not JSON (an HTML error page from a proxy, a truncated body). */
export class GitHubReplyError extends Error {
  override name = 'GitHubReplyError';
}

/** The client's own refusals (by name: see isReplyTooLarge), whose messages say what happened and what to check. */
export const isGitHubClientRefusal = (error: unknown): error is Error =>
  error instanceof Error && (error.name === 'GitHubOffHostError' || error.name === 'GitHubReplyError');

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * The board's one GitHub client, for the sync and the evidence checks: it honours GitHub's rate limits
 * (retry-after, x-ratelimit-reset), retries transient failures, gives every request a time limit that
 * aborts it and a byte cap, and never sends a request (nor the token) to a host other than GITHUB_API_URL's.
 * The token goes only into the Authorization header; URL credentials are moved out of the base URL.
 */
/** Requests one client (with its children) has in flight at once; see RequestSlots. */
export const GITHUB_MAX_CONCURRENT_REQUESTS = 10;

export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const policy = {
    retries: options.retries ?? 3,
    unitMs: options.backoffUnitMs ?? 1000,
    maxRateLimitWaitMs: options.maxRateLimitWaitMs ?? 60_000,
  };
  const requestTimeoutMs = options.requestTimeoutMs ?? GITHUB_REQUEST_TIMEOUT_MS;
  const maxBytes = options.maxReplyBytes ?? GITHUB_MAX_REPLY_BYTES;
  const base = new URL(options.apiUrl);
  // `https://x-access-token:TOKEN@ghe/api/v3` is how some set a token; fetch refuses URLs with credentials.
  const urlToken = base.password ? decodeURIComponent(base.password) : undefined;
  const baseUrl = redactUrl(options.apiUrl);
  const apiOrigin = base.origin;
  const quiet = () => undefined;
  const slots = new RequestSlots(GITHUB_MAX_CONCURRENT_REQUESTS);
  // Each client's fetch counts into its own traffic and its ancestors'.
  const countingFetch =
    (counts: GitHubTraffic[]): typeof fetch =>
    async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      for (const count of counts) count.requests += 1;
      const reply = await fetchBounded(url, init ?? {}, {
        timeoutMs: requestTimeoutMs,
        maxBytes,
        signal: options.signal,
      }).catch((error: unknown) => {
        // Asking again gets the same flood: an AbortError is the one failure Octokit's retry plugin passes on as is.
        if (isReplyTooLarge(error)) {
          throw new DOMException(
            `GitHub's reply is larger than ${formatBytes(maxBytes)} (GITHUB_MAX_REPLY_BYTES), so reading stopped there`,
            'AbortError',
          );
        }
        throw error;
      });
      const quota = quotaFromHeaders(Object.fromEntries(reply.headers));
      for (const count of counts) {
        if (reply.status === 304) count.notModified += 1;
        count.quota = quota ?? count.quota;
      }
      return new Response(NULL_BODY_STATUSES.has(reply.status) ? null : new Uint8Array(reply.body), {
        status: reply.status,
        headers: reply.headers,
      });
    };
  const traffic = noTraffic();
  const octokit = new Octokit({
    baseUrl,
    auth: options.token ?? urlToken,
    userAgent: 'rollout-board',
    log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
    // Success bodies are parsed below with the platform's JSON.parse: Octokit's own parser (json-with-bigint,
    // in JavaScript) took 20–140 ms per 100-issue page, and a few pages arriving together held the event
    // loop past half a second in a 10,000-issue sync. GitHub's ids and numbers are well within 2^53.
    request: { fetch: countingFetch([traffic]), parseSuccessResponseBody: false },
  });
  // Rate limits and transient failures (retry-policy.ts), each attempt in a slot (a back-off wait holds none);
  // the hooks added after this one run outside it, so their refusals are final, not retried.
  octokit.hook.wrap('request', (request, requestOptions) =>
    withRetries(() => slots.run(async () => request(requestOptions)), policy, options.signal),
  );
  octokit.hook.before('request', (request) => {
    const url = String(request.url);
    if (/^[a-z][a-z0-9+.-]*:/i.test(url) && new URL(url).origin !== apiOrigin) {
      throw new GitHubOffHostError(
        `GitHub pointed the board at ${redactUrl(new URL(url).origin)}, which is not GITHUB_API_URL's host ` +
          `(${apiOrigin}); the request was not sent, so the token stays with ${apiOrigin}.`,
      );
    }
  });
  octokit.hook.after('request', async (response) => {
    response.data = await successBody(response.data, String(response.headers['content-type'] ?? ''));
    if (typeof response.data !== 'string') return;
    // The "sha" media type (a branch's head commit, asked for on purpose) is text by design.
    if (/^application\/vnd\.github(\.v3)?\.sha\b/.test(String(response.headers['content-type'] ?? ''))) return;
    const excerpt = redactSecrets(response.data.trim().replace(/\s+/g, ' ').slice(0, 120));
    throw new GitHubReplyError(
      `GitHub's reply is not JSON (${excerpt ? `"${excerpt}"` : 'an empty body'}): is GITHUB_API_URL pointing at GitHub's REST API?`,
    );
  });
  // A child shares the Octokit, its hooks and so its slots; only its fetch differs, to count its own requests.
  // (A child with an Octokit of its own cost 0.9 ms of a 7.7 ms no-change re-sync of 8 repositories.)
  const clientOf = (request: Octokit['request'], own: GitHubTraffic, counts: GitHubTraffic[]): GitHubClient => ({
    octokit,
    request,
    traffic: own,
    requestTimeoutMs,
    child: () => {
      const childTraffic = noTraffic();
      const childCounts = [childTraffic, ...counts];
      return clientOf(
        octokit.request.defaults({ request: { fetch: countingFetch(childCounts) } }),
        childTraffic,
        childCounts,
      );
    },
  });
  return clientOf(octokit.request, traffic, [traffic]);
}

/** The media types Octokit parses as JSON. */
const JSON_MEDIA_TYPES = new Set(['application/json', 'application/scim+json']);

/**
 * A success reply's body as Octokit would give it (parseSuccessResponseBody is off): JSON parsed when the
 * reply says JSON and parses, else the text, which the caller refuses as not JSON where JSON was expected.
 */
async function successBody(body: unknown, contentType: string): Promise<unknown> {
  if (!(body instanceof ReadableStream) && body !== null && body !== undefined) return body;
  const text = body ? await new Response(body).text() : '';
  if (!JSON_MEDIA_TYPES.has(contentType.split(';')[0].trim().toLowerCase())) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
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
