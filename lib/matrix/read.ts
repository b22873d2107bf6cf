import type { Store } from '../db/store';
import { linkedPullRequestsColumn, readJsonColumn, stringListColumn } from '../db/json-columns';
import { checkFactOf, storedCheckStatus } from './check-fact';
import { issueMatchSchema, serviceTelemetrySchema } from '../plan/schema';
import { readStoreRevision } from '../db/revision';
import { buildMatrix, buildServiceDetail } from './build';
import { type CompactMatrixView, compactMatrix } from './compact';
import { readCheckRows } from './read-checks';
import { readSignOffs } from './sign-offs';
import type {
  CheckFact,
  CheckPoint,
  IssueFact,
  MatrixInput,
  MatrixView,
  ServiceDetail,
  UnmappedIssueFact,
} from './types';

/** How many unmapped/conflicting issues the matrix lists; the panel says how many more there are. */
export const UNMAPPED_SHOWN = 100;

/**
 * The check results the derivation needs, bounded however long the history grows: the newest
 * result and the newest pass of each (cell, check), plus recent results for the sparklines.
 */
async function readChecks(
  store: Pick<Store, 'db' | 'location'>,
  planId: string,
): Promise<{ checks: CheckFact[]; history: Record<string, CheckPoint[]> }> {
  const { latest, history: recent } = await readCheckRows(store, planId);
  const checks = latest.map(checkFactOf);
  const history: Record<string, CheckPoint[]> = {};
  for (const r of recent.sort((a, b) => a.checkedAt.getTime() - b.checkedAt.getTime())) {
    const point: CheckPoint = {
      check: r.check,
      status: storedCheckStatus(r.status) ?? 'error',
      checkedAt: r.checkedAt.toISOString(),
    };
    if (history[r.cellKey]) history[r.cellKey].push(point);
    else history[r.cellKey] = [point];
  }
  return { checks, history };
}

/** What every issue fact carries, from its stored row. */
const issueIdentity = (i: { id: string; repo: string; number: number; title: string; state: string }) => ({
  id: i.id,
  repo: i.repo,
  number: i.number,
  title: i.title,
  state: i.state === 'closed' ? ('closed' as const) : ('open' as const),
});

/** Reads everything the matrix derivation needs for the store's plan. */
export async function readMatrixInput(store: Store): Promise<MatrixInput> {
  const { db, plan } = store;
  const planId = plan.id;
  const [planRow, services, capabilities, cells, issues, { checks, history }, unmapped, unmappedTotal, signOffs] =
    await Promise.all([
      db.plan.findUniqueOrThrow({ where: { id: planId } }),
      db.service.findMany({ where: { planId }, orderBy: { position: 'asc' } }),
      db.capability.findMany({ where: { planId }, orderBy: { position: 'asc' } }),
      db.cell.findMany({ where: { planId }, orderBy: { key: 'asc' } }),
      db.issue.findMany({ where: { planId, mapping: 'mapped' }, orderBy: { id: 'asc' } }),
      readChecks(store, planId),
      db.issue.findMany({ where: unmappedWhere(planId), orderBy: UNMAPPED_ORDER, take: UNMAPPED_SHOWN }),
      db.issue.count({ where: unmappedWhere(planId) }),
      readSignOffs(store),
    ]);
  return {
    plan: {
      id: planRow.id,
      title: planRow.title,
      source: planRow.source,
      headlineEstimateText: planRow.headlineEstimateText,
      headlineEstimateMinutes: planRow.headlineEstimateMinutes,
      prerequisite: planRow.prerequisite,
    },
    services: services.map((s) => ({
      slug: s.slug,
      position: s.position,
      name: s.name,
      label: s.label,
      runtimes: readJsonColumn(stringListColumn, s.runtimes, 'Service.runtimes'),
      hasFrontend: s.hasFrontend,
      repository: s.repository,
      telemetry: readJsonColumn(serviceTelemetrySchema, s.telemetry, 'Service.telemetry'),
      // Evidence specs are read from the plan file the store was opened with, not stored twice.
      evidence: plan.services.find((p) => p.slug === s.slug)?.evidence ?? { workloads: [], merged: {} },
    })),
    capabilities: capabilities.map((c) => ({
      slug: c.slug,
      position: c.position,
      name: c.name,
      signal: c.signal as 'profiling' | 'faro',
      part: c.part as 'code' | 'helm',
      match: readJsonColumn(issueMatchSchema, c.match, 'Capability.match'),
      deployed: plan.capabilities.find((p) => p.slug === c.slug)?.deployed ?? null,
    })),
    cells: cells.map((c) => ({
      key: c.key,
      serviceSlug: c.serviceSlug,
      capabilitySlug: c.capabilitySlug,
      title: c.title,
      labels: readJsonColumn(stringListColumn, c.labels, 'Cell.labels'),
      estimateText: c.estimateText,
      estimateMinutes: c.estimateMinutes,
      entryPoint: c.entryPoint,
      requirements: readJsonColumn(stringListColumn, c.requirements, 'Cell.requirements'),
      // Criteria and their proofs come from the plan file the store was opened with, like evidence specs.
      criteria: plan.cells.find((p) => p.key === c.key)?.criteria ?? [],
    })),
    issues: issues.map(
      (i): IssueFact => ({
        ...issueIdentity(i),
        assignees: readJsonColumn(stringListColumn, i.assignees, 'Issue.assignees'),
        htmlUrl: i.htmlUrl,
        estimateText: i.estimateText,
        estimateMinutes: i.estimateMinutes,
        linkedPullRequests: readJsonColumn(linkedPullRequestsColumn, i.linkedPullRequests, 'Issue.linkedPullRequests'),
        cellKey: i.cellKey,
        openedAt: i.openedAt.toISOString(),
        closedAt: i.closedAt?.toISOString() ?? null,
      }),
    ),
    checks,
    history,
    signOffs,
    now: new Date().toISOString(),
    unmappedIssues: unmapped.map(unmappedFact),
    unmappedTotal,
  };
}

