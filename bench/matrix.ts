import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { measureUrl, printTable, ratioLine, type LoadFigures } from './lib/load';
import { ROOT, startBoard } from './lib/server';
import { seedSyntheticStore, writeSyntheticPlan } from './synthetic';

interface DatasetFigures {
  dataset: string;
  /** The same pages from a board with the page cache on (its default), as one viewer refreshing sees them. */
  cached: { load: Record<string, LoadFigures>; cpuMsPerRequest: Record<string, number> };
  cells: number;
  /** Cells the first page renders (a fleet's groups show their first services until asked for all). */
  cellsShown: number;
  load: Record<string, LoadFigures>;
  /** The server's CPU time per answered request, per target: a shared machine disturbs it less than latency. */
  cpuMsPerRequest: Record<string, number>;
  bytes: Record<string, { raw: number; gzip: number; cells: number }>;
  peakRssMiB: number;
}

const PATHS = {
  health: '/api/health',
  page: '/',
  // The page after "Show all" on the needs-attention group (the plan has no groups: the same page).
  expanded: '/?expand=attention',
  compact: '/api/matrix?view=compact',
  full: '/api/matrix',
  // A Prometheus scrape derives the same matrix and renders it as text (lib/metrics).
  metrics: '/metrics',
};
/** Measured again with the page cache on: health is each run's own floor. */
const CACHED_PATHS = { health: PATHS.health, page: PATHS.page, expanded: PATHS.expanded };
/** What a browser asks with: served pages are measured as a browser gets them, gzipped. */
const BROWSER_REQUEST = { headers: { accept: 'text/html,*/*;q=0.8', 'accept-encoding': 'gzip, deflate, br' } };

