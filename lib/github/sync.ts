import type { Db } from '../db/client';
import type { z } from 'zod';
import { readJsonColumn, type repoSyncOutcomeColumn, stringListColumn } from '../db/json-columns';
import { type BulkColumnType, bulkUpsert, bulkUpsertStatement, readBulkRows } from '../db/bulk-upsert';
import type { Store } from '../db/store';
import type { Plan } from '../plan/load';
import { parseBodyEstimate } from './body-estimate';
import { assignCells } from './classify';
import type { GitHubClient, GitHubTraffic, RateLimitQuota } from './client';
import { linkPullRequests } from './linked-prs';
import { ProgressReport, type SyncProgress } from './sync-progress';
import { getIssue, GitHubSyncError, listLabelledIssues, type IssueListItem } from './list-issues';
import { errorFields, logger } from '../log/logger';
import { yieldToEventLoop } from '../db/event-loop';
import { finishRun, type PreviousRepoState, startRun } from './sync-run';
import { inOrderAtMost } from '../async/in-order-at-most';

/** One repository's part of a sync run, as SyncRun.repos stores it. */
export type RepoSyncOutcome = z.infer<typeof repoSyncOutcomeColumn>;

export type { SyncProgress };

export type SyncStatus = 'succeeded' | 'partial' | 'failed';

export interface SyncResult {
  runId: number;
  status: SyncStatus;
  repos: RepoSyncOutcome[];
  /** Cells whose issue changed (state, assignees, estimate, pull requests, or which issue it is). */
  changedCellKeys: string[];
  issuesChanged: number;
  requests: number;
  notModified: number;
  pages: number;
  quota: RateLimitQuota | null;
}

export interface SyncOptions {
  store: Pick<Store, 'db' | 'plan' | 'location'>;
  client: GitHubClient;
  repos: string[];
  /** The label of the plan's issues; the plan file's issueLabel by default. */
  label?: string;
  trigger: string;
  onProgress?: (progress: SyncProgress) => void;
  /**
   * Issues to re-read one by one (from webhooks): the labelled listing cannot show an issue that
   * lost the label, a single GET can. Only issues already stored or carrying the label are kept.
   */
  refreshIssues?: Array<{ repo: string; number: number }>;
  /** The run's deadline: once aborted, the repositories not yet synced fail with its reason. */
  signal?: AbortSignal;
}

type IssueRow = Awaited<ReturnType<Db['issue']['findMany']>>[number];
type IssueData = Omit<IssueRow, 'syncedAt'>;

const lowerId = (id: string) => id.toLowerCase();
const newestUpdate = (items: IssueListItem[]) =>
  items.reduce<Date | null>((newest, i) => {
    const at = new Date(i.updated_at);
    return newest === null || at > newest ? at : newest;
  }, null);

function fromGitHub(planId: string, repo: string, item: IssueListItem, previous: IssueRow | undefined): IssueData {
  const estimate = parseBodyEstimate(item.body);
  return {
    // A stored issue keeps its id even if GITHUB_REPOS spells the repository in other letter case.
    id: previous?.id ?? `${repo}#${item.number}`,
    planId,
    repo: previous?.repo ?? repo,
    number: item.number,
    title: item.title,
    state: item.state === 'closed' ? 'closed' : 'open',
    stateReason: item.state_reason ?? null,
    labels: JSON.stringify(item.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean)),
    assignees: JSON.stringify((item.assignees ?? []).map((a) => a.login)),
    htmlUrl: item.html_url,
    estimateText: estimate?.text ?? null,
    estimateMinutes: estimate?.minutes ?? null,
    linkedPullRequests: previous?.linkedPullRequests ?? '[]',
    cellKey: previous?.cellKey ?? null,
    mapping: previous?.mapping ?? 'unmapped',
    mappingNote: previous?.mappingNote ?? null,
    openedAt: new Date(item.created_at),
    updatedAt: new Date(item.updated_at),
    closedAt: item.closed_at ? new Date(item.closed_at) : null,
  };
}

/** The fields a sync compares and writes; the columns below are these plus the row's identity and sync time. */
const FIELDS = [
  'title',
  'state',
  'stateReason',
  'labels',
  'assignees',
  'htmlUrl',
  'estimateText',
  'estimateMinutes',
  'linkedPullRequests',
  'cellKey',
  'mapping',
  'mappingNote',
  'openedAt',
  'updatedAt',
  'closedAt',
] as const satisfies ReadonlyArray<keyof IssueData>;
// What makes a cell's state or figures change (and so its verification worth re-running).
const CELL_FIELDS: Array<keyof IssueData> = ['state', 'assignees', 'estimateMinutes', 'linkedPullRequests'];

