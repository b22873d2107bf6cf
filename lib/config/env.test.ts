import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig as parseEnv, publicConfig } from './env';

const parseConfig = (env: Record<string, string>) => parseEnv(env as NodeJS.ProcessEnv);

describe('GitHub sync configuration', () => {
  it('is off by default and reads GITHUB_REPOS as a de-duplicated owner/name list', () => {
    expect(parseConfig({}).GITHUB_REPOS).toEqual([]);
    expect(parseConfig({}).GITHUB_API_URL).toBe('https://api.github.com');
    const config = parseConfig({ GITHUB_REPOS: ' bcgov/traction, openwallet-foundation/acapy ,bcgov/traction', GITHUB_API_URL: 'https://ghe.example.org/api/v3/' });
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
