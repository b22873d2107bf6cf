import v8 from 'node:v8';
import vm from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { type HostileUpstream, startHostileUpstream } from '@/test/hostile-upstream';
import {
  describeTransportError,
  fetchBounded,
  formatBytes,
  ReplyTooLargeError,
  readCapped,
  readRequestCapped,
  requestSignal,
} from './bounded';

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
    await upstream.stop();
    // A reply that declares 5 MB and then sends one byte: refused on its word, not waited for until the time limit.
    upstream = await startHostileUpstream({
      kind: 'answer',
      status: 200,
      body: 'x',
      headers: { 'content-length': String(5 * 1024 * 1024) },
    });
    const error = await fetchBounded(upstream.url, {}, { timeoutMs: 5_000, maxBytes: 1024 }).catch((e) => e);
    expect(describeTransportError(error, 5_000)).toBe('the reply is larger than 1 KB, so reading stopped there');
    // Exactly at the cap is within it.
    await upstream.stop();
    upstream = await startHostileUpstream({ kind: 'answer', status: 200, body: 'y'.repeat(1024) });
    expect((await fetchBounded(upstream.url, {}, { timeoutMs: 5_000, maxBytes: 1024 })).body.length).toBe(1024);
  });

  it('aborts a body that stops arriving at the time limit, not at Node’s own 300 s', async () => {
    upstream = await startHostileUpstream({ kind: 'stall-body' });
    const started = Date.now();
    const error = await fetchBounded(upstream.url, {}, { timeoutMs: 300, maxBytes: 1024 }).catch((e) => e);
    expect(Date.now() - started).toBeLessThan(300 + 1_000);
    expect(describeTransportError(error, 300)).toBe('no complete answer within 300ms');
  });

  it("keeps its time limit through a garbage collection while joined with the caller's signal", async () => {
    // Node 20's AbortSignal.any holds its sources weakly: a time limit made by AbortSignal.timeout was collected
    // before it fired, and a probe of a hung upstream waited for ever.
    v8.setFlagsFromString('--expose-gc');
    const collectGarbage = vm.runInNewContext('gc') as () => void;
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    upstream = await startHostileUpstream({ kind: 'silent' });
    const run = new AbortController();
    const asked = fetchBounded(upstream.url, {}, { timeoutMs: 300, maxBytes: 1024, signal: run.signal }).catch(
      (error: unknown) => error,
    );
    for (let i = 0; i < 5; i += 1) {
      await sleep(20);
      collectGarbage();
    }
    const error = await Promise.race([asked, sleep(5_000).then(() => 'still waiting 5 s later')]);
    expect(describeTransportError(error, 300)).toBe('no complete answer within 300ms');
    expect(run.signal.aborted).toBe(false);
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

describe('what a cap or a failure is called', () => {
  it('names a cap in the largest whole unit', () => {
    expect(formatBytes(10 * 1024 * 1024)).toBe('10 MB');
    expect(formatBytes(1024 * 1024)).toBe('1 MB');
    expect(formatBytes(1536 * 1024)).toBe('1536 KB');
    expect(formatBytes(64 * 1024)).toBe('64 KB');
    expect(formatBytes(1024)).toBe('1 KB');
    expect(formatBytes(1500)).toBe('1500 bytes');
    expect(formatBytes(512)).toBe('512 bytes');
  });

  it('says what went wrong on the wire in a few words: the system error, else the message', () => {
    const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED', message: 'x' } });
    expect(describeTransportError(refused, 1000)).toBe('ECONNREFUSED');
    expect(describeTransportError(Object.assign(new Error('boom'), { code: 'EAI_AGAIN' }), 1000)).toBe('EAI_AGAIN');
    expect(describeTransportError(new TypeError('fetch failed', { cause: new Error('other side closed') }), 1000)).toBe(
      'other side closed',
    );
    expect(describeTransportError(new Error('plain'), 1000)).toBe('plain');
    expect(describeTransportError('a string', 1000)).toBe('a string');
    expect(describeTransportError(new DOMException('', 'AbortError'), 1000)).toBe('the request was cancelled');
    expect(describeTransportError(new DOMException('the run was cancelled', 'AbortError'), 1000)).toBe(
      'the run was cancelled',
    );
    expect(describeTransportError(new DOMException('x', 'TimeoutError'), 90_000)).toBe('no complete answer within 90s');
    expect(describeTransportError(new ReplyTooLargeError(2048), 1000)).toBe(
      'the reply is larger than 2 KB, so reading stopped there',
    );
  });

  it('tells a time-out from the caller cancelling', async () => {
    const timing = requestSignal({ timeoutMs: 20 });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect([timing.signal.aborted, timing.timedOut()]).toEqual([true, true]);
    const controller = new AbortController();
    const cancelled = requestSignal({ timeoutMs: 60_000, signal: controller.signal });
    controller.abort();
    expect([cancelled.signal.aborted, cancelled.timedOut()]).toEqual([true, false]);
  });
});

describe('readCapped', () => {
  async function* chunks(...sizes: number[]) {
    for (const size of sizes) yield new Uint8Array(size).fill(size % 251);
  }

  it('keeps exactly the first bytes up to the cap when truncating, whatever the chunks', async () => {
    const kept = await readCapped(chunks(600, 700, 800), 1000, { truncate: true });
    expect(kept.length).toBe(1000);
    // The first chunk whole, then the second's start.
    expect([...kept.subarray(598, 602)]).toEqual([600 % 251, 600 % 251, 700 % 251, 700 % 251]);
    expect((await readCapped(chunks(400, 600), 1000)).length).toBe(1000);
    await expect(readCapped(chunks(400, 601), 1000)).rejects.toBeInstanceOf(ReplyTooLargeError);
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
    // A declared length within the cap is read.
    expect((await readRequestCapped(post('{"a":1}', { 'content-length': '7' }), 1024)).toString()).toBe('{"a":1}');
  });
});
