import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { processFaroStats } from '../faro/stats';

/**
 * This process's own figures: Node's default metrics, probe and sync durations, sync outcomes and
 * the /faro proxy's traffic. Each replica reports its own; Prometheus tells them apart by instance.
 * The board's cell figures are not here: they come from the shared store at each scrape (board.ts).
 */
export interface ProcessMetrics {
  registry: Registry;
  probeDuration: Histogram<'upstream' | 'status'>;
  syncDuration: Histogram<'outcome'>;
  syncRuns: Counter<'outcome'>;
}

// Probes wait up to PROBE_TIMEOUT (seconds to tens of seconds); syncs page through whole repositories.
const PROBE_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const SYNC_BUCKETS = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

function createProcessMetrics(): ProcessMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const probeDuration = new Histogram({
    name: 'rollout_probe_duration_seconds',
    help: 'How long each verification probe took, by upstream (pyroscope, loki, tempo, gate) and result status.',
    labelNames: ['upstream', 'status'] as const,
    buckets: PROBE_BUCKETS,
    registers: [registry],
  });
  const syncDuration = new Histogram({
    name: 'rollout_sync_duration_seconds',
    help: 'How long each GitHub sync run took, by outcome.',
    labelNames: ['outcome'] as const,
    buckets: SYNC_BUCKETS,
    registers: [registry],
  });
  const syncRuns = new Counter({
    name: 'rollout_sync_runs_total',
    help: 'GitHub sync runs this replica ran, by outcome (succeeded, partial, failed).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  // The proxy already counts per status and bytes (lib/faro/stats.ts); these read its totals at scrape time.
  new Counter({
    name: 'rollout_faro_proxy_requests_total',
    help: 'Requests to the /faro proxy, by the status it answered.',
    labelNames: ['status'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [status, count] of Object.entries(processFaroStats().view().answered)) this.inc({ status }, count);
    },
  });
  new Counter({
    name: 'rollout_faro_proxy_bytes_total',
    help: 'Payload bytes through the /faro proxy: received from browsers, and forwarded to the receiver.',
    labelNames: ['direction'] as const,
    registers: [registry],
    collect() {
      this.reset();
      const { bytes } = processFaroStats().view();
      this.inc({ direction: 'received' }, bytes.received);
      this.inc({ direction: 'forwarded' }, bytes.forwarded);
    },
  });
  return { registry, probeDuration, syncDuration, syncRuns };
}

// Next bundles routes separately and reloads modules in dev; one set per process lives on globalThis.
const KEY = Symbol.for('rollout-board.metrics.process');
type WithMetrics = typeof globalThis & { [KEY]?: ProcessMetrics };

export function processMetrics(): ProcessMetrics {
  const holder = globalThis as WithMetrics;
  holder[KEY] ??= createProcessMetrics();
  return holder[KEY];
}
