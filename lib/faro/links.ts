/** Grafana Explore on the Tempo data source for one trace id (works from the server and the browser). */
export function tempoTraceUrl(grafanaUrl: string, traceId: string): string {
  const left = {
    datasource: 'tempo',
    queries: [{ refId: 'A', queryType: 'traceql', query: traceId }],
    range: { from: 'now-6h', to: 'now' },
  };
  return `${grafanaUrl.replace(/\/+$/, '')}/explore?schemaVersion=1&left=${encodeURIComponent(JSON.stringify(left))}`;
}

/** The trace id inside a W3C traceparent ("00-<trace id>-<span id>-<flags>"), or null. */
export function traceIdOf(traceparent: string | null): string | null {
  const match = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(traceparent?.trim() ?? '');
  return match && !/^0+$/.test(match[1]) ? match[1] : null;
}
