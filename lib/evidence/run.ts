import type { ServerConfig } from '../config/env';
import type { Store } from '../db/store';
import type { JobTrigger } from '../jobs/runner';
import type { PlanCapability, PlanCell, PlanService } from '../plan/load';
import { checkDeployed, createKubernetesClient, type KubernetesClient, type KubernetesSettings } from './kubernetes';
import {
  createRepositoryChecker,
  type FileEvidence,
  type RepositoryChecker,
  type RepositorySettings,
} from './repository';
import { DEPLOYED_CHECK, MERGED_CHECK, type EvidenceOutcome } from './types';

/**
 * Runs the evidence checks (merged, deployed) for all cells, one service's or one cell, and writes
 * one CheckResult row per check and cell. Nothing here throws into the caller: a check that cannot
 * run is stored as `error` or `not-configured` with a message that says what to do.
 */

export type EvidenceScope = { scope: 'all' } | { scope: 'service'; service: string } | { scope: 'cell'; cell: string };

export interface EvidenceCheckers {
  /** null: KUBE_NAMESPACE is not set. */
  kubernetes: KubernetesClient | null;
  /** null: neither GITHUB_API_URL nor GITHUB_TOKEN is set. */
  repository: RepositoryChecker | null;
  /** Why a checker could not be created (e.g. a broken kubeconfig). */
  kubernetesError?: string;
}

export interface EvidenceRunSummary {
  scope: EvidenceScope;
  cells: number;
  results: Array<{ cellKey: string; check: string; status: EvidenceOutcome['status']; message: string }>;
}

export function createEvidenceCheckers(config: KubernetesSettings & RepositorySettings): EvidenceCheckers {
  let kubernetes: KubernetesClient | null = null;
  let kubernetesError: string | undefined;
  try {
    kubernetes = createKubernetesClient(config);
  } catch (error) {
    kubernetesError =
      `no usable Kubernetes configuration (${(error as Error).message}): set KUBE_API_URL, ` +
      `KUBECONFIG, or run in the cluster`;
  }
  return { kubernetes, repository: createRepositoryChecker(config), kubernetesError };
}

// The server's checkers live as long as the process, so remembered ETags make re-checks free.
const holder = globalThis as unknown as { __rolloutBoardEvidence?: EvidenceCheckers };

export function serverEvidenceCheckers(config: ServerConfig): EvidenceCheckers {
  // GITHUB_API_URL always has a default (api.github.com): repositories are only read once GitHub is
  // switched on (GITHUB_REPOS or a token), so an unconfigured board never calls out.
  const gitHubOn = config.GITHUB_REPOS.length > 0 || Boolean(config.GITHUB_TOKEN);
  holder.__rolloutBoardEvidence ??= createEvidenceCheckers({
    ...config,
    GITHUB_API_URL: gitHubOn ? config.GITHUB_API_URL : undefined,
  });
  return holder.__rolloutBoardEvidence;
}

/** Whether any evidence check can run (schedules start only then). */
export const evidenceConfigured = (checkers: EvidenceCheckers) =>
  checkers.kubernetes !== null || checkers.repository !== null;

export class EvidenceScopeError extends Error {
  override name = 'EvidenceScopeError';
}

/** The plan cells a scope covers; throws EvidenceScopeError for an unknown service or cell. */
export function cellsInScope(store: Store, scope: EvidenceScope): PlanCell[] {
  const serviceCells = store.plan.cells.filter((c) => c.serviceSlug !== null);
  if (scope.scope === 'all') return serviceCells;
  if (scope.scope === 'service') {
    const cells = serviceCells.filter((c) => c.serviceSlug === scope.service);
    if (cells.length === 0) throw new EvidenceScopeError(`Unknown service "${scope.service}"`);
    return cells;
  }
  const cell = serviceCells.find((c) => c.key === scope.cell);
  if (!cell) throw new EvidenceScopeError(`Unknown cell "${scope.cell}" (expected "<service>/<capability>")`);
  return [cell];
}

async function timed(
  run: () => Promise<EvidenceOutcome>,
): Promise<EvidenceOutcome & { durationMs: number; checkedAt: Date }> {
  const started = performance.now();
  let outcome: EvidenceOutcome;
  try {
    outcome = await run();
  } catch (error) {
    // Checks turn their own failures into results; this is the last guard.
    outcome = { status: 'error', target: '', message: `error: ${(error as Error).message}`, evidence: {} };
  }
  return { ...outcome, durationMs: Math.round(performance.now() - started), checkedAt: new Date() };
}

