import { describe, expect, it } from 'vitest';
import { parseConfig, publicConfig } from '../config/env';
import { faroProxySettings } from './config';

const env = (vars: Record<string, string> = {}) => ({ NODE_ENV: 'test', ...vars }) as NodeJS.ProcessEnv;

describe('Faro configuration (FARO_* = the chart faro.* values)', () => {
  it('is off by default: no browser config, the proxy route answers 404', () => {
    const config = parseConfig(env({}));
    expect(publicConfig(config).faro).toBeNull();
    expect(faroProxySettings(config)).toMatchObject({ enabled: false, upstreamUrl: 'http://alloy:12347/collect' });
  });

  it('gives the browser only name, collector URL, version and environment; never the API key', () => {
    const config = parseConfig(
      env({ FARO_ENABLED: 'true', FARO_API_KEY: 'receiver-secret', APP_VERSION: '1.2.3', APP_ENVIRONMENT: 'dev' }),
    );
    const browser = publicConfig(config);
    expect(browser.faro).toEqual({ appName: 'rollout-board', collectorUrl: '/faro' });
    expect(JSON.stringify(browser)).not.toContain('receiver-secret');
    expect(faroProxySettings(config)).toMatchObject({
      enabled: true,
      apiKey: 'receiver-secret',
      upstreamTimeoutMs: 5_000,
      maxBodyBytes: 1_048_576,
    });
  });

  it('keeps the proxy off when faro.proxy.enabled is false (the browser may send to a collector URL directly)', () => {
    const config = parseConfig(
      env({
        FARO_ENABLED: 'true',
        FARO_PROXY_ENABLED: 'false',
        FARO_COLLECTOR_URL: 'https://faro.example.org/collect',
      }),
    );
    expect(faroProxySettings(config).enabled).toBe(false);
    expect(publicConfig(config).faro?.collectorUrl).toBe('https://faro.example.org/collect');
  });

  it('stops start-up naming the variable on a bad value', () => {
    expect(() => parseConfig(env({ FARO_ENABLED: 'on' }))).toThrow(/FARO_ENABLED: expected true or false, got "on"/);
    expect(() => parseConfig(env({ FARO_UPSTREAM_URL: 'alloy:12347' }))).toThrow(/FARO_UPSTREAM_URL/);
    expect(() => parseConfig(env({ FARO_COLLECTOR_URL: 'faro' }))).toThrow(
      /FARO_COLLECTOR_URL: expected a path like \/faro/,
    );
  });
});
