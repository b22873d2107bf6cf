import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticPlan } from '@/bench/synthetic';
import { parseConfig } from '@/lib/config/env';
import { readMatrix } from '@/lib/matrix/read';
import { CELL_STATES, CHECK_STATUSES, type MatrixCell, type MatrixView } from '@/lib/matrix/types';
import { runChecks } from '@/lib/verify/run';
import { startSimulators, type SimulatorSet } from '@/simulators';
import { openTestStore, STORE_PROVIDERS, storeClosedIssue, type TestStore } from '@/test/stores';
import { buildMatrix } from '@/lib/matrix/build';
import { readMatrixInput } from '@/lib/matrix/read';
import type { CheckFact } from '@/lib/matrix/types';
import { boardRegistry, GATE_SERVICE_LABEL } from './board';
import { scrapeMetrics } from './scrape';

interface Sample {
  labels?: Record<string, string>;
  value?: string;
  buckets?: Record<string, string>;
}
interface Family {
  name: string;
  type: string;
  metrics: Sample[];
}

const parse = (text: string) => {
  const families = parsePrometheusTextFormat(text) as Family[];
  return new Map(families.map((f) => [f.name, f]));
};
const cellsOf = (view: MatrixView): MatrixCell[] => [
  ...(view.gate ? [view.gate] : []),
  ...view.rows.flatMap((r) => r.cells.filter((c): c is MatrixCell => c !== null)),
];
const serviceLabel = (cell: MatrixCell) => cell.serviceSlug ?? GATE_SERVICE_LABEL;

let sims: SimulatorSet;
beforeAll(async () => {
  sims = await startSimulators();
});
afterAll(async () => {
  await sims.stop();
});

