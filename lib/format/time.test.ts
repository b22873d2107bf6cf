import { describe, expect, it } from 'vitest';
import { formatAgo, formatUtc, formatUtcExact } from './time';

const NOW = Date.parse('2026-12-02T12:00:00.000Z');
const secondsEarlier = (seconds: number) => new Date(NOW - seconds * 1000).toISOString();

describe('how the board writes times', () => {
  it('writes a time in UTC to the minute, or to the second when exact, whatever zone it was given in', () => {
    expect(formatUtc('2026-11-25T10:52:07.123Z')).toBe('2026-11-25 10:52 UTC');
    expect(formatUtc('2026-11-25T12:52:07+02:00')).toBe('2026-11-25 10:52 UTC');
    expect(formatUtcExact('2026-11-25T10:52:07.123Z')).toBe('2026-11-25 10:52:07 UTC');
  });

  it('says "—" for no time, and shows a text that is not a time as it is, instead of failing the page', () => {
    expect(formatUtc(null)).toBe('—');
    expect(formatUtc(undefined)).toBe('—');
    expect(formatUtc('')).toBe('—');
    expect(formatUtc('soon')).toBe('soon');
    expect(formatUtcExact('soon')).toBeNull();
    expect(formatAgo('soon', NOW)).toBeNull();
    expect(formatAgo('', NOW)).toBeNull();
  });

  it('says how long ago, rounding to the unit it names', () => {
    expect(formatAgo(secondsEarlier(0), NOW)).toBe('just now');
    expect(formatAgo(secondsEarlier(44), NOW)).toBe('just now');
    expect(formatAgo(secondsEarlier(45), NOW)).toBe('1 min ago');
    expect(formatAgo(secondsEarlier(59 * 60 + 29), NOW)).toBe('59 min ago');
    expect(formatAgo(secondsEarlier(59 * 60 + 30), NOW)).toBe('1 h ago');
    expect(formatAgo(secondsEarlier(47 * 3600 + 29 * 60), NOW)).toBe('47 h ago');
    expect(formatAgo(secondsEarlier(47 * 3600 + 30 * 60), NOW)).toBe('2 days ago');
    expect(formatAgo(secondsEarlier(10 * 86400), NOW)).toBe('10 days ago');
  });

  it('calls a time ahead of the clock (another machine’s clock) "just now", never a negative age', () => {
    expect(formatAgo(secondsEarlier(-600), NOW)).toBe('just now');
  });
});
