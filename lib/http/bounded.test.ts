import { afterEach, describe, expect, it } from 'vitest';
import { type HostileUpstream, startHostileUpstream } from '@/test/hostile-upstream';
import { describeTransportError, fetchBounded, ReplyTooLargeError } from './bounded';

let upstream: HostileUpstream | undefined;
afterEach(async () => {
  await upstream?.stop();
  upstream = undefined;
});

describe('fetchBounded', () => {
  it('stops reading a 50 MB reply at its cap and drops the connection', async () => {
    upstream = await startHostileUpstream({ kind: 'flood', bytes: 50 * 1024 * 1024 });
    const error = await fetchBounded(upstream.url, {}, { timeoutMs: 5_000, maxBytes: 1024 * 1024 }).catch((e) => e);
    expect(error).toBeInstanceOf(ReplyTooLargeError);
    expect(describeTransportError(error, 5_000)).toBe('the reply is larger than 1 MB, so reading stopped there');
    await new Promise((r) => setTimeout(r, 100));
    // The sender is stopped by the dropped connection: far less than the 50 MB went over the wire.
    expect(upstream.bytesSent()).toBeLessThan(10 * 1024 * 1024);
  });

  it('refuses a declared Content-Length over the cap before reading the body', async () => {
    upstream = await startHostileUpstream({ kind: 'flood', bytes: 50 * 1024 * 1024, declare: true });
    await expect(fetchBounded(upstream.url, {}, { timeoutMs: 5_000, maxBytes: 1024 })).rejects.toBeInstanceOf(
      ReplyTooLargeError,
    );
  });

  it('aborts a body that stops arriving at the time limit, not at Node’s own 300 s', async () => {
    upstream = await startHostileUpstream({ kind: 'stall-body' });
    const started = Date.now();
    const error = await fetchBounded(upstream.url, {}, { timeoutMs: 300, maxBytes: 1024 }).catch((e) => e);
    expect(Date.now() - started).toBeLessThan(300 + 1_000);
    expect(describeTransportError(error, 300)).toBe('no complete answer within 300ms');
  });

  it("ends at once when the caller's signal aborts (a run's deadline)", async () => {
    upstream = await startHostileUpstream({ kind: 'stall-body' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new DOMException('the sync ran past SYNC_TIMEOUT', 'AbortError')), 100);
    const started = Date.now();
    const error = await fetchBounded(
      upstream.url,
      {},
      { timeoutMs: 60_000, maxBytes: 1024, signal: controller.signal },
    ).catch((e) => e);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(describeTransportError(error, 60_000)).toBe('the sync ran past SYNC_TIMEOUT');
  });

  it('reads a reply within its cap', async () => {
    upstream = await startHostileUpstream({ kind: 'answer', status: 200, body: '{"ok":true}' });
    const reply = await fetchBounded(upstream.url, {}, { timeoutMs: 1_000, maxBytes: 1024 });
    expect([reply.status, reply.body.toString()]).toEqual([200, '{"ok":true}']);
  });
});