describe.each(STORE_PROVIDERS)('GET /metrics on %s', (provider) => {
  let store: TestStore | undefined;
  afterEach(async () => {
    await store?.destroy();
    store = undefined;
  });

  it('holds every cell in the state /api/matrix shows, its minutes, and each newest check result', async () => {
    store = await openTestStore(provider);
    await storeClosedIssue(store, 'acapy-agent/profiling-code', {
      number: 1,
      title: 'Secret-ish title: do not export me',
      openedAt: new Date(Date.now() - 3_600_000),
    });
    await storeClosedIssue(store, 'traction/profiling-code', { number: 2, openedAt: new Date(Date.now() - 3_600_000) });
    await runChecks(
      store,
      undefined,
      'manual',
      parseConfig({ ...sims.env, PROBE_TIMEOUT: '5s', GATE_DEADLINE: '5s', VERIFY_CONCURRENCY: '4' }),
    );
    const [{ body, contentType }, view] = await Promise.all([
      scrapeMetrics(store, { targetDate: '2026-01-01', reuseMs: 0 }),
      readMatrix(store),
    ]);
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(body).not.toContain('do not export me');
    const metrics = parse(body);

    const states = metrics.get('rollout_cell_state')!.metrics;
    const cells = cellsOf(view);
    expect(states).toHaveLength(cells.length * CELL_STATES.length);
    for (const cell of cells) {
      const current = states.filter(
        (s) => s.labels!.service === serviceLabel(cell) && s.labels!.capability === cell.capabilitySlug,
      );
      expect(current.filter((s) => s.value === '1').map((s) => s.labels!.state)).toEqual([cell.state]);
    }
    // The demo data gives more than one state, so a metric stuck on one value would fail here.
    expect(new Set(cells.map((c) => c.state)).size).toBeGreaterThan(1);
    const one = (s: Sample) => s.labels!.state === 'verified' && s.value === '1';
    expect(
      states.find((s) => s.labels!.capability === 'profiling-code' && s.labels!.service === 'acapy-agent'),
    ).toEqual(expect.objectContaining({ labels: expect.objectContaining({ service: 'acapy-agent' }) }));
    expect(states.filter(one).length).toBe(view.progress.countsByState.verified);

    const minutes = (name: string, part: string) =>
      Number(metrics.get(name)!.metrics.find((s) => s.labels!.part === part)!.value);
    const serviceCells = cells.filter((c) => c.serviceSlug !== null);
    expect(minutes('rollout_total_minutes', 'services')).toBe(view.totals.serviceCellsMinutes);
    expect(minutes('rollout_total_minutes', 'gate')).toBe(view.totals.gateMinutes);
    expect(minutes('rollout_verified_minutes', 'services') + minutes('rollout_verified_minutes', 'gate')).toBe(
      view.progress.verifiedMinutes,
    );
    expect(minutes('rollout_closed_minutes', 'services') + minutes('rollout_closed_minutes', 'gate')).toBe(
      view.progress.closedMinutes,
    );
    expect(minutes('rollout_closed_minutes', 'services')).toBe(
      serviceCells.filter((c) => c.issue?.state === 'closed').reduce((s, c) => s + c.estimateMinutes, 0),
    );

    // Criteria proven out of criteria total, per cell, as the matrix counts them.
    const criterion = (name: string, cell: MatrixCell) =>
      Number(
        metrics
          .get(name)!
          .metrics.find(
            (s) => s.labels!.service === serviceLabel(cell) && s.labels!.capability === cell.capabilitySlug,
          )!.value,
      );
    for (const cell of cells) {
      expect(criterion('rollout_cell_criteria_total', cell)).toBe(cell.criteria.length);
      expect(criterion('rollout_cell_criteria_proven', cell)).toBe(cell.criteriaHeld);
    }
    expect(cells.some((c) => c.criteriaHeld > 0)).toBe(true);

    const statuses = metrics.get('rollout_check_status')!.metrics;
    const times = metrics.get('rollout_check_timestamp_seconds')!.metrics;
    for (const cell of cells) {
      for (const check of cell.latestChecks) {
        const mine = statuses.filter((s) => s.labels!.cell === cell.key && s.labels!.check === check.check);
        expect(mine.filter((s) => s.value === '1').map((s) => s.labels!.status)).toEqual([check.status]);
        const at = times.find((s) => s.labels!.cell === cell.key && s.labels!.check === check.check)!;
        expect(Number(at.value)).toBe(Date.parse(check.checkedAt) / 1000);
      }
    }
    expect(statuses.some((s) => s.labels!.status === 'fail' && s.value === '1')).toBe(true);

    // Probe durations per upstream (this process ran them), and Node's own figures.
    expect(metrics.get('rollout_probe_duration_seconds')!.type).toBe('HISTOGRAM');
    // (The parser folds a histogram's label sets together, so its series are read from the _count lines.)
    const probed = [
      ...body.matchAll(/^rollout_probe_duration_seconds_count\{[^}]*upstream="([\w:-]+)"[^}]*\} (\d+)$/gm),
    ];
    expect([...new Set(probed.map((m) => m[1]))]).toEqual(
      expect.arrayContaining(['pyroscope', 'loki', 'tempo', 'gate']),
    );
    expect(metrics.has('process_cpu_seconds_total')).toBe(true);
    expect(metrics.has('nodejs_heap_size_used_bytes')).toBe(true);
    // TARGET_DATE is long past, so the forecast is late.
    expect(Number(metrics.get('rollout_target_timestamp_seconds')!.metrics[0].value)).toBe(
      Date.parse('2026-01-01T23:59:59Z') / 1000,
    );
  });

  it('reports the failing sync streak and the GitHub quota from the shared store', async () => {
    store = await openTestStore(provider);
    const run = (status: string, minutesAgo: number) => ({
      trigger: 'schedule',
      status,
      startedAt: new Date(Date.now() - minutesAgo * 60_000),
      finishedAt: new Date(Date.now() - minutesAgo * 60_000 + 1000),
    });
    const first = parse((await scrapeMetrics(store, { reuseMs: 0 })).body);
    expect(first.get('rollout_sync_failing_since_timestamp_seconds')!.metrics[0].value).toBe('0');
    expect(first.has('rollout_github_rate_limit_remaining')).toBe(false);

    await store.db.syncRun.createMany({ data: [run('succeeded', 60), run('failed', 45), run('failed', 30)] });
    await store.db.repoSyncState.create({
      data: { repo: 'bcgov/rollout', lastSyncedAt: new Date(), rateLimitRemaining: 4321, rateLimitLimit: 5000 },
    });
    const failing = parse((await scrapeMetrics(store, { reuseMs: 0 })).body);
    const since = Number(failing.get('rollout_sync_failing_since_timestamp_seconds')!.metrics[0].value);
    expect(Math.round(Date.now() / 1000 - since)).toBeGreaterThanOrEqual(45 * 60 - 5);
    expect(Math.round(Date.now() / 1000 - since)).toBeLessThanOrEqual(45 * 60 + 5);
    expect(failing.get('rollout_github_rate_limit_remaining')!.metrics[0].value).toBe('4321');

    await store.db.syncRun.create({ data: run('succeeded', 1) });
    const recovered = parse((await scrapeMetrics(store, { reuseMs: 0 })).body);
    expect(recovered.get('rollout_sync_failing_since_timestamp_seconds')!.metrics[0].value).toBe('0');
  });
});

