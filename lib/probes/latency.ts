import type { latencyWindow, latencyEvidence } from '../matrix/check-evidence';
import { z } from 'zod';
import { type Parsed, parseReply, upstreamRequest, type Upstream } from './http';
import { quoteLabel, type ProbeResult } from './types';

/** TraceQL metrics' query_range reply (tempopb.QueryRangeResponse as protojson: int64 as strings). */
const rangeReply = z.object({
  series: z
    .array(
      z.object({
        labels: z.array(z.object({ key: z.string(), value: z.record(z.string(), z.unknown()) })).optional(),
        samples: z
          .array(z.object({ timestampMs: z.union([z.string(), z.number()]).optional(), value: z.number().optional() }))
          .optional(),
      }),
    )
    .optional(),
});

/** The samples of a query_range reply (all series together), as [timestamp ms, value]. */
export function parseMetricSamples(body: string): Parsed<Array<[number, number]>> {
  const parsed = parseReply('Tempo', rangeReply, body, 'metrics query_range');
  if (!parsed.ok) return parsed;
  return {
    ok: true,
    value: (parsed.value.series ?? []).flatMap((s) =>
      (s.samples ?? []).map((p): [number, number] => [Number(p.timestampMs ?? 0), p.value ?? 0]),
    ),
  };
}

/** Tempo answers this way when TraceQL metrics (the local-blocks processor) are not enabled. */
const METRICS_OFF =
  /localblocks processor not found|metrics.*not (enabled|configured)|unknown endpoint|404 page not found/i;

export type LatencyWindow = z.infer<typeof latencyWindow>;

/** Its schema is the stored evidence's (lib/matrix/check-evidence.ts), so what the probe writes is what readers parse. */
export type LatencyEvidence = z.infer<typeof latencyEvidence>;

export interface LatencyRule {
  quantile: number;
  maxIncreasePercent: number;
  minSpans: number;
  windowMinutes: number;
}

async function measure(
  upstream: Upstream,
  queries: { quantile: string; count: string },
  start: number,
  end: number,
): Promise<{ ok: true; value: LatencyWindow } | { ok: false; message: string; off: boolean; unreachable: boolean }> {
  // One step per window: each query yields the window's figure (a sample per aligned bucket, combined below).
  const stepSeconds = Math.max(1, Math.round((end - start) / 1000));
  const ask = (q: string) =>
    upstreamRequest(upstream, {
      path: '/api/metrics/query_range',
      query: { q, start: Math.floor(start / 1000), end: Math.ceil(end / 1000), step: `${stepSeconds}s` },
    });
  const [quantile, count] = await Promise.all([ask(queries.quantile), ask(queries.count)]);
  for (const reply of [quantile, count])
    if (!reply.ok)
      return {
        ok: false,
        message: reply.message,
        off: reply.status === 404 || METRICS_OFF.test(reply.message),
        unreachable: reply.status === null,
      };
  const q = parseMetricSamples((quantile as { body: string }).body);
  const c = parseMetricSamples((count as { body: string }).body);
  if (!q.ok) return { ok: false, message: q.message, off: false, unreachable: false };
  if (!c.ok) return { ok: false, message: c.message, off: false, unreachable: false };
  const spans = c.value.reduce((s, [, v]) => s + (Number.isFinite(v) ? v : 0), 0);
  // Buckets are aligned to the step, so a window may straddle two: weigh each bucket's quantile by its spans.
  const counts = new Map(c.value.map(([t, v]) => [t, v]));
  let weighted = 0;
  let weight = 0;
  // JSON numbers (and the schema's z.number()) are finite: every sample counts.
  for (const [t, v] of q.value) {
    const w = counts.get(t) ?? 1;
    weighted += v * w;
    weight += w;
  }
  return {
    ok: true,
    value: {
      start: new Date(start).toISOString(),
      end: new Date(end).toISOString(),
      spans,
      quantileMs: weight > 0 ? Math.round((weighted / weight) * 1000 * 10) / 10 : null,
    },
  };
}

