import type { Db } from '../db/client';
import type { z } from 'zod';
import { readJsonColumn, type repoSyncOutcomeColumn, stringListColumn } from '../db/json-columns';
import type { StoreProvider } from '../db/database-url';
import type { Store } from '../db/store';
import type { Plan } from '../plan/load';
import { parseBodyEstimate } from './body-estimate';
import { assignCells } from './classify';
import type { GitHubClient, RateLimitQuota } from './client';
import { linkPullRequests } from './linked-prs';
import { getIssue, GitHubSyncError, listLabelledIssues, type IssueListItem } from './list-issues';
import { errorFields, logger } from '../log/logger';

/** One repository's part of a sync run, as SyncRun.repos stores it. */
export type RepoSyncOutcome = z.infer<typeof repoSyncOutcomeColumn>;

export interface SyncProgress {
  repo: string;
  repoIndex: number;
  repoCount: number;
  pages: number;
}

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

interface ApplyResult {
  issuesChanged: number;
  changedCellKeys: Set<string>;
}

interface RepoListing {
  repo: string;
  items: IssueListItem[];
  etag: string | null;
  since: Date | null;
  quota: RateLimitQuota | null;
}

/** Issues written per statement: 500 × 20 columns stays far below SQLite's and PostgreSQL's parameter limits. */
export const ISSUE_WRITE_BATCH = 500;
const ISSUE_COLUMNS = ['id', 'planId', 'repo', 'number', ...FIELDS, 'syncedAt'] as const satisfies ReadonlyArray<
  keyof IssueRow
>;
const quoted = ISSUE_COLUMNS.map((c) => `"${c}"`);
const UPSERT_TAIL = ` ON CONFLICT ("id") DO UPDATE SET ${quoted
  .slice(1)
  .map((c) => `${c} = excluded.${c}`)
  .join(', ')}`;

/** PostgreSQL's type for each column, so a batch can travel as one array per column (see writeIssues). */
const POSTGRES_COLUMN_TYPES: Record<(typeof ISSUE_COLUMNS)[number], string> = {
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
};
// A timestamp column stores UTC without a zone; an ISO string's "Z" is ignored on input, as Prisma's own writes do.
const columnValue = (value: IssueRow[keyof IssueRow]) => (value instanceof Date ? value.toISOString() : value);
const POSTGRES_UPSERT = `INSERT INTO "Issue" (${quoted.join(', ')}) SELECT * FROM UNNEST(${ISSUE_COLUMNS.map(
  (column, i) => `$${i + 1}::${POSTGRES_COLUMN_TYPES[column]}[]`,
).join(', ')})${UPSERT_TAIL}`;

/**
 * Writes issues in batches, one INSERT … ON CONFLICT DO UPDATE statement per batch (new and
 * changed rows alike). Each statement commits on its own, so readers (the matrix, /api/health)
 * never wait behind a whole sync: at most behind one batch. PostgreSQL gets each column as one array
 * (UNNEST): 20 parameters for any batch, where a row of placeholders each took it ~25 ms to parse and
 * plan 250 issues; SQLite takes the rows as placeholders.
 */
async function writeIssues(db: Db, provider: StoreProvider, rows: IssueRow[]) {
  for (let start = 0; start < rows.length; start += ISSUE_WRITE_BATCH) {
    const batch = rows.slice(start, start + ISSUE_WRITE_BATCH);
    if (provider === 'postgresql') {
      await db.$executeRawUnsafe(
        POSTGRES_UPSERT,
        ...ISSUE_COLUMNS.map((column) => batch.map((row) => columnValue(row[column]))),
      );
      continue;
    }
    const values = batch.flatMap((row) => ISSUE_COLUMNS.map((column) => row[column]));
    const tuples = batch.map(() => `(${ISSUE_COLUMNS.map(() => '?').join(', ')})`);
    await db.$executeRawUnsafe(
      `INSERT INTO "Issue" (${quoted.join(', ')}) VALUES ${tuples.join(', ')}${UPSERT_TAIL}`,
      ...values,
    );
  }
}

/** Plans whose issues this process has mapped to cells since it loaded them. */
const decidedPlans = new WeakSet<Plan>();

/**
 * The plan's stored issues, read once per sync and kept current as repositories merge, so the
 * second repository does not read the first one's issues back.
 */
