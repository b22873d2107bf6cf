import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatorProcess } from '@/bench/lib/simulator-process';
import { openTestStore, STORE_PROVIDERS, type TestStore } from '@/test/stores';
import { createGitHubClient } from './client';
import { syncGitHub } from './sync';

/**
 * Issue 11, "a 10,000-issue sync": GET /api/health took 15 s during the merge, which puts the chart's liveness
 * probe at risk. The sync runs in the server's process, so what readers wait for is the event loop and the store.
 * Here a sync of 10,000 issues (and 1,000 pull requests closing some of them, so linking runs at scale) from 8
 * repositories of the GitHub simulator runs while a reader asks the store what /api/health asks, again and again.
 */
const REPOS = 8;
const ISSUES = 10_000;
const PULL_REQUESTS = 1_000;
/**
 * The longest the sync may hold the event loop with its own work, counted in this process's CPU time so that a
 * machine busy with other work does not count against it (wall-clock stalls grow with the load; this does not).
 * Its longest hold is 100–200 ms; the board as it was when the issue was filed (one transaction per merge, every
 * issue re-read per repository, pull requests × issues linking) held it ~1 s of CPU (1.3–2.8 s of wall time).
 */
const HOLD_LIMIT_MS = 500;
/** A health read through the store, in wall-clock time: the issue measured 15 s. Leaves room for a loaded machine. */
const READ_LIMIT_MS = 2_000;

/**
 * Watches the event loop turn every 5 ms. Each gap between turns is a hold; its CPU part is what this process
 * computed meanwhile (at most the gap: other threads, e.g. the garbage collector's, can add CPU time in parallel).
 */
function watchEventLoop() {
  let turnedAt = performance.now();
  let cpuAt = process.cpuUsage();
  const longest = { cpuMs: 0, wallMs: 0 };
  const timer = setInterval(() => {
    const now = performance.now();
    const used = process.cpuUsage(cpuAt);
    const wallMs = now - turnedAt;
    longest.cpuMs = Math.max(longest.cpuMs, Math.min(wallMs, (used.user + used.system) / 1000));
    longest.wallMs = Math.max(longest.wallMs, wallMs);
    turnedAt = now;
    cpuAt = process.cpuUsage();
  }, 5);
  return () => {
    clearInterval(timer);
    return longest;
  };
}

// GitHub renders its pages elsewhere: in this process, the simulator's page building (a sort of each
// repository's issues per page, 8 pages at once) was charged to the sync as holds of the event loop.
let sim: { url: string; repos: string[]; stop: () => Promise<void> };
beforeAll(async () => {
  sim = await startSimulatorProcess('github-simulator-process.ts', [
    String(ISSUES / REPOS),
    String(REPOS),
    String(PULL_REQUESTS / REPOS),
  ]);
});
afterAll(() => sim.stop());

describe.each(STORE_PROVIDERS)('a 10,000-issue sync on %s', (provider) => {
  let store: TestStore | undefined;
  afterEach(async () => {
    await store?.destroy();
    store = undefined;
  });

  it('never stalls readers: the event loop is never held 0.5 s, and health reads through the store keep answering', async () => {
    store = await openTestStore(provider);
    const reads: number[] = [];
    let syncing = true;
    const stopWatching = watchEventLoop();
    const sync = syncGitHub({
      store,
      client: createGitHubClient({ apiUrl: sim.url, token: 'test-token' }),
      repos: sim.repos,
      trigger: 'manual',
    }).finally(() => {
      syncing = false;
    });
    while (syncing) {
      const asked = performance.now();
      await store.db.plan.count(); // what /api/health asks the store (lib/db/health.ts)
      reads.push(performance.now() - asked);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const result = await sync;
    const held = stopWatching();

    // The whole sync happened, links included.
    expect(result).toMatchObject({ status: 'succeeded', issuesChanged: ISSUES });
    expect(await store.db.issue.count()).toBe(ISSUES);
    expect(await store.db.issue.count({ where: { NOT: { linkedPullRequests: '[]' } } })).toBe(PULL_REQUESTS);
    // Readers kept being answered throughout, and nothing of the sync's held the event loop long.
    expect(reads.length).toBeGreaterThan(20);
    expect(Math.max(...reads)).toBeLessThan(READ_LIMIT_MS);
    expect(held.cpuMs, `longest hold: ${held.cpuMs.toFixed(0)} ms of CPU in ${held.wallMs.toFixed(0)} ms`).toBeLessThan(
      HOLD_LIMIT_MS,
    );
  }, 60_000);
});
