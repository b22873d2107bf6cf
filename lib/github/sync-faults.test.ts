import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { JobRunner } from '@/lib/jobs/runner';
import { DEFAULT_REPO, defaultFixture, startGitHubSimulator, type RunningGitHubSimulator } from '@/simulators/github';
import { type HostileUpstream, startHostileUpstream } from '@/test/hostile-upstream';
import { openTestStore, type TestStore } from '@/test/stores';
import { readSyncStatus, runGitHubSync, type GitHubSyncConfig } from './sync-job';

const OTHER_REPO = 'openwallet-foundation/acapy';
let sim: RunningGitHubSimulator;
let elsewhere: HostileUpstream;
const config = (overrides: Partial<GitHubSyncConfig> = {}): GitHubSyncConfig => ({
  GITHUB_REPOS: [DEFAULT_REPO, OTHER_REPO],
  GITHUB_API_URL: sim.url,
  GITHUB_TOKEN: 'test-token',
  GITHUB_ISSUE_LABEL: undefined,
  GITHUB_RATE_LIMIT_MAX_WAIT: 60_000,
  SYNC_INTERVAL: 600_000,
  backoffUnitMs: 5,
  ...overrides,
});
/** 250 labelled issues: three pages of 100. */
const bulk = Array.from({ length: 250 }, (_, n) => ({
  number: n + 1,
  title: `Bulk issue ${n + 1}`,
  body: 'Estimated Effort: ~1h',
  state: 'open' as const,
  stateReason: null,
  labels: ['phase-3'],
  assignees: [],
  createdAt: new Date(Date.UTC(2026, 4, 1, 0, n)).toISOString().replace('.000', ''),
  updatedAt: new Date(Date.UTC(2026, 4, 2, 0, n)).toISOString().replace('.000', ''),
  closedAt: null,
}));

beforeAll(async () => {
  sim = await startGitHubSimulator();
  elsewhere = await startHostileUpstream({ kind: 'answer', status: 200, body: '[]' });
});
afterAll(async () => {
  await sim.stop();
  await elsewhere.stop();
});

