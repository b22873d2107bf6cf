import { serverConfig, type ServerConfig } from '../config/env';
import { redactSecrets, redactUrl } from '../config/redact';
import { readSyncRevision } from '../db/revision';
import { holderOf } from '../jobs/lease';
import type { JobOutcome, JobTrigger } from '../jobs/runner';
import { processMetrics } from '../metrics/process';
import type { Runtime } from '../jobs/runtime';
import { createGitHubClient, type RateLimitQuota } from './client';
import { syncGitHub, type RepoSyncOutcome, type SyncProgress, type SyncResult } from './sync';
import { INTERRUPTED_RUN_ERROR } from './sync-run';
import { verificationConfigured, verifyCells } from '../verify/run';
import { errorFields, logger } from '../log/logger';
import { readJsonColumn, repoSyncOutcomesColumn, StoredJsonError } from '../db/json-columns';

const DEFAULT_SYNC_TIMEOUT_MS = 5 * 60_000;

/** The job name shared by every replica: the lease row of this name keeps syncs apart. */
export const GITHUB_SYNC_JOB = 'github-sync';

export type GitHubSyncConfig = Pick<
  ServerConfig,
  | 'GITHUB_REPOS'
  | 'GITHUB_API_URL'
  | 'GITHUB_TOKEN'
  | 'GITHUB_ISSUE_LABEL'
  | 'GITHUB_RATE_LIMIT_MAX_WAIT'
  | 'SYNC_INTERVAL'
> &
  Partial<Pick<ServerConfig, 'SYNC_TIMEOUT' | 'GITHUB_TIMEOUT' | 'GITHUB_MAX_REPLY_BYTES'>> & {
    /** Tests shrink GitHub back-off waits; production keeps Octokit's 1 s unit. */
    backoffUnitMs?: number;
  };

export const NOT_CONFIGURED_HINT =
  'GitHub sync is not configured: set GITHUB_REPOS to the repositories holding the plan’s issues (owner/name, ' +
  'comma-separated), and GITHUB_TOKEN for private repositories or a higher rate limit.';

interface SyncActivity {
  trigger: string;
  startedAt: string;
  progress: SyncProgress | null;
}

// In-process state of this replica's sync (progress for the panel, follow-ups asked for by webhooks).
interface FollowUp {
  repos: Set<string>;
  issues: Array<{ repo: string; number: number }>;
}
const holder = globalThis as unknown as { __rolloutBoardSync?: { activity: SyncActivity | null; followUp: FollowUp } };
const local = () => (holder.__rolloutBoardSync ??= { activity: null, followUp: { repos: new Set(), issues: [] } });

export interface RunSyncOptions {
  trigger: JobTrigger;
  /** Only these repositories (a webhook's); all configured ones by default. */
  repos?: string[];
  onBusy?: 'skip' | 'wait';
  config?: GitHubSyncConfig;
  /** Issues to re-read one by one (a webhook's issue). */
  refreshIssues?: Array<{ repo: string; number: number }>;
}

/**
 * Runs a GitHub sync through the job runner: a sync already running in this process is joined
 * (two clicks never run two syncs), one running on another replica is not duplicated (lease).
 * A webhook arriving mid-run queues one follow-up sync of its repository, so no change is missed.
 */
