import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GitHubWorld, labelledIssues, startGitHubSimulator } from '../simulators/github';
import { BENCH_SECONDS, measureUntil, printTable, type LoadFigures } from './lib/load';
import { ROOT, startBoard } from './lib/server';

const PLAN_FILE = path.join(ROOT, 'lib/plan/phase-3.json');
const REPOS = 8;
const ISSUES = 10_000;

interface SyncStatus {
  running: boolean;
  lastRuns: Array<{ issuesChanged: number }>;
}

/** Resolves once the board's sync is running, or is not and its last run merged at least `merged` issues. */
async function syncRunning(url: string, running: boolean, merged = 0, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = (await (await fetch(`${url}/api/sync`)).json()) as SyncStatus;
    if (status.running === running && (running || (status.lastRuns[0]?.issuesChanged ?? 0) >= merged)) return;
    if (Date.now() > deadline) throw new Error(`the sync did not ${running ? 'start' : 'end'} in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Readers during a large sync (issue 11): p99 of /api/health and / while the board merges
 * 10,000 issues from 8 repositories, next to the same figures idle. SQLite, the default store.
 */
export async function benchSyncLoad() {
  const world = new GitHubWorld(Object.fromEntries(Object.keys(labelledIssues(1, REPOS)).map((repo) => [repo, []])));
  const sim = await startGitHubSimulator(world);
  const board = await startBoard({
    DATABASE_URL: `file:${path.join(mkdtempSync(path.join(os.tmpdir(), 'rb-bench-syncload-')), 'board.db')}`,
    PLAN_FILE,
    // Every page rendered (the page cache off), idle and during the merge alike: the merge's cost to readers.
    PAGE_CACHE_TTL: 'off',
    GITHUB_API_URL: sim.url,
    GITHUB_TOKEN: 'bench-token',
    GITHUB_REPOS: Object.keys(labelledIssues(1, REPOS)).join(','),
    // The shortest interval the board accepts: the scheduled sync after the issues arrive is the one measured.
    SYNC_INTERVAL: '10s',
    // A run may last no longer than the interval, and a request no longer than a run.
    SYNC_TIMEOUT: '10s',
    GITHUB_TIMEOUT: '5s',
  });
  try {
    // The start-up sync finds empty repositories; then the issues arrive and the next scheduled sync merges them.
    await syncRunning(board.url, false);
    const idle = await Promise.all([
      measureUntil(
        'GET /api/health',
        `${board.url}/api/health`,
        new Promise((r) => setTimeout(r, BENCH_SECONDS * 1000)),
      ),
      measureUntil('GET /', `${board.url}/`, new Promise((r) => setTimeout(r, BENCH_SECONDS * 1000))),
    ]);
    world.load(labelledIssues(ISSUES / REPOS, REPOS));
    await syncRunning(board.url, true, 0, 30_000);
    const started = Date.now();
    // A scheduled sync that began just before the issues arrived merges nothing: wait for the one that merges them.
    const finished = syncRunning(board.url, false, ISSUES).then(() => Date.now());
    const during = await Promise.all([
      measureUntil('GET /api/health', `${board.url}/api/health`, finished),
      measureUntil('GET /', `${board.url}/`, finished),
    ]);
    const syncMs = (await finished) - started;
    const rows = (when: string, figures: LoadFigures[]) =>
      figures.map((f) => ({
        when,
        target: f.target,
        'p50 ms': f.p50Ms,
        'p99 ms': f.p99Ms,
        'req/s': f.requestsPerSecond,
        'non-2xx': f.non2xx,
      }));
    printTable(
      `Readers during a ${ISSUES.toLocaleString('en')}-issue sync (${REPOS} repositories, SQLite, 5 connections each; the sync took ${(syncMs / 1000).toFixed(1)} s)`,
      [...rows('idle', idle), ...rows('during the sync', during)],
    );
    console.log(`Peak RSS of the server: ${board.peakRssMiB()} MiB`);
    const ratio = (i: number) => (during[i].p99Ms / Math.max(idle[i].p99Ms, 1)).toFixed(1);
    console.log(`p99 during the sync vs idle: /api/health ${ratio(0)}×, GET / ${ratio(1)}×`);
  } finally {
    await board.stop();
    await sim.stop();
  }
}