export class IssueLedger {
  private rows: Map<string, IssueRow> | null = null;
  constructor(
    private readonly db: Db,
    private readonly planId: string,
  ) {}

  async all(): Promise<Map<string, IssueRow>> {
    this.rows ??= new Map(
      (await this.db.issue.findMany({ where: { planId: this.planId }, orderBy: { id: 'asc' } })).map((row) => [
        lowerId(row.id),
        row,
      ]),
    );
    return this.rows;
  }

  remember(rows: IssueRow[]) {
    for (const row of rows) this.rows?.set(lowerId(row.id), row);
  }

  forget() {
    this.rows = null;
  }
}

/**
 * Merges one repository's fetched issues into the store and re-decides every issue's cell. Without
 * a listing it only re-decides cells (after the plan file changed); rows that come out the same are
 * not written. The work is done in memory, then written in batches (writeIssues); the repository's
 * ETag and `since` are stored last, so a merge cut off half-way is fetched and merged again next
 * time, and every row it did write is a whole, newer issue.
 */
async function mergeIssues(
  store: Pick<Store, 'db' | 'plan' | 'location'>,
  ledger: IssueLedger,
  label: string,
  listing: RepoListing | null,
): Promise<ApplyResult> {
  const { db, plan } = store;
  const before = await ledger.all();
  const rows = new Map<string, IssueData>(before);
  // The listing is newest-update first and may repeat an item across passes: keep the newest.
  const latest = new Map<number, IssueListItem>();
  for (const item of listing?.items ?? []) {
    const seen = latest.get(item.number);
    if (!seen || Date.parse(item.updated_at) >= Date.parse(seen.updated_at)) latest.set(item.number, item);
  }
  const pullRequests: IssueListItem[] = [];
  for (const item of latest.values()) {
    if (item.pull_request) {
      pullRequests.push(item); // the issues endpoint returns pull requests too: they are not issues
      continue;
    }
    const id = lowerId(`${listing!.repo}#${item.number}`);
    rows.set(id, fromGitHub(plan.id, listing!.repo, item, before.get(id)));
  }
  if (listing) linkPullRequests(rows, listing.repo, pullRequests);

  const decisions = assignCells(
    plan,
    [...rows.values()].map((r) => ({
      id: r.id,
      title: r.title,
      labels: readJsonColumn(stringListColumn, r.labels, 'Issue.labels'),
      state: r.state,
      stateReason: r.stateReason,
      openedAt: r.openedAt,
    })),
    label,
  );
  const now = new Date();
  const written: IssueRow[] = [];
  const changedCellKeys = new Set<string>();
  for (const [id, row] of rows) {
    const decision = decisions.get(row.id)!;
    const next: IssueData = {
      ...row,
      cellKey: decision.cellKey,
      mapping: decision.mapping,
      mappingNote: decision.note,
    };
    const previous = before.get(id);
    if (previous && !differs(previous, next, FIELDS)) continue;
    written.push({ ...next, syncedAt: now });
    const cellMoved = previous?.cellKey !== next.cellKey || previous?.mapping !== next.mapping;
    if (previous?.mapping === 'mapped' && previous.cellKey && (cellMoved || differs(previous, next, CELL_FIELDS)))
      changedCellKeys.add(previous.cellKey);
    if (next.mapping === 'mapped' && next.cellKey && (!previous || cellMoved || differs(previous, next, CELL_FIELDS)))
      changedCellKeys.add(next.cellKey);
  }
  await writeIssues(db, store.location.provider, written);
  ledger.remember(written);
  decidedPlans.add(plan);
  if (listing) {
    const { repo, quota } = listing;
    const state = {
      etag: listing.etag,
      since: listing.since,
      lastSyncedAt: now,
      lastStatus: 'ok',
      lastError: null,
      rateLimitRemaining: quota?.remaining ?? null,
      rateLimitLimit: quota?.limit ?? null,
      rateLimitReset: quota ? new Date(quota.resetAt) : null,
    };
    await db.repoSyncState.upsert({ where: { repo }, create: { repo, ...state }, update: state });
  }
  return { issuesChanged: written.length, changedCellKeys };
}

