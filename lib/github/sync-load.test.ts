import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { labelledIssues, type RunningGitHubSimulator, startGitHubSimulator } from '@/simulators/github';
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
 * The longest a reader may wait, well within the liveness probe's timeout. The sync's longest stall is ~150 ms on an
 * idle 2-core machine and ~400 ms with both cores busy elsewhere, so the bound holds on a loaded CI machine.
 */
const STALL_LIMIT_MS = 1_000;

let sim: RunningGitHubSimulator;
beforeAll(async () => {
  sim = await startGitHubSimulator();
  sim.world.load(labelledIssues(ISSUES / REPOS, REPOS, PULL_REQUESTS / REPOS));
});
afterAll(() => sim.stop());

describe.each(STORE_PROVIDERS)('a 10,000-issue sync on %s', (provider) => {
  let store: TestStore | undefined;
  afterEach(async () => {
    await store?.destroy();
    store = undefined;
  });

  it('never stalls readers: the event loop and a health read through the store each answer within 1 s', async () => {
    store = await openTestStore(provider);
    const loop = monitorEventLoopDelay({ resolution: 10 });
    const reads: number[] = [];
    let syncing = true;
    loop.enable();
    const sync = syncGitHub({
      store,
      client: createGitHubClient({ apiUrl: sim.url, token: 'test-token' }),
      repos: [...sim.world.repos.values()].map((r) => r.name),
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
    loop.disable();

    // The whole sync happened, links included.
    expect(result).toMatchObject({ status: 'succeeded', issuesChanged: ISSUES });
    expect(await store.db.issue.count()).toBe(ISSUES);
    expect(await store.db.issue.count({ where: { NOT: { linkedPullRequests: '[]' } } })).toBe(PULL_REQUESTS);
    // Readers kept being answered throughout, each within the limit, and nothing held the event loop that long.
    expect(reads.length).toBeGreaterThan(20);
    expect(Math.max(...reads)).toBeLessThan(STALL_LIMIT_MS);
    expect(loop.max / 1e6).toBeLessThan(STALL_LIMIT_MS);
  }, 60_000);
});
