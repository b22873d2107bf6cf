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
    expect(message).toContain('DATABASE_URL: expected file:<path> (SQLite) or postgresql://');
    expect(message).toContain('VERIFY_INTERVAL: expected a duration like 30s, 10m or 1h, got "often"');
    expect(message).toContain('TARGET_DATE: expected a date like 2026-12-31');
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
