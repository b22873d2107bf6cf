import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import { measureUrl, printTable, type LoadFigures } from './lib/load';
import { ROOT, startBoard } from './lib/server';
import { seedSyntheticStore, writeSyntheticPlan } from './synthetic';

/** The matrix page, /api/matrix and /metrics at the real plan size and at 200 services × 6 capabilities × 5,000 issues. */
export async function benchMatrix() {
  const rows: Array<LoadFigures & { dataset: string }> = [];
  const datasets = [
    {
      dataset: 'Phase 3 plan (8 × 4)',
      env: {
        DATABASE_URL: `file:${path.join(mkdtempSync(path.join(os.tmpdir(), 'rb-bench-')), 'plan.db')}`,
        PLAN_FILE: path.join(ROOT, 'lib/plan/phase-3.json'),
      },
    },
    await (async () => {
      const planFile = writeSyntheticPlan(200);
      return {
        dataset: 'synthetic 200 × 6, 5,000 issues',
        env: { DATABASE_URL: await seedSyntheticStore(planFile, 5000), PLAN_FILE: planFile },
      };
    })(),
  ];
  for (const { dataset, env } of datasets) {
    const board = await startBoard(env);
    try {
      rows.push({ dataset, ...(await measureUrl('GET /', `${board.url}/`)) });
      rows.push({ dataset, ...(await measureUrl('GET /api/matrix', `${board.url}/api/matrix`)) });
      // A Prometheus scrape derives the same matrix and renders it as text (lib/metrics).
      rows.push({ dataset, ...(await measureUrl('GET /metrics', `${board.url}/metrics`)) });
    } finally {
      await board.stop();
    }
  }
  printTable(
    'Matrix page, API and /metrics (10 connections, production build)',
    rows.map((r) => ({
      dataset: r.dataset,
      target: r.target,
      'req/s': r.requestsPerSecond,
      'p50 ms': r.p50Ms,
      'p99 ms': r.p99Ms,
      'non-2xx': r.non2xx,
    })),
  );
}