function mergedCheck(
  checkers: EvidenceCheckers,
  service: PlanService,
  capability: PlanCapability,
): Promise<EvidenceOutcome> | null {
  const files = service.evidence.merged[capability.slug];
  if (!files) return null; // the plan names no file for this cell: nothing to store
  if (!checkers.repository) {
    return Promise.resolve({
      status: 'not-configured',
      target: files.map((f) => `${f.repository}@${f.branch}:${f.path}`).join(' + '),
      message: 'set GITHUB_REPOS (and GITHUB_TOKEN for private repositories) to check the repositories',
      evidence: {},
    });
  }
  return checkers.repository.checkMerged(files);
}

function deployedCheck(
  checkers: EvidenceCheckers,
  service: PlanService,
  capability: PlanCapability,
): Promise<EvidenceOutcome> | null {
  if (!capability.deployed) return null; // code capabilities are proven running by their data
  // The plan names no workload for this cell (credo-ts): nothing to store, the chain says "not checked".
  if (!service.evidence.workloads.some((w) => !w.capabilities || w.capabilities.includes(capability.slug))) return null;
  if (!checkers.kubernetes) {
    return Promise.resolve({
      status: checkers.kubernetesError ? 'error' : 'not-configured',
      target: service.evidence.workloads.map((w) => w.selector).join(' + '),
      message: checkers.kubernetesError ?? 'set KUBE_NAMESPACE (and KUBE_API_URL or a kubeconfig) to check the cluster',
      evidence: {},
    });
  }
  return checkDeployed(checkers.kubernetes, service, capability);
}

/** Once per process: the ETags and findings of the newest stored merged results, so the first checks after a restart can be 304s. */
async function rememberStoredEvidence(store: Store, checker: RepositoryChecker) {
  if (checker.rememberedFromStore) return;
  checker.rememberedFromStore = true;
  const rows = await store.db.checkResult.findMany({
    where: { planId: store.plan.id, check: MERGED_CHECK },
    orderBy: { checkedAt: 'desc' },
    distinct: ['cellKey'],
    select: { evidence: true },
  });
  for (const row of rows) {
    try {
      const evidence = JSON.parse(row.evidence) as { files?: FileEvidence[] };
      if (Array.isArray(evidence.files)) checker.remember(evidence.files);
    } catch {
      // An unreadable row only costs a full request.
    }
  }
}

/** Runs the checks of a scope and stores their results. */
export async function runEvidenceChecks(
  store: Store,
  checkers: EvidenceCheckers,
  scope: EvidenceScope,
  trigger: JobTrigger,
): Promise<EvidenceRunSummary> {
  const cells = cellsInScope(store, scope);
  if (checkers.repository) await rememberStoredEvidence(store, checkers.repository);
  const pending: Array<Promise<{ cellKey: string; check: string; outcome: Awaited<ReturnType<typeof timed>> }>> = [];
  for (const cell of cells) {
    const service = store.plan.services.find((s) => s.slug === cell.serviceSlug)!;
    const capability = store.plan.capabilities.find((c) => c.slug === cell.capabilitySlug)!;
    const merged = mergedCheck(checkers, service, capability);
    if (merged)
      pending.push(timed(() => merged).then((outcome) => ({ cellKey: cell.key, check: MERGED_CHECK, outcome })));
    const deployed = deployedCheck(checkers, service, capability);
    if (deployed)
      pending.push(timed(() => deployed).then((outcome) => ({ cellKey: cell.key, check: DEPLOYED_CHECK, outcome })));
  }
  const done = await Promise.all(pending);
  if (done.length > 0) {
    await store.db.checkResult.createMany({
      data: done.map(({ cellKey, check, outcome }) => ({
        planId: store.plan.id,
        cellKey,
        check,
        target: outcome.target,
        status: outcome.status,
        message: outcome.message,
        evidence: JSON.stringify(outcome.evidence),
        durationMs: outcome.durationMs,
        trigger,
        checkedAt: outcome.checkedAt,
      })),
    });
  }
  return {
    scope,
    cells: cells.length,
    results: done.map(({ cellKey, check, outcome }) => ({
      cellKey,
      check,
      status: outcome.status,
      message: outcome.message,
    })),
  };
}

/** The job name for a scope: runs of the same scope join, different scopes run side by side. */
export const evidenceJobName = (scope: EvidenceScope) =>
  scope.scope === 'all'
    ? 'evidence:all'
    : scope.scope === 'service'
      ? `evidence:service:${scope.service}`
      : `evidence:cell:${scope.cell}`;
