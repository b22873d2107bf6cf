import type { lokiLine, lokiEvidence } from '../matrix/check-evidence';
import { z } from 'zod';
import { upstreamRequest, type Upstream, type Parsed, parseReply } from './http';
import type { Surface } from '../plan/schema';
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

/**
 * Entries per `kind` (and per `type`, for measurements: "measurement/web-vitals") from an instant
 * `sum by (kind, type) (count_over_time(…[window]))` at the window's end: exactly the entries inside
 * the window. A matrix (range query) counts only its point at `end`, never an earlier point whose
 * range reaches back before the window.
 */
export function parseCountsByKind(body: string, endMs?: number): Parsed<Record<string, number>> {
  const parsed = parseReply('Loki', metricReply, body, 'metric query');
  if (!parsed.ok) return parsed;
  const counts: Record<string, number> = {};
  const data = parsed.value.data;
  const atEnd = (t: number | string) => endMs === undefined || Math.abs(Number(t) * 1000 - endMs) < 1000;
  const series =
    data.resultType === 'matrix'
      ? data.result.map((r) => ({ metric: r.metric, point: r.values.find((v) => atEnd(v[0])) }))
      : data.result.map((r) => ({ metric: r.metric, point: r.value }));
  for (const { metric, point } of series) {
    if (!point) continue;
    const kind = metric.kind ?? 'unlabelled';
    // Measurements are told apart by type (web-vitals or custom); an exception's type is its class.
    const key = kind === 'measurement' && metric.type ? `${kind}/${metric.type}` : kind;
    counts[key] = (counts[key] ?? 0) + Number(point[1]);
  }
  return { ok: true, value: counts };
}

export type LokiLine = z.infer<typeof lokiLine>;

const MAX_LINE = 1000;

