import { linkedPullRequestsColumn, readJsonColumn } from '../db/json-columns';
import type { Store } from '../db/store';

export interface WentLive {
  at: number;
  from: string;
}

/** The earliest `startedAt` anywhere in a deployed check's evidence (its running pods). */
export function earliestPodStart(evidence: unknown): number | null {
  let earliest: number | null = null;
  const visit = (value: unknown) => {
    if (Array.isArray(value)) for (const v of value) visit(v);
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (k === 'startedAt' && typeof v === 'string') {
          const t = Date.parse(v);
          if (Number.isFinite(t) && (earliest === null || t < earliest)) earliest = t;
        } else visit(v);
      }
    }
  };
  visit(evidence);
  return earliest;
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
    try {
      const t = earliestPodStart(JSON.parse(row.evidence));
      if (t !== null) podStart.set(row.cellKey, t);
    } catch {
      // unreadable evidence: fall back to the issue
    }
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