export function runGitHubSync(runtime: Runtime, options: RunSyncOptions): Promise<JobOutcome<SyncResult>> {
  const config: GitHubSyncConfig = options.config ?? serverConfig();
  if (config.GITHUB_REPOS.length === 0)
    return Promise.resolve({ status: 'failed', error: NOT_CONFIGURED_HINT, joined: false });
  const repos = options.repos ?? config.GITHUB_REPOS;
  const state = local();
  if (runtime.jobs.isRunning(GITHUB_SYNC_JOB) && options.trigger === 'webhook') {
    for (const repo of repos) state.followUp.repos.add(repo);
    state.followUp.issues.push(...(options.refreshIssues ?? []));
  }

  const outcome = runtime.jobs.run(
    GITHUB_SYNC_JOB,
    async ({ trigger, signal }) => {
      state.activity = { trigger, startedAt: new Date().toISOString(), progress: null };
      const endTimer = processMetrics().syncDuration.startTimer();
      let outcome: SyncResult['status'] = 'failed';
      try {
        const result = await syncGitHub({
          store: runtime.store,
          client: createGitHubClient({
            apiUrl: config.GITHUB_API_URL,
            token: config.GITHUB_TOKEN,
            maxRateLimitWaitMs: config.GITHUB_RATE_LIMIT_MAX_WAIT,
            backoffUnitMs: config.backoffUnitMs,
            requestTimeoutMs: config.GITHUB_TIMEOUT,
            maxReplyBytes: config.GITHUB_MAX_REPLY_BYTES,
            signal,
          }),
          signal,
          repos,
          label: config.GITHUB_ISSUE_LABEL,
          refreshIssues: options.refreshIssues,
          trigger,
          onProgress: (progress) => {
            if (state.activity) state.activity.progress = progress;
          },
        });
        outcome = result.status;
        return result;
      } finally {
        state.activity = null;
        endTimer({ outcome });
        processMetrics().syncRuns.inc({ outcome });
      }
    },
    {
      trigger: options.trigger,
      onBusy: options.onBusy ?? 'skip',
      // A stuck run (a hung page, a slow merge) ends failed at its deadline; the next click starts afresh.
      deadlineMs: config.SYNC_TIMEOUT ?? DEFAULT_SYNC_TIMEOUT_MS,
      deadlineHint: 'SYNC_TIMEOUT',
      // A click refused because another replica (or a dead lease) holds the sync is tried again when it lapses.
      retryWhenFree: options.trigger === 'manual',
    },
  );
  void outcome.then((result) => {
    // A cell whose issue changed (closed, reopened, moved) is verified again right away, when there is anything to ask.
    if (
      result.status === 'ran' &&
      !result.joined &&
      result.result.changedCellKeys.length > 0 &&
      verificationConfigured(serverConfig())
    ) {
      void verifyCells(runtime, result.result.changedCellKeys, 'sync').catch((error) =>
        logger().error(errorFields(error), 'Verifying the cells a sync changed failed'),
      );
    }
    if (state.followUp.repos.size === 0 || runtime.jobs.isRunning(GITHUB_SYNC_JOB)) return;
    const { repos: followRepos, issues } = state.followUp;
    state.followUp = { repos: new Set(), issues: [] };
    void runGitHubSync(runtime, { trigger: 'webhook', repos: [...followRepos], refreshIssues: issues, config });
  });
  return outcome;
}

export interface SyncRunView {
  id: number;
  trigger: string;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  requests: number;
  notModified: number;
  pages: number;
  issuesChanged: number;
  error: string | null;
  repos: RepoSyncOutcome[];
  /** Why the run's repositories are not listed: its stored outcomes did not read. */
  reposProblem?: string;
}

export interface RepoStateView {
  repo: string;
  lastStatus: string | null;
  lastError: string | null;
  lastSyncedAt: string | null;
}

/** What the sync panel and GET /api/sync show. Never includes the token. */
export interface SyncPanelStatus {
  configured: boolean;
  hint: string | null;
  apiUrl: string;
  repos: string[];
  authenticated: boolean;
  intervalMs: number;
  running: boolean;
  /** Another replica holds the sync lease. */
  runningElsewhere: boolean;
  activity: SyncActivity | null;
  lastRuns: SyncRunView[];
  repoStates: RepoStateView[];
  quota: RateLimitQuota | null;
}

/**
 * A run's per-repository outcomes, secrets redacted. A row another version wrote wrongly shows the
 * run without them and says why, rather than failing the sync panel.
 */
function reposOfRun(text: string): { repos: RepoSyncOutcome[]; reposProblem?: string } {
  try {
    const repos = readJsonColumn(repoSyncOutcomesColumn, text, 'SyncRun.repos');
    return { repos: repos.map((o) => ({ ...o, error: o.error === null ? null : redactSecrets(o.error) })) };
  } catch (error) {
    if (!(error instanceof StoredJsonError)) throw error;
    return { repos: [], reposProblem: error.message };
  }
}

