import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '@/lib/config/env';
import { createEvidenceCheckers, evidenceRunner } from '@/lib/evidence/run';
import { JobRunner } from '@/lib/jobs/runner';
import type { Runtime } from '@/lib/jobs/runtime';
import { openTestStore, type TestStore } from '@/test/stores';
import { startVerification } from './run';

/** An upstream that takes every request and never answers; it notes when each client hangs up. */
let server: http.Server;
let url: string;
const requests: Array<{ path: string; closedAt: number | null }> = [];
beforeAll(async () => {
  server = http.createServer((req) => {
    const entry = { path: req.url ?? '/', closedAt: null as number | null };
    requests.push(entry);
    req.resume();
    req.socket.once('close', () => {
      entry.closedAt = Date.now();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const VERIFY_TIMEOUT = 2000;

describe('the verify run’s deadline (VERIFY_TIMEOUT)', () => {
  let store: TestStore | undefined;
  afterEach(async () => {
    server.closeAllConnections();
    requests.length = 0;
    await store?.destroy();
    store = undefined;
  });

  it('aborts the requests still going when it passes and stores each unfinished check as an error naming it', async () => {
    store = await openTestStore('sqlite');
    const parsed = parseConfig({
      PYROSCOPE_URL: url,
      LOKI_URL: url,
      TEMPO_URL: url,
      FARO_RECEIVER_URL: url,
      FRONTEND_URLS: `bc-wallet-demo=${url}/`,
      FARO_ROUTE_URLS: `bc-wallet-demo=${url}/faro`,
      VERIFY_TIMEOUT: `${VERIFY_TIMEOUT}ms`,
      PROBE_TIMEOUT: '1s',
      GATE_DEADLINE: '1s',
      KUBE_TIMEOUT: '1s',
      VERIFY_CONCURRENCY: '8',
    });
    // Each request's own limit set far past the run's (as a run of many sequential requests adds up to): only
    // the run's deadline can end these requests within this test.
    const config = { ...parsed, PROBE_TIMEOUT: 60_000, GATE_DEADLINE: 60_000 };
    // The repository and cluster checks (merged, deployed) ask the same hung upstream, with the same long limits.
    const checkers = createEvidenceCheckers({
      GITHUB_API_URL: url,
      GITHUB_TIMEOUT: 60_000,
      KUBE_API_URL: url,
      KUBE_NAMESPACE: 'e4f0e1-dev',
      KUBE_TIMEOUT: 60_000,
    });
    const runtime: Runtime = { store, jobs: new JobRunner(store.db), evidence: evidenceRunner(store, checkers) };
    const started = Date.now();
    const [service, gate] = await Promise.all(
      [
        startVerification(runtime, { kind: 'service', slug: 'bc-wallet-demo' }, 'manual', config),
        startVerification(runtime, { kind: 'cell', key: 'gate/infrastructure' }, 'manual', config),
      ].map((v) => v.done),
    );
    const ended = Date.now();

    // The run ends as failed, saying which limit ended it, within its deadline and a small margin.
    for (const outcome of [service, gate]) {
      expect(outcome).toMatchObject({ status: 'failed', error: expect.stringContaining('(VERIFY_TIMEOUT)') });
    }
    expect(ended - started).toBeLessThan(VERIFY_TIMEOUT + 1500);

    // Every upstream, the gate's and the frontend were being asked, and each saw its connection close at the
    // deadline: the requests were aborted, not abandoned to run on.
    const paths = requests.map((r) => r.path);
    for (const path of [
      '/querier.v1.QuerierService/Series',
      '/loki/api/v1/query_range',
      '/api/search',
      '/ready',
      '/repos/bcgov/BC-Wallet-Demo/commits/main', // the branch's head, asked before any file
      '/apis/apps/v1/namespaces/e4f0e1-dev/deployments',
      '/api/v1/namespaces/e4f0e1-dev/pods',
    ])
      expect(
        paths.some((p) => p.startsWith(path)),
        path,
      ).toBe(true);
    expect(paths.some((p) => p === '/')).toBe(true);
    await expect
      .poll(() => requests.filter((r) => r.closedAt === null).map((r) => r.path), { timeout: 1000, interval: 20 })
      .toEqual([]);
    for (const r of requests) expect(r.closedAt! - started, r.path).toBeLessThan(VERIFY_TIMEOUT + 1500);

    // The checks it cut short are stored, as errors naming the deadline (not as fails of the data).
    const rows = await store.db.checkResult.findMany({ orderBy: [{ cellKey: 'asc' }, { check: 'asc' }] });
    expect(rows.map((r) => r.check)).toEqual(
      expect.arrayContaining([
        'collector-url',
        'faro-route',
        'loki',
        'pyroscope',
        'tempo',
        'gate-ready',
        'merged',
        'deployed',
      ]),
    );
    for (const row of rows) {
      expect(row.status, row.check).toBe('error');
      expect(row.message, row.check).toMatch(/^Not finished: the run did not finish within 2s \(VERIFY_TIMEOUT\)/);
    }
  });
});