const same = (a: unknown, b: unknown) =>
  a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b;
const differs = (a: IssueData, b: IssueData, fields: ReadonlyArray<keyof IssueData>) =>
  fields.some((f) => !same(a[f], b[f]));

interface RepoListing {
  repo: string;
  items: IssueListItem[];
  etag: string | null;
  since: Date | null;
  quota: RateLimitQuota | null;
}

/** Every column of an issue, in the table's order, for its bulk upsert. */
const ISSUE_UPSERT = bulkUpsertStatement(
  'Issue',
  'id',
  {
    id: 'text',
    planId: 'text',
    repo: 'text',
    number: 'int',
    title: 'text',
    state: 'text',
    stateReason: 'text',
    labels: 'text',
    assignees: 'text',
    htmlUrl: 'text',
    estimateText: 'text',
    estimateMinutes: 'int',
    linkedPullRequests: 'text',
    cellKey: 'text',
    mapping: 'text',
    mappingNote: 'text',
    openedAt: 'timestamp(3)',
    updatedAt: 'timestamp(3)',
    closedAt: 'timestamp(3)',
    syncedAt: 'timestamp(3)',
  } satisfies Record<keyof IssueRow, BulkColumnType>,
  { unflushedCommit: true },
);

/** Every column of a repository's sync state, for its bulk upsert (all repositories of a sync in one statement). */
export const REPO_STATE_UPSERT = bulkUpsertStatement(
  'RepoSyncState',
  'repo',
  {
    repo: 'text',
    etag: 'text',
    since: 'timestamp(3)',
    lastSyncedAt: 'timestamp(3)',
    lastStatus: 'text',
    lastError: 'text',
    rateLimitRemaining: 'int',
    rateLimitLimit: 'int',
    rateLimitReset: 'timestamp(3)',
  } satisfies Record<keyof Awaited<ReturnType<Db['repoSyncState']['findMany']>>[number], BulkColumnType>,
  { unflushedCommit: true },
);

/** Plans whose issues this process has mapped to cells since it loaded them. */
const decidedPlans = new WeakSet<Plan>();

/**
 * Repositories whose listings are in flight at once. GitHub's secondary rate limit allows 100 concurrent
 * requests per token; 8 lets a sync that finds nothing new (a 304 per repository) take one round trip for
 * a typical plan's repositories instead of one per repository.
 */
export const SYNC_FETCH_CONCURRENCY = 8;

interface MergeResult {
  /** Issues written, by repository (lower case). */
  writtenByRepo: Map<string, number>;
  issuesChanged: number;
  changedCellKeys: Set<string>;
}

/**
 * Merges every repository's fetched issues into the store at once and re-decides every issue's cell
 * (with no listings it only re-decides cells, after the plan file changed); rows that come out the same
 * are not written. One merge per run, not one per repository: deciding cells is a pass over all the
 * plan's issues, and repeating it per repository made an initial sync of 8 repositories do it 4.5 times
 * over. The work is done in memory, then written in batches (bulkUpsert); each repository's ETag and
 * watermark are stored after its issues, so a merge cut off half-way is fetched and merged again next
 * time, and every row it did write is a whole, newer issue.
 */
