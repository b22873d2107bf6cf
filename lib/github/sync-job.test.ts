import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { driverOf } from '@/lib/db/client';
import { readStoreRevisions } from '@/lib/db/revision';
import { openStore, type Store } from '@/lib/db/store';
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

  it('reads both revisions straight from the driver, as Prisma reads them', async () => {
    await other.db.syncRun.create({ data: { trigger: 'manual', status: 'running', startedAt: new Date() } });
    const rows = await store.db.storeRevision.findMany({ orderBy: { id: 'asc' } });
    expect(driverOf(store.db)).not.toBeNull();
    expect(await readStoreRevisions(store.db)).toEqual({ matrix: rows[0].revision, sync: rows[1].revision });
    expect(rows[1].revision).toBeGreaterThan(0);
  });

  it('shows a run left running as interrupted at once: when a newer one started, or when none runs anywhere', async () => {
    const cutOff = await other.db.syncRun.create({
      data: { trigger: 'schedule', status: 'running', startedAt: new Date(Date.now() - 60_000) },
    });
    const alone = await readSyncStatus(here, config());
    expect(alone.lastRuns).toEqual([
      expect.objectContaining({ id: cutOff.id, status: 'failed', error: expect.stringMatching(/^Interrupted: /) }),
    ]);
    expect(alone.runningElsewhere).toBe(false);

    // Another replica syncs now: its run is running, the older one still is not.
    await tryAcquireLease(other.db, GITHUB_SYNC_JOB, 'replica-b', 60_000);
    const current = await other.db.syncRun.create({
      data: { trigger: 'manual', status: 'running', startedAt: new Date() },
    });
    const during = await readSyncStatus(here, config());
    expect(during.runningElsewhere).toBe(true);
    expect(during.lastRuns.map((r) => [r.id, r.status])).toEqual([
      [current.id, 'running'],
      [cutOff.id, 'failed'],
    ]);
    // The store is not written by a read: the next run's end records it (sync.test.ts).
    expect((await store.db.syncRun.findUniqueOrThrow({ where: { id: cutOff.id } })).status).toBe('running');
  });

  it('reads the store every time when the sync revision row is missing', async () => {
    await store.db.storeRevision.delete({ where: { id: 2 } });
    const first = await readSyncStatus(here, config());
    expect((await readStoreRevisions(store.db)).sync).toBeNull();
    // Under another replica's lease, so its run is running, not cut off.
    await tryAcquireLease(other.db, GITHUB_SYNC_JOB, 'replica-b', 60_000);
    await other.db.syncRun.create({ data: { trigger: 'manual', status: 'running', startedAt: new Date() } });
    const second = await readSyncStatus(here, config());
    expect(first.lastRuns).toEqual([]);
    expect(second.lastRuns).toEqual([expect.objectContaining({ status: 'running', trigger: 'manual' })]);
  });
});
