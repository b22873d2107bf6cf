import { describe, expect, it } from 'vitest';
import type { RepoSyncOutcome } from './sync';
import { type SyncPanelStatus, type SyncRunView, syncPanelView } from './sync-job';

const outcome = (repo: string, status: RepoSyncOutcome['status'], error: string | null = null): RepoSyncOutcome => ({
  repo,
  status,
  requests: 1,
  notModified: 0,
  pages: 1,
  issuesChanged: 0,
  error,
  httpStatus: error ? 502 : null,
  quota: { limit: 5000, remaining: 4990, resetAt: '2026-11-30T23:00:00.000Z', resource: 'core' },
});

const run = (id: number, status: string, repos: RepoSyncOutcome[]): SyncRunView => ({
  id,
  trigger: 'schedule',
  status,
  startedAt: '2026-11-30T22:00:00.000Z',
  finishedAt: status === 'running' ? null : '2026-11-30T22:00:05.000Z',
  requests: repos.length,
  notModified: 0,
  pages: repos.length,
  issuesChanged: 3,
  error: null,
  repos,
});

const status = (lastRuns: SyncRunView[]): SyncPanelStatus => ({
  configured: true,
  hint: null,
  apiUrl: 'https://api.github.com',
  repos: ['bcgov/a', 'bcgov/b'],
  authenticated: true,
  intervalMs: 600_000,
  running: false,
  runningElsewhere: false,
  activity: null,
  lastRuns,
  repoStates: [{ repo: 'bcgov/a', lastStatus: 'ok', lastError: null, lastSyncedAt: '2026-11-30T22:00:05.000Z' }],
  quota: { limit: 5000, remaining: 4990, resetAt: '2026-11-30T23:00:00.000Z', resource: 'core' },
});

// The page hands the panel only what it draws before its first refresh; what it draws must not change.
describe('the sync panel’s cut of the status', () => {
  it('keeps the newest run and the newest finished one, with the repositories that failed', () => {
    const view = syncPanelView(
      status([
        run(9, 'running', []),
        run(8, 'partial', [
          outcome('bcgov/a', 'updated'),
          outcome('bcgov/b', 'failed', 'bcgov/b: GitHub answered 502.'),
        ]),
        run(7, 'succeeded', [outcome('bcgov/a', 'unchanged'), outcome('bcgov/b', 'unchanged')]),
      ]),
    );
    // The newest id (which tells the panel a run ended) and "Last sync …" with its failure.
    expect(view.lastRuns.map((r) => r.id)).toEqual([9, 8]);
    expect(view.lastRuns[1]).toMatchObject({ status: 'partial', issuesChanged: 3, requests: 2, trigger: 'schedule' });
    expect(view.lastRuns[1].repos).toEqual([
      { repo: 'bcgov/b', status: 'failed', error: 'bcgov/b: GitHub answered 502.' },
    ]);
    expect(view.quota).toMatchObject({ limit: 5000, remaining: 4990 });
    expect(view).toMatchObject({ configured: true, repos: ['bcgov/a', 'bcgov/b'], authenticated: true });
    expect(JSON.stringify(view)).not.toMatch(/repoStates|apiUrl|httpStatus/);
  });

  it('keeps every run while none has finished, and none when there are none', () => {
    expect(syncPanelView(status([run(2, 'running', [])])).lastRuns.map((r) => r.id)).toEqual([2]);
    expect(syncPanelView(status([])).lastRuns).toEqual([]);
  });
});