async function mergeIssues(
  store: Pick<Store, 'db' | 'plan' | 'location'>,
  label: string,
  listings: RepoListing[],
): Promise<MergeResult> {
  const { db, plan } = store;
  const stored = (await readBulkRows(db, store.location.provider, ISSUE_UPSERT, 'planId', plan.id)) as IssueRow[];
  const before = new Map(stored.map((row) => [lowerId(row.id), row]));
  const rows = new Map<string, IssueData>(before);
  const pullRequestsByRepo: Array<[string, IssueListItem[]]> = [];
  for (const listing of listings) {
    // The listing is newest-update first and may repeat an item across passes: keep the newest.
    const latest = new Map<number, IssueListItem>();
    for (const item of listing.items) {
      const seen = latest.get(item.number);
      if (!seen || Date.parse(item.updated_at) >= Date.parse(seen.updated_at)) latest.set(item.number, item);
    }
    const pullRequests: IssueListItem[] = [];
    for (const item of latest.values()) {
      if (item.pull_request) {
        pullRequests.push(item); // the issues endpoint returns pull requests too: they are not issues
        continue;
      }
      const id = lowerId(`${listing.repo}#${item.number}`);
      rows.set(id, fromGitHub(plan.id, listing.repo, item, before.get(id)));
    }
    pullRequestsByRepo.push([listing.repo, pullRequests]);
    // A 10,000-issue merge is seconds of CPU on a busy machine: readers get a turn between repositories.
    await yieldToEventLoop();
  }
  // Once every listed issue is in: a pull request may close an issue of a repository listed after its own.
  for (const [repo, pullRequests] of pullRequestsByRepo) linkPullRequests(rows, repo, pullRequests);

  // Issues share a few label sets: each distinct labels column is parsed once.
  const labelSets = new Map<string, string[]>();
  const labelsOf = (text: string) => {
    let labels = labelSets.get(text);
    if (!labels) {
      labels = readJsonColumn(stringListColumn, text, 'Issue.labels');
      labelSets.set(text, labels);
    }
    return labels;
  };
  const decisions = assignCells(
    plan,
    [...rows.values()].map((r) => ({
      id: r.id,
      title: r.title,
      labels: labelsOf(r.labels),
      state: r.state,
      stateReason: r.stateReason,
      openedAt: r.openedAt,
    })),
    label,
  );
  await yieldToEventLoop();
  const now = new Date();
  // Stored rows that changed, and rows new to the store: the sync reads the stored issues above under its job lease, and
  // nothing else writes them, so a new row's key is free and it goes in without a conflict check.
  const updated: IssueRow[] = [];
  const added: IssueRow[] = [];
  const writtenByRepo = new Map<string, number>();
  const changedCellKeys = new Set<string>();
  for (const [id, row] of rows) {
    const decision = decisions.get(row.id)!;
    const next: IssueRow = {
      ...row,
      cellKey: decision.cellKey,
      mapping: decision.mapping,
      mappingNote: decision.note,
      syncedAt: now,
    };
    const previous = before.get(id);
    if (previous && !differs(previous, next, FIELDS)) continue;
    (previous ? updated : added).push(next);
    const repoKey = next.repo.toLowerCase();
    writtenByRepo.set(repoKey, (writtenByRepo.get(repoKey) ?? 0) + 1);
    const cellMoved = previous?.cellKey !== next.cellKey || previous?.mapping !== next.mapping;
    if (previous?.mapping === 'mapped' && previous.cellKey && (cellMoved || differs(previous, next, CELL_FIELDS)))
      changedCellKeys.add(previous.cellKey);
    if (next.mapping === 'mapped' && next.cellKey && (!previous || cellMoved || differs(previous, next, CELL_FIELDS)))
      changedCellKeys.add(next.cellKey);
  }
  await bulkUpsert(db, store.location.provider, ISSUE_UPSERT, updated);
  await bulkUpsert(db, store.location.provider, ISSUE_UPSERT, added, { allNew: true });
  decidedPlans.add(plan);
  await bulkUpsert(
    db,
    store.location.provider,
    REPO_STATE_UPSERT,
    listings.map(({ repo, quota, etag, since }) => ({
      repo,
      etag,
      since,
      lastSyncedAt: now,
      lastStatus: 'ok',
      lastError: null,
      rateLimitRemaining: quota?.remaining ?? null,
      rateLimitLimit: quota?.limit ?? null,
      rateLimitReset: quota ? new Date(quota.resetAt) : null,
    })),
  );
  return { writtenByRepo, issuesChanged: updated.length + added.length, changedCellKeys };
}

/** One repository's fetch: its listing when anything changed, or why it failed. */
interface RepoFetch {
  repo: string;
  previous: PreviousRepoState | undefined;
  traffic: GitHubTraffic;
  pages: number;
  /** Null when GitHub answered 304 and no webhook named an issue: nothing to merge. */
  listing: RepoListing | null;
  failure: GitHubSyncError | null;
}