async function size(url: string) {
  const body = Buffer.from(await (await fetch(url)).arrayBuffer());
  // Each rendered cell is one link carrying its key.
  const cells = body.toString('utf8').split(' data-cell="').length - 1;
  return { raw: body.length, gzip: gzipSync(body).length, cells };
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/**
 * The matrix page, its API and /metrics at the real plan's size and at 200 services × 6
 * capabilities with 5,000 issues (and their check results), side by side, with issue 16's targets
 * as ratios of one run.
 */
export async function benchMatrix() {
  const results: DatasetFigures[] = [];
  const synthetic = writeSyntheticPlan(200);
  const datasets = [
    {
      dataset: 'Phase 3 plan (8 × 4)',
      cells: 27,
      env: async () => ({
        DATABASE_URL: `file:${path.join(mkdtempSync(path.join(os.tmpdir(), 'rb-bench-')), 'plan.db')}`,
        PLAN_FILE: path.join(ROOT, 'lib/plan/phase-3.json'),
      }),
    },
    {
      // The dataset: synced issues, no check results yet.
      dataset: '200 × 6, 5,000 issues',
      cells: 200 * 6 + 1,
      env: async () => ({ DATABASE_URL: await seedSyntheticStore(synthetic, 5000), PLAN_FILE: synthetic }),
    },
    {
      // The same after verification: three results per cell, so live status, history and states show.
      dataset: '200 × 6, 5,000 issues, checked',
      cells: 200 * 6 + 1,
      env: async () => ({
        DATABASE_URL: await seedSyntheticStore(synthetic, 5000, { checks: true }),
        PLAN_FILE: synthetic,
      }),
    },
  ];
  /** Every route of `paths` on one board: its load figures and the server's CPU time per request. */
  const measureRoutes = async (
    board: Awaited<ReturnType<typeof startBoard>>,
    paths: Record<string, string>,
    request?: typeof BROWSER_REQUEST,
  ) => {
    const load: Record<string, LoadFigures> = {};
    const cpuMsPerRequest: Record<string, number> = {};
    for (const [name, route] of Object.entries(paths)) {
      let cpuBefore = 0;
      load[name] = await measureUrl(`GET ${route}`, `${board.url}${route}`, {
        request,
        afterWarmUp: () => {
          cpuBefore = board.cpuMs();
        },
      });
      cpuMsPerRequest[name] = load[name].completed > 0 ? (board.cpuMs() - cpuBefore) / load[name].completed : 0;
    }
    return { load, cpuMsPerRequest };
  };
  for (const { dataset, cells, env: datasetEnv } of datasets) {
    // No scheduled verification while measuring: its first run, 5 minutes in, adds results to every
    // cell, and the page measured after it is not the page measured before.
    const env = { VERIFY_INTERVAL: '24h', ...(await datasetEnv()) };
    // First every page rendered for every request (the page cache off): what rendering costs.
    const board = await startBoard({ ...env, PAGE_CACHE_TTL: 'off' });
    let rendered: Pick<DatasetFigures, 'load' | 'cpuMsPerRequest' | 'bytes' | 'peakRssMiB'>;
    try {
      const bytes: DatasetFigures['bytes'] = {};
      const { load, cpuMsPerRequest } = await measureRoutes(board, PATHS);
      for (const [name, route] of Object.entries(PATHS))
        if (name !== 'health' && name !== 'metrics') bytes[name] = await size(`${board.url}${route}`);
      rendered = { load, cpuMsPerRequest, bytes, peakRssMiB: board.peakRssMiB() };
    } finally {
      await board.stop();
    }
    // Then as deployed: the same store, the page cache at its default.
    const cachedBoard = await startBoard(env);
    try {
      const cached = await measureRoutes(cachedBoard, CACHED_PATHS, BROWSER_REQUEST);
      results.push({ dataset, cells, cellsShown: rendered.bytes.page.cells, ...rendered, cached });
    } finally {
      await cachedBoard.stop();
    }
  }
  printTable(
    'Matrix page, API and /metrics (10 connections, production build, every page rendered: PAGE_CACHE_TTL=off)',
    results.flatMap((r) =>
      Object.entries(r.load).map(([name, l]) => ({
        dataset: r.dataset,
        target: l.target,
        'req/s': l.requestsPerSecond,
        'p50 ms': l.p50Ms,
        'p99 ms': l.p99Ms,
        'non-2xx': l.non2xx,
        'server CPU ms/req': r.cpuMsPerRequest[name].toFixed(1),
      })),
    ),
  );
  printTable(
    'The matrix page as served with the page cache at its default (PAGE_CACHE_TTL=5s; one viewer, nothing changing; asked for as a browser does, gzip accepted)',
    results.flatMap((r) =>
      Object.entries(r.cached.load).map(([name, l]) => ({
        dataset: r.dataset,
        target: l.target,
        'req/s': l.requestsPerSecond,
        'p50 ms': l.p50Ms,
        'p99 ms': l.p99Ms,
        'non-2xx': l.non2xx,
        'server CPU ms/req': r.cached.cpuMsPerRequest[name].toFixed(1),
      })),
    ),
  );
  printTable(
    'Sizes and memory',
    results.map((r) => ({
      dataset: r.dataset,
      cells: r.cells,
      'shown on /': r.cellsShown,
      '/ HTML': kib(r.bytes.page.raw),
      'per cell shown': `${(r.bytes.page.raw / r.cellsShown).toFixed(0)} B`,
      '/ gzip': kib(r.bytes.page.gzip),
      'all shown (?expand=attention)': `${kib(r.bytes.expanded.raw)}, ${r.bytes.expanded.cells} cells, ${(r.bytes.expanded.raw / r.bytes.expanded.cells).toFixed(0)} B each`,
      compact: kib(r.bytes.compact.raw),
      full: kib(r.bytes.full.raw),
      'server peak RSS': `${r.peakRssMiB} MiB`,
    })),
  );
  const [plan, fleet, checked] = results;
  // No floor: a side that completed no request must read "not measured", never a pass.
  const p50 = (r: DatasetFigures, name: string) => r.load[name].p50Ms;
  console.log('\nTargets (issue 16), as ratios of this run, every page rendered (PAGE_CACHE_TTL=off):');
  console.log(`  GET / p50, 200 × 6 vs plan:               ${ratioLine(p50(fleet, 'page') / p50(plan, 'page'), 4)}`);
  console.log(
    `  GET /api/matrix?view=compact p50, same:   ${ratioLine(p50(fleet, 'compact') / p50(plan, 'compact'), 4)}`,
  );
  // A fleet's first page shows each group's first services: its size is reported against the
  // fleet's cells, and the 1 KiB-per-cell target is held by the page that shows every cell.
  const firstPage = (r: DatasetFigures) =>
    `${kib(r.bytes.page.raw)} for ${r.cells} cells, ${r.cellsShown} of them shown (plan: ${kib(plan.bytes.page.raw)})`;
  const everyCell = (r: DatasetFigures) => r.bytes.expanded.raw / r.bytes.expanded.cells / 1024;
  console.log(`  / HTML at 200 × 6, first page:             ${firstPage(fleet)}`);
  console.log(`    … once checked:                         ${firstPage(checked)}`);
  console.log(`  / HTML per cell, every cell shown:        ${ratioLine(everyCell(fleet), 1, ' KiB')}`);
  console.log(`    … once checked:                         ${ratioLine(everyCell(checked), 1, ' KiB')}`);
  console.log(`  GET / p50, checked 200 × 6 vs plan:       ${ratioLine(p50(checked, 'page') / p50(plan, 'page'), 4)}`);
  console.log(`  GET / p50 vs /api/health p50, plan size:  ${ratioLine(p50(plan, 'page') / p50(plan, 'health'), 5)}`);
  const cpu = (r: DatasetFigures, name: string) => r.cpuMsPerRequest[name];
  console.log('The same from the server’s CPU time per request (less disturbed by other work on the machine):');
  console.log(`  GET /, 200 × 6 vs plan:                   ${ratioLine(cpu(fleet, 'page') / cpu(plan, 'page'), 4)}`);
  console.log(`  GET /, checked 200 × 6 vs plan:           ${ratioLine(cpu(checked, 'page') / cpu(plan, 'page'), 4)}`);
  console.log(`  GET / vs /api/health, plan size:          ${ratioLine(cpu(plan, 'page') / cpu(plan, 'health'), 5)}`);
  // As deployed: between two changes of the store a viewer's page is rendered once.
  const served = (r: DatasetFigures, name: string) => r.cached.load[name].p50Ms;
  console.log('As served with the page cache on (its default), p50:');
  console.log(
    `  GET /, 200 × 6 vs plan:                   ${ratioLine(served(fleet, 'page') / served(plan, 'page'), 4)}`,
  );
  console.log(
    `  GET /, checked 200 × 6 vs plan:           ${ratioLine(served(checked, 'page') / served(plan, 'page'), 4)}`,
  );
  console.log(
    `  GET / vs /api/health, plan size:          ${ratioLine(served(plan, 'page') / served(plan, 'health'), 5)}`,
  );
  const servedCpu = (r: DatasetFigures, name: string) => r.cached.cpuMsPerRequest[name];
  console.log('As served, from the server’s CPU time per request:');
  console.log(
    `  GET /, 200 × 6 vs plan:                   ${ratioLine(servedCpu(fleet, 'page') / servedCpu(plan, 'page'), 4)}`,
  );
  console.log(
    `  GET /, checked 200 × 6 vs plan:           ${ratioLine(servedCpu(checked, 'page') / servedCpu(plan, 'page'), 4)}`,
  );
  console.log(
    `  GET / vs /api/health, plan size:          ${ratioLine(servedCpu(plan, 'page') / servedCpu(plan, 'health'), 5)}`,
  );
}
