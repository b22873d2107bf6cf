import type { ServerConfig } from '../config/env';
import type { Store } from '../db/store';
import type { PlanCapability, PlanService } from '../plan/load';
import type { EvidenceRun, EvidenceRunner, ProbeResult } from '../probes/types';
import {
  checkDeployed,
  createKubernetesClient,
  deployedTarget,
  type KubernetesClient,
  type KubernetesSettings,
} from './kubernetes';
import { createRepositoryChecker, type RepositoryChecker, type RepositorySettings } from './repository';
import { MERGED_CHECK, type EvidenceOutcome } from './types';
import { readEvidenceOf } from '../matrix/check-evidence';

/**
 * The repository and cluster checks (merged, deployed) as the verify pipeline runs them: one
 * pipeline, pool, deadline, job runner and route for every proof (lib/verify/run.ts). Nothing here
 * throws into the caller: a check that cannot run is an `error` or `not-configured` result with a
 * message that says what to do.
 */

export interface EvidenceCheckers {
  /** null: KUBE_NAMESPACE is not set. */
  kubernetes: KubernetesClient | null;
  /** null: neither GITHUB_API_URL nor GITHUB_TOKEN is set. */
  repository: RepositoryChecker | null;
  /** Why a checker could not be created (e.g. a broken kubeconfig). */
  kubernetesError?: string;
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

const targetOfFiles = (files: Array<{ repository: string; branch: string; path: string }>) =>
  files.map((f) => `${f.repository}@${f.branch}:${f.path}`).join(' + ');

function mergedCheck(
  checkers: EvidenceCheckers,
  service: PlanService,
  capability: PlanCapability,
): { target: string; run: (run: EvidenceRun) => Promise<EvidenceOutcome> } | null {
  const files = service.evidence.merged[capability.slug];
  if (!files) return null; // the plan names no file for this cell: nothing to store
  const target = targetOfFiles(files);
  const repository = checkers.repository;
  if (!repository) {
    return {
      target,
      run: async () => ({
        status: 'not-configured',
        target,
        message: 'set GITHUB_REPOS (and GITHUB_TOKEN for private repositories) to check the repositories',
        evidence: {},
      }),
    };
  }
  return { target, run: (run) => repository.checkMerged(files, run) };
}

function deployedCheck(
  checkers: EvidenceCheckers,
  service: PlanService,
  capability: PlanCapability,
): { target: string; run: (run: EvidenceRun) => Promise<EvidenceOutcome> } | null {
  if (!capability.deployed) return null; // code capabilities are proven running by their data
  // The plan names no workload for this cell (credo-ts): nothing to store, the chain says "not checked".
  if (!service.evidence.workloads.some((w) => !w.capabilities || w.capabilities.includes(capability.slug))) return null;
  const kubernetes = checkers.kubernetes;
  const target = deployedTarget(kubernetes, service, capability);
  if (!kubernetes) {
    return {
      target,
      run: async () => ({
        status: checkers.kubernetesError ? 'error' : 'not-configured',
        target,
        message:
          checkers.kubernetesError ?? 'set KUBE_NAMESPACE (and KUBE_API_URL or a kubeconfig) to check the cluster',
        evidence: {},
      }),
    };
  }
  return { target, run: (run) => checkDeployed(kubernetes, service, capability, run.signal) };
}

/** Once per checker: the ETags and findings of the newest stored merged results, so the first checks after a restart can be 304s. */
async function rememberStoredEvidence(store: Pick<Store, 'db' | 'plan'>, checker: RepositoryChecker) {
  if (checker.rememberedFromStore) return;
  checker.rememberedFromStore = true;
  const rows = await store.db.checkResult.findMany({
    where: { planId: store.plan.id, check: MERGED_CHECK },
    orderBy: { checkedAt: 'desc' },
    distinct: ['cellKey'],
    select: { evidence: true },
  });
  for (const row of rows) {
    // An unreadable row only costs a full request.
    const read = readEvidenceOf(MERGED_CHECK, row.evidence);
    if (read.ok && read.evidence.files) checker.remember(read.evidence.files);
  }
}

/**
 * The merged and deployed checks for the verify pipeline: each planned check is asked through the
 * pipeline's pool and deadline like every other proof, and stored as its result. The deadline's
 * signal reaches each request, so a hung GitHub or Kubernetes API is let go at the deadline.
 */
export function evidenceRunner(store: Pick<Store, 'db' | 'plan'>, checkers: EvidenceCheckers): EvidenceRunner {
  let remembered: Promise<void> | null = null;
  return (check, service, capability) => {
    const planned =
      check === 'merged' ? mergedCheck(checkers, service, capability) : deployedCheck(checkers, service, capability);
    if (!planned) return null;
    return {
      target: planned.target,
      run: async (run): Promise<ProbeResult> => {
        if (check === 'merged' && checkers.repository) {
          // A failed read only costs full requests, never the check.
          remembered ??= rememberStoredEvidence(store, checkers.repository).catch(() => undefined);
          await remembered;
        }
        const { status, message, evidence } = await planned.run(run);
        return { status, message, evidence };
      },
    };
  };
}