describe('scrapes arriving together', () => {
  let store: TestStore | undefined;
  afterEach(async () => {
    await store?.destroy();
    store = undefined;
  });

  it('share one rendering of the board figures, which is never older than reuseMs', async () => {
    store = await openTestStore('sqlite');
    const figures = (body: string) => body.slice(body.indexOf('# HELP rollout_cell_state'));
    const [a, b] = await Promise.all([scrapeMetrics(store, { reuseMs: 60_000 }), scrapeMetrics(store)]);
    expect(figures(b.body)).toBe(figures(a.body));
    const failingSince = (body: string) =>
      Number(parse(body).get('rollout_sync_failing_since_timestamp_seconds')!.metrics[0].value);
    await store.db.syncRun.create({ data: { trigger: 'schedule', status: 'failed', startedAt: new Date() } });
    // Within the reuse window the earlier figures are served; with none, the store is read again.
    expect(failingSince((await scrapeMetrics(store, { reuseMs: 60_000 })).body)).toBe(0);
    expect(failingSince((await scrapeMetrics(store, { reuseMs: 0 })).body)).toBeGreaterThan(0);
  });
});

describe('label cardinality', () => {
  let store: TestStore | undefined;
  afterEach(async () => {
    await store?.destroy();
    store = undefined;
  });

  /** Series of the board's own metrics (the rollout_ ones), per metric name. */
  const seriesPerMetric = (text: string) =>
    new Map(
      (parsePrometheusTextFormat(text) as Family[])
        .filter((f) => f.name.startsWith('rollout_'))
        .map((f) => [
          f.name,
          f.type === 'HISTOGRAM' ? text.split('\n').filter((l) => l.startsWith(`${f.name}_`)).length : f.metrics.length,
        ]),
    );

  it.each([
    ['the Phase 3 plan', undefined],
    ['200 services × 6 capabilities', 200],
  ])('stays at plan size for %s: bounded per cell, never per issue or message', async (_name, services) => {
    store = await openTestStore('sqlite', services ? writeSyntheticPlan(services) : undefined);
    // Three results per cell, with distinct messages and targets: none of that may become a label.
    // (Built in memory and derived by buildMatrix, as a scrape does after reading the store.)
    const input = await readMatrixInput(store);
    const now = Date.now();
    input.checks = input.cells.flatMap((cell, i) =>
      (['pass', 'fail', 'error'] as const).map(
        (status, n): CheckFact => ({
          cellKey: cell.key,
          check: n === 0 ? 'pyroscope' : 'loki',
          target: `target ${i} ${n}`,
          status,
          message: `message ${i} ${n}`,
          durationMs: 3,
          checkedAt: new Date(now - (3 - n) * 1000).toISOString(),
        }),
      ),
    );
    const registry = boardRegistry(buildMatrix(input), null, {
      failingSince: null,
      lastSuccessAt: null,
      quota: { remaining: 1, limit: 5000 },
    });
    // The board's figures only: the process's own (histograms per upstream) do not grow with the plan.
    const body = await registry.metrics();
    expect(body).not.toMatch(/message \d+|target \d+/);
    const series = seriesPerMetric(body);
    const cells = input.cells.length;
    expect(series.get('rollout_cell_state')).toBe(cells * CELL_STATES.length);
    expect(series.get('rollout_cell_estimate_minutes')).toBe(cells);
    // Two checks per cell × four statuses, whatever the number of results stored.
    expect(series.get('rollout_check_status')).toBe(cells * 2 * CHECK_STATUSES.length);
    expect(series.get('rollout_cell_criteria_total')).toBe(cells);
    expect(series.get('rollout_cell_criteria_proven')).toBe(cells);
    expect(series.get('rollout_check_timestamp_seconds')).toBe(cells * 2);
    const boardSeries = [...series.values()].reduce((s, n) => s + n, 0);
    // Everything the board exports grows with the cells only: 5 states + 1 estimate + 2 criteria counts + 2 checks
    // × (each status + 1 time) per cell, plus a fixed part (minutes, forecast, sync) that no data grows.
    const perCell = CELL_STATES.length + 1 + 2 + 2 * (CHECK_STATUSES.length + 1);
    expect(boardSeries).toBeLessThanOrEqual(cells * perCell + 20);
    if (services === 200) expect(cells).toBe(1201);
  });
});
