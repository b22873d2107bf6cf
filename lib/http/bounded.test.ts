import { afterEach, describe, expect, it } from 'vitest';
import { type HostileUpstream, startHostileUpstream } from '@/test/hostile-upstream';
import { describeTransportError, fetchBounded, ReplyTooLargeError, readRequestCapped } from './bounded';

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

  it('keeps the first bytes of a longer page when truncating, declared or not, and stops reading there', async () => {
    for (const declare of [false, true]) {
      upstream = await startHostileUpstream({ kind: 'flood', bytes: 50 * 1024 * 1024, declare });
      const reply = await fetchBounded(upstream.url, {}, { timeoutMs: 5_000, maxBytes: 100_000, truncate: true });
      expect(reply.body.length).toBe(100_000);
      expect(reply.body.subarray(0, 4).toString()).toBe('[{"a');
      await new Promise((r) => setTimeout(r, 100));
      expect(upstream.bytesSent()).toBeLessThan(10 * 1024 * 1024);
      await upstream.stop();
    }
    upstream = undefined;
  });
});

describe('readRequestCapped', () => {
  const post = (body: BodyInit, headers: Record<string, string> = {}) =>
    new Request('http://board.test/', { method: 'POST', body, headers, duplex: 'half' } as RequestInit);

  it('refuses a declared Content-Length over the cap unread, and a chunked body once it streams past the cap', async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new Uint8Array(16 * 1024));
      },
    });
    await expect(readRequestCapped(post('{}', { 'content-length': '1025' }), 1024)).rejects.toBeInstanceOf(
      ReplyTooLargeError,
    );
    await expect(readRequestCapped(post(endless), 64 * 1024)).rejects.toBeInstanceOf(ReplyTooLargeError);
    expect(pulled).toBeLessThan(10);
    expect((await readRequestCapped(post('x'.repeat(1024)), 1024)).length).toBe(1024);
  });
});
