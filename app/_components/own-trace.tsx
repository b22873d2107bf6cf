'use client';

import { useQuery } from '@tanstack/react-query';
import { tempoTraceUrl } from '@/lib/faro/links';
import type { OwnTrace } from '@/lib/tracing/own-trace';
import { fetchJson } from './fetch-json';

/** The board's own browser → server trace, read back from Tempo, with a link into Grafana. */
export function OwnTracePanel() {
  const { data, error } = useQuery({
    queryKey: ['own-trace'],
    queryFn: () => fetchJson<OwnTrace & { grafanaUrl: string | null }>('/api/faro/own-trace'),
    refetchInterval: 5_000,
  });
  if (error) return <p role="alert">{error.message}</p>;
  if (!data) return <p>Looking for the board’s own traces in Tempo…</p>;
  if (data.status !== 'found') return <p data-testid="own-trace-status">{data.reason}</p>;
  return (
    <dl className="facts" data-testid="own-trace">
      <dt>Trace</dt>
      <dd>
        {data.grafanaUrl ? (
          <a href={tempoTraceUrl(data.grafanaUrl, data.traceId)} data-testid="own-trace-grafana-link">
            <code>{data.traceId}</code> in Grafana
          </a>
        ) : (
          <code>{data.traceId}</code>
        )}
      </dd>
      <dt>Browser span (Faro)</dt>
      <dd>
        {data.browserSpan.name} <code>{data.browserSpan.spanId}</code>
      </dd>
      <dt>Its child: the board’s server span</dt>
      <dd data-testid="own-trace-server-span">
        {data.serverSpan.name} <code>{data.serverSpan.spanId}</code> (parent <code>{data.serverSpan.parentSpanId}</code>
        )
      </dd>
    </dl>
  );
}
