import { z } from 'zod';
import { parseJsonReply, upstreamRequest, type Upstream } from './http';
import { quoteLabel, type ProbeResult, type ProbeWindow } from './types';

/** The kinds Alloy's faro.receiver writes (its `kind` label). */
export const FARO_KINDS = ['log', 'exception', 'measurement', 'event'] as const;

/** The default selector: Alloy sets app_name (extra_log_labels) and Loki 3 derives service_name from it. */
export const defaultLokiSelector = (faroApp: string) => `{service_name=${quoteLabel(faroApp)}}`;

const sample = z.tuple([z.union([z.number(), z.string()]), z.string()]);
const metricReply = z.object({
  status: z.literal('success'),
  data: z.discriminatedUnion('resultType', [
    z.object({
      resultType: z.literal('matrix'),
      result: z.array(z.object({ metric: z.record(z.string(), z.string()), values: z.array(sample) })),
    }),
    z.object({
      resultType: z.literal('vector'),
      result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: sample })),
    }),
  ]),
});
const streamsReply = z.object({
  status: z.literal('success'),
  data: z.object({
    resultType: z.literal('streams'),
    result: z.array(
      z.object({
        stream: z.record(z.string(), z.string()),
        values: z.array(z.tuple([z.string(), z.string()]).rest(z.unknown())),
      }),
    ),
  }),
});

type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

function parseShape<T>(schema: z.ZodType<T>, body: string, what: string): Parsed<T> {
  const json = parseJsonReply<unknown>({ name: 'Loki' }, body);
  if (!json.ok) return json;
  const result = schema.safeParse(json.value);
  if (!result.success)
    return {
      ok: false,
      message: `Loki's ${what} reply has an unexpected shape (${result.error.issues[0]?.message}): is LOKI_URL a Loki 3 server?`,
    };
  return { ok: true, value: result.data };
}

/**
 * Entries per `kind` from `sum by (kind) (count_over_time(…[window]))`: the newest point of each
 * series is the count over the whole window (a matrix from query_range, or a vector).
 */
export function parseCountsByKind(body: string): Parsed<Record<string, number>> {
  const parsed = parseShape(metricReply, body, 'metric query');
  if (!parsed.ok) return parsed;
  const counts: Record<string, number> = {};
  const data = parsed.value.data;
  const series =
    data.resultType === 'matrix'
      ? data.result.map((r) => ({ metric: r.metric, last: r.values.at(-1) }))
      : data.result.map((r) => ({ metric: r.metric, last: r.value }));
  for (const { metric, last } of series) {
    if (!last) continue;
    const kind = metric.kind ?? 'unlabelled';
    counts[kind] = (counts[kind] ?? 0) + Number(last[1]);
  }
  return { ok: true, value: counts };
}

export interface LokiLine {
  /** ISO time of the entry (Loki's receive time). */
  time: string;
  line: string;
  labels: Record<string, string>;
}

const MAX_LINE = 1000;

/** The newest entry across all streams of a log query, or null when there is none. */
export function parseNewestLine(body: string): Parsed<LokiLine | null> {
  const parsed = parseShape(streamsReply, body, 'log query');
  if (!parsed.ok) return parsed;
  let newest: { ns: bigint; line: string; labels: Record<string, string> } | null = null;
  for (const stream of parsed.value.data.result) {
    for (const [ns, line] of stream.values) {
      const at = BigInt(ns);
      if (!newest || at > newest.ns) newest = { ns: at, line, labels: stream.stream };
    }
  }
  if (!newest) return { ok: true, value: null };
  // Kept as evidence on every check: enough to recognise the line, not a whole stack trace.
  const line = newest.line.length > MAX_LINE ? `${newest.line.slice(0, MAX_LINE)}…` : newest.line;
  return {
    ok: true,
    value: { time: new Date(Number(newest.ns / 1_000_000n)).toISOString(), line, labels: newest.labels },
  };
}

const ns = (ms: number) => `${BigInt(Math.round(ms)) * 1_000_000n}`;

/** A log query over the window, newest first. */
export async function queryLogs(
  upstream: Upstream,
  query: string,
  window: ProbeWindow,
  limit: number,
  signal?: AbortSignal,
) {
  const reply = await upstreamRequest(upstream, {
    path: '/loki/api/v1/query_range',
    query: { query, start: ns(window.start), end: ns(window.end), limit, direction: 'backward' },
    signal,
  });
  if (!reply.ok) return reply;
  return { ...parseNewestLine(reply.body), status: reply.status };
}

export interface LokiEvidence extends Record<string, unknown> {
  selector: string;
  countsByKind: Record<string, number>;
  total: number;
  newest: LokiLine | null;
}

/** Did the Faro app's browser telemetry reach Loki within the window? Counts per kind + the newest line. */
export async function probeLoki(
  upstream: Upstream,
  selector: string,
  window: ProbeWindow,
): Promise<ProbeResult<LokiEvidence>> {
  const rangeSeconds = Math.max(1, Math.round((window.end - window.start) / 1000));
  const evidence: LokiEvidence = { selector, countsByKind: {}, total: 0, newest: null };
  // An instant log query is a 400 since Loki 3; metric queries over query_range are fine. Points
  // are aligned to the step and the last may lie just after `end`: a short step keeps the last
  // point's [window] range close to the window asked for.
  const [counts, newest] = await Promise.all([
    upstreamRequest(upstream, {
      path: '/loki/api/v1/query_range',
      query: {
        query: `sum by (kind) (count_over_time(${selector}[${rangeSeconds}s]))`,
        start: ns(window.start),
        end: ns(window.end),
        step: Math.min(60, rangeSeconds),
      },
    }),
    queryLogs(upstream, selector, window, 1),
  ]);
  if (!counts.ok) return { status: 'error', message: counts.message, evidence, unreachable: counts.status === null };
  const parsedCounts = parseCountsByKind(counts.body);
  if (!parsedCounts.ok) return { status: 'error', message: parsedCounts.message, evidence };
  if (!newest.ok)
    return {
      status: 'error',
      message: newest.message,
      evidence,
      unreachable: 'status' in newest && newest.status === null,
    };
  evidence.countsByKind = parsedCounts.value;
  evidence.total = Object.values(parsedCounts.value).reduce((s, n) => s + n, 0);
  evidence.newest = newest.value;
  if (evidence.total === 0 && !evidence.newest) {
    return {
      status: 'fail',
      message:
        `Loki is up but has no entries for ${selector} in the last ${Math.round(rangeSeconds / 60)} min: ` +
        `check the app's Faro collector URL and Alloy's faro.receiver → loki.write pipeline.`,
      evidence,
    };
  }
  const summary = FARO_KINDS.filter((k) => evidence.countsByKind[k])
    .map((k) => `${evidence.countsByKind[k]} ${k}`)
    .join(', ');
  return { status: 'pass', message: `${evidence.total} entries (${summary || 'no kind label'})`, evidence };
}
