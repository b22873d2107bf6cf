import { Gauge, Registry } from 'prom-client';
import type { Store } from '../db/store';
import type { Forecast, Outlook } from '../matrix/burn-up';
import { CELL_STATES, CHECK_STATUSES, type MatrixCell, type MatrixView } from '../matrix/types';

/** The GitHub side of the board as the shared store knows it (every replica reads the same). */
export interface SyncFacts {
  /** Start of the oldest run in the current streak of failed runs; null when the newest run succeeded or none ran. */
  failingSince: Date | null;
  lastSuccessAt: Date | null;
  /** The freshest rate-limit headers any replica stored. */
  quota: { remaining: number; limit: number | null } | null;
}

const OUTLOOKS: Outlook[] = ['done', 'on-track', 'at-risk', 'late'];
/** The gate belongs to no service; this is its `service` label, so PromQL never meets an empty one. */
export const GATE_SERVICE_LABEL = 'gate';

const seconds = (iso: string | Date) => (typeof iso === 'string' ? Date.parse(iso) : iso.getTime()) / 1000;

const cellLabels = (cell: MatrixCell) => ({
  service: cell.serviceSlug ?? GATE_SERVICE_LABEL,
  capability: cell.capabilitySlug,
});

/**
 * The board's figures as Prometheus gauges, from one matrix derivation (never derived again here).
 * Labels come from the plan only (service and capability slugs, cell keys, check names, fixed
 * state and status words): no titles, messages or other free text, so series stay at plan size.
 */
export function boardRegistry(view: MatrixView, forecast: Forecast | null, sync: SyncFacts): Registry {
  const registry = new Registry();
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Gauge<L>({ name, help, labelNames, registers: [registry] });

  const state = gauge('rollout_cell_state', 'Each cell in its current state (1), and 0 for the others.', [
    'service',
    'capability',
    'state',
  ] as const);
  const estimate = gauge('rollout_cell_estimate_minutes', "The cell's estimate in minutes, from the plan.", [
    'service',
    'capability',
  ] as const);
  const criteriaTotal = gauge('rollout_cell_criteria_total', "The cell's acceptance criteria, from the plan.", [
    'service',
    'capability',
  ] as const);
  const criteriaProven = gauge(
    'rollout_cell_criteria_proven',
    'Acceptance criteria of the cell that hold now (proven by data or signed off).',
    ['service', 'capability'] as const,
  );
  const checkStatus = gauge(
    'rollout_check_status',
    'The newest result of each check of each cell (1 for its status, 0 for the others).',
    ['check', 'cell', 'status'] as const,
  );
  const checkTime = gauge('rollout_check_timestamp_seconds', 'When the newest result of each check was taken.', [
    'check',
    'cell',
  ] as const);

  const serviceCells = view.rows.flatMap((r) => r.cells.filter((c): c is MatrixCell => c !== null));
  const cells = view.gate ? [view.gate, ...serviceCells] : serviceCells;
  for (const cell of cells) {
    const labels = cellLabels(cell);
    for (const s of CELL_STATES) state.set({ ...labels, state: s }, s === cell.state ? 1 : 0);
    estimate.set(labels, cell.estimateMinutes);
    criteriaTotal.set(labels, cell.criteria.length);
    criteriaProven.set(labels, cell.criteriaHeld);
    for (const check of cell.latestChecks) {
      for (const s of CHECK_STATUSES)
        checkStatus.set({ check: check.check, cell: cell.key, status: s }, s === check.status ? 1 : 0);
      checkTime.set({ check: check.check, cell: cell.key }, seconds(check.checkedAt));
    }
  }

  // Minutes for the gate and for service work, closed (issue closed) and verified (proven by data).
  const minutes = (name: string, help: string, pick: (c: MatrixCell) => boolean) => {
    const g = gauge(name, help, ['part'] as const);
    const sum = (list: MatrixCell[]) => list.filter(pick).reduce((s, c) => s + c.estimateMinutes, 0);
    g.set({ part: 'gate' }, sum(view.gate ? [view.gate] : []));
    g.set({ part: 'services' }, sum(serviceCells));
  };
  minutes('rollout_total_minutes', 'Estimated minutes of the plan, for the gate and for service work.', () => true);
  minutes(
    'rollout_closed_minutes',
    'Estimated minutes whose issue is closed (verified, closed-unverified or regressed).',
    (c) => c.state === 'verified' || c.state === 'closed-unverified' || c.state === 'regressed',
  );
  minutes('rollout_verified_minutes', 'Estimated minutes verified by live data.', (c) => c.state === 'verified');

  // The burn-up's forecast (lib/matrix): finish dates per scenario, and its outlook against TARGET_DATE.
  if (forecast?.range) {
    const finish = gauge(
      'rollout_forecast_finish_timestamp_seconds',
      'When the remaining work is verified at the recent weekly rates (optimistic, likely, pessimistic).',
      ['scenario'] as const,
    );
    for (const [scenario, point] of Object.entries(forecast.range))
      if (point.finishDate) finish.set({ scenario }, seconds(`${point.finishDate}T23:59:59Z`));
  }
  if (forecast?.targetDate) {
    gauge('rollout_target_timestamp_seconds', 'TARGET_DATE, the end of that day.').set(
      seconds(`${forecast.targetDate}T23:59:59Z`),
    );
  }
  if (forecast?.outlook) {
    const outlook = gauge('rollout_forecast_outlook', 'The forecast against TARGET_DATE (1 for the current outlook).', [
      'outlook',
    ] as const);
    for (const o of OUTLOOKS) outlook.set({ outlook: o }, o === forecast.outlook ? 1 : 0);
  }

  gauge(
    'rollout_sync_failing_since_timestamp_seconds',
    'Start of the current streak of failed GitHub syncs; 0 when the newest sync succeeded.',
  ).set(sync.failingSince ? seconds(sync.failingSince) : 0);
  if (sync.lastSuccessAt)
    gauge('rollout_sync_last_success_timestamp_seconds', 'When the newest successful GitHub sync started.').set(
      seconds(sync.lastSuccessAt),
    );
  if (sync.quota) {
    gauge('rollout_github_rate_limit_remaining', 'GitHub API requests left in the current rate-limit window.').set(
      sync.quota.remaining,
    );
    if (sync.quota.limit !== null)
      gauge('rollout_github_rate_limit_limit', 'GitHub API requests allowed per rate-limit window.').set(
        sync.quota.limit,
      );
  }
  return registry;
}

/** What the shared store says about GitHub syncs: the failing streak, the last success, the quota. */
export async function readSyncFacts(db: Store['db']): Promise<SyncFacts> {
  const [lastSuccess, quotaRow] = await Promise.all([
    db.syncRun.findFirst({ where: { status: 'succeeded' }, orderBy: { id: 'desc' } }),
    db.repoSyncState.findFirst({
      where: { rateLimitRemaining: { not: null } },
      orderBy: { lastSyncedAt: 'desc' },
    }),
  ]);
  const firstFailure = await db.syncRun.findFirst({
    where: { status: { in: ['failed', 'partial'] }, ...(lastSuccess ? { id: { gt: lastSuccess.id } } : {}) },
    orderBy: { id: 'asc' },
  });
  return {
    failingSince: firstFailure?.startedAt ?? null,
    lastSuccessAt: lastSuccess?.startedAt ?? null,
    quota:
      quotaRow?.rateLimitRemaining != null
        ? { remaining: quotaRow.rateLimitRemaining, limit: quotaRow.rateLimitLimit }
        : null,
  };
}
