import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '@/lib/db/store';
import { readStoreRevisions } from '@/lib/db/revision';
import { releaseLease, tryAcquireLease } from '@/lib/jobs/lease';
import { JobRunner } from '@/lib/jobs/runner';
import { DEFAULT_REPO, startGitHubSimulator, type RunningGitHubSimulator } from '@/simulators/github';
import { openTestStore, PHASE_3_PLAN, STORE_PROVIDERS, type TestStore } from '@/test/stores';
import { GITHUB_SYNC_JOB, readSyncStatus, runGitHubSync, type GitHubSyncConfig } from './sync-job';

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

// The sync panel's stored part is cached per sync revision (row 2 of StoreRevision, moved by triggers):
// what another replica writes must show on this one's next read, and nothing else may be re-read.
describe.each(STORE_PROVIDERS)('the sync status on two replicas of one %s store', (provider) => {
  let store: TestStore;
  let other: Store;
  let here: { store: Store; jobs: JobRunner };
  let there: { store: Store; jobs: JobRunner };
  beforeEach(async () => {
    sim.world.reset();
    store = await openTestStore(provider);
    // A second client on the same database: another replica, with its own cache.
    other = await openStore({ databaseUrl: store.databaseUrl, planFilePath: PHASE_3_PLAN });
    here = { store, jobs: new JobRunner(store.db) };
    there = { store: other, jobs: new JobRunner(other.db) };
  });
  afterEach(async () => {
    await other.db.$disconnect();
    await store.destroy();
  });

  it('shows a sync another replica ran on the next read, and reads nothing again until then', async () => {
    const before = await readSyncStatus(here, config());
    expect(before.lastRuns).toEqual([]);
    // Unchanged store: the same stored read serves the next request.
    expect((await readSyncStatus(here, config())).lastRuns).toBe(before.lastRuns);

    expect((await runGitHubSync(there, { trigger: 'manual', config: config() })).status).toBe('ran');
    const after = await readSyncStatus(here, config());
    expect(after.lastRuns).toHaveLength(1);
    expect(after.lastRuns[0]).toMatchObject({ status: 'succeeded', trigger: 'manual', issuesChanged: 29 });
    expect(after.repoStates).toEqual([expect.objectContaining({ repo: DEFAULT_REPO, lastStatus: 'ok' })]);
    expect(after.quota).toMatchObject({ limit: 60 });
    expect(after.runningElsewhere).toBe(false);

    // A write by hand (another version, an operator) moves the revision too.
    await other.db.syncRun.update({ where: { id: after.lastRuns[0].id }, data: { status: 'failed' } });
    expect((await readSyncStatus(here, config())).lastRuns[0].status).toBe('failed');
    await other.db.repoSyncState.update({ where: { repo: DEFAULT_REPO }, data: { lastStatus: 'failed' } });
    expect((await readSyncStatus(here, config())).repoStates[0].lastStatus).toBe('failed');
  });

  it('says another replica is syncing while its lease holds, and stops saying so when it lapses', async () => {
    expect((await readSyncStatus(here, config())).runningElsewhere).toBe(false);
    expect(await tryAcquireLease(other.db, GITHUB_SYNC_JOB, 'replica-b', 60_000)).toBe(true);
    expect((await readSyncStatus(here, config())).runningElsewhere).toBe(true);
    await releaseLease(other.db, GITHUB_SYNC_JOB, 'replica-b');
    expect((await readSyncStatus(here, config())).runningElsewhere).toBe(false);

    // A lease that runs out without any write: judged against the clock on every read, not cached.
    expect(await tryAcquireLease(other.db, GITHUB_SYNC_JOB, 'replica-b', 300)).toBe(true);
    expect((await readSyncStatus(here, config())).runningElsewhere).toBe(true);
    await new Promise((r) => setTimeout(r, 400));
    expect((await readSyncStatus(here, config())).runningElsewhere).toBe(false);
  });

  it('moves the sync revision, not the matrix one, for the sync’s own bookkeeping', async () => {
    const before = await readStoreRevisions(store.db);
    expect(before.sync).not.toBeNull();
    await tryAcquireLease(other.db, GITHUB_SYNC_JOB, 'replica-b', 60_000);
    await other.db.syncRun.create({ data: { trigger: 'manual', status: 'running', startedAt: new Date() } });
    const after = await readStoreRevisions(store.db);
    expect(after.matrix).toBe(before.matrix);
    expect(after.sync).toBeGreaterThanOrEqual((before.sync ?? 0) + 2);
  });

  it('reads the store every time when the sync revision row is missing', async () => {
    await store.db.storeRevision.delete({ where: { id: 2 } });
    const first = await readSyncStatus(here, config());
    expect((await readStoreRevisions(store.db)).sync).toBeNull();
    await other.db.syncRun.create({ data: { trigger: 'manual', status: 'running', startedAt: new Date() } });
    const second = await readSyncStatus(here, config());
    expect(first.lastRuns).toEqual([]);
    expect(second.lastRuns).toEqual([expect.objectContaining({ status: 'running', trigger: 'manual' })]);
  });
});
