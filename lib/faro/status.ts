import { serverConfig, type ServerConfig } from '../config/env';
import { redactUrl } from '../config/redact';
import { processFaroStats, type FaroProxyStatsView } from './stats';

/** What GET /api/faro/stats and the reference page show about the board's own Faro. */
export interface FaroStatus {
  enabled: boolean;
  proxyEnabled: boolean;
  appName: string;
  collectorUrl: string;
  /** The receiver behind the proxy: engineers only (null for others). */
  upstreamUrl: string | null;
  grafanaUrl: string | null;
  /** The counters are this process's since it started (each replica has its own). */
  proxy: FaroProxyStatsView;
  /** The W3C trace context this request itself carried (the browser's fetch span), or null. */
  thisRequest: { traceparent: string | null };
  /** True when other visitors' sessions and traces and the upstream URL were left out (not an engineer). */
  restricted: boolean;
}

export interface FaroAudience {
  /** Engineers see every session and trace id and the upstream URL; others only their own session. */
  seesEveryone: boolean;
  /** The asker's own Faro session id (x-faro-session-id), shown back to them. */
  ownSessionId?: string | null;
}

export function faroStatus(
  traceparent: string | null,
  audience: FaroAudience,
  config: ServerConfig = serverConfig(),
): FaroStatus {
  const proxy = processFaroStats().view();
  const { seesEveryone, ownSessionId } = audience;
  return {
    enabled: config.FARO_ENABLED,
    proxyEnabled: config.FARO_ENABLED && config.FARO_PROXY_ENABLED,
    appName: config.FARO_APP_NAME,
    collectorUrl: config.FARO_COLLECTOR_URL,
    upstreamUrl: seesEveryone ? redactUrl(config.FARO_UPSTREAM_URL) : null,
    grafanaUrl: config.GRAFANA_URL ?? null,
    proxy: seesEveryone
      ? proxy
      : {
          ...proxy,
          // Other visitors' ids, and upstream errors that may name the internal receiver, are engineers' business.
          lastUpstream: proxy.lastUpstream ? { ...proxy.lastUpstream, error: null } : null,
          recentTraceIds: [],
          recentSessionIds: proxy.recentSessionIds.filter((id) => ownSessionId && id === ownSessionId),
        },
    thisRequest: { traceparent },
    restricted: !seesEveryone,
  };
}
