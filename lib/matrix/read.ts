import type { Store } from '../db/store';
import type { IssueMatch, ServiceTelemetry } from '../plan/schema';
import { buildMatrix, buildServiceDetail } from './build';
import type { CheckFact, CheckStatus, IssueFact, MatrixInput, MatrixView, ServiceDetail, UnmappedIssueFact } from './types';

/** How many unmapped/conflicting issues the matrix lists; the panel says how many more there are. */
export const UNMAPPED_SHOWN = 100;

const json = <T>(text: string): T => JSON.parse(text) as T;
/** Evidence is stored as text; a row that does not parse keeps its raw text rather than failing the page. */
const evidenceOf = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/** Reads everything the matrix derivation needs for the store's plan. */
export async function readMatrixInput({ db, plan }: Store): Promise<MatrixInput> {
  const planId = plan.id;
  const [planRow, services, capabilities, cells, issues, checks, unmapped, unmappedTotal] = await Promise.all([
    db.plan.findUniqueOrThrow({ where: { id: planId } }),
    db.service.findMany({ where: { planId }, orderBy: { position: 'asc' } }),
    db.capability.findMany({ where: { planId }, orderBy: { position: 'asc' } }),
    db.cell.findMany({ where: { planId } }),
    db.issue.findMany({ where: { planId, mapping: 'mapped' } }),
    // History without its evidence text: only the newest row of each cell and check needs it.
    db.checkResult.findMany({
      where: { planId },
      orderBy: { checkedAt: 'desc' },
      select: { id: true, cellKey: true, check: true, target: true, status: true, message: true, durationMs: true, checkedAt: true },
    }),
    db.issue.findMany({ where: { planId, mapping: { not: 'mapped' } }, orderBy: [{ updatedAt: 'desc' }, { id: 'asc' }], take: UNMAPPED_SHOWN }),
    db.issue.count({ where: { planId, mapping: { not: 'mapped' } } }),
  ]);
  const newestIds = new Map<string, number>();
  // Rows come newest first, so the first row of each cell and check is its newest.
  for (const c of checks) if (!newestIds.has(`${c.cellKey} ${c.check}`)) newestIds.set(`${c.cellKey} ${c.check}`, c.id);
  const evidenceRows = await db.checkResult.findMany({ where: { id: { in: [...newestIds.values()] } }, select: { id: true, evidence: true } });
  const evidenceById = new Map(evidenceRows.map((r) => [r.id, r.evidence]));
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
      runtimes: json<string[]>(s.runtimes),
      hasFrontend: s.hasFrontend,
      repository: s.repository,
      telemetry: json<ServiceTelemetry>(s.telemetry),
      // Evidence specs are read from the plan file the store was opened with, not stored twice.
      evidence: plan.services.find((p) => p.slug === s.slug)?.evidence ?? { workloads: [], merged: {} },
    })),
    capabilities: capabilities.map((c) => ({
      slug: c.slug,
      position: c.position,
      name: c.name,
      signal: c.signal as 'profiling' | 'faro',
      part: c.part as 'code' | 'helm',
      match: json<IssueMatch>(c.match),
      deployed: plan.capabilities.find((p) => p.slug === c.slug)?.deployed ?? null,
    })),
    cells: cells.map((c) => ({
      key: c.key,
      serviceSlug: c.serviceSlug,
      capabilitySlug: c.capabilitySlug,
      title: c.title,
      labels: json<string[]>(c.labels),
      estimateText: c.estimateText,
      estimateMinutes: c.estimateMinutes,
      entryPoint: c.entryPoint,
      requirements: json<string[]>(c.requirements),
      criteria: json<string[]>(c.criteria),
    })),
    issues: issues.map(
      (i): IssueFact => ({
        id: i.id,
        repo: i.repo,
        number: i.number,
        title: i.title,
        state: i.state === 'closed' ? 'closed' : 'open',
        assignees: json<string[]>(i.assignees),
        htmlUrl: i.htmlUrl,
        estimateText: i.estimateText,
        estimateMinutes: i.estimateMinutes,
        linkedPullRequests: json(i.linkedPullRequests),
        cellKey: i.cellKey,
        openedAt: i.openedAt.toISOString(),
        closedAt: i.closedAt?.toISOString() ?? null,
      }),
    ),
    checks: checks.map(
      (c): CheckFact => ({
        cellKey: c.cellKey,
        check: c.check,
        target: c.target,
        status: c.status as CheckStatus,
        message: c.message,
        durationMs: c.durationMs,
        checkedAt: c.checkedAt.toISOString(),
        // Only the newest row per check carries its evidence into the chain.
        evidence: evidenceById.has(c.id) ? evidenceOf(evidenceById.get(c.id)!) : undefined,
      }),
    ),
    unmappedIssues: unmapped.map(
      (i): UnmappedIssueFact => ({
        id: i.id,
        repo: i.repo,
        number: i.number,
        title: i.title,
        state: i.state === 'closed' ? 'closed' : 'open',
        labels: json<string[]>(i.labels),
        htmlUrl: i.htmlUrl,
        mapping: i.mapping === 'conflict' ? 'conflict' : 'unmapped',
        note: i.mappingNote,
      }),
    ),
    unmappedTotal,
  };
}

export async function readMatrix(store: Store): Promise<MatrixView> {
  return buildMatrix(await readMatrixInput(store));
}

export async function readServiceDetail(store: Store, slug: string): Promise<ServiceDetail | null> {
  return buildServiceDetail(await readMatrixInput(store), slug);
}
