import { describe, expect, it } from 'vitest';
import { parseDurationMs } from './duration';

describe('durations in settings (SYNC_INTERVAL, VERIFY_TIMEOUT, …)', () => {
  it('reads milliseconds, seconds, minutes and hours, a bare number as seconds, with spaces around', () => {
    expect(parseDurationMs('500ms')).toBe(500);
    expect(parseDurationMs('30s')).toBe(30_000);
    expect(parseDurationMs(' 10 m ')).toBe(600_000);
    expect(parseDurationMs('1h')).toBe(3_600_000);
    expect(parseDurationMs('45')).toBe(45_000);
    expect(parseDurationMs('1.25m')).toBe(75_000);
    expect(parseDurationMs('0.5s')).toBe(500);
  });

  it('refuses what it cannot read whole, rather than reading part of it', () => {
    for (const text of ['', 'm', '10 minutes', 'x10m', '10mx', '1.m', '1.5.5s', '-5s', '10d', '1e3s', '10m 5s']) {
      expect(parseDurationMs(text), JSON.stringify(text)).toBeNull();
    }
  });
});
