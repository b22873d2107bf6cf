import { describe, expect, it } from 'vitest';
import { redactSecrets, redactUrl } from './redact';

describe('redactUrl: the one way a URL setting is shown', () => {
  it('drops user:password from any scheme and the trailing slash', () => {
    expect(redactUrl('https://user:secret@loki.example.org/')).toBe('https://loki.example.org');
    expect(redactUrl('http://user:pass@alloy:12347/collect')).toBe('http://alloy:12347/collect');
    expect(redactUrl('postgresql://board:s3cret@db:5432/board?schema=x')).toBe('postgresql://db:5432/board?schema=x');
    expect(redactUrl('https://token@ghe.example.org/api/v3')).toBe('https://ghe.example.org/api/v3');
  });

  it('shows a URL without credentials as the operator wrote it, not as a parser would rewrite it', () => {
    expect(redactUrl('https://Grafana.Example.org:443/loki/')).toBe('https://Grafana.Example.org:443/loki');
    expect(redactUrl('http://tempo:3200/a%7Eb')).toBe('http://tempo:3200/a%7Eb');
  });

  it('never echoes a value that is not a URL verbatim when it carries credentials', () => {
    expect(redactUrl('not a url but http://u:p@x')).toBe('not a url but http://***@x');
  });
});

describe('redactSecrets: free text for logs and stored errors', () => {
  it('masks URL credentials and authorization values, keeping the rest readable', () => {
    const text =
      'request to https://bot:hunter2@ghe.example.org/api/v3/repos failed; Authorization: token ghp_abcdefghijklmnopqrstuvwxyz0123456789';
    const redacted = redactSecrets(text);
    expect(redacted).toBe('request to https://***@ghe.example.org/api/v3/repos failed; Authorization: token ***');
    expect(redactSecrets('Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig and more')).toBe('Bearer *** and more');
  });

  it('leaves ordinary prose alone', () => {
    const prose = 'Check GITHUB_TOKEN: the token expired. Loki at http://loki:3100 answered 401.';
    expect(redactSecrets(prose)).toBe(prose);
  });
});
