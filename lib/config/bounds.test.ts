import { describe, expect, it } from 'vitest';
import { parseConfig } from './env';

const problems = (env: Record<string, string>) => {
  try {
    parseConfig(env);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
};

describe('configuration bounds', () => {
  it('refuses intervals outside 10 s – 24 h instead of overflowing a timer', () => {
    expect(problems({ VERIFY_INTERVAL: '1000h' })).toContain(
      'VERIFY_INTERVAL: expected a duration from 10s to 24h, got "1000h"',
    );
    expect(problems({ SYNC_INTERVAL: '1ms' })).toContain(
      'SYNC_INTERVAL: expected a duration from 10s to 24h, got "1ms"',
    );
    expect(problems({ SYNC_INTERVAL: '10s', GITHUB_TIMEOUT: '5s', VERIFY_INTERVAL: '24h' })).toBe('');
  });

  it('refuses timeouts that are not shorter than the interval they live in, naming both', () => {
    expect(problems({ VERIFY_INTERVAL: '10s' })).toContain(
      'PROBE_TIMEOUT: 10s must be shorter than VERIFY_TIMEOUT (10s); lower PROBE_TIMEOUT or raise VERIFY_TIMEOUT',
    );
    expect(problems({ SYNC_INTERVAL: '1m', SYNC_TIMEOUT: '2m' })).toContain(
      'SYNC_TIMEOUT: 2m must be shorter than SYNC_INTERVAL (1m)',
    );
    expect(problems({ SYNC_TIMEOUT: '20s' })).toContain('GITHUB_TIMEOUT: 30s must be shorter than SYNC_TIMEOUT (20s)');
  });

  it('derives run deadlines from the interval when unset', () => {
    expect(parseConfig({}).SYNC_TIMEOUT).toBe(5 * 60_000);
    expect(parseConfig({ VERIFY_INTERVAL: '1m' }).VERIFY_TIMEOUT).toBe(60_000);
    expect(parseConfig({ VERIFY_INTERVAL: '30m', VERIFY_TIMEOUT: '20m' }).VERIFY_TIMEOUT).toBe(20 * 60_000);
  });

  it('accepts only http(s) URLs for upstreams', () => {
    expect(problems({ LOKI_URL: 'ftp://loki.example.org' })).toContain('LOKI_URL: expected an absolute http(s) URL');
    expect(problems({ KUBE_API_URL: 'file:///etc/passwd' })).toContain(
      'KUBE_API_URL: expected an absolute http(s) URL',
    );
    expect(problems({ GITHUB_API_URL: 'gopher://ghe' })).toContain('GITHUB_API_URL: expected an absolute http(s) URL');
    expect(problems({ LOKI_URL: 'https://loki.example.org' })).toBe('');
  });

  it('bounds byte caps and the trusted-proxy count', () => {
    expect(problems({ PROBE_MAX_REPLY_BYTES: '10' })).toContain('PROBE_MAX_REPLY_BYTES');
    expect(problems({ FARO_TRUSTED_PROXIES: '-1' })).toContain('FARO_TRUSTED_PROXIES');
    expect(parseConfig({ FARO_TRUSTED_PROXIES: '2' }).FARO_TRUSTED_PROXIES).toBe(2);
  });
});
