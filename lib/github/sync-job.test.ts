import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '@/lib/db/store';
import { JobRunner } from '@/lib/jobs/runner';
import { DEFAULT_REPO, startGitHubSimulator, type RunningGitHubSimulator } from '@/simulators/github';
import { openTestStore, PHASE_3_PLAN, STORE_PROVIDERS, type TestStore } from '@/test/stores';
import { readSyncStatus, runGitHubSync, type GitHubSyncConfig } from './sync-job';

let sim: RunningGitHubSimulator;
const config = (): GitHubSyncConfig => ({
  GITHUB_REPOS: [DEFAULT_REPO],
  GITHUB_API_URL: sim.url,
  GITHUB_TOKEN: undefined,
  GITHUB_ISSUE_LABEL: undefined,
  GITHUB_RATE_LIMIT_MAX_WAIT: 60_000,
  SYNC_INTERVAL: 600_000,
  backoffUnitMs: 5,
});

beforeAll(async () => {
  sim = await startGitHubSimulator();
});
afterAll(() => sim.stop());

describe.each(STORE_PROVIDERS)('the sync job on %s', (provider) => {
  let store: TestStore;
  beforeEach(async () => {
    sim.world.reset();
    store = await openTestStore(provider);
  });
  afterEach(() => store.destroy());

  it('joins a sync already running instead of starting a second one (two clicks)', async () => {
    sim.world.latencyMs = 150;
    const runtime = { store, jobs: new JobRunner(store.db) };
    const first = runGitHubSync(runtime, { trigger: 'manual', config: config() });
    const status = await readSyncStatus(runtime, config());
    expect(status.running).toBe(true);
    const second = await runGitHubSync(runtime, { trigger: 'manual', config: config() });
    const one = await first;
    expect(one.status).toBe('ran');
    expect(second).toMatchObject({ status: 'ran', joined: true });
    expect(await store.db.syncRun.count()).toBe(1);
    const after = await readSyncStatus(runtime, config());
    expect(after.running).toBe(false);
    expect(after.lastRuns[0]).toMatchObject({ status: 'succeeded', trigger: 'manual', issuesChanged: 29 });
    expect(after.repoStates).toEqual([expect.objectContaining({ repo: DEFAULT_REPO, lastStatus: 'ok' })]);
    expect(after.quota).toMatchObject({ limit: 60 });
  });

  it('runs one follow-up sync for a webhook that arrived while a sync was running', async () => {
    sim.world.latencyMs = 150;
    const runtime = { store, jobs: new JobRunner(store.db) };
    const running = runGitHubSync(runtime, { trigger: 'schedule', config: config() });
    await new Promise((r) => setTimeout(r, 30));
    const joined = await runGitHubSync(runtime, { trigger: 'webhook', repos: [DEFAULT_REPO], config: config() });
    expect(joined).toMatchObject({ joined: true });
    await running;
    await expect
      .poll(() => store.db.syncRun.count({ where: { trigger: 'webhook', status: 'succeeded' } }), { timeout: 5000 })
      .toBe(1);
    expect(await store.db.syncRun.count()).toBe(2);
  });

  it('sends the token to GitHub only: not into runs, repository state or the status', async () => {
    const token = 'ghp_thisIsTheSecretToken123';
    const runtime = { store, jobs: new JobRunner(store.db) };
    const withToken = { ...config(), GITHUB_TOKEN: token };
    sim.requests.length = 0;
    sim.world.injectFault({ status: 401, times: 1 });
    await runGitHubSync(runtime, { trigger: 'manual', config: withToken });
    await runGitHubSync(runtime, { trigger: 'manual', config: withToken });
    expect(sim.requests.some((r) => r.headers.authorization?.includes(token))).toBe(true);
    const stored = JSON.stringify([
      await store.db.syncRun.findMany(),
      await store.db.repoSyncState.findMany(),
      await readSyncStatus(runtime, withToken),
    ]);
    expect(stored).toContain('GITHUB_TOKEN');
    expect(stored).not.toContain(token);
  });

  it('says what to set when no repository is configured, and runs nothing', async () => {
    const runtime = { store, jobs: new JobRunner(store.db) };
    const unconfigured = { ...config(), GITHUB_REPOS: [] };
    const outcome = await runGitHubSync(runtime, { trigger: 'manual', config: unconfigured });
    expect(outcome).toMatchObject({ status: 'failed' });
    const status = await readSyncStatus(runtime, unconfigured);
    expect(status).toMatchObject({ configured: false });
    expect(status.hint).toContain('GITHUB_REPOS');
    expect(await store.db.syncRun.count()).toBe(0);
  });
});

describe('two replicas on one PostgreSQL', () => {
  let store: TestStore;
  let replica: Store;
  beforeEach(async () => {
    sim.world.reset();
    store = await openTestStore('postgresql');
    replica = await openStore({ databaseUrl: store.databaseUrl, planFilePath: PHASE_3_PLAN });
  });
  afterEach(async () => {
    await replica.db.$disconnect();
    await store.destroy();
  });

  it('serialize their syncs through the lease: never two at once', async () => {
    sim.world.latencyMs = 200;
    const a = { store, jobs: new JobRunner(store.db) };
    const b = { store: replica, jobs: new JobRunner(replica.db) };
    const [first, second] = await Promise.all([
      runGitHubSync(a, { trigger: 'schedule', onBusy: 'wait', config: config() }),
      runGitHubSync(b, { trigger: 'schedule', onBusy: 'wait', config: config() }),
    ]);
    expect([first.status, second.status]).toEqual(['ran', 'ran']);
    const runs = await store.db.syncRun.findMany({ orderBy: { startedAt: 'asc' } });
    expect(runs).toHaveLength(2);
    expect(runs.every((r) => r.status === 'succeeded')).toBe(true);
    expect(runs[0].finishedAt!.getTime()).toBeLessThanOrEqual(runs[1].startedAt.getTime());
    // The second found nothing new: its only request was a 304.
    expect(runs[1]).toMatchObject({ requests: 1, notModified: 1, issuesChanged: 0 });

    // A replica that will not wait is told another one is syncing.
    const running = runGitHubSync(a, { trigger: 'schedule', config: config() });
    await new Promise((r) => setTimeout(r, 50));
    const skipped = await runGitHubSync(b, { trigger: 'schedule', onBusy: 'skip', config: config() });
    expect(skipped.status).toBe('busy-elsewhere');
    expect((await readSyncStatus(b, config())).runningElsewhere).toBe(true);
    await running;
  });
});
