import { serverConfig, type ServerConfig } from '../config/env';
import type { FaroProxySettings } from './proxy';
import { ClientRateLimiter } from './rate-limit';

/** The proxy's settings from the environment (FARO_*, i.e. the chart's faro.* values). */
export function faroProxySettings(config: ServerConfig = serverConfig()): FaroProxySettings {
  return {
    enabled: config.FARO_ENABLED && config.FARO_PROXY_ENABLED,
    upstreamUrl: config.FARO_UPSTREAM_URL,
    apiKey: config.FARO_API_KEY,
    maxBodyBytes: config.FARO_MAX_BODY_BYTES,
    upstreamTimeoutMs: config.FARO_UPSTREAM_TIMEOUT,
    trustedProxies: config.FARO_TRUSTED_PROXIES,
  };
}

const KEY = Symbol.for('rollout-board.faro.rate-limiter');
type WithLimiter = typeof globalThis & { [KEY]?: ClientRateLimiter };

/** One limiter per process, shared by every bundle that imports this. */
export function processFaroRateLimiter(config: ServerConfig = serverConfig()): ClientRateLimiter {
  const holder = globalThis as WithLimiter;
  holder[KEY] ??= new ClientRateLimiter(config.FARO_RATE_LIMIT_PER_SECOND, config.FARO_RATE_LIMIT_BURST);
  return holder[KEY];
}