type IssueRow = Awaited<ReturnType<Store['db']['issue']['findMany']>>[number];

const unmappedFact = (i: IssueRow): UnmappedIssueFact => ({
  ...issueIdentity(i),
  labels: readJsonColumn(stringListColumn, i.labels, 'Issue.labels'),
  htmlUrl: i.htmlUrl,
  mapping: i.mapping === 'conflict' ? 'conflict' : 'unmapped',
  note: i.mappingNote,
});

/** The plan's issues on no cell, as the matrix lists them: newest update first. */
const unmappedWhere = (planId: string) => ({ planId, mapping: { not: 'mapped' } });
const UNMAPPED_ORDER = [{ updatedAt: 'desc' as const }, { id: 'asc' as const }];

export interface UnmappedPage {
  total: number;
  /** 1-based; UNMAPPED_SHOWN issues per page, the first page being the matrix's list. */
  page: number;
  pages: number;
  issues: UnmappedIssueFact[];
}

/** One page of every unmapped or conflicting issue (the matrix lists the first): at most UNMAPPED_SHOWN rows read. */
export async function readUnmappedPage(store: Pick<Store, 'db' | 'plan'>, page: number): Promise<UnmappedPage> {
  const where = unmappedWhere(store.plan.id);
  const [total, rows] = await Promise.all([
    store.db.issue.count({ where }),
    store.db.issue.findMany({
      where,
      orderBy: UNMAPPED_ORDER,
      skip: (page - 1) * UNMAPPED_SHOWN,
      take: UNMAPPED_SHOWN,
    }),
  ]);
  return { total, page, pages: Math.max(1, Math.ceil(total / UNMAPPED_SHOWN)), issues: rows.map(unmappedFact) };
}

/** The derivation at one store revision, with its JSON written once for every request that wants it. */
export interface MatrixSnapshot {
  revision: number;
  input: MatrixInput;
  view: MatrixView;
  compact: CompactMatrixView;
  /** `"<plan>-<revision>"`: the same on every replica, so it serves as an ETag. */
  etag: string;
  /**
   * When the derivation goes stale without a write (a sign-off's expiry is judged against the
   * time), in ms since the epoch; null when only a new revision can change it.
   */
  staleAt: number | null;
  fullJson: () => string;
  compactJson: () => string;
}

interface Entry {
  revision: number;
  snapshot: Promise<MatrixSnapshot>;
}

// One entry per store (tests open several in one process); it survives dev-mode module reloads.
const holder = globalThis as unknown as { __rolloutBoardMatrixCache?: Map<string, Entry> };
if (!holder.__rolloutBoardMatrixCache) holder.__rolloutBoardMatrixCache = new Map();
const entries = holder.__rolloutBoardMatrixCache;

const once = (make: () => string) => {
  let text: string | undefined;
  return () => {
    if (text === undefined) text = make();
    return text;
  };
};

async function derive(store: Store, revision: number): Promise<MatrixSnapshot> {
  const input = await readMatrixInput(store);
  const view = buildMatrix(input);
  const compact = compactMatrix(view, revision);
  const now = Date.parse(input.now ?? new Date().toISOString());
  const expiresAt = (input.signOffs ?? []).flatMap((s) => (s.expiresAt ? [Date.parse(s.expiresAt)] : []));
  const expiries = expiresAt.filter((at) => at > now);
  // Sign-offs that expired since the revision was written change the view, so they change the ETag
  // too (the same count on every replica).
  const expired = expiresAt.length - expiries.length;
  return {
    revision,
    input,
    view,
    compact,
    etag: `"${store.plan.id}-${revision}${expired > 0 ? `-${expired}` : ''}"`,
    staleAt: expiries.length > 0 ? Math.min(...expiries) : null,
    fullJson: once(() => JSON.stringify(view)),
    compactJson: once(() => JSON.stringify(compact)),
  };
}

/**
 * The derived matrix at the store's current revision. The revision is read first, so a snapshot
 * never claims a newer revision than its data; between changes every request (and every page of
 * every replica's users) is served from one derivation, and concurrent requests share one that is
 * still running. A caller that has just read the revision (readStoreRevisions, with the sync panel's)
 * passes it in, so it is not read twice.
 */
export async function readMatrixSnapshot(store: Store, knownRevision?: number): Promise<MatrixSnapshot> {
  const revision = knownRevision ?? (await readStoreRevision(store.db));
  const key = `${store.location.provider}:${store.location.target}:${store.location.schema}:${store.plan.id}`;
  const cached = entries.get(key);
  if (cached && cached.revision >= revision) {
    const snapshot = await cached.snapshot;
    if (snapshot.staleAt === null || Date.now() < snapshot.staleAt) return snapshot;
  }
  const snapshot = derive(store, revision);
  entries.set(key, { revision, snapshot });
  // A failed read is not cached: the next request tries again.
  snapshot.catch(() => {
    if (entries.get(key)?.snapshot === snapshot) entries.delete(key);
  });
  return snapshot;
}

/** The derived matrix at the store's current revision (cached, see readMatrixSnapshot). */
export async function readMatrix(store: Store): Promise<MatrixView> {
  return (await readMatrixSnapshot(store)).view;
}

export async function readServiceDetail(store: Store, slug: string): Promise<ServiceDetail | null> {
  return buildServiceDetail((await readMatrixSnapshot(store)).input, slug);
}