/** The newest entry across all streams of a log query, or null when there is none. */
export function parseNewestLine(body: string): Parsed<LokiLine | null> {
  const parsed = parseReply('Loki', streamsReply, body, 'log query');
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

/**
 * The environment the board's own synthetic Faro payloads carry (the /faro route proof), so that
 * neither the proofs nor the service's dashboards count them as real browser telemetry.
 */
export const SYNTHETIC_ENVIRONMENT = 'rollout-board-synthetic';
const withoutSynthetic = (selector: string) =>
  `${selector} != ${quoteLabel(`app_environment=${SYNTHETIC_ENVIRONMENT}`)}`;

export interface BrowserTelemetryRule {
  require: 'any' | 'errors-and-web-vitals';
  structured: boolean;
  surfaces: Surface[];
}

/** Its schema is the stored evidence's (lib/matrix/check-evidence.ts), so what the probe writes is what readers parse. */
export type SurfaceEvidence = z.infer<typeof lokiEvidence>['surfaces'][number];

/** Its schema is the stored evidence's (lib/matrix/check-evidence.ts), so what the probe writes is what readers parse. */
export type LokiEvidence = z.infer<typeof lokiEvidence>;

/** The pipeline after the selector: logfmt (it yields `type`, page_url…), then the surface's filter. */
function surfacePipeline(rule: BrowserTelemetryRule, surface: Surface | null): string {
  const needsParser = rule.structured || rule.require === 'errors-and-web-vitals' || surface !== null;
  const stages: string[] = [];
  if (needsParser) stages.push('| logfmt');
  // "Structured" = Loki's logfmt parser yields the fields: lines it cannot parse do not count.
  if (rule.structured) stages.push('| __error__=""');
  if (surface?.label) stages.push(`| ${surface.label.name}=${quoteLabel(surface.label.value)}`);
  if (surface?.pageUrlMatches) stages.push(`| page_url=~${quoteLabel(surface.pageUrlMatches)}`);
  if (surface?.pageUrlNotMatches) stages.push(`| page_url!~${quoteLabel(surface.pageUrlNotMatches)}`);
  return stages.join(' ');
}

/** What a surface lacks, in a reader's words ("no Web Vitals"); empty when it has what the rule asks. */
export function missingKinds(rule: Pick<BrowserTelemetryRule, 'require'>, counts: Record<string, number>): string[] {
  const total = Object.values(counts).reduce((s, n) => s + n, 0);
  if (rule.require === 'any') return total > 0 ? [] : ['no browser events'];
  const missing: string[] = [];
  if (!counts.exception) missing.push('no browser errors');
  if (!counts['measurement/web-vitals']) missing.push('no Web Vitals');
  return missing;
}

async function probeSurface(
  upstream: Upstream,
  selector: string,
  rule: BrowserTelemetryRule,
  surface: Surface | null,
  window: ProbeWindow,
): Promise<{ ok: true; value: SurfaceEvidence } | { ok: false; message: string; unreachable: boolean }> {
  const rangeSeconds = Math.max(1, Math.round((window.end - window.start) / 1000));
  const logQuery = `${withoutSynthetic(selector)} ${surfacePipeline(rule, surface)}`.trim();
  const by = rule.require === 'errors-and-web-vitals' ? 'kind, type' : 'kind';
  const query = `sum by (${by}) (count_over_time(${logQuery} [${rangeSeconds}s]))`;
  // An instant metric query at `end` counts exactly [end − window, end]; the newest entry comes
  // from a log query over the same window and is checked against it too.
  const [counts, newest] = await Promise.all([
    upstreamRequest(upstream, { path: '/loki/api/v1/query', query: { query, time: ns(window.end) } }),
    queryLogs(upstream, logQuery, window, 1),
  ]);
  if (!counts.ok) return { ok: false, message: counts.message, unreachable: counts.status === null };
  const parsed = parseCountsByKind(counts.body);
  if (!parsed.ok) return { ok: false, message: parsed.message, unreachable: false };
  if (!newest.ok)
    return { ok: false, message: newest.message, unreachable: 'status' in newest && newest.status === null };
  const inWindow =
    newest.value &&
    Date.parse(newest.value.time) >= window.start - 1 &&
    Date.parse(newest.value.time) <= window.end + 1;
  const countsByKind = inWindow ? parsed.value : {};
  return {
    ok: true,
    value: {
      name: surface?.name ?? 'all',
      query,
      countsByKind,
      total: Object.values(countsByKind).reduce((s, n) => s + n, 0),
      newest: newest.value,
      // Counts without an entry inside the window are not trusted: the newest entry decides.
      missing: inWindow || !newest.value ? missingKinds(rule, countsByKind) : [`no entries since ${newest.value.time}`],
    },
  };
}

/**
 * Did the Faro app's browser telemetry reach Loki within the window, with what the criterion asks
 * (any kind, or exceptions plus Web Vitals), on every surface it names? Only entries inside the
 * window count, and the board's own synthetic payloads never do.
 */
export async function probeLoki(
  upstream: Upstream,
  selector: string,
  window: ProbeWindow,
  rule: BrowserTelemetryRule = { require: 'any', structured: false, surfaces: [] },
): Promise<ProbeResult<LokiEvidence>> {
  const evidence: LokiEvidence = {
    selector,
    window: { start: new Date(window.start).toISOString(), end: new Date(window.end).toISOString() },
    surfaces: [],
    countsByKind: {},
    total: 0,
    newest: null,
  };
  const surfaces = rule.surfaces.length > 0 ? rule.surfaces : [null];
  const results = await Promise.all(surfaces.map((s) => probeSurface(upstream, selector, rule, s, window)));
  for (const r of results) {
    if (!r.ok) return { status: 'error', message: r.message, evidence, unreachable: r.unreachable };
    evidence.surfaces.push(r.value);
    for (const [k, n] of Object.entries(r.value.countsByKind))
      evidence.countsByKind[k] = (evidence.countsByKind[k] ?? 0) + n;
    if (r.value.newest && (!evidence.newest || r.value.newest.time > evidence.newest.time))
      evidence.newest = r.value.newest;
  }
  evidence.total = Object.values(evidence.countsByKind).reduce((s, n) => s + n, 0);
  const minutes = Math.round((window.end - window.start) / 60_000);
  const lacking = evidence.surfaces.filter((s) => s.missing.length > 0);
  if (lacking.length > 0) {
    const what = lacking
      .map((s) => (rule.surfaces.length > 0 ? `${s.name}: ${s.missing.join(', ')}` : s.missing.join(', ')))
      .join('; ');
    const newest = evidence.newest ? ` (newest entry ${evidence.newest.time})` : '';
    return {
      status: 'fail',
      message:
        `${what} for ${selector} in the last ${minutes} ` +
        `min${newest}${rule.structured ? ' that logfmt parses' : ''}: check the app's Faro instrumentations and ` +
        `collector URL, and Alloy's faro.receiver → loki.write pipeline.`,
      evidence,
    };
  }
  const summary = Object.entries(evidence.countsByKind)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  const per = rule.surfaces.length > 0 ? ` on ${rule.surfaces.map((s) => s.name).join(' and ')}` : '';
  return { status: 'pass', message: `${evidence.total} entries in the window${per} (${summary})`, evidence };
}