describe('the sync under faults', () => {
  let store: TestStore;
  let runtime: { store: TestStore; jobs: JobRunner };
  beforeEach(async () => {
    sim.world.reset();
    sim.world.load({ ...defaultFixture(), [OTHER_REPO]: bulk });
    sim.requests.length = 0;
    elsewhere.requests.length = 0;
    store = await openTestStore('sqlite');
    runtime = { store, jobs: new JobRunner(store.db) };
  });
  afterEach(() => store.destroy());

  it('ends a run stuck on a hung page 3 at SYNC_TIMEOUT, failed with the reason; the next click starts afresh', async () => {
    sim.world.faults.push({ repo: OTHER_REPO, page: 3, status: 200, reply: 'hang', times: 1 });
    const started = Date.now();
    const stuck = await runGitHubSync(runtime, {
      trigger: 'manual',
      repos: [OTHER_REPO],
      config: config({ SYNC_TIMEOUT: 2_500, GITHUB_TIMEOUT: 60_000 }),
    });
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(2_500);
    expect(took).toBeLessThan(2_500 + 1_500);
    expect(stuck.status).toBe('ran');
    const run = (await readSyncStatus(runtime, config())).lastRuns[0];
    expect(run.status).toBe('failed');
    expect(run.error).toContain(
      `${OTHER_REPO}: the run did not finish within 2500ms (SYNC_TIMEOUT), so it was stopped`,
    );
    expect(runtime.jobs.isRunning('github-sync')).toBe(false);
    // GitHub answers again: the next click is a new run, not a join of the stuck one.
    sim.world.clearFaults();
    const next = await runGitHubSync(runtime, {
      trigger: 'manual',
      repos: [OTHER_REPO],
      config: config({ SYNC_TIMEOUT: 10_000 }),
    });
    expect(next).toMatchObject({ status: 'ran', joined: false, result: { status: 'succeeded' } });
  });

  it('aborts each request at GITHUB_TIMEOUT (retries included) instead of waiting for Node’s 300 s', async () => {
    sim.world.faults.push({ repo: OTHER_REPO, page: 2, status: 200, reply: 'hang' });
    const started = Date.now();
    const outcome = await runGitHubSync(runtime, {
      trigger: 'manual',
      repos: [OTHER_REPO],
      config: config({ GITHUB_TIMEOUT: 300 }),
    });
    expect(Date.now() - started).toBeLessThan(4 * 300 + 1_500); // the first try and three retries
    expect(outcome.status === 'ran' && outcome.result.repos[0].error).toBe(
      `${OTHER_REPO}: cannot get page 2 from GitHub at GITHUB_API_URL (no complete answer within 300ms).`,
    );
  });

  it('names GitHub and the page for a reply that is not JSON, and still syncs the other repository', async () => {
    sim.world.faults.push({ repo: DEFAULT_REPO, page: 1, status: 200, reply: 'not-json' });
    const outcome = await runGitHubSync(runtime, { trigger: 'manual', config: config() });
    if (outcome.status !== 'ran') throw new Error(outcome.status);
    expect(outcome.result.status).toBe('partial');
    const [bad, good] = outcome.result.repos;
    expect(bad.error).toBe(
      `${DEFAULT_REPO}: GitHub's reply is not JSON ("<html><body>Bad gateway</body>"): is GITHUB_API_URL ` +
        `pointing at GitHub's REST API? (page 1).`,
    );
    expect(good).toMatchObject({ repo: OTHER_REPO, status: 'updated', issuesChanged: 250 });
    expect(await store.db.issue.count({ where: { repo: OTHER_REPO } })).toBe(250);
  });

  it('names the page and the field for a reply of the wrong shape on page 3, stores none of it, syncs the rest', async () => {
    sim.world.faults.push({ repo: OTHER_REPO, page: 3, status: 200, reply: 'not-issues' });
    const outcome = await runGitHubSync(runtime, {
      trigger: 'manual',
      repos: [OTHER_REPO, DEFAULT_REPO],
      config: config(),
    });
    if (outcome.status !== 'ran') throw new Error(outcome.status);
    const [bad, good] = outcome.result.repos;
    expect(bad.error).toMatch(
      new RegExp(
        `^${OTHER_REPO}: GitHub's reply to page 3 is not a list of issues \\(item 0\\.\\w+: .+\\)\\. Check that GITHUB_API_URL`,
      ),
    );
    expect(await store.db.issue.count({ where: { repo: OTHER_REPO } })).toBe(0); // no half listing stored
    expect(good).toMatchObject({ repo: DEFAULT_REPO, status: 'updated' }); // the repository after it still synced
  });

  it('never follows a Link to another host, so the token never leaves GITHUB_API_URL', async () => {
    sim.world.linkOrigin = elsewhere.url;
    const outcome = await runGitHubSync(runtime, { trigger: 'manual', repos: [OTHER_REPO], config: config() });
    expect(elsewhere.requests).toEqual([]);
    if (outcome.status !== 'ran') throw new Error(outcome.status);
    expect(outcome.result.repos[0].error).toContain(
      `GitHub pointed the board at ${elsewhere.url}, which is not GITHUB_API_URL's host`,
    );
  });

  it('moves credentials out of GITHUB_API_URL into the header and shows the URL without them', async () => {
    const withCredentials = sim.url.replace('http://', 'http://x-access-token:s3cr3t-token@');
    const cfg = config({ GITHUB_API_URL: withCredentials, GITHUB_TOKEN: undefined });
    sim.world.faults.push({ repo: OTHER_REPO, status: 500 });
    await runGitHubSync(runtime, { trigger: 'manual', config: cfg });
    expect(sim.requests[0].headers.authorization).toBe('token s3cr3t-token');
    const status = await readSyncStatus(runtime, cfg);
    expect(status.apiUrl).toBe(sim.url);
    expect(JSON.stringify(status)).not.toContain('s3cr3t');
    expect(JSON.stringify(await store.db.syncRun.findMany())).not.toContain('s3cr3t');
  });

  it('shows a stored run whose repositories do not read without them, saying why, and the other runs as they are', async () => {
    await runGitHubSync(runtime, { trigger: 'manual', repos: [DEFAULT_REPO], config: config() });
    const startedAt = new Date();
    await store.db.syncRun.create({
      data: { trigger: 'manual', status: 'succeeded', startedAt, repos: '[{"repo":1}]' },
    });
    const [broken, good] = (await readSyncStatus(runtime, config())).lastRuns;
    expect(broken).toMatchObject({ status: 'succeeded', repos: [] });
    expect(broken.reposProblem).toMatch(/^The store's SyncRun.repos has an unexpected shape \(0\.repo: /);
    expect(good.repos.map((o) => o.repo)).toEqual([DEFAULT_REPO]);
    expect(good.reposProblem).toBeUndefined();
  });
});
