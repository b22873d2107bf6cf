import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '@/lib/db/store';
import {
  DEFAULT_REPO,
  defaultFixture,
  GITHUB_ROUTES,
  type GitHubRoute,
  GitHubWorld,
  labelledIssues,
  startGitHubSimulator,
  type RunningGitHubSimulator,
  type SimIssue,
} from '@/simulators/github';
import { readMatrix } from '@/lib/matrix/read';
import { openTestStore, PHASE_3_PLAN, STORE_PROVIDERS, type TestStore } from '@/test/stores';
import { createGitHubClient } from './client';
import { SYNC_FETCH_CONCURRENCY, syncGitHub } from './sync';

const OTHER_REPO = 'openwallet-foundation/acapy';

/** 250 plain issues, so a listing has three pages (100 per page). */
function bulkIssues(count: number): SimIssue[] {
  return Array.from({ length: count }, (_, n) => ({
    number: n + 1,
    title: `Bulk issue ${n + 1}`,
    body: 'Estimated Effort: ~1h',
    state: 'open',
    stateReason: null,
    labels: ['phase-3'],
    assignees: [],
    createdAt: new Date(Date.UTC(2026, 4, 1, 0, n)).toISOString().replace('.000', ''),
    updatedAt: new Date(Date.UTC(2026, 4, 2, 0, n)).toISOString().replace('.000', ''),
    closedAt: null,
  }));
}

const issueRows = async (store: TestStore) => JSON.stringify(await store.db.issue.findMany({ orderBy: { id: 'asc' } }));
const listRequests = (sim: RunningGitHubSimulator) => sim.requests.filter((r) => r.path.endsWith('/issues'));

