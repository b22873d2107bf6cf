import { describe, expect, it } from 'vitest';
import { formatMinutes, formatMinutesDelta, parseEstimateMinutes } from './estimate';

describe('parseEstimateMinutes', () => {
  it.each([
    ['~15min', 15],
    ['~30min', 30],
    ['~1h', 60],
    ['~2h', 120],
    ['~½ day', 240],
    ['~27h', 1620],
    ['2h 30m', 150],
    ['1.5 hours', 90],
    ['half a day', 240],
    ['1d', 480],
    ['1½h', 90],
    ['45 minutes', 45],
  ])('reads %s as %i minutes', (text, minutes) => {
    expect(parseEstimateMinutes(text)).toBe(minutes);
  });

  it.each(['', 'soon', '1h and some', '3 weeks', '~'])('rejects %j', (text) => {
    expect(parseEstimateMinutes(text)).toBeNull();
  });
});

describe('formatMinutes', () => {
  it('shows minutes below an hour and hours above', () => {
    expect(formatMinutes(15)).toBe('15min');
    expect(formatMinutes(120)).toBe('2h');
    expect(formatMinutes(2190)).toBe('36.5h');
    expect(formatMinutes(75)).toBe('1.25h');
  });
  it('shows nothing as 0h, not "0min"', () => {
    expect(formatMinutes(0)).toBe('0h');
  });
  it('signs differences', () => {
    expect(formatMinutesDelta(570)).toBe('+9.5h');
    expect(formatMinutesDelta(-30)).toBe('−30min');
  });
});

describe('estimate decisions (pinned)', () => {
  it('reads a marker only at the start, and every unit word whole', () => {
    expect(parseEstimateMinutes('  ~1H ')).toBe(60);
    expect(parseEstimateMinutes('about 2h')).toBe(120);
    expect(parseEstimateMinutes('approx. 3h')).toBe(180);
    expect(parseEstimateMinutes('approx.3h')).toBe(180);
    expect(parseEstimateMinutes('approx 3h')).toBe(180);
    expect(parseEstimateMinutes('1h~2h')).toBe(null);
    expect(parseEstimateMinutes('1h about 2h')).toBe(null);
    expect(parseEstimateMinutes('1h approx 2h')).toBe(null);
    expect(parseEstimateMinutes('2 hours')).toBe(120);
    expect(parseEstimateMinutes('2 month')).toBe(null);
    expect(parseEstimateMinutes('2 mo')).toBe(null);
  });

  it('keeps every decimal digit and reads "half day" without "a"', () => {
    expect(parseEstimateMinutes('1.25h')).toBe(75);
    expect(parseEstimateMinutes('1,5h')).toBe(90);
    expect(parseEstimateMinutes('half day')).toBe(240);
  });

  it('is not an estimate when nothing but separators is written', () => {
    expect(parseEstimateMinutes('and')).toBe(null);
    expect(parseEstimateMinutes(', +')).toBe(null);
    expect(parseEstimateMinutes('~')).toBe(null);
  });

  it('switches to hours at exactly 60 minutes, and signs differences', () => {
    expect(formatMinutes(59)).toBe('59min');
    expect(formatMinutes(60)).toBe('1h');
    expect(formatMinutesDelta(0)).toBe('±0h');
    expect(formatMinutesDelta(-30)).toBe('−30min');
    expect(formatMinutesDelta(90)).toBe('+1.5h');
  });
});
