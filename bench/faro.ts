import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS } from '../playwright.config';
import { recording } from '../simulators/recordings';
import { BENCH_SECONDS, measureUrl, printTable, type LoadFigures } from './lib/load';
import { ROOT, startBoard } from './lib/server';
import { startSimulatorProcess } from './lib/simulator-process';

const PAGE_LOADS = Number(process.env.BENCH_PAGE_LOADS ?? 15);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const freshDatabase = () => `file:${path.join(mkdtempSync(path.join(os.tmpdir(), 'rb-bench-faro-')), 'board.db')}`;

/**
 * The /faro proxy against posting to the receiver directly, in one run (same receiver, same payload:
 * a real 2.2 KB SDK batch), and the matrix page with Faro on vs off.
 */
export async function benchFaro() {
  const receiver = await startSimulatorProcess('faro-receiver-process.ts');
  const body = JSON.stringify(recording('faro/sdk-bc-wallet-demo-1-session-start-ttfb-fcp.json').request.body);
  const request = {
    method: 'POST' as const,
    headers: { 'content-type': 'application/json', 'x-faro-session-id': 'benchSess1' },
    body,
  };
  const faroEnv = {
    PLAN_FILE: path.join(ROOT, 'lib/plan/phase-3.json'),
    FARO_ENABLED: 'true',
    FARO_UPSTREAM_URL: `${receiver.url}/collect`,
    // One load generator is one client: lift the per-client limit to measure throughput.
    FARO_RATE_LIMIT_PER_SECOND: '1000000000',
    FARO_RATE_LIMIT_BURST: '1000000000',
  };
  const on = await startBoard({ ...faroEnv, DATABASE_URL: freshDatabase() });
  try {
    const direct = await measureUrl('POST receiver /collect directly', `${receiver.url}/collect`, { request });
    await fetch(`${receiver.url}/__sim/reset`, { method: 'POST' });
    const proxied = await measureUrl('POST board /faro → receiver', `${on.url}/faro`, { request });
    await fetch(`${receiver.url}/__sim/reset`, { method: 'POST' });
    // The same route answering without forwarding (405): what Next costs before the proxy does anything.
    const floor = await measureUrl('GET board /faro → 405 (route floor)', `${on.url}/faro`);
    printTable(
      `Faro proxy vs direct (10 connections, ${Buffer.byteLength(body)} B real SDK payload)`,
      [direct, proxied, floor].map((r) => ({
        target: r.target,
        'req/s': r.requestsPerSecond,
        'p50 ms': r.p50Ms,
        'p99 ms': r.p99Ms,
        'non-2xx': r.non2xx,
      })),
    );
    console.log(
      `added by the proxy: p50 +${proxied.p50Ms - direct.p50Ms} ms, p99 +${proxied.p99Ms - direct.p99Ms} ms; throughput ${Math.round((proxied.requestsPerSecond / direct.requestsPerSecond) * 100)}% of direct`,
    );
  } finally {
    await on.stop();
  }

  // Matrix page: server render (autocannon) and a real browser's load (Chromium, load event; JS
  // fetched). Both boards run side by side and are measured in alternation, so background load on a
  // shared machine hits both alike.
  const modes = ['off', 'on'] as const;
  const boards = {
    // Every request rendered (the page cache off): Faro's cost is in the render, which a cache hit skips.
    off: await startBoard({ ...faroEnv, FARO_ENABLED: 'false', PAGE_CACHE_TTL: 'off', DATABASE_URL: freshDatabase() }),
    on: await startBoard({ ...faroEnv, FARO_ENABLED: 'true', PAGE_CACHE_TTL: 'off', DATABASE_URL: freshDatabase() }),
  };
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
  const figures = Object.fromEntries(
    modes.map((m) => [
      m,
      { ssr: [] as LoadFigures[], loads: [] as number[], faroReady: [] as number[], scriptBytes: 0 },
    ]),
  );
  try {
    for (let round = 0; round < 3; round++) {
      for (const faro of modes) {
        const board = boards[faro];
        const into = figures[faro];
        into.ssr.push(
          await measureUrl('GET /', `${board.url}/`, { seconds: Math.max(2, Math.round(BENCH_SECONDS / 2)) }),
        );
        for (let i = 0; i < Math.ceil(PAGE_LOADS / 3); i++) {
          const context = await browser.newContext(); // cold cache, like a first visit
          const page = await context.newPage();
          await page.goto(`${board.url}/`, { waitUntil: 'load' });
          into.loads.push(
            await page.evaluate(
              () => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventEnd,
            ),
          );
          if (faro === 'on') {
            await page.waitForFunction(() =>
              (window as unknown as { faro?: { api?: { getSession?: () => unknown } } }).faro?.api?.getSession?.(),
            );
            into.faroReady.push(await page.evaluate(() => performance.now()));
          }
          // Scripts loaded after the load event (Faro's chunk) count too.
          into.scriptBytes = await page.evaluate(() =>
            performance
              .getEntriesByType('resource')
              .filter((r) => r.name.endsWith('.js'))
              .reduce((sum, r) => sum + (r as PerformanceResourceTiming).encodedBodySize, 0),
          );
          await context.close();
        }
      }
    }
  } finally {
    await browser.close();
    await Promise.all(modes.map((m) => boards[m].stop()));
  }
  const rows = modes.map((faro) => {
    const f = figures[faro];
    return {
      faro,
      'SSR req/s': median(f.ssr.map((r) => r.requestsPerSecond)),
      'SSR p50 ms': median(f.ssr.map((r) => r.p50Ms)),
      'SSR p99 ms': median(f.ssr.map((r) => r.p99Ms)),
      'load event p50 ms': Math.round(median(f.loads)),
      'Faro started p50 ms': f.faroReady.length ? Math.round(median(f.faroReady)) : '-',
      'JS KiB (compressed)': Math.round(f.scriptBytes / 1024),
    };
  });
  printTable(
    `Matrix page with Faro off vs on (medians of 3 alternating rounds; ${3 * Math.ceil(PAGE_LOADS / 3)} cold loads in Chromium each)`,
    rows,
  );
  await receiver.stop();
}