describe.each(STORE_PROVIDERS)('GitHub sync on %s', (provider) => {
  let sim: RunningGitHubSimulator;
  let store: TestStore;
  const client = () => createGitHubClient({ apiUrl: sim.url, token: 'test-token', backoffUnitMs: 5 });
  const sync = (repos = [DEFAULT_REPO, OTHER_REPO], trigger = 'manual') =>
    syncGitHub({ store, client: client(), repos, trigger });

  beforeAll(async () => {
    sim = await startGitHubSimulator();
  });
  afterAll(() => sim.stop());
  beforeEach(async () => {
    sim.world.load({ ...defaultFixture(), [OTHER_REPO]: bulkIssues(250) });
    sim.world.clearFaults();
    sim.requests.length = 0;
    store = await openTestStore(provider);
  });
  afterEach(() => store.destroy());

  it('puts every plan issue in its cell, skips pull requests, and lists the unlabelled issue and the duplicate', async () => {
    const result = await sync([DEFAULT_REPO]);
    expect(result.status).toBe('succeeded');
    const mapped = await store.db.issue.findMany({ where: { mapping: 'mapped' } });
    expect(mapped.map((i) => i.cellKey).sort()).toEqual(store.plan.cells.map((c) => c.key).sort());
    for (const issue of mapped) {
      const cell = store.plan.cells.find((c) => c.key === issue.cellKey)!;
      expect(issue.title).toBe(cell.title);
    }
    // No pull request became an issue row.
    const prNumbers = sim.world
      .issues(DEFAULT_REPO)
      .filter((i) => i.pullRequest)
      .map((i) => i.number);
    expect(prNumbers.length).toBeGreaterThan(0);
    expect(await store.db.issue.count({ where: { number: { in: prNumbers } } })).toBe(0);
    const others = await store.db.issue.findMany({ where: { mapping: { not: 'mapped' } }, orderBy: { number: 'asc' } });
    expect(others.map((i) => [i.title, i.mapping])).toEqual([
      ['Pyroscope profiling for the notification worker', 'unmapped'],
      ['acapy-agent — Pyroscope Profiling (Code) (duplicate)', 'conflict'],
    ]);
    expect(others[0].mappingNote).toContain('No service label');
    expect(others[1].mappingNote).toContain('acapy-agent/profiling-code');
    // …and the matrix lists them on its "Unmapped / conflicts" panel.
    const { unmapped } = await readMatrix(store);
    expect(unmapped.total).toBe(2);
    expect(unmapped.issues.map((i) => [i.number, i.mapping]).sort()).toEqual([
      [28, 'unmapped'],
      [29, 'conflict'],
    ]);
    // Every cell changed: all of them got their issue.
    expect(result.changedCellKeys).toHaveLength(27);
  });

  it('reads estimates from issue bodies and links pull requests that close issues', async () => {
    await sync([DEFAULT_REPO]);
    const matrix = await readMatrix(store);
    const traction = matrix.rows
      .find((r) => r.service.slug === 'traction')!
      .cells.find((c) => c?.capabilitySlug === 'faro-code')!;
    expect(traction.issue?.estimateMinutes).toBe(300);
    expect(traction.estimateMinutes).toBe(180);
    expect(traction.issueEstimate).toEqual({ text: '~5h', minutes: 300 });
    const agreeing = matrix.rows[0].cells[0]!;
    expect(agreeing.issue?.estimateMinutes).toBe(agreeing.estimateMinutes);
    expect(agreeing.issueEstimate).toBeNull();
    const acapy = await store.db.issue.findFirstOrThrow({ where: { cellKey: 'acapy-agent/profiling-code' } });
    expect(JSON.parse(acapy.linkedPullRequests)).toEqual([
      expect.objectContaining({ merged: true, state: 'closed', repo: DEFAULT_REPO }),
    ]);
    expect(matrix.progress.countsByState['in-progress']).toBeGreaterThan(0);
    expect(matrix.progress.countsByState['closed-unverified']).toBeGreaterThan(0);
    expect(matrix.progress.countsByState.planned).toBeGreaterThan(0);
  });

  it('links a pull request to the issue it closes in another repository, whichever repository is listed first', async () => {
    const closed = sim.world.issues(DEFAULT_REPO).find((i) => !i.pullRequest)!;
    const at = '2026-06-10T00:00:00Z';
    sim.world.load({
      ...defaultFixture(),
      [OTHER_REPO]: [
        {
          number: 900,
          title: 'Add the profiler',
          body: `Fixes ${DEFAULT_REPO}#${closed.number}`,
          state: 'closed',
          stateReason: null,
          labels: ['phase-3'],
          assignees: [],
          createdAt: at,
          updatedAt: at,
          closedAt: at,
          pullRequest: { mergedAt: at },
        },
      ],
    });
    await sync([OTHER_REPO, DEFAULT_REPO]);
    const issue = await store.db.issue.findFirstOrThrow({ where: { repo: DEFAULT_REPO, number: closed.number } });
    expect(JSON.parse(issue.linkedPullRequests)).toEqual(
      expect.arrayContaining([expect.objectContaining({ repo: OTHER_REPO, number: 900, merged: true })]),
    );
  });

  it('marks a run another process left running as interrupted, and records its own as finished', async () => {
    const cutOff = await store.db.syncRun.create({
      data: { trigger: 'schedule', status: 'running', startedAt: new Date(Date.now() - 60_000) },
    });
    const result = await sync();
    const runs = await store.db.syncRun.findMany({ orderBy: { id: 'asc' } });
    expect(runs.map((r) => [r.id, r.status])).toEqual([
      [cutOff.id, 'failed'],
      [result.runId, 'succeeded'],
    ]);
    expect(runs[0].error).toMatch(/^Interrupted: /);
    expect(runs[0].finishedAt).not.toBeNull();
    expect(runs[1]).toMatchObject({ error: null, requests: result.requests, issuesChanged: result.issuesChanged });
    expect(runs[1].finishedAt).not.toBeNull();
  });

  it('re-syncs with no change using only 304s and writes nothing', async () => {
    await sync();
    const rows = await issueRows(store);
    const states = JSON.stringify(await store.db.repoSyncState.findMany({ orderBy: { repo: 'asc' } }));
    sim.requests.length = 0;
    const again = await sync();
    expect(again.status).toBe('succeeded');
    expect(listRequests(sim).length).toBe(2);
    expect(again.requests).toBe(2);
    expect(again.notModified).toBe(2);
    expect(again.issuesChanged).toBe(0);
    expect(again.changedCellKeys).toEqual([]);
    expect(await issueRows(store)).toBe(rows);
    expect(JSON.stringify(await store.db.repoSyncState.findMany({ orderBy: { repo: 'asc' } }))).toBe(states);
  });

  it('fails the repositories it could not save, keeps their earlier data and ETags, and merges them next time', async () => {
    await sync();
    const rows = await issueRows(store);
    sim.world.updateIssue(OTHER_REPO, 7, { title: 'Renamed while the store refused writes' });
    // The store refuses to write issues (a full disk, a lost connection) and nothing else.
    const refusal = "'database or disk is full at /var/lib/board.db'";
    const refuse =
      provider === 'sqlite'
        ? [
            `CREATE TRIGGER "refuse_insert" BEFORE INSERT ON "Issue" BEGIN SELECT RAISE(ABORT, ${refusal}); END`,
            `CREATE TRIGGER "refuse_update" BEFORE UPDATE ON "Issue" BEGIN SELECT RAISE(ABORT, ${refusal}); END`,
          ]
        : [
            `CREATE FUNCTION "refuse"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION ${refusal}; END $$`,
            `CREATE TRIGGER "refuse_insert" BEFORE INSERT OR UPDATE ON "Issue" FOR EACH ROW EXECUTE FUNCTION "refuse"()`,
          ];
    for (const sql of refuse) await store.db.$executeRawUnsafe(sql);
    const failed = await sync();
    const accept =
      provider === 'sqlite'
        ? ['DROP TRIGGER "refuse_insert"', 'DROP TRIGGER "refuse_update"']
        : ['DROP TRIGGER "refuse_insert" ON "Issue"', 'DROP FUNCTION "refuse"'];
    for (const sql of accept) await store.db.$executeRawUnsafe(sql);
    expect(failed.status).toBe('partial');
    expect(failed.repos.map((r) => r.status)).toEqual(['unchanged', 'failed']);
    expect(failed.repos[1].error).toBe(
      `${OTHER_REPO}: saving its issues to the store failed; earlier data is kept. The server log has the details.`,
    );
    expect(await issueRows(store)).toBe(rows);
    // The store's own words stay in the server log.
    expect(JSON.stringify(await store.db.syncRun.findMany())).not.toContain('/var/lib/board.db');

    const next = await sync();
    expect(next.status).toBe('succeeded');
    expect(next.repos.map((r) => r.status)).toEqual(['unchanged', 'updated']);
    const renamed = await store.db.issue.findFirst({ where: { repo: OTHER_REPO, number: 7 } });
    expect(renamed?.title).toBe('Renamed while the store refused writes');
  });

  it('asks GitHub nothing when the store refuses to start the run, and says so by failing', async () => {
    await sync();
    const runsBefore = await store.db.syncRun.count();
    const refusal = "'database or disk is full'";
    const [refuse, accept] =
      provider === 'sqlite'
        ? [
            [`CREATE TRIGGER "refuse_run" BEFORE INSERT ON "SyncRun" BEGIN SELECT RAISE(ABORT, ${refusal}); END`],
            ['DROP TRIGGER "refuse_run"'],
          ]
        : [
            [
              `CREATE FUNCTION "refuse"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION ${refusal}; END $$`,
              `CREATE TRIGGER "refuse_run" BEFORE INSERT ON "SyncRun" FOR EACH ROW EXECUTE FUNCTION "refuse"()`,
            ],
            ['DROP TRIGGER "refuse_run" ON "SyncRun"', 'DROP FUNCTION "refuse"'],
          ];
    for (const sql of refuse) await store.db.$executeRawUnsafe(sql);
    sim.requests.length = 0;
    await expect(sync()).rejects.toThrow(/disk is full/);
    for (const sql of accept) await store.db.$executeRawUnsafe(sql);
    expect(sim.requests).toEqual([]);
    expect(await store.db.syncRun.count()).toBe(runsBefore);
    expect((await sync()).status).toBe('succeeded');
  });

  it('merges an incremental change without dropping issues absent from it, and names the changed cell', async () => {
    await sync();
    const before = await store.db.issue.count();
    const helm = await store.db.issue.findFirstOrThrow({ where: { cellKey: 'acapy-agent/profiling-helm' } });
    sim.world.updateIssue(DEFAULT_REPO, helm.number, { state: 'closed', stateReason: 'completed' });
    sim.requests.length = 0;
    const result = await sync();
    expect(result.changedCellKeys).toEqual(['acapy-agent/profiling-helm']);
    expect(result.issuesChanged).toBe(1);
    expect(await store.db.issue.count()).toBe(before);
    expect((await store.db.issue.findUniqueOrThrow({ where: { id: helm.id } })).state).toBe('closed');
    // The changed repository was asked for page 1 alone (newest update first, it reaches what the last
    // sync saw), in one request, conditional on the ETag the last sync kept.
    const asked = listRequests(sim).filter((r) => r.path.includes('phase-3-observability'));
    expect(asked.map((r) => r.query.get('page') ?? '1')).toEqual(['1']);
    expect(asked[0].query.get('sort')).toBe('updated');
    expect(asked[0].headers['if-none-match']).toBeTruthy();
    expect(result.requests).toBe(2);
    // …and the next no-change sync is 304s only again.
    sim.requests.length = 0;
    const quiet = await sync();
    expect(quiet.notModified).toBe(quiet.requests);
  });

  it('reads a changed listing only down to what the last sync saw: page 1 for one change, two pages for 150', async () => {
    await sync([OTHER_REPO]);
    sim.world.updateIssue(OTHER_REPO, 7, { title: 'Renamed upstream' });
    sim.requests.length = 0;
    const one = await sync([OTHER_REPO]);
    expect(one.repos[0]).toMatchObject({ requests: 1, pages: 1, issuesChanged: 1 });
    expect((await store.db.issue.findFirstOrThrow({ where: { number: 7, repo: OTHER_REPO } })).title).toBe(
      'Renamed upstream',
    );
    for (let n = 1; n <= 150; n += 1) sim.world.updateIssue(OTHER_REPO, n, { title: `Retitled ${n}` });
    const many = await sync([OTHER_REPO]);
    expect(many.repos[0]).toMatchObject({ requests: 2, pages: 2, issuesChanged: 150 });
    expect(await store.db.issue.count({ where: { repo: OTHER_REPO, title: { startsWith: 'Retitled' } } })).toBe(150);
    // Nothing is lost to the early stop: all 250 are still stored, and the next sync is a 304.
    expect(await store.db.issue.count({ where: { repo: OTHER_REPO } })).toBe(250);
    expect((await sync([OTHER_REPO])).repos[0]).toMatchObject({ requests: 1, notModified: 1 });
  });

  it.each([
    ['a 5xx on page 3', { status: 502 as const, page: 3 }, '502 on page 3'],
    ['a bad token', { status: 401 as const }, 'GITHUB_TOKEN'],
    ['a rate limit that resets in an hour', { status: 403 as const, resetInSeconds: 3600 }, 'rate limited'],
    ['a validation error', { status: 422 as const }, '422'],
  ])(
    'keeps earlier data byte-for-byte after %s, and records which repo failed and why',
    async (_name, fault, reason) => {
      await sync();
      sim.world.updateIssue(OTHER_REPO, 1, { title: 'Changed upstream' });
      sim.world.updateIssue(OTHER_REPO, 2, { state: 'closed' });
      const rows = await issueRows(store);
      sim.world.injectFault({ ...fault, repo: OTHER_REPO });
      if (fault.status === 502) {
        // Enough changes that the incremental listing has three pages again.
        for (let n = 3; n <= 250; n += 1) sim.world.updateIssue(OTHER_REPO, n, { body: 'Estimated Effort: ~2h' });
      }
      const result = await sync();
      expect(result.status).toBe('partial');
      const failed = result.repos.find((r) => r.repo === OTHER_REPO)!;
      expect(failed.status).toBe('failed');
      expect(failed.error).toContain(OTHER_REPO);
      expect(failed.error).toContain(reason);
      expect(await issueRows(store)).toBe(rows);
      const run = await store.db.syncRun.findUniqueOrThrow({ where: { id: result.runId } });
      expect(run).toMatchObject({ status: 'partial' });
      expect(run.error).toContain(reason);
      expect(run.finishedAt).not.toBeNull();
      const state = await store.db.repoSyncState.findUniqueOrThrow({ where: { repo: OTHER_REPO } });
      expect(state.lastStatus).toBe('failed');
      // Once GitHub answers again, the next sync catches up.
      sim.world.clearFaults();
      const recovered = await sync();
      expect(recovered.status).toBe('succeeded');
      expect((await store.db.issue.findUniqueOrThrow({ where: { id: `${OTHER_REPO}#1` } })).title).toBe(
        'Changed upstream',
      );
    },
  );

  it('re-decides cells from the plan file even when GitHub has nothing new (304s)', async () => {
    await sync([DEFAULT_REPO]);
    // The plan now calls the acapy-agent label "aca-py": its issues no longer match a service.
    const plan = JSON.parse(readFileSync(PHASE_3_PLAN, 'utf8')) as { services: Array<{ slug: string; label: string }> };
    plan.services.find((s) => s.slug === 'acapy-agent')!.label = 'aca-py';
    const planFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'plan-')), 'phase-3.json');
    writeFileSync(planFile, JSON.stringify(plan));
    const relabelled = await openStore({ databaseUrl: store.databaseUrl, planFilePath: planFile });
    try {
      const result = await syncGitHub({
        store: relabelled,
        client: client(),
        repos: [DEFAULT_REPO],
        trigger: 'manual',
      });
      expect(result.notModified).toBe(result.requests);
      expect(result.changedCellKeys).toEqual(['acapy-agent/profiling-code', 'acapy-agent/profiling-helm']);
      expect(
        await relabelled.db.issue.count({ where: { mapping: 'mapped', cellKey: { startsWith: 'acapy-agent/' } } }),
      ).toBe(0);
    } finally {
      await relabelled.db.$disconnect();
    }
  });

  it('re-reads an issue a webhook named: one that lost the label leaves its cell, an unrelated one is not stored', async () => {
    await sync([DEFAULT_REPO]);
    const issue = await store.db.issue.findFirstOrThrow({ where: { cellKey: 'traction/profiling-helm' } });
    const simIssue = sim.world.issues(DEFAULT_REPO).find((i) => i.number === issue.number)!;
    sim.world.updateIssue(DEFAULT_REPO, issue.number, { labels: simIssue.labels.filter((l) => l !== 'phase-3') });
    const unrelated = sim.world.addIssue(DEFAULT_REPO, {
      title: 'Fix the README',
      body: '',
      state: 'open',
      labels: ['docs'],
      assignees: [],
    });
    // The labelled listing cannot show it: a plain sync keeps the cell as it was.
    await sync([DEFAULT_REPO]);
    expect((await store.db.issue.findUniqueOrThrow({ where: { id: issue.id } })).mapping).toBe('mapped');
    const refreshIssues = [
      { repo: DEFAULT_REPO, number: issue.number },
      { repo: DEFAULT_REPO, number: unrelated.number },
      { repo: DEFAULT_REPO, number: 999 },
    ];
    const result = await syncGitHub({
      store,
      client: client(),
      repos: [DEFAULT_REPO],
      trigger: 'webhook',
      refreshIssues,
    });
    expect(result.status).toBe('succeeded');
    expect(result.changedCellKeys).toEqual(['traction/profiling-helm']);
    const after = await store.db.issue.findUniqueOrThrow({ where: { id: issue.id } });
    expect(after).toMatchObject({ mapping: 'unmapped', cellKey: null });
    expect(after.mappingNote).toContain('No longer labelled phase-3');
    expect(await store.db.issue.count({ where: { number: unrelated.number } })).toBe(0);
  });

  it('lists an unknown repository as failed (404) while the others sync', async () => {
    const result = await sync([DEFAULT_REPO, 'bcgov/no-such-repo']);
    expect(result.status).toBe('partial');
    expect(result.repos[1]).toMatchObject({ repo: 'bcgov/no-such-repo', status: 'failed', httpStatus: 404 });
    expect(result.repos[1].error).toContain('not found');
    expect(await store.db.issue.count({ where: { mapping: 'mapped' } })).toBe(27);
  });

  it('waits out a secondary rate limit (retry-after), a quota reset due soon and a transient 5xx, then succeeds', async () => {
    sim.world.injectFault({ status: 429, retryAfterSeconds: 1, times: 1, repo: DEFAULT_REPO });
    sim.world.injectFault({ status: 403, resetInSeconds: 1, times: 1, repo: OTHER_REPO, page: 1 });
    sim.world.injectFault({ status: 503, times: 2, repo: OTHER_REPO, page: 2 });
    const result = await sync();
    expect(result.status).toBe('succeeded');
    // 429 + retry; 403 + retry + 2 more pages + 2 retries (no second pass: the listing's ETag is kept as is)
    expect(result.repos.map((r) => r.requests)).toEqual([2, 6]);
    expect(result.quota?.limit).toBe(5000);
  });
});