/** What the panel reads from the store: the newest runs, every repository's state and the sync lease. */
interface StoredSyncStatus {
  lastRuns: SyncRunView[];
  states: Awaited<ReturnType<Runtime['store']['db']['repoSyncState']['findMany']>>;
  lease: { holder: string; expiresAt: Date } | null;
}

interface StoredSyncEntry {
  revision: number;
  runs: number;
  stored: Promise<StoredSyncStatus>;
}

// One entry per store client (tests open several stores, and "replicas", in one process); it survives
// dev-mode module reloads.
const cacheHolder = globalThis as unknown as { __rolloutBoardSyncCache?: WeakMap<object, StoredSyncEntry> };
if (!cacheHolder.__rolloutBoardSyncCache) cacheHolder.__rolloutBoardSyncCache = new WeakMap();
const storedCache = cacheHolder.__rolloutBoardSyncCache;

const syncRunView = (r: Awaited<ReturnType<Runtime['store']['db']['syncRun']['findMany']>>[number]): SyncRunView => ({
  id: r.id,
  trigger: r.trigger,
  status: r.status,
  startedAt: r.startedAt.toISOString(),
  finishedAt: r.finishedAt?.toISOString() ?? null,
  requests: r.requests,
  notModified: r.notModified,
  pages: r.pages,
  issuesChanged: r.issuesChanged,
  error: r.error === null ? null : redactSecrets(r.error),
  ...reposOfRun(r.repos),
});

async function readStoredSync(db: Runtime['store']['db'], runs: number): Promise<StoredSyncStatus> {
  const [rows, states, lease] = await Promise.all([
    db.syncRun.findMany({ orderBy: { id: 'desc' }, take: runs }),
    db.repoSyncState.findMany({ orderBy: { repo: 'asc' } }),
    db.jobLease.findUnique({ where: { name: GITHUB_SYNC_JOB }, select: { holder: true, expiresAt: true } }),
  ]);
  return { lastRuns: rows.map(syncRunView), states, lease };
}

/**
 * The store's side of the sync status at the sync revision (row 2 of StoreRevision, which the
 * database bumps on every write to runs, repository states and leases, whichever replica writes):
 * read once per revision and shared by every request until the number moves. The revision is read
 * before the rows, so a cached read is never older than the revision it is filed under. Without the
 * revision row nothing is cached.
 */
async function storedSyncStatus(
  db: Runtime['store']['db'],
  runs: number,
  knownRevision: number | null | undefined,
): Promise<StoredSyncStatus> {
  const revision = knownRevision === undefined ? await readSyncRevision(db) : knownRevision;
  if (revision === null) return readStoredSync(db, runs);
  const cached = storedCache.get(db);
  if (cached && cached.runs === runs && cached.revision >= revision) return cached.stored;
  const stored = readStoredSync(db, runs);
  storedCache.set(db, { revision, runs, stored });
  // A failed read is not cached: the next request tries again.
  stored.catch(() => {
    if (storedCache.get(db)?.stored === stored) storedCache.delete(db);
  });
  return stored;
}

/**
 * What the sync panel and GET /api/sync show. The stored part comes from a cache kept per sync
 * revision (storedSyncStatus); whether this replica is syncing, its progress, and whether another
 * replica's lease is still current are decided on every call. `syncRevision` is the revision when
 * the caller has just read it (the matrix page reads both of the store's revisions in one query).
 */
/**
 * Runs the store still marks running but that cannot be: syncs run one at a time under the lease, so
 * one with a newer run after it, or any while no sync runs anywhere, was cut off (its row is only
 * corrected by the next run's end). Shown as what they are, failed and interrupted, at once.
 */
export function withCutOffRuns(runs: SyncRunView[], syncing: boolean): SyncRunView[] {
  const newest = runs.reduce((id, run) => Math.max(id, run.id), Number.NEGATIVE_INFINITY);
  const cutOff = (run: SyncRunView) => run.status === 'running' && (!syncing || run.id !== newest);
  // Usually none: the cached list itself is served, as readSyncStatus promises between revisions.
  if (!runs.some(cutOff)) return runs;
  return runs.map((run) => (cutOff(run) ? { ...run, status: 'failed', error: INTERRUPTED_RUN_ERROR } : run));
}

