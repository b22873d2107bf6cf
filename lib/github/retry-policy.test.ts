import { describe, expect, it } from 'vitest';
import { decideRetry, type FailedRequest, rateLimitWaitSeconds, type RetryPolicy, withRetries } from './retry-policy';

const policy: RetryPolicy = { retries: 3, unitMs: 1000, maxRateLimitWaitMs: 60_000 };
const NOW = Date.parse('2026-11-30T12:00:00Z');
const none = { transient: 0, rateLimit: 0 };

/** An Octokit RequestError as the client sees it. */
function httpError(status: number, headers: Record<string, string> = {}, message = `HTTP ${status}`) {
  return Object.assign(new Error(message), {
    name: 'HttpError',
    status,
    response: { headers, data: { message } },
  }) as Error & FailedRequest;
}
const networkFailure = () => Object.assign(new Error('fetch failed'), { name: 'HttpError', status: 500 });

describe('rate-limit waits, as GitHub documents them', () => {
  it('waits retry-after seconds when GitHub names them', () => {
    expect(rateLimitWaitSeconds(httpError(429, { 'retry-after': '7' }), NOW)).toBe(7);
    expect(rateLimitWaitSeconds(httpError(403, { 'retry-after': '0' }), NOW)).toBe(0);
  });

  it('waits until a second past the reset when the quota is spent', () => {
    const reset = String(NOW / 1000 + 30);
    expect(
      rateLimitWaitSeconds(httpError(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }), NOW),
    ).toBe(31);
    // A reset already past still waits nothing, never a negative time.
    const past = String(NOW / 1000 - 30);
    expect(rateLimitWaitSeconds(httpError(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': past }), NOW)).toBe(
      0,
    );
  });

  it('waits a minute for a secondary limit that names no time, and not at all for a plain refusal', () => {
    const secondary = httpError(403, {}, 'You have exceeded a secondary rate limit.');
    expect(rateLimitWaitSeconds(secondary, NOW)).toBe(60);
    const withoutReply = { name: 'HttpError', status: 403, message: 'You have exceeded a secondary rate limit.' };
    expect(rateLimitWaitSeconds(withoutReply, NOW)).toBe(60);
    expect(
      rateLimitWaitSeconds(httpError(403, { 'x-ratelimit-remaining': '12' }, 'Resource not accessible'), NOW),
    ).toBe(null);
  });
});

describe('deciding a retry', () => {
  it('backs off 1, 4, 9 units on a 5xx or a network failure, then gives up', () => {
    const waits = [0, 1, 2].map((transient) => decideRetry(httpError(502), { transient, rateLimit: 0 }, policy, NOW));
    expect(waits).toEqual([1000, 4000, 9000].map((waitMs) => ({ retry: true, kind: 'transient', waitMs })));
    expect(decideRetry(networkFailure(), none, policy, NOW)).toEqual({ retry: true, kind: 'transient', waitMs: 1000 });
    expect(decideRetry(httpError(502), { transient: 3, rateLimit: 0 }, policy, NOW)).toEqual({ retry: false });
    expect(decideRetry(httpError(409), none, policy, NOW)).toMatchObject({ retry: true });
  });

  it('never asks again where the answer would not change', () => {
    for (const status of [304, 400, 401, 404, 410, 422, 451])
      expect(decideRetry(httpError(status), none, policy, NOW)).toEqual({ retry: false });
    // An aborted request (time limit, deadline, reply over its cap) and the client's own refusals are final.
    const aborted = Object.assign(new DOMException('too large', 'AbortError'), { status: 500 });
    expect(decideRetry(aborted, none, policy, NOW)).toEqual({ retry: false });
    expect(decideRetry(new Error('off host'), none, policy, NOW)).toEqual({ retry: false });
    const noStatus = Object.assign(new Error('no status'), { name: 'HttpError' });
    expect(decideRetry(noStatus, none, policy, NOW)).toEqual({ retry: false });
  });

  it('sits out a rate limit twice at most, and only when it is short enough', () => {
    const limited = httpError(429, { 'retry-after': '2' });
    expect(decideRetry(limited, none, policy, NOW)).toEqual({ retry: true, kind: 'rateLimit', waitMs: 2000 });
    expect(decideRetry(limited, { transient: 3, rateLimit: 1 }, policy, NOW)).toMatchObject({ retry: true });
    expect(decideRetry(limited, { transient: 0, rateLimit: 2 }, policy, NOW)).toEqual({ retry: false });
    expect(decideRetry(httpError(429, { 'retry-after': '61' }), none, policy, NOW)).toEqual({ retry: false });
    expect(decideRetry(httpError(429, { 'retry-after': '60' }), none, policy, NOW)).toMatchObject({ retry: true });
    expect(decideRetry(httpError(403, { 'retry-after': '3' }), none, policy, NOW)).toEqual({
      retry: true,
      kind: 'rateLimit',
      waitMs: 3000,
    });
    // A 403 that is not a rate limit is a permission refusal: final.
    expect(decideRetry(httpError(403), none, policy, NOW)).toEqual({ retry: false });
  });
});

describe('withRetries', () => {
  const fast: RetryPolicy = { retries: 2, unitMs: 1, maxRateLimitWaitMs: 60_000 };

  it('returns the first answer that is not retried, counting each kind apart', async () => {
    const answers = [httpError(503), httpError(429, { 'retry-after': '1' }), httpError(503), 'ok'];
    let calls = 0;
    const result = await withRetries(async () => {
      const next = answers[calls++];
      if (next instanceof Error) throw next;
      return next;
    }, fast);
    expect(result).toBe('ok');
    expect(calls).toBe(4);
  });

  it('passes on the last failure once the retries are spent', async () => {
    let calls = 0;
    const failing = withRetries(async () => {
      calls += 1;
      throw httpError(500, {}, 'still down');
    }, fast);
    await expect(failing).rejects.toThrow('still down');
    expect(calls).toBe(3);
  });

  it('stops waiting when the run is cancelled', async () => {
    const controller = new AbortController();
    const slow: RetryPolicy = { retries: 3, unitMs: 60_000, maxRateLimitWaitMs: 60_000 };
    const waiting = withRetries(
      async () => {
        throw httpError(500);
      },
      slow,
      controller.signal,
    );
    controller.abort(new Error('the run passed SYNC_TIMEOUT'));
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
  });
});
