import { SpanStatusCode, trace } from '@opentelemetry/api';
import { serverConfig, type ServerConfig } from '../config/env';
import type { Store } from '../db/store';
import type { JobOutcome, JobTrigger } from '../jobs/runner';
import { CHECK_STATUSES, type CheckStatus } from '../matrix/types';
import { processMetrics } from '../metrics/process';
import { announceAndDeliver } from '../notify/announce';
import type { EvidenceRunner, ProbeResult } from '../probes/types';
import type { Runtime } from '../jobs/runtime';
import { planChecks, type ProofFacts, type UpstreamName } from './checks';
import { readWentLive } from './go-live';
import { RunUpstreamHealth } from './upstream-health';
import { probePool } from './pool';
import { readEvidenceOf } from '../matrix/check-evidence';

export type VerifyScope = { kind: 'all' } | { kind: 'service'; slug: string } | { kind: 'cell'; key: string };

/** The job name of a scope: two clicks on the same scope are one job (the second joins). */
export function verifyJobName(scope: VerifyScope): string {
  if (scope.kind === 'all') return 'verify:all';
  if (scope.kind === 'service') return `verify:service:${scope.slug}`;
  return `verify:cell:${scope.key}`;
}

/** The cells a scope covers; null when the plan has no such service or cell. */
export function cellKeysForScope(store: Pick<Store, 'plan'>, scope: VerifyScope): string[] | null {
  const cells = store.plan.cells;
  if (scope.kind === 'all') return cells.map((c) => c.key);
  const keys =
    scope.kind === 'service'
      ? cells.filter((c) => c.serviceSlug === scope.slug).map((c) => c.key)
      : cells.filter((c) => c.key === scope.key).map((c) => c.key);
  return keys.length > 0 ? keys : null;
}

const tracer = trace.getTracer('rollout-board.verify');

export interface VerifySummary {
  checks: number;
  byStatus: Record<CheckStatus, number>;
  durationMs: number;
}

/** Whatever else a run needs besides the plan and the configuration. */
export interface RunDependencies {
  /** The repository and cluster checkers (merged and deployed criteria); null runs none of them. */
  evidence?: EvidenceRunner | null;
  /**
   * The run's deadline (the job's signal): when it aborts, requests still going are aborted, the checks not
   * finished are stored as errors giving its reason, and the run throws that reason.
   */
  signal?: AbortSignal;
}

/**
 * Runs the proofs of these cells' criteria with the process's bounded pool and stores one
 * CheckResult per check as soon as it finishes (so the UI shows results as they come). Identical
 * proofs (e.g. the code and Helm cells of one service) are asked once; a hung upstream is waited
 * for about once (RunUpstreamHealth). A proof failing is a result, never a throw.
 */
export async function runChecks(
  store: Store,
  cellKeys: readonly string[] | undefined,
  trigger: JobTrigger,
  config: ServerConfig = serverConfig(),
  dependencies: RunDependencies = {},
): Promise<VerifySummary> {
  const started = Date.now();
  const keys = cellKeys ?? store.plan.cells.map((c) => c.key);
  const facts = await readProofFacts(store, keys);
  const { signal } = dependencies;
  const planned = planChecks(store.plan, config, cellKeys, facts, dependencies.evidence ?? null, signal);
  const stopped = stoppedBy(signal);
  const pool = probePool(config.VERIFY_CONCURRENCY);
  const window = { start: started - config.VERIFY_WINDOW, end: started };
  const probes = new Map<string, Promise<{ result: ProbeResult; durationMs: number }>>();
  const byStatus = Object.fromEntries(CHECK_STATUSES.map((s) => [s, 0])) as Record<CheckStatus, number>;

  const health = new RunUpstreamHealth();
  const probe = (upstream: UpstreamName, target: string, run: () => Promise<ProbeResult>) =>
    pool.run(upstream, () =>
      // One span per probe (its requests are child spans), so a trace shows which upstream was slow or failing.
      tracer.startActiveSpan(
        `probe ${upstream}`,
        { attributes: { 'rollout.upstream': upstream, 'rollout.target': target } },
        async (span) => {
          const t0 = Date.now();
          const skipped = await health.skipReason(upstream);
          const result: ProbeResult = skipped
            ? { status: 'error', message: skipped, evidence: {} }
            : await health.track(
                upstream,
                stopped.race(() =>
                  run().catch(
                    (error): ProbeResult => ({
                      status: 'error',
                      message: `The probe itself failed: ${error instanceof Error ? error.message : String(error)}`,
                      evidence: {},
                    }),
                  ),
                ),
              );
          const durationMs = Date.now() - t0;
          processMetrics().probeDuration.observe({ upstream, status: result.status }, durationMs / 1000);
          span.setAttribute('rollout.status', result.status);
          if (result.status === 'error')
            span.setStatus({ code: SpanStatusCode.ERROR, message: result.message ?? undefined });
          span.end();
          return { result, durationMs };
        },
      ),
    );

  await Promise.all(
    planned.map(async (check) => {
      let pending = probes.get(check.key);
      if (!pending) {
        pending = probe(check.upstream, check.target, () => check.run(window, started));
        probes.set(check.key, pending);
      }
      const { result: shared, durationMs } = await pending;
      const result = check.pick && !stopped.cut(shared) ? check.pick(shared) : shared;
      byStatus[result.status] += 1;
      await store.db.checkResult.create({
        data: {
          planId: store.plan.id,
          cellKey: check.cellKey,
          check: check.check,
          target: check.target,
          status: result.status,
          message: result.message,
          evidence: JSON.stringify(result.evidence),
          durationMs,
          trigger,
          checkedAt: new Date(),
        },
      });
    }),
  );
  signal?.throwIfAborted(); // the outcome is the deadline, not a summary of the checks it cut short
  return { checks: planned.length, byStatus, durationMs: Date.now() - started };
}