describe('fetching many repositories', () => {
  /** The simulator's issue listing, counting the listings in flight; each waits a little so they can overlap. */
  function countingSimulator() {
    const inFlight = { now: 0, most: 0 };
    const routes: GitHubRoute[] = GITHUB_ROUTES.map((route) =>
      route.handle.name !== 'listIssues'
        ? route
        : {
            ...route,
            handle: async (request, params, world) => {
              inFlight.now += 1;
              inFlight.most = Math.max(inFlight.most, inFlight.now);
              await new Promise((resolve) => setTimeout(resolve, 20));
              inFlight.now -= 1;
              return route.handle(request, params, world);
            },
          },
    );
    return { inFlight, routes };
  }

  it(`fetches ${SYNC_FETCH_CONCURRENCY} repositories at once, never more, and reports them in the configured order`, async () => {
    const { inFlight, routes } = countingSimulator();
    const repoCount = SYNC_FETCH_CONCURRENCY + 3;
    const sim = await startGitHubSimulator(new GitHubWorld(labelledIssues(3, repoCount)), routes);
    const store = await openTestStore(STORE_PROVIDERS[0]);
    try {
      const repos = [...sim.world.repos.values()].map((r) => r.name).reverse();
      const result = await syncGitHub({
        store,
        client: createGitHubClient({ apiUrl: sim.url }),
        repos,
        trigger: 'test',
      });
      expect(result.status).toBe('succeeded');
      expect(inFlight.most).toBe(SYNC_FETCH_CONCURRENCY);
      expect(result.repos.map((r) => r.repo)).toEqual(repos);
      // Each repository counts its own request, though they were on the wire together.
      expect(result.repos.map((r) => r.requests)).toEqual(repos.map(() => 1));
      expect(result.issuesChanged).toBe(3 * repoCount);
    } finally {
      await store.destroy();
      await sim.stop();
    }
  });
});
