import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, envSchema, parseConfig, publicConfig } from './env';

describe('configuration', () => {
  it('defaults to the embedded SQLite store and the Phase 3 plan', () => {
    const config = parseConfig({});
    expect(config.DATABASE_URL).toBe('file:./data/rollout-board.db');
    expect(config.planFilePath).toMatch(/lib\/plan\/phase-3\.json$/);
    expect(config.SYNC_INTERVAL).toBe(600_000);
    // The pool at which verify-all meets its bench target (README, "Verify all").
    expect(config.VERIFY_CONCURRENCY).toBe(8);
  });

  it('names each bad variable and what it expects', () => {
    let error: unknown;
    try {
      parseConfig({ DATABASE_URL: 'mysql://x', VERIFY_INTERVAL: 'often', TARGET_DATE: '31/12/2026' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message.split('\n')[0]).toBe('Invalid configuration (see .env.example):');
    expect(message).toContain('DATABASE_URL: expected file:<path> (SQLite) or postgresql://');
    expect(message).toContain('VERIFY_INTERVAL: expected a duration like 30s, 10m or 1h, got "often"');
    expect(message).toContain('TARGET_DATE: expected a date like 2026-12-31');
  });

  /** The message parseConfig stops start-up with, or null when the settings are taken. */
  const refusal = (env: Record<string, string>) => {
    try {
      parseConfig(env);
      return null;
    } catch (error) {
      return (error as Error).message;
    }
  };

  it('reads durations within their bounds, and refuses a zero, a typo or one out of bounds', () => {
    expect(parseConfig({ VERIFY_INTERVAL: ' 2m ' }).VERIFY_INTERVAL).toBe(120_000);
    expect(refusal({ VERIFY_INTERVAL: '0s' })).toContain(
      'VERIFY_INTERVAL: expected a duration like 30s, 10m or 1h, got "0s"',
    );
    expect(refusal({ VERIFY_INTERVAL: '5s' })).toContain(
      'VERIFY_INTERVAL: expected a duration from 10s to 24h, got "5s"',
    );
    expect(refusal({ VERIFY_INTERVAL: '25h' })).toContain('expected a duration from 10s to 24h, got "25h"');
    // Both ends are within bounds (a setting whose timeouts follow from nothing else).
    expect(parseConfig({ GITHUB_RATE_LIMIT_MAX_WAIT: '1s' }).GITHUB_RATE_LIMIT_MAX_WAIT).toBe(1000);
    expect(parseConfig({ GITHUB_RATE_LIMIT_MAX_WAIT: '1h' }).GITHUB_RATE_LIMIT_MAX_WAIT).toBe(3_600_000);
    expect(refusal({ GITHUB_RATE_LIMIT_MAX_WAIT: '999ms' })).toContain(
      'expected a duration from 1s to 1h, got "999ms"',
    );
    // An optional duration left empty (as a Helm value renders) is unset, and derived from the interval.
    expect(parseConfig({ SYNC_INTERVAL: '2m', SYNC_TIMEOUT: ' ' }).SYNC_TIMEOUT).toBe(120_000);
    expect(refusal({ SYNC_TIMEOUT: 'soon' })).toContain('SYNC_TIMEOUT: expected a duration like 30s, 10m or 1h');
  });

  it('stops start-up when a time limit does not fit inside the one around it, saying which to change', () => {
    const message = refusal({ VERIFY_TIMEOUT: '10s' }) ?? '';
    expect(message.split('\n').slice(1)).toEqual([
      '  PROBE_TIMEOUT: 10s must be shorter than VERIFY_TIMEOUT (10s); lower PROBE_TIMEOUT or raise VERIFY_TIMEOUT',
      '  KUBE_TIMEOUT: 10s must be shorter than VERIFY_TIMEOUT (10s); lower KUBE_TIMEOUT or raise VERIFY_TIMEOUT',
      '  GATE_DEADLINE: 30s must be shorter than VERIFY_TIMEOUT (10s); lower GATE_DEADLINE or raise VERIFY_TIMEOUT',
    ]);
    expect(refusal({ VERIFY_INTERVAL: '1m', VERIFY_TIMEOUT: '2m' })).toMatch(/VERIFY_TIMEOUT: 2m .*VERIFY_INTERVAL/);
  });

  it('takes SQLite files and PostgreSQL URLs under either scheme name', () => {
    expect(parseConfig({ DATABASE_URL: 'postgres://board@db/board' }).DATABASE_URL).toBe('postgres://board@db/board');
    expect(refusal({ DATABASE_URL: 'xpostgresql://db/board' })).toContain('DATABASE_URL: expected file:<path>');
    expect(refusal({ DATABASE_URL: 'postgresq://db/board' })).toContain('DATABASE_URL: expected file:<path>');
    expect(parseConfig({ TARGET_DATE: ' 2026-12-31 ' }).TARGET_DATE).toBe('2026-12-31');
  });

  it('reads switches as Helm renders them, and refuses anything else by name', () => {
    for (const on of ['true', 'TRUE', ' 1 ', 'yes'])
      expect(parseConfig({ FARO_ENABLED: on }).FARO_ENABLED, on).toBe(true);
    for (const off of ['false', '0', 'No', ''])
      expect(parseConfig({ FARO_ENABLED: off }).FARO_ENABLED, off).toBe(false);
    expect(refusal({ FARO_ENABLED: 'on' })).toContain('FARO_ENABLED: expected true or false, got "on"');
  });

  it('treats an empty URL or secret as unset and trims what is set', () => {
    const config = parseConfig({ GRAFANA_URL: '  ', GITHUB_TOKEN: ' ', BOARD_URL: ' https://rollout.example.org ' });
    expect(config.GRAFANA_URL).toBeUndefined();
    expect(config.GITHUB_TOKEN).toBeUndefined();
    expect(config.BOARD_URL).toBe('https://rollout.example.org');
    expect(parseConfig({ GITHUB_TOKEN: ' ghp_x ' }).GITHUB_TOKEN).toBe('ghp_x');
    expect(refusal({ GRAFANA_URL: 'grafana.example.org' })).toContain('GRAFANA_URL: expected an absolute http(s) URL');
    expect(parseConfig({ GITHUB_API_URL: ' https://ghe.example.org/api/v3// ' }).GITHUB_API_URL).toBe(
      'https://ghe.example.org/api/v3',
    );
    expect(parseConfig({ GITHUB_API_URL: '' }).GITHUB_API_URL).toBe('https://api.github.com');
  });

  it('sends the browser SDK to the board’s own path or an absolute collector URL, nothing else', () => {
    expect(parseConfig({}).FARO_COLLECTOR_URL).toBe('/faro');
    expect(parseConfig({ FARO_COLLECTOR_URL: 'https://faro.example.org/collect' }).FARO_COLLECTOR_URL).toBe(
      'https://faro.example.org/collect',
    );
    expect(parseConfig({ FARO_COLLECTOR_URL: 'http://alloy.internal:12347/collect' }).FARO_COLLECTOR_URL).toBe(
      'http://alloy.internal:12347/collect',
    );
    for (const bad of ['faro', 'ftp://faro.example.org/', 'javascript:alert(1)//https://x']) {
      expect(refusal({ FARO_COLLECTOR_URL: bad }), bad).toContain('FARO_COLLECTOR_URL: expected a path like /faro');
    }
  });

  it('reads per-service URLs as service=https://… pairs and names the pair it cannot read', () => {
    expect(
      parseConfig({ FRONTEND_URLS: ' traction=https://traction.example.org , acapy-agent=http://acapy:8080/ ' })
        .FRONTEND_URLS,
    ).toEqual({ traction: 'https://traction.example.org', 'acapy-agent': 'http://acapy:8080/' });
    expect(parseConfig({ FARO_ROUTE_URLS: 'traction = https://traction.example.org/faro' }).FARO_ROUTE_URLS).toEqual({
      traction: 'https://traction.example.org/faro',
    });
    for (const bad of [
      'traction',
      '=https://x',
      'Traction=https://x',
      '-x=https://x',
      'traction_x=https://x',
      'traction=ftp://x',
      'traction=xhttps://x',
      'traction=https://a b',
    ]) {
      expect(refusal({ FRONTEND_URLS: bad }), bad).toContain(
        `FRONTEND_URLS: expected service=https://… pairs separated by commas, got "${bad}"`,
      );
    }
  });

  it('reads the demo’s sign-in users as login:role pairs, leaving out what is not one', () => {
    expect(parseConfig({ DEMO_USERS: 'viewer:viewer, engineer:engineer,broken,:admin,x:,a:b:c' }).DEMO_USERS).toEqual([
      { login: 'viewer', role: 'viewer' },
      { login: 'engineer', role: 'engineer' },
    ]);
    expect(parseConfig({ DEMO_SIMULATORS: ' github , loki ,' }).DEMO_SIMULATORS).toEqual(['github', 'loki']);
    expect(parseConfig({ AUTH_ENGINEER_GROUPS: 'sre, platform ,sre,' }).AUTH_ENGINEER_GROUPS).toEqual([
      'sre',
      'platform',
    ]);
  });

  it('gives the browser only its public subset', () => {
    const config = parseConfig({
      DATABASE_URL: 'postgresql://u:secret@db/x',
      GRAFANA_URL: 'https://grafana.example.org',
    });
    const exposed = JSON.stringify(publicConfig(config));
    expect(exposed).not.toContain('secret');
    expect(Object.keys(publicConfig(config)).sort()).toEqual([
      'appVersion',
      'demoSimulators',
      'environment',
      'faro',
      'grafanaDatasources',
      'grafanaUrl',
    ]);
  });
});

describe('GitHub sync configuration', () => {
  it('is off by default and reads GITHUB_REPOS as a de-duplicated owner/name list', () => {
    expect(parseConfig({}).GITHUB_REPOS).toEqual([]);
    expect(parseConfig({}).GITHUB_API_URL).toBe('https://api.github.com');
    const config = parseConfig({
      GITHUB_REPOS: ' bcgov/traction, openwallet-foundation/acapy ,bcgov/traction',
      GITHUB_API_URL: 'https://ghe.example.org/api/v3/',
    });
    expect(config.GITHUB_REPOS).toEqual(['bcgov/traction', 'openwallet-foundation/acapy']);
    expect(config.GITHUB_API_URL).toBe('https://ghe.example.org/api/v3');
    expect(config.GITHUB_RATE_LIMIT_MAX_WAIT).toBe(60_000);
  });

  it('stops start-up naming the variable when a repository is not owner/name', () => {
    expect(() => parseConfig({ GITHUB_REPOS: 'bcgov' })).toThrow(ConfigError);
    expect(() => parseConfig({ GITHUB_REPOS: 'bcgov' })).toThrow(/GITHUB_REPOS: expected comma-separated owner\/name/);
    for (const bad of ['bcgov/traction/issues', 'https://github.com/bcgov/traction']) {
      expect(() => parseConfig({ GITHUB_REPOS: `bcgov/acapy, ${bad}` }), bad).toThrow(
        `GITHUB_REPOS: expected comma-separated owner/name repositories, got "${bad}"`,
      );
    }
  });

  it('never hands the token or the webhook secret to the browser', () => {
    const config = parseConfig({ GITHUB_TOKEN: 'ghp_secret', GITHUB_WEBHOOK_SECRET: 'hook-secret' });
    expect(JSON.stringify(publicConfig(config))).not.toMatch(/ghp_secret|hook-secret/);
  });
});

describe('.env.example', () => {
  it('documents every variable the board reads', () => {
    const example = readFileSync(path.resolve(__dirname, '../../.env.example'), 'utf8');
    const undocumented = Object.keys(envSchema.shape).filter((name) => !new RegExp(`^#? ?${name}=`, 'm').test(example));
    expect(undocumented).toEqual([]);
  });
});