/**
 * A run's deadline as its probes see it: `race` does not start a probe once the signal has aborted, ends one
 * still going when it aborts (its requests are aborted by the same signal), and answers anything that comes
 * after the abort with an error naming the reason (e.g. VERIFY_TIMEOUT): a probe cut short must not read as
 * a fail of the data.
 */
function stoppedBy(signal: AbortSignal | undefined) {
  const cut = new WeakSet<ProbeResult>();
  const result = (): ProbeResult => {
    const message = `Not finished: ${signal?.reason instanceof Error ? signal.reason.message : 'the run was cancelled'}.`;
    const stopped: ProbeResult = { status: 'error', message, evidence: {} };
    cut.add(stopped);
    return stopped;
  };
  // One listener for the whole run, however many probes it has.
  const aborted = signal
    ? new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        else signal.addEventListener('abort', () => resolve(), { once: true });
      })
    : null;
  return {
    /** Whether this result is one the deadline cut short (it has no evidence for a `pick` to read). */
    cut: (result: ProbeResult) => cut.has(result),
    race: async (start: () => Promise<ProbeResult>): Promise<ProbeResult> => {
      if (signal?.aborted) return result();
      const first = aborted ? await Promise.race([start(), aborted]) : await start();
      return signal?.aborted || !first ? result() : first;
    },
  };
}

/** Go-live times and Faro on/off in the pods, read once per run for the proofs that need them. */
async function readProofFacts(store: Store, cellKeys: readonly string[]): Promise<ProofFacts> {
  const [wentLive, deployed] = await Promise.all([
    readWentLive(store, cellKeys),
    store.db.checkResult.findMany({
      where: { planId: store.plan.id, check: 'deployed', cellKey: { in: [...cellKeys] } },
      orderBy: { checkedAt: 'desc' },
      distinct: ['cellKey'],
      select: { cellKey: true, evidence: true },
    }),
  ]);
  const faroEnabled = new Map<string, boolean>();
  for (const row of deployed) {
    const enabled = faroEnabledIn(row.evidence);
    if (enabled !== null) faroEnabled.set(row.cellKey, enabled);
  }
  return { wentLive, faroEnabled };
}

/**
 * Faro on in any controller of a deployed check's evidence (true), off in all that say (false), or
 * unknown: no controller says, or the evidence does not read.
 */
export function faroEnabledIn(evidenceText: string): boolean | null {
  const read = readEvidenceOf('deployed', evidenceText);
  if (!read.ok) return null;
  const states = (read.evidence.workloads ?? [])
    .flatMap((w) => w.controllers)
    .flatMap((c) => (typeof c.enabled === 'boolean' ? [c.enabled] : []));
  if (states.length === 0) return null;
  return states.some(Boolean);
}

export interface StartedVerification {
  job: string;
  /** True when an identical check was already running and this call joined it. */
  joined: boolean;
  /**
   * When the run (the joined one, if joined) began, on this server's clock: every result it stores is stamped
   * at or after it, so "this run's results" excludes what another run wrote just before.
   */
  startedAt: Date;
  done: Promise<JobOutcome<VerifySummary>>;
}

/** Starts (or joins) the verification of a scope through the job runner; returns at once. */
export function startVerification(
  runtime: Runtime,
  scope: VerifyScope,
  trigger: JobTrigger,
  config?: ServerConfig,
): StartedVerification {
  const job = verifyJobName(scope);
  const joined = runtime.jobs.isRunning(job);
  const keys = cellKeysForScope(runtime.store, scope) ?? [];
  const done = runtime.jobs.run(
    job,
    async ({ signal }) => {
      const summary = await runChecks(runtime.store, scope.kind === 'all' ? undefined : keys, trigger, config, {
        evidence: runtime.evidence ?? null,
        signal,
      });
      // Cells that changed state are announced once, by whichever replica ran this (digest for verify-all).
      const { delivered } = await announceAndDeliver(runtime.store, {
        digest: scope.kind === 'all',
        boardUrl: (config ?? serverConfig()).BOARD_URL ?? null,
      });
      void delivered;
      return summary;
    },
    {
      trigger,
      onBusy: 'skip',
      retryWhenFree: trigger === 'manual',
      deadlineMs: (config ?? serverConfig()).VERIFY_TIMEOUT,
      deadlineHint: 'VERIFY_TIMEOUT',
    },
  );
  return { job, joined, startedAt: runtime.jobs.runStartedAt(job) ?? new Date(), done };
}

/** Whether any upstream the probes ask is configured; without one, a verification can only say "not configured". */
export const verificationConfigured = (
  config: Pick<ServerConfig, 'PYROSCOPE_URL' | 'LOKI_URL' | 'TEMPO_URL' | 'FARO_RECEIVER_URL'>,
) => Boolean(config.PYROSCOPE_URL || config.LOKI_URL || config.TEMPO_URL || config.FARO_RECEIVER_URL);

/** Verifies the given cells, e.g. after a sync changed them. Each cell is its own job, so a click on it joins. */
export async function verifyCells(
  runtime: Runtime,
  cellKeys: readonly string[],
  trigger: JobTrigger = 'sync',
  config?: ServerConfig,
) {
  return Promise.all(cellKeys.map((key) => startVerification(runtime, { kind: 'cell', key }, trigger, config).done));
}