/** One repository: its conditional, paginated listing, and the issues a webhook named. Never throws. */
async function fetchRepo(
  options: SyncOptions,
  repo: string,
  progress: ProgressReport,
  previous: PreviousRepoState | undefined,
): Promise<RepoFetch> {
  const { store } = options;
  const label = options.label ?? store.plan.issueLabel;
  // Its own client, to count its own requests while the other repositories' are on the wire too.
  const client = options.client.child();
  const fetched: RepoFetch = { repo, previous, traffic: client.traffic, pages: 0, listing: null, failure: null };
  if (options.signal?.aborted) {
    fetched.failure = new GitHubSyncError(`${repo}: not synced, ${abortReason(options.signal)}.`, null);
    return fetched;
  }
  let since = previous?.since ?? null;
  let etag = previous?.etag ?? null;
  const items: IssueListItem[] = [];
  try {
    // One conditional request per repository when nothing changed (304); otherwise the pages down to
    // what the previous sync saw. The ETag and the newest update seen are what the next sync repeats.
    const result = await listLabelledIssues(client, { repo, label, seenUpTo: since, etag }, () => progress.pageRead());
    if (!result.notModified) {
      fetched.pages = result.pages;
      items.push(...result.items);
      const newest = newestUpdate(result.items);
      since = newest && (!since || newest > since) ? newest : since;
      etag = result.etag;
    }
    items.push(...(await refreshedIssues(options, client, repo, label)));
  } catch (error) {
    fetched.failure = failureOf(options, repo, error);
    return fetched;
  }
  if (fetched.pages > 0 || items.length > 0)
    fetched.listing = { repo, items, etag, since, quota: client.traffic.quota ?? options.client.traffic.quota };
  return fetched;
}

/** The issues a webhook named in `repo`, as GitHub has them now: those stored, or carrying the label. */
async function refreshedIssues(
  options: SyncOptions,
  client: GitHubClient,
  repo: string,
  label: string,
): Promise<IssueListItem[]> {
  const { store } = options;
  const refresh = (options.refreshIssues ?? [])
    .filter((r) => r.repo.toLowerCase() === repo.toLowerCase())
    .map((r) => r.number);
  if (refresh.length === 0) return [];
  const stored = new Set(
    (
      await store.db.issue.findMany({
        where: { planId: store.plan.id, number: { in: refresh } },
        select: { repo: true, number: true },
        orderBy: { id: 'asc' },
      })
    )
      .filter((i) => i.repo.toLowerCase() === repo.toLowerCase())
      .map((i) => i.number),
  );
  const refreshed: IssueListItem[] = [];
  for (const number of new Set(refresh)) {
    const item = await getIssue(client, repo, number);
    const labelled = item?.labels.some(
      (l) => (typeof l === 'string' ? l : l.name)?.toLowerCase() === label.toLowerCase(),
    );
    if (item && (stored.has(number) || labelled)) refreshed.push(item);
  }
  return refreshed;
}

/**
 * A failure that escapes one repository's fetch stays that repository's: GitHub's own say what to do;
 * anything else (the store refusing a read, the run's deadline) becomes a sentence, with store details in
 * the server log only.
 */
function failureOf(options: SyncOptions, repo: string, error: unknown): GitHubSyncError {
  if (error instanceof GitHubSyncError) return error;
  if (options.signal?.aborted) return new GitHubSyncError(`${repo}: stopped, ${abortReason(options.signal)}.`, null);
  logger().error({ job: 'github-sync', repo, ...errorFields(error) }, `Fetching ${repo}'s issues failed`);
  return new GitHubSyncError(
    `${repo}: reading its issues failed; earlier data is kept. The server log has the details.`,
    null,
  );
}

const abortReason = (signal: AbortSignal) =>
  signal.reason instanceof Error ? signal.reason.message : 'the run was cancelled';

/**
 * Syncs the plan's issues from every configured repository into the store and records the run. The
 * repositories are fetched a few at a time (SYNC_FETCH_CONCURRENCY), then merged in one pass. A repository
 * that fails (5xx mid-pagination, rate limit, 401, 404) keeps its previous data and its reason is recorded
 * on the run. Issues missing from an incremental listing are kept, never deleted. Run it through the
 * JobRunner so two replicas never sync at once.
 */