/**
 * "No measurable performance regression": the server-side latency quantile over equal windows
 * before and after the change went live, from Tempo's TraceQL metrics. Pass within the threshold,
 * fail beyond it; too few spans on either side is insufficient data; a Tempo without the metrics
 * API is not configured.
 */
export async function probeLatency(
  upstream: Upstream,
  serviceNames: string[],
  rule: LatencyRule,
  wentLive: { at: number; from: string } | null,
  now: number,
): Promise<ProbeResult<LatencyEvidence>> {
  const names = serviceNames.map((n) => quoteLabel(n));
  const selector =
    names.length === 1
      ? `{resource.service.name=${names[0]} && kind=server}`
      : `{(${names.map((n) => `resource.service.name=${n}`).join(' || ')}) && kind=server}`;
  const queries = {
    quantile: `${selector} | quantile_over_time(duration, ${rule.quantile})`,
    count: `${selector} | count_over_time()`,
  };
  const evidence: LatencyEvidence = {
    wentLiveAt: wentLive ? new Date(wentLive.at).toISOString() : null,
    wentLiveFrom: wentLive?.from ?? null,
    quantile: rule.quantile,
    maxIncreasePercent: rule.maxIncreasePercent,
    minSpans: rule.minSpans,
    queries,
    before: null,
    after: null,
    changePercent: null,
  };
  if (!wentLive)
    return {
      status: 'insufficient-data',
      message: 'No go-live time yet (no running pods with the change, no merged pull request, issue not closed).',
      evidence,
    };
  const windowMs = rule.windowMinutes * 60_000;
  if (wentLive.at + windowMs > now)
    return {
      status: 'insufficient-data',
      message:
        `Went live ${evidence.wentLiveAt} (${wentLive.from}); the ${rule.windowMinutes}-min window after ` +
        `it ends ${new Date(wentLive.at + windowMs).toISOString()}.`,
      evidence,
    };
  const [before, after] = await Promise.all([
    measure(upstream, queries, wentLive.at - windowMs, wentLive.at),
    measure(upstream, queries, wentLive.at, wentLive.at + windowMs),
  ]);
  for (const m of [before, after]) {
    if (m.ok) continue;
    if (m.off)
      return {
        status: 'not-configured',
        message:
          `Tempo's TraceQL metrics API is not available (${m.message}): enable the metrics-generator's ` +
          `local-blocks processor to compare latency.`,
        evidence,
      };
    return { status: 'error', message: m.message, evidence, unreachable: m.unreachable };
  }
  evidence.before = (before as { value: LatencyWindow }).value;
  evidence.after = (after as { value: LatencyWindow }).value;
  const p = `p${Math.round(rule.quantile * 100)}`;
  const b = evidence.before;
  const a = evidence.after;
  if (
    (b.spans ?? 0) < rule.minSpans ||
    (a.spans ?? 0) < rule.minSpans ||
    b.quantileMs === null ||
    a.quantileMs === null
  )
    return {
      status: 'insufficient-data',
      message: `Too few server spans to compare: ${b.spans ?? 0} before, ${a.spans ?? 0} after (needs ${rule.minSpans} each).`,
      evidence,
    };
  evidence.changePercent =
    b.quantileMs === 0 ? 0 : Math.round(((a.quantileMs - b.quantileMs) / b.quantileMs) * 1000) / 10;
  const figures =
    `${p} ${b.quantileMs} ms before → ${a.quantileMs} ms after ` +
    `(${evidence.changePercent >= 0 ? '+' : ''}${evidence.changePercent}%, limit +${rule.maxIncreasePercent}%)`;
  if (evidence.changePercent > rule.maxIncreasePercent)
    return { status: 'fail', message: `Latency regressed: ${figures}.`, evidence };
  return { status: 'pass', message: figures, evidence };
}
