import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { serveSimulator, type RunningSimulator, type SimRequest } from '@/simulators/http';
import { startSelfProfiling, type SelfProfiling } from './self';

let listener: RunningSimulator | undefined;
let profiling: SelfProfiling | null = null;
afterEach(async () => {
  await profiling?.stop();
  profiling = null;
  await listener?.stop();
  listener = undefined;
});

const config = (serverAddress: string | undefined) => ({
  PYROSCOPE_SERVER_ADDRESS: serverAddress,
  PYROSCOPE_BASIC_AUTH_USER: 'board',
  PYROSCOPE_BASIC_AUTH_PASSWORD: 'secret',
  APP_VERSION: '9.8.7',
  APP_ENVIRONMENT: 'test',
});

async function waitFor<T>(find: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`nothing arrived within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('self-profiling with @pyroscope/nodejs', () => {
  it('does nothing without PYROSCOPE_SERVER_ADDRESS', async () => {
    expect(await startSelfProfiling(config(undefined))).toBeNull();
  });

  it('pushes pprof profiles named rollout-board with its version to /ingest, with basic auth', async () => {
    listener = await serveSimulator('pyroscope-ingest', () => ({ status: 200, body: '' }));
    profiling = await startSelfProfiling(config(listener.url), { flushIntervalMs: 500 });
    expect(profiling).not.toBeNull();
    const ingest = await waitFor<SimRequest>(() => listener?.requests.find((r) => r.path === '/ingest'), 10_000);
    const name = ingest.query.get('name') ?? '';
    expect(name.startsWith('rollout-board{')).toBe(true);
    expect(name).toContain('version=9.8.7');
    expect(name).toContain('environment=test');
    expect(ingest.query.get('format')).toBe('pprof');
    expect(ingest.query.get('spyName')).toBe('nodespy');
    expect(ingest.headers.authorization).toBe(`Basic ${Buffer.from('board:secret').toString('base64')}`);
    expect(gunzipSync(ingest.body).length).toBeGreaterThan(0); // a gzip-compressed pprof, as recorded
  });

  it('keeps the process running when the server is unreachable', async () => {
    listener = await serveSimulator('closed', () => ({ status: 200 }));
    const address = listener.url;
    await listener.stop();
    listener = undefined;
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      profiling = await startSelfProfiling(config(address), { flushIntervalMs: 300 });
      await new Promise((r) => setTimeout(r, 1_500));
      expect(rejections).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });
});
