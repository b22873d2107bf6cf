import { describe, expect, it } from 'vitest';
import { parseBodyEstimate } from './body-estimate';

describe('parseBodyEstimate', () => {
  it.each([
    ['Labels: phase-3 profiling python acapy Estimated Effort: ~1h', '~1h', 60],
    ['Estimated Effort: ~15min\n\nDescription: …', '~15min', 15],
    ['**Estimated Effort:** ~½ day', '~½ day', 240],
    ['## Details\nEstimated effort: 2h 30m (including review)', '2h 30m', 150],
    ['| Estimate | ~3h |', '~3h', 180],
    ['Effort - 1.5 hours.', '1.5 hours', 90],
  ])('reads %j', (body, text, minutes) => {
    expect(parseBodyEstimate(body)).toEqual({ text, minutes });
  });

  it('returns null when the body has no estimate or an unreadable one', () => {
    expect(parseBodyEstimate(null)).toBeNull();
    expect(parseBodyEstimate('Add pyroscope-io to dependencies')).toBeNull();
    expect(parseBodyEstimate('Estimated Effort: TBD')).toBeNull();
  });

  it('takes the first readable estimate line', () => {
    expect(parseBodyEstimate('Estimated Effort: unknown\nEstimated Effort: ~4h')?.minutes).toBe(240);
  });

  it('reads lines ended by CRLF, as browsers submit them, and the same text alike every time', () => {
    const body = 'Estimated Effort: unknown\r\nEstimate: 2h\r\nmore';
    expect(parseBodyEstimate(body)).toEqual({ text: '2h', minutes: 120 });
    const first = parseBodyEstimate(body);
    if (first) first.minutes = 1;
    expect(parseBodyEstimate(body)).toEqual({ text: '2h', minutes: 120 });
  });

  it('reads a zero as no estimate, so a later line can still give one', () => {
    expect(parseBodyEstimate('Estimated Effort: 0h')).toBeNull();
    expect(parseBodyEstimate('Estimated Effort: 0h\nEstimate: 2h')).toEqual({ text: '2h', minutes: 120 });
  });

  it('drops any run of closing punctuation after the figure', () => {
    expect(parseBodyEstimate('Estimated effort: ~3h... give or take')).toEqual({ text: '~3h', minutes: 180 });
  });
});
