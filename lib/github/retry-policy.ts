import { setTimeout as sleep } from 'node:timers/promises';

/**
 * When the board's GitHub client asks again, and after how long. This is the policy the board ran with
 * @octokit/plugin-retry and plugin-throttling, kept as one pure decision plus one Octokit hook: the
 * plugins schedule every request through Bottleneck, whose timer turns cost each request about 14 ms
 * of waiting (a 304 took 16.9 ms through them, 2.1 ms without), the bulk of a sync that finds nothing new.
 */
export interface RetryPolicy {
  /** Retries of a 5xx or network failure: they wait 1, 4, 9… units. */
  retries: number;
  /** One unit of back-off, 1,000 ms in production: a rate-limit wait of N seconds waits N units (tests shrink it). */
  unitMs: number;
  /** The longest rate-limit wait worth sitting out within a sync. */
  maxRateLimitWaitMs: number;
}

/** Rate-limit waits sat out per request: a third refusal is GitHub meaning it. */
export const RATE_LIMIT_WAITS = 2;
/** GitHub's advice for a secondary rate limit that names no time: wait at least a minute. */
const SECONDARY_FALLBACK_SECONDS = 60;
/** Statuses that asking again does not change (403 and 429 are rate limits, decided apart). */
const FINAL_STATUSES = new Set([400, 401, 403, 404, 410, 422, 429, 451]);

/** What an Octokit request failure carries (RequestError, named HttpError), read by shape. */
export interface FailedRequest {
  name: string;
  status?: number;
  message: string;
  response?: { headers?: Record<string, unknown>; data?: unknown };
}

export interface RetriesSoFar {
  transient: number;
  rateLimit: number;
}

export type RetryDecision = { retry: false } | { retry: true; kind: keyof RetriesSoFar; waitMs: number };

const NO_RETRY: RetryDecision = { retry: false };

/**
 * GitHub's documented rate-limit answer, in seconds to wait: `retry-after` when given; the quota's reset
 * (plus a second, to land after it) when `x-ratelimit-remaining` is 0; a minute for a secondary limit that
 * says neither. Null when the 403 or 429 is not a rate limit (a permission refusal, say).
 */
export function rateLimitWaitSeconds(error: FailedRequest, nowMs: number): number | null {
  const headers = error.response?.headers ?? {};
  const retryAfter = Number(headers['retry-after'] ?? Number.NaN);
  if (Number.isFinite(retryAfter)) return Math.max(retryAfter, 0);
  if (String(headers['x-ratelimit-remaining']) === '0') {
    const resetMs = Math.trunc(Number(headers['x-ratelimit-reset'])) * 1000;
    return Number.isFinite(resetMs) ? Math.max(Math.ceil((resetMs - nowMs) / 1000) + 1, 0) : null;
  }
  return /\bsecondary rate\b/i.test(error.message) ? SECONDARY_FALLBACK_SECONDS : null;
}

/**
 * Whether to ask again after `error`, and how long to wait first. Only GitHub's own answers and network
 * failures are retried (Octokit names both HttpError); an aborted request (time limit, the run's deadline,
 * a reply over its cap) and the client's own refusals are final.
 */
export function decideRetry(error: unknown, so: RetriesSoFar, policy: RetryPolicy, nowMs: number): RetryDecision {
  const failed = error as FailedRequest;
  if (!(error instanceof Error) || failed.name !== 'HttpError' || typeof failed.status !== 'number') return NO_RETRY;
  const status = failed.status;
  if ((status === 403 || status === 429) && failed.response) {
    const seconds = rateLimitWaitSeconds(failed, nowMs);
    if (seconds === null || so.rateLimit >= RATE_LIMIT_WAITS || seconds * 1000 > policy.maxRateLimitWaitMs)
      return NO_RETRY;
    return { retry: true, kind: 'rateLimit', waitMs: seconds * policy.unitMs };
  }
  if (status < 400 || FINAL_STATUSES.has(status) || so.transient >= policy.retries) return NO_RETRY;
  return { retry: true, kind: 'transient', waitMs: (so.transient + 1) ** 2 * policy.unitMs };
}

/**
 * Runs `request` under the policy: each retry waits its time first, and a wait ends early (an AbortError)
 * when `signal` aborts, so a sync's deadline never sits out a rate limit.
 */
export async function withRetries<T>(request: () => Promise<T>, policy: RetryPolicy, signal?: AbortSignal): Promise<T> {
  const so: RetriesSoFar = { transient: 0, rateLimit: 0 };
  for (;;) {
    try {
      return await request();
    } catch (error) {
      const decision = decideRetry(error, so, policy, Date.now());
      if (!decision.retry) throw error;
      so[decision.kind] += 1;
      await sleep(decision.waitMs, undefined, { signal });
    }
  }
}