/** One repository: fetch (conditional, paginated), then merge in one transaction, or record why not. */
async function syncRepo(
  options: SyncOptions,
  repo: string,
  repoIndex: number,
  changedCellKeys: Set<string>,
  ledger: IssueLedger,
): Promise<RepoSyncOutcome> {
  const { store, client } = options;
  const label = options.label ?? store.plan.issueLabel;
  const startRequests = client.traffic.requests;
  const startNotModified = client.traffic.notModified;
  const outcome = (status: RepoSyncOutcome['status'], extra: Partial<RepoSyncOutcome>): RepoSyncOutcome => ({
    repo,
    status,
    requests: client.traffic.requests - startRequests,
    notModified: client.traffic.notModified - startNotModified,
    pages: 0,
    issuesChanged: 0,
    error: null,
    httpStatus: null,
    quota: client.traffic.quota,
    ...extra,
  });

  const previous = await store.db.repoSyncState.findUnique({ where: { repo } });
  let stored = { since: previous?.since ?? null, etag: previous?.etag ?? null };
  let pages = 0;
  const items: IssueListItem[] = [];
  const refreshed: IssueListItem[] = [];
  try {
    // One conditional request per repository when nothing changed (304); otherwise the pages down to
    // what the previous sync saw. The ETag and the newest update seen are what the next sync repeats.
    const result = await listLabelledIssues(
      client,
      { repo, label, seenUpTo: stored.since, etag: stored.etag },
      (page) => options.onProgress?.({ repo, repoIndex, repoCount: options.repos.length, pages: page }),
    );
    if (!result.notModified) {
      pages = result.pages;
      items.push(...result.items);
      const newest = newestUpdate(result.items);
      stored = { since: newest && (!stored.since || newest > stored.since) ? newest : stored.since, etag: result.etag };
    }
    const refresh = (options.refreshIssues ?? [])
      .filter((r) => r.repo.toLowerCase() === repo.toLowerCase())
      .map((r) => r.number);
    if (refresh.length > 0) {
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
      for (const number of new Set(refresh)) {
        const item = await getIssue(client, repo, number);
        const labelled = item?.labels.some(
          (l) => (typeof l === 'string' ? l : l.name)?.toLowerCase() === label.toLowerCase(),
        );
        if (item && (stored.has(number) || labelled)) refreshed.push(item);
      }
    }
  } catch (error) {
    const failure =
      error instanceof GitHubSyncError ? error : new GitHubSyncError(`${repo}: ${(error as Error).message}`, null);
    // Only the repository's sync bookkeeping is written: its issues stay exactly as they were.
    await store.db.repoSyncState.upsert({
      where: { repo },
      create: { repo, lastStatus: 'failed', lastError: failure.message },
      update: { lastStatus: 'failed', lastError: failure.message },
    });
    return outcome('failed', { pages, error: failure.message, httpStatus: failure.status });
  }

  if (pages === 0 && refreshed.length === 0) {
    // 304: nothing changed. Write nothing, unless a failure recorded earlier must be cleared.
    if (previous?.lastStatus === 'failed') {
      await store.db.repoSyncState.update({
        where: { repo },
        data: { lastStatus: 'ok', lastError: null, lastSyncedAt: new Date() },
      });
    }
    return outcome('unchanged', {});
  }
  const applied = await mergeIssues(store, ledger, label, {
    repo,
    items: [...items, ...refreshed],
    ...stored,
    quota: client.traffic.quota,
  });
  for (const key of applied.changedCellKeys) changedCellKeys.add(key);
  return outcome(applied.issuesChanged > 0 ? 'updated' : 'unchanged', { pages, issuesChanged: applied.issuesChanged });
}

/**
 * One repository, never more: a failure that escapes it (the store refusing its merge, the run's deadline)
 * becomes that repository's failed outcome, and the others still sync. Store details go to the server log
 * only; the run keeps a sentence.
 */
async function syncRepoIsolated(
  options: SyncOptions,
  repo: string,
  repoIndex: number,
  changedCellKeys: Set<string>,
  ledger: IssueLedger,
): Promise<RepoSyncOutcome> {
  const failed = (error: string): RepoSyncOutcome => ({
    repo,
    status: 'failed',
    requests: 0,
    notModified: 0,
    pages: 0,
    issuesChanged: 0,
    error,
    httpStatus: null,
    quota: options.client.traffic.quota,
  });
  if (options.signal?.aborted) return failed(`${repo}: not synced, ${abortReason(options.signal)}.`);
  try {
    return await syncRepo(options, repo, repoIndex, changedCellKeys, ledger);
  } catch (error) {
    // Some batches may have been written: the next repository reads the store afresh.
    ledger.forget();
    if (options.signal?.aborted) return failed(`${repo}: stopped, ${abortReason(options.signal)}.`);
    logger().error({ job: 'github-sync', repo, ...errorFields(error) }, `Saving ${repo}'s issues failed`);
    return failed(
      `${repo}: saving its issues to the store failed; earlier data is kept. The server log has the details.`,
    );
  }
}

