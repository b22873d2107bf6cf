import { json, text, type SimRequest, type SimResponse } from './http';

/**
 * Tempo's TraceQL metrics API (/api/metrics/query_range) for the latency proof, in the shape of
 * tempopb.QueryRangeResponse as protojson (int64 timestampMs as strings, one sample per step bucket
 * aligned to the step). No real recording exists yet: the shape follows Tempo's proto and API docs,
 * and the unit tests say so. Server spans are modelled per service: a p95 and a rate, and
 * optionally a different p95 from some moment on (a regression).
 */
export interface ServerLatency {
  p95Ms: number;
  spansPerMinute: number;
  /** From this time (epoch ms) on, the p95 is this instead. */
  change?: { at: number; p95Ms: number };
}

export interface TempoMetricsOptions {
  /** resource.service.name → its server spans; absent: none. */
  services?: Record<string, ServerLatency>;
  /** false: the metrics API is not enabled (Tempo answers as without the local-blocks processor). */
  enabled?: boolean;
}

/** Tempo's seconds-or-nanoseconds time parameters. */
const toMs = (value: string | null, fallback: number) => {
  if (!value) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n)) return Number.NaN;
  return value.length > 10 ? n / 1e6 : n * 1000;
};
const stepMs = (value: string | null) => {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value ?? '60s');
  if (!m) return Number.NaN;
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
};

export function metricsQueryRange(request: SimRequest, options: TempoMetricsOptions): SimResponse {
  if (options.enabled === false)
    return text(400, 'error finding generators in Querier.queryRangeRecent: localblocks processor not found\n');
  const q = request.query.get('q') ?? '';
  const now = Date.now();
  const end = toMs(request.query.get('end'), now);
  const start = toMs(request.query.get('start'), end - 3_600_000);
  const step = stepMs(request.query.get('step'));
  if (![start, end, step].every(Number.isFinite) || step <= 0) return text(400, 'invalid start, end or step\n');
  if (start >= end) return text(400, `http parameter start must be before end. received start=${start} end=${end}\n`);
  const quantile = /\|\s*quantile_over_time\(\s*duration\s*,\s*([\d.]+)\s*\)/.exec(q);
  const count = /\|\s*count_over_time\(\s*\)/.test(q);
  if (!quantile && !count) return text(400, `parse error: unsupported metrics query ${q}\n`);
  const names = [...q.matchAll(/resource\.service\.name\s*=\s*"([^"]+)"/g)].map((m) => m[1]);
  const services = names.map((n) => options.services?.[n]).filter((s): s is ServerLatency => Boolean(s));
  const samples: Array<{ timestampMs: string; value: number }> = [];
  for (let t = Math.floor(start / step) * step; t < end; t += step) {
    // Only the part of the bucket inside [start, end) and before now has spans.
    const from = Math.max(t, start);
    const to = Math.min(t + step, end, now);
    if (to <= from) continue;
    const minutes = (to - from) / 60_000;
    let spans = 0;
    let weighted = 0;
    for (const s of services) {
      const n = s.spansPerMinute * minutes;
      const mid = (from + to) / 2;
      const p95 = s.change && mid >= s.change.at ? s.change.p95Ms : s.p95Ms;
      spans += n;
      weighted += p95 * n;
    }
    if (spans <= 0) continue;
    samples.push({
      timestampMs: String(t),
      value: count ? Math.round(spans) : Math.round((weighted / spans / 1000) * 1e6) / 1e6,
    });
  }
  const labels = quantile
    ? [{ key: 'p', value: { doubleValue: Number(quantile[1]) } }]
    : [{ key: '__name__', value: { stringValue: 'count_over_time' } }];
  return json(200, {
    series: samples.length > 0 ? [{ labels, samples, exemplars: [] }] : [],
    metrics: { inspectedBytes: String(samples.length * 4096), completedJobs: 1, totalJobs: 1 },
  });
}
