import { serverConfig, type ServerConfig } from '../config/env';
import { redactUrl } from '../config/redact';
import { processFaroStats, type FaroProxyStatsView } from './stats';

/** What GET /api/faro/stats and the reference page show about the board's own Faro. */
export interface FaroStatus {
  enabled: boolean;
  proxyEnabled: boolean;
  appName: string;
  collectorUrl: string;
  upstreamUrl: string;
  grafanaUrl: string | null;
  /** The counters are this process's since it started (each replica has its own). */
  proxy: FaroProxyStatsView;
  /** The W3C trace context this request itself carried (the browser's fetch span), or null. */
  thisRequest: { traceparent: string | null };
}

export function faroStatus(traceparent: string | null, config: ServerConfig = serverConfig()): FaroStatus {
  return {
    enabled: config.FARO_ENABLED,
    proxyEnabled: config.FARO_ENABLED && config.FARO_PROXY_ENABLED,
    appName: config.FARO_APP_NAME,
    collectorUrl: config.FARO_COLLECTOR_URL,
    upstreamUrl: redactUrl(config.FARO_UPSTREAM_URL),
    grafanaUrl: config.GRAFANA_URL ?? null,
    proxy: processFaroStats().view(),
    thisRequest: { traceparent },
  };
}
