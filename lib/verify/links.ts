import type { PublicConfig } from '../config/env';
import type { CheckFact } from '../matrix/types';

export interface EvidenceLink {
  label: string;
  href: string;
}

type Grafana = Pick<PublicConfig, 'grafanaUrl' | 'grafanaDatasources'>;

const base = (url: string) => url.replace(/\/$/, '');

/** Grafana Explore with one query in one pane (the `panes` URL format of Grafana 10+). */
export function exploreUrl(
  grafanaUrl: string,
  datasource: { type: string; uid: string },
  query: Record<string, unknown>,
  range = { from: 'now-1h', to: 'now' },
): string {
  const panes = { a: { datasource: datasource.uid, queries: [{ refId: 'A', datasource, ...query }], range } };
  return `${base(grafanaUrl)}/explore?schemaVersion=1&panes=${encodeURIComponent(JSON.stringify(panes))}&orgId=1`;
}

/** The Pyroscope app's flame graph for one service_name and profile type. */
export function flameGraphUrl(
  grafanaUrl: string,
  datasourceUid: string,
  serviceName: string,
  profileType: string,
): string {
  const params = new URLSearchParams({
    explorationType: 'flame-graph',
    'var-serviceName': serviceName,
    'var-profileMetricId': profileType,
    'var-dataSource': datasourceUid,
    from: 'now-1h',
    to: 'now',
  });
  return `${base(grafanaUrl)}/a/grafana-pyroscope-app/explore?${params}`;
}

/** Deep links from a check's evidence into Grafana: flame graphs, the Loki query, the trace. None without GRAFANA_URL. */
export function evidenceLinks(grafana: Grafana, check: CheckFact): EvidenceLink[] {
  const url = grafana.grafanaUrl;
  if (!url) return [];
  const ds = grafana.grafanaDatasources;
  if (check.check === 'pyroscope') {
    const services = check.evidence?.services ?? [];
    return services
      .filter((s) => s.profileTypes.length > 0)
      .map((s) => ({
        label: `Flame graph: ${s.serviceName}`,
        href: flameGraphUrl(
          url,
          ds.pyroscope,
          s.serviceName,
          s.profileTypes.find((t) => /cpu|wall/.test(t)) ?? s.profileTypes[0],
        ),
      }));
  }
  if (check.check === 'loki') {
    const expr = check.evidence?.selector ?? check.target;
    return [{ label: 'Logs in Explore', href: exploreUrl(url, { type: 'loki', uid: ds.loki }, { expr }) }];
  }
  if (check.check === 'tempo') {
    const traceId = check.evidence?.linkedTraceId ?? check.evidence?.traces?.[0]?.traceID;
    const query = { queryType: 'traceql', query: traceId ?? check.evidence?.query ?? '' };
    return [
      {
        label: traceId ? `Trace ${traceId.slice(0, 8)}… in Tempo` : 'Traces in Explore',
        href: exploreUrl(url, { type: 'tempo', uid: ds.tempo }, query),
      },
    ];
  }
  // The marker is what the gate sent through the receiver; the Loki step is where it is looked for.
  if (check.check === 'gate-loki' && check.evidence?.marker) {
    return [
      {
        label: 'Gate payload in Loki',
        href: exploreUrl(
          url,
          { type: 'loki', uid: ds.loki },
          { expr: `{service_name="rollout-board-probe"} |= "${check.evidence.marker}"` },
        ),
      },
    ];
  }
  return [];
}