export async function readSyncStatus(
  runtime: Runtime,
  config: GitHubSyncConfig = serverConfig(),
  runs = 5,
  syncRevision?: number | null,
): Promise<SyncPanelStatus> {
  const stored = await storedSyncStatus(runtime.store.db, runs, syncRevision);
  const { states, lease } = stored;
  const running = runtime.jobs.isRunning(GITHUB_SYNC_JOB);
  const leaseHolder = holderOf(lease, new Date());
  const lastRuns = withCutOffRuns(stored.lastRuns, running || leaseHolder !== null);
  // The freshest rate-limit headers: the newest run's last repository that got an answer.
  const quota =
    lastRuns
      .find((r) => r.repos.some((o) => o.quota))
      ?.repos.filter((o) => o.quota)
      .at(-1)?.quota ?? null;
  const configured = config.GITHUB_REPOS.length > 0;
  return {
    configured,
    hint: configured ? null : NOT_CONFIGURED_HINT,
    apiUrl: redactUrl(config.GITHUB_API_URL),
    repos: config.GITHUB_REPOS,
    authenticated: Boolean(config.GITHUB_TOKEN),
    intervalMs: config.SYNC_INTERVAL,
    running,
    runningElsewhere: !running && leaseHolder !== null,
    activity: local().activity,
    lastRuns,
    repoStates: states
      .filter((s) => config.GITHUB_REPOS.some((r) => r.toLowerCase() === s.repo.toLowerCase()))
      .map((s) => ({
        repo: s.repo,
        lastStatus: s.lastStatus,
        lastError: s.lastError === null ? null : redactSecrets(s.lastError),
        lastSyncedAt: s.lastSyncedAt?.toISOString() ?? null,
      })),
    quota,
  };
}

/** A run as the sync panel shows it: its figures, and the repositories that failed. */
export type SyncPanelRun = Pick<
  SyncRunView,
  'id' | 'trigger' | 'status' | 'startedAt' | 'finishedAt' | 'requests' | 'notModified' | 'issuesChanged'
> & { repos: Array<Pick<RepoSyncOutcome, 'repo' | 'status' | 'error'>> };

/** What the sync panel draws; GET /api/sync's SyncPanelStatus has all of it and more. */
export interface SyncPanelView
  extends Pick<
    SyncPanelStatus,
    | 'configured'
    | 'hint'
    | 'repos'
    | 'authenticated'
    | 'intervalMs'
    | 'running'
    | 'runningElsewhere'
    | 'activity'
    | 'quota'
  > {
  lastRuns: SyncPanelRun[];
}

/**
 * The status cut to what the panel shows before its first refresh, for the page's payload: the runs
 * up to the newest finished one (the newest id tells the panel when a run ends; the finished one is
 * "Last sync …"), each with its failed repositories only, and no repository states or API URL. The
 * panel's refreshes read GET /api/sync in full.
 */
export function syncPanelView(status: SyncPanelStatus): SyncPanelView {
  const finished = status.lastRuns.findIndex((r) => r.status !== 'running');
  const runs = finished === -1 ? status.lastRuns : status.lastRuns.slice(0, finished + 1);
  return {
    configured: status.configured,
    hint: status.hint,
    repos: status.repos,
    authenticated: status.authenticated,
    intervalMs: status.intervalMs,
    running: status.running,
    runningElsewhere: status.runningElsewhere,
    activity: status.activity,
    quota: status.quota,
    lastRuns: runs.map((r) => ({
      id: r.id,
      trigger: r.trigger,
      status: r.status,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      requests: r.requests,
      notModified: r.notModified,
      issuesChanged: r.issuesChanged,
      repos: r.repos
        .filter((o) => o.status === 'failed')
        .map((o) => ({ repo: o.repo, status: o.status, error: o.error })),
    })),
  };
}