export async function syncGitHub(options: SyncOptions): Promise<SyncResult> {
  const { db, plan } = options.store;
  const label = options.label ?? plan.issueLabel;
  const startedAt = new Date();
  const startRequests = options.client.traffic.requests;
  const startNotModified = options.client.traffic.notModified;
  let merged: MergeResult = { writtenByRepo: new Map(), issuesChanged: 0, changedCellKeys: new Set() };
  let outcomes: RepoSyncOutcome[] = [];
  let runId: number | undefined;
  try {
    // The run's row and the repositories' states (their ETags, which the first request needs): one round trip
    // on PostgreSQL. A sync that finds nothing new then waits on the store twice: for these, and for the
    // outcome with the sweep beside it.
    const started = await startRun(db, options.store.location.provider, options.trigger, startedAt);
    runId = started.runId;
    const stored = new Map(started.states.map((s) => [s.repo, s]));
    const progress = new ProgressReport(options.repos, options.onProgress);
    const fetched = await inOrderAtMost(options.repos, SYNC_FETCH_CONCURRENCY, async (repo) => {
      progress.started(repo);
      const result = await fetchRepo(options, repo, progress, stored.get(repo));
      progress.read(repo);
      return result;
    });
    const listings = fetched.flatMap((f) => (f.listing ? [f.listing] : []));
    if (listings.length > 0) progress.mergingNow();
    let mergeFailure: string | null = null;
    // Nothing fetched and the plan's cells not yet decided in this process: re-decide them anyway, as
    // the plan file may have changed (it is read at start, so once per process is enough).
    if (listings.length > 0 || !decidedPlans.has(plan)) {
      try {
        merged = await mergeIssues(options.store, label, listings);
      } catch (error) {
        // Some batches may have been written; the repositories' ETags were not, so the next sync merges again.
        logger().error({ job: 'github-sync', ...errorFields(error) }, 'Saving the synced issues failed');
        mergeFailure = 'saving its issues to the store failed; earlier data is kept. The server log has the details.';
      }
    }
    outcomes = fetched.map((f) => repoOutcome(f, merged, mergeFailure));
    await recordRepoStates(db, fetched, outcomes);
  } catch (error) {
    // A store failure: record it on the run (without the store's own text), then let the job runner report it.
    logger().error({ job: 'github-sync', ...errorFields(error) }, 'GitHub sync failed in the store');
    // A run that could not even start has no row to record it on.
    if (runId === undefined) throw error;
    await finishRun(db, options.store.location.provider, runId, startedAt, {
      status: 'failed',
      finishedAt: new Date(),
      repos: JSON.stringify(outcomes),
      error: 'Saving to the store failed; earlier data is kept. The server log has the details.',
    });
    throw error;
  }
  const failed = outcomes.filter((o) => o.status === 'failed');
  const status: SyncStatus =
    failed.length === 0 ? 'succeeded' : failed.length === outcomes.length ? 'failed' : 'partial';
  const result: SyncResult = {
    runId,
    status,
    repos: outcomes,
    changedCellKeys: [...merged.changedCellKeys].sort(),
    issuesChanged: merged.issuesChanged,
    requests: options.client.traffic.requests - startRequests,
    notModified: options.client.traffic.notModified - startNotModified,
    pages: outcomes.reduce((s, o) => s + o.pages, 0),
    quota: options.client.traffic.quota,
  };
  await finishRun(db, options.store.location.provider, runId, startedAt, {
    status,
    finishedAt: new Date(),
    requests: result.requests,
    notModified: result.notModified,
    pages: result.pages,
    issuesChanged: result.issuesChanged,
    repos: JSON.stringify(outcomes),
    error: failed.length > 0 ? failed.map((o) => o.error).join(' ') : null,
  });
  return result;
}

/** One repository's part of the run, from its fetch and the merge. */
function repoOutcome(fetched: RepoFetch, merged: MergeResult, mergeFailure: string | null): RepoSyncOutcome {
  const outcome: RepoSyncOutcome = {
    repo: fetched.repo,
    status: 'unchanged',
    requests: fetched.traffic.requests,
    notModified: fetched.traffic.notModified,
    pages: fetched.pages,
    issuesChanged: 0,
    error: null,
    httpStatus: null,
    quota: fetched.traffic.quota,
  };
  if (fetched.failure)
    return { ...outcome, status: 'failed', error: fetched.failure.message, httpStatus: fetched.failure.status };
  if (fetched.listing && mergeFailure)
    return { ...outcome, status: 'failed', error: `${fetched.repo}: ${mergeFailure}` };
  const issuesChanged = fetched.listing ? (merged.writtenByRepo.get(fetched.repo.toLowerCase()) ?? 0) : 0;
  return { ...outcome, status: issuesChanged > 0 ? 'updated' : 'unchanged', issuesChanged };
}

/**
 * The repositories' sync bookkeeping, beside what the merge stored: a failure is recorded (its issues stay
 * exactly as they were), and a repository that answered 304 after an earlier failure is ok again.
 */
async function recordRepoStates(db: Db, fetched: RepoFetch[], outcomes: RepoSyncOutcome[]) {
  for (const [index, { repo, previous, listing }] of fetched.entries()) {
    const outcome = outcomes[index];
    if (outcome.status === 'failed') {
      const state = { lastStatus: 'failed', lastError: outcome.error };
      await db.repoSyncState.upsert({ where: { repo }, create: { repo, ...state }, update: state });
    } else if (!listing && previous?.lastStatus === 'failed') {
      await db.repoSyncState.update({
        where: { repo },
        data: { lastStatus: 'ok', lastError: null, lastSyncedAt: new Date() },
      });
    }
  }
}
