import { readdirSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { startFaroReceiverSimulator, type FaroReceiverSimulator, type LokiStream } from './faro-receiver';
import { recording, RECORDINGS_DIR, type Recording } from './recordings';

let receiver: FaroReceiverSimulator | undefined;
afterEach(async () => {
  await receiver?.stop();
  receiver = undefined;
});

async function replay(rec: Recording, url: string) {
  const headers = { ...rec.request.headers };
  let body: string | Uint8Array<ArrayBuffer> | undefined;
  if (rec.request.body !== null && rec.request.body !== undefined) {
    body = typeof rec.request.body === 'string' ? rec.request.body : JSON.stringify(rec.request.body);
    // Recorded bodies are shown decompressed; only the "bad gzip" exchange really sent plain JSON.
    if (headers['Content-Encoding'] === 'gzip' && !rec.description.includes('with a plain JSON body'))
      body = new Uint8Array(gzipSync(body));
  }
  delete headers['Content-Length'];
  return fetch(`${url}${rec.request.path}`, { method: rec.request.method, headers, body });
}

// The exchanges a single request reproduces (bursts, 6 MiB bodies and CORS configs are tested below).
const SINGLE_REQUEST = readdirSync(path.join(RECORDINGS_DIR, 'faro'))
  .filter((f) => !/rate-limited|over-max|options-preflight|ready-not/.test(f))
  .map((f) => `faro/${f}`);

describe('the Alloy faro.receiver simulator', () => {
  it.each(SINGLE_REQUEST)('answers %s as the real receiver did', async (name) => {
    receiver = await startFaroReceiverSimulator({
      corsAllowedOrigins: ['https://bc-wallet-demo.example.org', 'http://127.0.0.1:8081'],
    });
    const rec = recording(name);
    const response = await replay(rec, receiver.url);
    expect(response.status).toBe(rec.response.status);
    expect(await response.text()).toBe(rec.response.body);
    expect(response.headers.get('retry-after')).toBeNull();
    expect(response.headers.get('x-faro-session-status')).toBeNull();
  });

  it('accepts a gzip body', async () => {
    receiver = await startFaroReceiverSimulator();
    const good = await fetch(`${receiver.url}/collect`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify(recording('faro/collect-minimal-probe.json').request.body)),
    });
    expect(good.status).toBe(202);
  });

  it('answers 413 on a declared Content-Length over 5 MiB but lets a chunked one through, as Alloy does', async () => {
    receiver = await startFaroReceiverSimulator();
    const big = JSON.stringify({
      meta: { app: { name: 'faro-size-test' } },
      logs: [{ message: 'x'.repeat(6 * 1024 * 1024), level: 'info' }],
    });
    const declared = await fetch(`${receiver.url}/collect`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: big,
    });
    expect([declared.status, await declared.text()]).toEqual([413, 'Request Entity Too Large\n']);
    const chunked = await fetch(`${receiver.url}/collect`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new Blob([big]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(202);
  });

  it('rate-limits a burst like the global limiter (50/s, burst 100), answering 429 without Retry-After', async () => {
    receiver = await startFaroReceiverSimulator();
    const body = JSON.stringify(recording('faro/collect-rate-limited-429.json').request.body);
    const started = Date.now();
    const responses = await Promise.all(
      Array.from({ length: 160 }, () =>
        fetch(`${receiver!.url}/collect`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }),
      ),
    );
    const elapsedSeconds = (Date.now() - started) / 1000;
    const accepted = responses.filter((r) => r.status === 202).length;
    // The bucket holds 100 and refills 50 per second: a loaded machine stretches the burst, never beyond that.
    expect(accepted).toBeGreaterThanOrEqual(100);
    expect(accepted).toBeLessThanOrEqual(100 + Math.ceil(50 * elapsedSeconds) + 1);
    for (const limited of responses.filter((r) => r.status === 429)) {
      expect(await limited.text()).toBe('Too Many Requests\n');
      expect(limited.headers.get('retry-after')).toBeNull();
    }
  });

  it('answers 429 once the bucket is empty', async () => {
    receiver = await startFaroReceiverSimulator({ rateLimit: { rate: 0.01, burst: 3 } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await fetch(`${receiver.url}/collect`, { method: 'POST', body: '{}' })).status);
    expect(statuses).toEqual([202, 202, 202, 429, 429]);
  });

  it('blocks a preflight that asks for the SDK’s Idempotency-Key even for a wildcard origin', async () => {
    receiver = await startFaroReceiverSimulator({ corsAllowedOrigins: ['*'] });
    for (const name of [
      'faro/options-preflight-wildcard-origin.json',
      'faro/options-preflight-wildcard-origin-idempotency-key.json',
    ]) {
      const rec = recording(name);
      const response = await replay(rec, receiver.url);
      expect(response.status, name).toBe(204);
      expect(response.headers.get('access-control-allow-origin'), name).toBe(
        rec.response.headers['access-control-allow-origin'] ?? null,
      );
    }
  });

  it('turns a real SDK payload into logfmt Loki streams labelled app_name and kind', async () => {
    const streams: LokiStream[] = [];
    receiver = await startFaroReceiverSimulator({ sinks: { logs: (s) => streams.push(...s) } });
    const rec = recording('faro/sdk-bc-wallet-demo-2-logs-exception-event.json');
    expect((await replay(rec, receiver.url)).status).toBe(202);
    expect(streams.map((s) => s.stream.kind).sort()).toEqual(['event', 'exception', 'log']);
    expect(streams.every((s) => s.stream.app_name === 'bc-wallet-demo')).toBe(true);
    const exception = streams.find((s) => s.stream.kind === 'exception')!.values[0][1];
    expect(exception).toMatch(/^timestamp="\d{4}-\d\d-\d\d [\d:.]+ \+0000 UTC" kind=exception type=Error value="/);
    expect(exception).toContain('app_name=bc-wallet-demo');
  });
});
