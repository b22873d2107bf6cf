import { describe, expect, it } from 'vitest';
import { utcTimeText } from './utc-time-text';

describe('utcTimeText', () => {
  it('writes what toISOString writes, for times across four centuries and their edges', () => {
    const edges = [
      '1970-01-01T00:00:00.000Z',
      '1969-12-31T23:59:59.999Z',
      '2000-02-29T12:34:56.789Z',
      '2100-02-28T23:59:59.999Z',
      '2100-03-01T00:00:00.000Z',
      '2024-12-31T23:59:59.999Z',
      '0000-01-01T00:00:00.000Z',
      '9999-12-31T23:59:59.999Z',
      '0001-03-01T00:00:00.001Z',
    ].map((text) => new Date(text));
    // A fixed spread of times from 1900 to 2300, seconds and milliseconds included.
    const spread = Array.from({ length: 20_000 }, (_, i) => new Date(-2_208_988_800_000 + i * 631_138_519));
    for (const date of [...edges, ...spread]) expect(utcTimeText(date)).toBe(date.toISOString());
  });

  it('leaves years toISOString writes in its six-digit form, and invalid dates, to toISOString', () => {
    for (const text of ['+010000-01-01T00:00:00.000Z', '-000001-12-31T23:59:59.999Z'])
      expect(utcTimeText(new Date(text))).toBe(text);
    expect(() => utcTimeText(new Date('not a time'))).toThrow(RangeError);
  });
});