const abortReason = (signal: AbortSignal) =>
  signal.reason instanceof Error ? signal.reason.message : 'the run was cancelled';

/**
 * Syncs the plan's issues from every configured repository into the store and records the run.
 * Each repository is merged in its own transaction; a repository that fails (5xx mid-pagination,
 * rate limit, 401, 404) keeps its previous data and its reason is recorded on the run. Issues
 * missing from an incremental listing are kept, never deleted. Run it through the JobRunner so
 * two replicas never sync at once.
 */
export async function syncGitHub(options: SyncOptions): Promise<SyncResult> {
  const { db } = options.store;
  const startedAt = new Date();
  // Under the job lease no other sync runs: a run still marked running was cut off.
  await db.syncRun.updateMany({
    where: { status: 'running' },
    data: {
      status: 'failed',
      finishedAt: startedAt,
      error: 'Interrupted: the server stopped, or the run passed SYNC_TIMEOUT, before it finished.',
    },
  });
  const run = await db.syncRun.create({ data: { trigger: options.trigger, status: 'running', startedAt } });
  const startRequests = options.client.traffic.requests;
  const startNotModified = options.client.traffic.notModified;
  const changedCellKeys = new Set<string>();
  const outcomes: RepoSyncOutcome[] = [];
  const ledger = new IssueLedger(db, options.store.plan.id);
  let remappedIssues = 0;
  try {
    for (const [index, repo] of options.repos.entries()) {
      options.onProgress?.({ repo, repoIndex: index, repoCount: options.repos.length, pages: 0 });
      outcomes.push(await syncRepoIsolated(options, repo, index, changedCellKeys, ledger));
    }
    if (!outcomes.some((o) => o.pages > 0 || o.issuesChanged > 0) && !decidedPlans.has(options.store.plan)) {
      // Nothing fetched, so nothing re-decided cells yet: do it now, as the plan file may have changed
      // (it is read at start, so once per process is enough).
      const label = options.label ?? options.store.plan.issueLabel;
      const remapped = await mergeIssues(options.store, ledger, label, null);
      for (const key of remapped.changedCellKeys) changedCellKeys.add(key);
      remappedIssues = remapped.issuesChanged;
    }
  } catch (error) {
    // A store failure: record it on the run (without the store's own text), then let the job runner report it.
    logger().error({ job: 'github-sync', ...errorFields(error) }, 'GitHub sync failed in the store');
    await db.syncRun.update({
      where: { id: run.id },
      data: {
        status: 'failed',
        finishedAt: new Date(),
        repos: JSON.stringify(outcomes),
        error: 'Saving to the store failed; earlier data is kept. The server log has the details.',
      },
    });
    throw error;
  }
  const failed = outcomes.filter((o) => o.status === 'failed');
  const status: SyncStatus =
    failed.length === 0 ? 'succeeded' : failed.length === outcomes.length ? 'failed' : 'partial';
  const result: SyncResult = {
    runId: run.id,
    status,
    repos: outcomes,
    changedCellKeys: [...changedCellKeys].sort(),
    issuesChanged: outcomes.reduce((s, o) => s + o.issuesChanged, remappedIssues),
    requests: options.client.traffic.requests - startRequests,
    notModified: options.client.traffic.notModified - startNotModified,
    pages: outcomes.reduce((s, o) => s + o.pages, 0),
    quota: options.client.traffic.quota,
  };
  await db.syncRun.update({
    where: { id: run.id },
    data: {
      status,
      finishedAt: new Date(),
      requests: result.requests,
      notModified: result.notModified,
      pages: result.pages,
      issuesChanged: result.issuesChanged,
      repos: JSON.stringify(outcomes),
      error: failed.length > 0 ? failed.map((o) => o.error).join(' ') : null,
    },
  });
  return result;
}
