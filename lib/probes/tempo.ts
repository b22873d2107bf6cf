import type { traceSummary, tempoEvidence } from '../matrix/check-evidence';
import { z } from 'zod';
import { upstreamRequest, type Upstream, type Parsed, parseReply } from './http';
import { quoteLabel, type ProbeResult, type ProbeWindow } from './types';

const searchReply = z.object({
  traces: z
    .array(
      z.object({
        traceID: z.string(),
        rootServiceName: z.string().optional(),
        rootTraceName: z.string().optional(),
        startTimeUnixNano: z.string().optional(),
        durationMs: z.number().optional(),
      }),
    )
    .optional(),
});
const attribute = z.object({ key: z.string(), value: z.record(z.string(), z.unknown()) });
/** GET /api/v2/traces/<id>: resource spans with their attributes, and each span's ids, name and kind. */
export const traceReply = z.object({
  trace: z
    .object({
      resourceSpans: z
        .array(
          z.object({
            resource: z.object({ attributes: z.array(attribute).optional() }).optional(),
            scopeSpans: z
              .array(
                z.object({
                  spans: z
                    .array(
                      z.object({
                        spanId: z.string().optional(),
                        parentSpanId: z.string().optional(),
                        name: z.string().optional(),
                        kind: z.union([z.string(), z.number()]).optional(),
                      }),
                    )
                    .optional(),
                }),
              )
              .optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});

export type TraceSummary = z.infer<typeof traceSummary>;

/** Traces in a /api/search reply, newest first. */
export function parseSearchTraces(body: string): Parsed<TraceSummary[]> {
  const parsed = parseReply('Tempo', searchReply, body, 'search');
  if (!parsed.ok) return parsed;
  const traces = (parsed.value.traces ?? []).map((t) => ({
    traceID: t.traceID,
    rootServiceName: t.rootServiceName ?? null,
    rootTraceName: t.rootTraceName ?? null,
    startedAt: t.startTimeUnixNano ? new Date(Number(BigInt(t.startTimeUnixNano) / 1_000_000n)).toISOString() : null,
  }));
  return { ok: true, value: traces.sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? '')) };
}

const isBrowserResource = (attributes: Array<z.infer<typeof attribute>>) =>
  attributes.some(
    (a) => (a.key === 'telemetry.sdk.language' && a.value.stringValue === 'webjs') || a.key.startsWith('browser.'),
  );

/**
 * Does a trace (GET /api/v2/traces/<id>) hold a backend span, i.e. a span from a non-browser
 * resource? The browser app and its backend may share a service.name, so the name cannot tell.
 * v2 answers 200 `{"trace":{}}` for an unknown id.
 */
export function parseHasBackendSpan(body: string): Parsed<boolean> {
  const parsed = parseReply('Tempo', traceReply, body, 'trace');
  if (!parsed.ok) return parsed;
  const linked = (parsed.value.trace?.resourceSpans ?? []).some(
    (rs) =>
      !isBrowserResource(rs.resource?.attributes ?? []) &&
      (rs.scopeSpans ?? []).some((ss) => (ss.spans ?? []).length > 0),
  );
  return { ok: true, value: linked };
}

/** Its schema is the stored evidence's (lib/matrix/check-evidence.ts), so what the probe writes is what readers parse. */
export type TempoEvidence = z.infer<typeof tempoEvidence>;

/** How many of the newest traces are opened to look for a backend span. */
const TRACES_TO_INSPECT = 5;

/**
 * Browser traces of a Faro app in the window (exact TraceQL match; the `tags=` search matches
 * substrings), and whether any of them also holds a backend span.
 */
export async function probeTempo(
  upstream: Upstream,
  faroApp: string,
  window: ProbeWindow,
  requireBackendLink: boolean,
): Promise<ProbeResult<TempoEvidence>> {
  const query = `{resource.service.name=${quoteLabel(faroApp)}}`;
  const evidence: TempoEvidence = { query, traceCount: 0, traces: [], linkedTraceId: null };
  const search = await upstreamRequest(upstream, {
    path: '/api/search',
    query: { q: query, start: Math.floor(window.start / 1000), end: Math.ceil(window.end / 1000), limit: 20 },
  });
  if (!search.ok) return { status: 'error', message: search.message, evidence, unreachable: search.status === null };
  const traces = parseSearchTraces(search.body);
  if (!traces.ok) return { status: 'error', message: traces.message, evidence };
  evidence.traceCount = traces.value.length;
  evidence.traces = traces.value.map((t) => ({ ...t, linkedToBackend: null }));
  if (traces.value.length === 0) {
    return {
      status: 'fail',
      message:
        `Tempo is up but has no traces for service.name "${faroApp}" in the window: check Faro's ` +
        `TracingInstrumentation and Alloy's traces output.`,
      evidence,
    };
  }
  for (const trace of evidence.traces.slice(0, TRACES_TO_INSPECT)) {
    const reply = await upstreamRequest(upstream, { path: `/api/v2/traces/${encodeURIComponent(trace.traceID)}` });
    if (!reply.ok) return { status: 'error', message: reply.message, evidence, unreachable: reply.status === null };
    const linked = parseHasBackendSpan(reply.body);
    if (!linked.ok) return { status: 'error', message: linked.message, evidence };
    trace.linkedToBackend = linked.value;
    if (linked.value) {
      evidence.linkedTraceId = trace.traceID;
      break;
    }
  }
  const count = `${evidence.traceCount} browser trace${evidence.traceCount === 1 ? '' : 's'}`;
  if (evidence.linkedTraceId) return { status: 'pass', message: `${count}, linked to backend spans`, evidence };
  if (requireBackendLink) {
    return {
      status: 'fail',
      message:
        `${count}, but none of the newest ${Math.min(TRACES_TO_INSPECT, evidence.traceCount)} has a ` +
        `backend span: check that the backend is traced and that Faro propagates traceparent to it.`,
      evidence,
    };
  }
  return { status: 'pass', message: `${count} (no backend span required)`, evidence };
}
