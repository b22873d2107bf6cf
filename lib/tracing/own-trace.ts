import type { ServerConfig } from '../config/env';
import { parseReply, type Upstream, upstreamFromConfig, upstreamRequest } from '../probes/http';
import { parseSearchTraces, traceReply } from '../probes/tempo';
import { quoteLabel } from '../probes/types';
import { tracingEndpoint } from './settings';

/** One span of the board's own trace, as Tempo holds it. */
export interface OwnSpan {
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: string;
  /** Browser (Faro) or the board's server (OpenTelemetry Node). */
  side: 'browser' | 'server';
}

export type OwnTrace =
  | { status: 'off'; reason: string }
  | { status: 'none'; reason: string }
  | { status: 'error'; reason: string }
  | { status: 'found'; traceId: string; browserSpan: OwnSpan; serverSpan: OwnSpan; spans: OwnSpan[] };

// Tempo's v2 API gives span ids in base64; the board shows and compares them in hex, as traceparent does.
const toHex = (id: string) =>
  /^[0-9a-f]{16}$/i.test(id) ? id.toLowerCase() : Buffer.from(id, 'base64').toString('hex');

/** The spans of one trace (GET /api/v2/traces/<id>), each marked as browser or server side. */
export function parseOwnSpans(body: string): OwnSpan[] | null {
  const parsed = parseReply('Tempo', traceReply, body, 'trace');
  if (!parsed.ok) return null;
  return (parsed.value.trace?.resourceSpans ?? []).flatMap((rs) => {
    const attributes = rs.resource?.attributes ?? [];
    const browser = attributes.some(
      (a) => (a.key === 'telemetry.sdk.language' && a.value.stringValue === 'webjs') || a.key.startsWith('browser.'),
    );
    return (rs.scopeSpans ?? []).flatMap((ss) =>
      (ss.spans ?? []).flatMap((s): OwnSpan[] =>
        // A span without an id or a name cannot be placed in the trace.
        !s.spanId || s.name === undefined
          ? []
          : [
              {
                spanId: toHex(s.spanId),
                parentSpanId: s.parentSpanId ? toHex(s.parentSpanId) : null,
                name: s.name,
                kind: String(s.kind ?? 'SPAN_KIND_UNSPECIFIED'),
                side: browser ? 'browser' : 'server',
              },
            ],
      ),
    );
  });
}

/** How many of the newest traces are opened to look for a browser span with a server child. */
const TRACES_TO_INSPECT = 10;

/**
 * The newest trace in which one of the board's browser fetches (Faro) has the board's server span as
 * its child, read back from Tempo: the Faro pattern's "browser traces linked to backend spans",
 * shown on the board itself. Needs TEMPO_URL (to read) and OTEL_EXPORTER_OTLP_ENDPOINT (to send).
 * Server-only traces (schedules, pages rendered without a fetch) are skipped.
 */
export async function findOwnLinkedTrace(
  config: ServerConfig,
  now = Date.now(),
  env: Record<string, string | undefined> = process.env,
): Promise<OwnTrace> {
  if (!tracingEndpoint(env))
    return { status: 'off', reason: 'The board does not trace itself: set OTEL_EXPORTER_OTLP_ENDPOINT.' };
  const tempo: Upstream | null = upstreamFromConfig(config, 'TEMPO');
  if (!tempo) return { status: 'off', reason: 'Set TEMPO_URL so the board can read its own traces back.' };
  const search = await upstreamRequest(tempo, {
    path: '/api/search',
    query: {
      q: `{resource.service.name=${quoteLabel(config.FARO_APP_NAME)}}`,
      start: Math.floor((now - 15 * 60_000) / 1000),
      end: Math.ceil(now / 1000),
      limit: 20,
    },
  });
  if (!search.ok) return { status: 'error', reason: search.message };
  const traces = parseSearchTraces(search.body);
  if (!traces.ok) return { status: 'error', reason: traces.message };
  for (const { traceID } of traces.value.slice(0, TRACES_TO_INSPECT)) {
    const reply = await upstreamRequest(tempo, { path: `/api/v2/traces/${encodeURIComponent(traceID)}` });
    if (!reply.ok) return { status: 'error', reason: reply.message };
    const spans = parseOwnSpans(reply.body) ?? [];
    for (const serverSpan of spans.filter((s) => s.side === 'server')) {
      const browserSpan = spans.find((s) => s.side === 'browser' && s.spanId === serverSpan.parentSpanId);
      if (browserSpan) return { status: 'found', traceId: traceID, browserSpan, serverSpan, spans };
    }
  }
  return {
    status: 'none',
    reason: 'No browser trace of the board with a server child span in the last 15 minutes yet.',
  };
}
