import { readEvidenceOf, type StoredEvidenceOf } from '../matrix/check-evidence';
import { linkedPullRequestsColumn, readJsonColumn } from '../db/json-columns';
import type { Store } from '../db/store';

export interface WentLive {
  at: number;
  from: string;
}

/** When the first of a deployed check's running pods started; null when none says. */
export function earliestPodStart(evidence: StoredEvidenceOf<'deployed'>): number | null {
  const starts = (evidence.workloads ?? [])
    .flatMap((w) => w.pods)
    .map((p) => (p.startedAt === null ? Number.NaN : Date.parse(p.startedAt)))
    .filter(Number.isFinite);
  return starts.length > 0 ? Math.min(...starts) : null;
}

/**
 * When each cell's change went live, for the latency proof, in order of preference: the start of
 * the pods that carry it (the newest passing deployed check of the service's Helm cell of the same
 * signal), else the linked pull request's merge, else the issue's close.
 */
export async function readWentLive(store: Store, cellKeys: readonly string[]): Promise<Map<string, WentLive>> {
  const { plan, db } = store;
  const wanted = plan.cells.filter((c) => cellKeys.includes(c.key) && c.serviceSlug !== null);
  if (wanted.length === 0) return new Map();
  const signalOf = new Map(plan.capabilities.map((c) => [c.slug, c.signal]));
  const helmSlugs = new Set(plan.capabilities.filter((c) => c.part === 'helm').map((c) => c.slug));
  const [issues, deployed] = await Promise.all([
    db.issue.findMany({
      where: { planId: plan.id, mapping: 'mapped', cellKey: { in: wanted.map((c) => c.key) } },
      select: { cellKey: true, closedAt: true, linkedPullRequests: true },
    }),
    db.checkResult.findMany({
      where: { planId: plan.id, check: 'deployed', status: 'pass' },
      orderBy: { checkedAt: 'desc' },
      distinct: ['cellKey'],
      select: { cellKey: true, evidence: true },
    }),
  ]);
  const podStart = new Map<string, number>();
  for (const row of deployed) {
    // Unreadable evidence gives no pod start: the go-live time falls back to the pull request or the issue.
    const read = readEvidenceOf('deployed', row.evidence);
    const t = read.ok ? earliestPodStart(read.evidence) : null;
    if (t !== null) podStart.set(row.cellKey, t);
  }
  const result = new Map<string, WentLive>();
  for (const cell of wanted) {
    const signal = signalOf.get(cell.capabilitySlug);
    const helmCell = plan.cells.find(
      (c) =>
        c.serviceSlug === cell.serviceSlug &&
        helmSlugs.has(c.capabilitySlug) &&
        signalOf.get(c.capabilitySlug) === signal,
    );
    const pods = helmCell ? podStart.get(helmCell.key) : undefined;
    if (pods !== undefined) {
      result.set(cell.key, { at: pods, from: `pods of ${helmCell!.key} started` });
      continue;
    }
    const issue = issues.find((i) => i.cellKey === cell.key);
    const merged = issue ? mergedAt(issue.linkedPullRequests) : null;
    if (merged !== null) result.set(cell.key, { at: merged, from: 'linked pull request merged' });
    else if (issue?.closedAt) result.set(cell.key, { at: issue.closedAt.getTime(), from: 'issue closed' });
  }
  return result;
}

/** The latest merge time among the issue's linked pull requests, when sync recorded one. */
function mergedAt(linked: string): number | null {
  try {
    const pulls = readJsonColumn(linkedPullRequestsColumn, linked, 'Issue.linkedPullRequests');
    const times = pulls.map((p) => (p.mergedAt ? Date.parse(p.mergedAt) : NaN)).filter((t) => Number.isFinite(t));
    return times.length > 0 ? Math.max(...times) : null;
  } catch {
    return null;
  }
}
